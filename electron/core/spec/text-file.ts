import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { dirname, relative, sep } from 'node:path';
import { RpcError } from '../../../shared/rpc';
import { atomicWrite } from '../util/atomic-write';
import { realInside } from '../util/real-path';

/** Plan files larger than this are refused instead of parsed and sent whole to the page. */
export const MAX_PLAN_FILE_BYTES = 5 * 1024 * 1024;

/** A Markdown file as read: text without BOM, and what must be kept when writing it back. */
export interface TextDoc {
  readonly exists: boolean;
  /** Content without the BOM; line endings as on disk. */
  readonly text: string;
  readonly bom: boolean;
  readonly eol: 'lf' | 'crlf';
  /** SHA-1 of the bytes on disk ('' when the file does not exist). */
  readonly hash: string;
  /** False when the bytes are not valid UTF-8: the text shows U+FFFD, and edits are refused so no byte is lost. */
  readonly validUtf8: boolean;
}

/** SHA-1 of bytes or a string's UTF-8 bytes. */
export function sha1(data: string | Uint8Array): string {
  return createHash('sha1').update(data).digest('hex');
}

/** The dominant line ending of a text ('lf' when there is none). */
export function eolStyle(text: string): 'lf' | 'crlf' {
  const crlf = (text.match(/\r\n/g) ?? []).length;
  const lf = (text.match(/\n/g) ?? []).length - crlf;
  return crlf > lf ? 'crlf' : 'lf';
}

/**
 * Reads a plan file of the project at `root`; a missing file reads as empty with `exists: false`.
 * A file whose real path leaves the project (a symbolic link, or a linked folder on the way) is
 * refused, and so is a file over MAX_PLAN_FILE_BYTES, each with a message that says what to do.
 */
export async function readTextDoc(path: string, root: string): Promise<TextDoc> {
  const shown = relative(root, path).split(sep).join('/');
  let bytes: Buffer;
  try {
    if (!(await realInside(root, path))) {
      throw new RpcError('FORBIDDEN', `${shown} is a symbolic link (or inside a linked folder) that leads outside the project; Plumbline does not read it. Replace the link with the file itself.`);
    }
    const size = (await fs.stat(path)).size;
    if (size > MAX_PLAN_FILE_BYTES) {
      throw new RpcError('UNAVAILABLE', `${shown} is ${(size / 1024 / 1024).toFixed(1)} MB; Plumbline opens plan files up to ${MAX_PLAN_FILE_BYTES / 1024 / 1024} MB. Split it into smaller files (for example further specs in .plumbline/specs/) with a text editor.`);
    }
    bytes = await fs.readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { exists: false, text: '', bom: false, eol: 'lf', hash: '', validUtf8: true };
    throw error;
  }
  let validUtf8 = true;
  let decoded: string;
  try {
    decoded = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    validUtf8 = false;
    decoded = bytes.toString('utf8');
  }
  const bom = decoded.startsWith('\uFEFF');
  const text = bom ? decoded.slice(1) : decoded;
  return { exists: true, text, bom, eol: eolStyle(text), hash: sha1(bytes), validUtf8 };
}

/** Refuses to edit a plan file whose bytes are not valid UTF-8: writing the decoded text back would replace them. */
export function assertEditable(doc: TextDoc, shown: string): void {
  if (!doc.validUtf8) {
    throw new RpcError('CONFLICT', `${shown} contains bytes that are not valid UTF-8; editing it here would replace them. Fix the encoding in a text editor (save it as UTF-8), then edit it again.`);
  }
}

/** Writes text atomically, adding the BOM back when the file had one; creates missing folders. */
export async function writeTextDoc(path: string, text: string, bom: boolean): Promise<string> {
  await fs.mkdir(dirname(path), { recursive: true });
  const data = Buffer.from((bom ? '\uFEFF' : '') + text, 'utf8');
  await atomicWrite(path, data);
  return sha1(data);
}

/** Converts LF line endings of generated text to the file's style. */
export function withEol(text: string, eol: 'lf' | 'crlf'): string {
  return eol === 'crlf' ? text.replace(/\r?\n/g, '\r\n') : text;
}

const locks = new Map<string, Promise<unknown>>();

/** Runs read-modify-write steps on one file one at a time, so two edits never interleave. */
export function withFileLock<T>(path: string, fn: () => Promise<T>): Promise<T> {
  const previous = locks.get(path) ?? Promise.resolve();
  const run = previous.then(fn, fn);
  const settled = run.catch(() => undefined);
  locks.set(path, settled);
  void settled.then(() => {
    if (locks.get(path) === settled) locks.delete(path);
  });
  return run;
}
