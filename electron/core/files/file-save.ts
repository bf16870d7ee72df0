import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { diffArrays } from 'diff';
import { RpcError } from '../../../shared/rpc';
import { atomicWrite } from '../util/atomic-write';

/** What a save needs besides the text. */
export interface SaveOptions {
  /** SHA-1 of the bytes the editor loaded; null when the file must not exist yet. */
  readonly expectedHash: string | null;
  /** Write even if the file changed on disk since it was loaded (the user chose "Keep mine"). */
  readonly overwrite?: boolean;
  /** The user accepted saving a file whose bytes are not valid UTF-8 (unedited lines keep their bytes). */
  readonly allowInvalidUtf8?: boolean;
}

/** The result of a save: the new baseline for conflict detection. */
export interface SaveResult {
  readonly hash: string;
  readonly size: number;
  readonly mtimeMs: number;
}

/** SHA-1 hex of bytes, the same hash `files.read` reports. */
export function hashBytes(bytes: Uint8Array): string {
  return createHash('sha1').update(bytes).digest('hex');
}

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

interface ByteLine {
  /** The line's bytes without its terminator. */
  readonly body: Buffer;
  /** `\n`, `\r\n` or '' for a last line without one. */
  readonly eol: string;
  /** The body decoded for comparison with editor text. */
  readonly text: string;
}

function splitByteLines(bytes: Buffer): ByteLine[] {
  const decoder = new TextDecoder('utf-8');
  const out: ByteLine[] = [];
  let start = 0;
  for (let i = 0; i <= bytes.length; i++) {
    if (i === bytes.length || bytes[i] === 0x0a) {
      if (i === bytes.length && start === i) break;
      let end = i;
      let eol = i < bytes.length ? '\n' : '';
      if (eol && end > start && bytes[end - 1] === 0x0d) {
        end -= 1;
        eol = '\r\n';
      }
      const body = bytes.subarray(start, end);
      out.push({ body, eol, text: decoder.decode(body) });
      start = i + 1;
    }
  }
  return out;
}

function isValidUtf8(bytes: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** The line ending new lines get: the file's most common one, LF for a file without any. */
function dominantEol(lines: readonly ByteLine[]): string {
  let crlf = 0;
  let lf = 0;
  for (const l of lines) {
    if (l.eol === '\r\n') crlf++;
    else if (l.eol === '\n') lf++;
  }
  return crlf > lf ? '\r\n' : '\n';
}

/** Above this many old × new lines in the changed middle, the middle is treated as replaced instead of diffed. */
const MAX_DIFF_CELLS = 4_000_000;

interface LinePart {
  readonly value: readonly string[];
  readonly added?: boolean;
  readonly removed?: boolean;
}

/**
 * Line diff in linear time for the common cases: the unchanged head and tail are matched directly,
 * only the changed middle is diffed (Myers), and a middle too large to diff cheaply (every line of a
 * big file changed) counts as removed-then-added, which keeps each replacement line's ending by position.
 */
export function lineDiff(a: readonly string[], b: readonly string[]): LinePart[] {
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const midA = a.slice(head, a.length - tail);
  const midB = b.slice(head, b.length - tail);
  const out: LinePart[] = [];
  if (head) out.push({ value: a.slice(0, head) });
  if (midA.length * midB.length <= MAX_DIFF_CELLS) out.push(...diffArrays(midA, midB));
  else out.push({ value: midA, removed: true }, { value: midB, added: true });
  if (tail) out.push({ value: a.slice(a.length - tail) });
  return out.filter((p) => p.value.length > 0);
}

/**
 * Builds the bytes to write from the editor's text and the bytes on disk. Lines the user did not
 * edit keep their exact bytes (line ending, invalid UTF-8); edited and new lines are UTF-8 with the
 * file's dominant line ending; a BOM stays a BOM. So saving changes only what was edited.
 */
export function mergeEditorText(original: Buffer | null, content: string): Buffer {
  const hadBom = original !== null && original.subarray(0, 3).equals(BOM);
  const oldLines = original ? splitByteLines(hadBom ? original.subarray(3) : original) : [];
  const text = content.startsWith('\uFEFF') ? content.slice(1) : content;
  // Editor text as lines with a flag for whether each ended with a line break.
  const parts = text.split(/\r\n|\n|\r/);
  const terminated = parts.map((_, i) => i < parts.length - 1);
  if (parts.length > 1 && parts[parts.length - 1] === '') {
    parts.pop();
    terminated.pop();
  }
  if (parts.length === 1 && parts[0] === '') {
    parts.pop();
    terminated.pop();
  }
  const eol = dominantEol(oldLines);
  const chunks: Buffer[] = hadBom ? [BOM] : [];
  let oi = 0;
  let ni = 0;
  // Line endings of lines just removed: a replacement line takes the ending of the line it replaces.
  let replaced: string[] = [];
  for (const part of lineDiff(
    oldLines.map((l) => l.text),
    parts,
  )) {
    const count = part.value.length;
    if (part.removed) {
      replaced = oldLines.slice(oi, oi + count).map((l) => l.eol);
      oi += count;
      continue;
    }
    for (let k = 0; k < count; k++, ni++) {
      const needsEol = terminated[ni];
      if (!part.added) {
        const old = oldLines[oi++];
        chunks.push(old.body);
        chunks.push(Buffer.from(needsEol ? old.eol || eol : ''));
      } else {
        chunks.push(Buffer.from(parts[ni], 'utf8'));
        if (needsEol) chunks.push(Buffer.from(replaced[k] || eol));
      }
    }
    replaced = [];
  }
  return Buffer.concat(chunks);
}

/**
 * Saves editor text to `abs` atomically, keeping mode, BOM, line endings and unedited bytes.
 * Refuses (CONFLICT) when the disk no longer matches what the editor loaded, and files with invalid
 * UTF-8 unless the user allowed it; a symbolic link is followed so the link itself stays a link.
 */
export async function saveEditorText(abs: string, content: string, options: SaveOptions): Promise<SaveResult> {
  let target = abs;
  try {
    target = await fs.realpath(abs);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  let current: Buffer | null = null;
  try {
    current = await fs.readFile(target);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EISDIR') throw new RpcError('CONFLICT', 'That path is a folder now, not a file. Close the tab or save under another name.');
    if (code !== 'ENOENT') throw error;
  }
  if (!options.overwrite) {
    const diskHash = current ? hashBytes(current) : null;
    if (diskHash !== options.expectedHash) {
      const what = current === null ? 'was deleted' : options.expectedHash === null ? 'already exists' : 'changed on disk';
      throw new RpcError('CONFLICT', `The file ${what} since you opened it. Reload it, or keep your version and compare before saving again.`, { diskHash });
    }
  }
  if (current && !options.allowInvalidUtf8) {
    const body = current.subarray(0, 3).equals(BOM) ? current.subarray(3) : current;
    if (!isValidUtf8(body)) {
      throw new RpcError('CONFLICT', 'This file is not valid UTF-8. Saving keeps the bytes of lines you did not edit and writes edited lines as UTF-8; confirm to save anyway.', { invalidUtf8: true });
    }
  }
  const bytes = mergeEditorText(current, content);
  await atomicWrite(target, bytes);
  const st = await fs.stat(target);
  return { hash: hashBytes(bytes), size: st.size, mtimeMs: st.mtimeMs };
}
