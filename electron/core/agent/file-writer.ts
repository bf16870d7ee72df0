import { promises as fs } from 'node:fs';
import { dirname } from 'node:path';
import { atomicWrite } from '../util/atomic-write';
import { confinePath, ToolError, type AgentPath } from '../files/path-guard';
import type { RunJournal } from '../checkpoints/run-journal';
import { blobHash, decodeText, describeFlags, encodeText, findAll, lineNumberAt, looksBinary, numberedLines, toEol, writeFlags } from '../util/text-format';

/** What the approval gate is shown for an edit. */
export interface EditRequest {
  readonly path: string;
  readonly before: string | null;
  readonly after: string;
  readonly flags: readonly string[];
}

/** Asks the user (or the auto-approve setting) whether an edit may be written. */
export type EditGate = (request: EditRequest) => Promise<boolean>;

/** Listener for every completed write (for transcripts). */
export type WriteListener = (path: string, hashBefore: string | null, hashAfter: string, flags: readonly string[]) => void;

const MAX_VIEW_BYTES = 2 * 1024 * 1024;

interface Current {
  readonly bytes: Uint8Array | null;
  readonly mode: number | undefined;
}

/**
 * The one file writer of a run: every agent write passes here, where the approval gate, the
 * stale-read guard, exactly-one-match replacement, the read-back check and the journal live.
 */
export class FileWriter {
  /** Hash of each file as the agent last saw it (viewed or written). */
  private readonly seen = new Map<string, string | null>();

  constructor(
    private readonly root: string,
    private readonly journal: RunJournal,
    private readonly gate: EditGate,
    private readonly onWrite: WriteListener = () => {},
    private readonly readOnly = false,
  ) {}

  /** Runs one call of str_replace_based_edit_tool and returns the text for the tool result. */
  async run(input: Record<string, unknown>): Promise<string> {
    const command = input.command;
    if (command === 'view') return this.view(input);
    if (this.readOnly) throw new ToolError('This session is read-only: only "view" is available.');
    switch (command) {
      case 'create':
        return this.create(input);
      case 'str_replace':
        return this.strReplace(input);
      case 'insert':
        return this.insert(input);
      case 'undo_edit':
        throw new ToolError('undo_edit is not supported; make a new str_replace that restores the text.');
      default:
        throw new ToolError(`Unknown command ${JSON.stringify(command)}; use view, create, str_replace or insert.`);
    }
  }

  private async read(p: AgentPath): Promise<Current> {
    try {
      const stat = await fs.lstat(p.abs);
      if (stat.isDirectory()) throw new ToolError(`${p.rel} is a directory.`);
      return { bytes: new Uint8Array(await fs.readFile(p.abs)), mode: stat.mode & 0o7777 };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { bytes: null, mode: undefined };
      throw error;
    }
  }

  private async view(input: Record<string, unknown>): Promise<string> {
    const p = await confinePath(this.root, input.path ?? '.');
    const stat = await fs.stat(p.abs).catch(() => null);
    if (!stat) throw new ToolError(`${p.rel || '.'} does not exist.`);
    if (stat.isDirectory()) return this.listDir(p);
    if (stat.size > MAX_VIEW_BYTES) throw new ToolError(`${p.rel} is ${stat.size} bytes, too large to view; use grep or a view_range on a smaller file.`);
    const bytes = new Uint8Array(await fs.readFile(p.abs));
    this.seen.set(p.rel, blobHash(bytes));
    if (looksBinary(bytes)) return `${p.rel} is a binary file (${bytes.byteLength} bytes).`;
    const decoded = decodeText(bytes);
    if (!decoded) return `${p.rel} is not valid UTF-8 (${bytes.byteLength} bytes); it cannot be shown or edited as text.`;
    const range = Array.isArray(input.view_range) ? (input.view_range as unknown[]).map(Number) : null;
    const from = range && Number.isFinite(range[0]) ? Math.max(1, range[0]) : 1;
    const to = range && Number.isFinite(range[1]) && range[1] !== -1 ? range[1] : Number.POSITIVE_INFINITY;
    const body = numberedLines(decoded.text, from, to);
    return body === '' ? `${p.rel} is empty.` : body;
  }

  private async listDir(p: AgentPath): Promise<string> {
    const out: string[] = [];
    const walk = async (abs: string, rel: string, depth: number): Promise<void> => {
      const entries = await fs.readdir(abs, { withFileTypes: true });
      entries.sort((a, b) => a.name.localeCompare(b.name));
      for (const e of entries) {
        if (e.name === '.git' || e.name === 'node_modules') continue;
        const child = rel ? `${rel}/${e.name}` : e.name;
        out.push(e.isDirectory() ? `${child}/` : child);
        if (e.isDirectory() && depth < 2 && out.length < 500) await walk(`${abs}/${e.name}`, child, depth + 1);
      }
    };
    await walk(p.abs, p.rel, 1);
    return out.length ? out.join('\n') : `${p.rel || '.'} is empty.`;
  }

  /** Refuses an edit to a file the agent has not seen, or one changed on disk since it last saw it. */
  private guardStale(p: AgentPath, current: Current): void {
    const now = current.bytes ? blobHash(current.bytes) : null;
    if (!this.seen.has(p.rel)) {
      if (current.bytes === null) return;
      throw new ToolError(`Refused: view ${p.rel} before editing it, so the edit is based on its current content.`);
    }
    if (this.seen.get(p.rel) !== now) {
      throw new ToolError(`Refused: ${p.rel} changed on disk since you last viewed it (someone else edited it). View it again and redo the edit on the new content.`);
    }
  }

  private decodeForEdit(p: AgentPath, bytes: Uint8Array): { text: string; bom: boolean; eol: '\n' | '\r\n' } {
    if (looksBinary(bytes)) throw new ToolError(`Refused: ${p.rel} is binary; the edit tool only edits text.`);
    const decoded = decodeText(bytes);
    if (!decoded) throw new ToolError(`Refused: ${p.rel} is not valid UTF-8; editing it as text would change bytes nobody edited.`);
    return decoded;
  }

  private async create(input: Record<string, unknown>): Promise<string> {
    const p = await confinePath(this.root, input.path, 'write');
    if (typeof input.file_text !== 'string') throw new ToolError('"file_text" is required for create.');
    const current = await this.read(p);
    let text = input.file_text;
    let bom = false;
    let before: string | null = null;
    if (current.bytes) {
      // Overwriting is allowed only on a file the agent has seen, and is flagged as a whole-file rewrite.
      this.guardStale(p, current);
      const decoded = this.decodeForEdit(p, current.bytes);
      bom = decoded.bom;
      before = decoded.text;
      text = toEol(text, decoded.eol);
    }
    const flags = writeFlags(before, text, text);
    if (before !== null) flags.push('rewrite');
    await this.write(p, current, before, text, bom, flags);
    return `${before === null ? 'Created' : 'Rewrote'} ${p.rel}.${warn(flags)}`;
  }

  private async strReplace(input: Record<string, unknown>): Promise<string> {
    const p = await confinePath(this.root, input.path, 'write');
    if (typeof input.old_str !== 'string' || input.old_str === '') throw new ToolError('"old_str" is required and must not be empty.');
    const newStrRaw = typeof input.new_str === 'string' ? input.new_str : '';
    const current = await this.read(p);
    if (!current.bytes) throw new ToolError(`${p.rel} does not exist; use create for a new file.`);
    this.guardStale(p, current);
    const decoded = this.decodeForEdit(p, current.bytes);
    const oldStr = toEol(input.old_str, decoded.eol);
    const newStr = toEol(newStrRaw, decoded.eol);
    const hits = findAll(decoded.text, oldStr);
    if (hits.length === 0) throw new ToolError(`No match for old_str in ${p.rel}; the file is unchanged.${nearby(decoded.text, oldStr)}`);
    if (hits.length > 1) {
      const lines = hits.map((h) => lineNumberAt(decoded.text, h)).join(', ');
      throw new ToolError(`old_str matches ${hits.length} times in ${p.rel} (lines ${lines}); the file is unchanged. Include more surrounding lines so it matches exactly once.`);
    }
    const at = hits[0];
    const after = decoded.text.slice(0, at) + newStr + decoded.text.slice(at + oldStr.length);
    const flags = writeFlags(decoded.text, after, newStr);
    await this.write(p, current, decoded.text, after, decoded.bom, flags);
    const line = lineNumberAt(after, at);
    const shown = numberedLines(after, Math.max(1, line - 3), line + newStr.split('\n').length + 3);
    return `Edited ${p.rel}.${warn(flags)}\n${shown}`;
  }

  private async insert(input: Record<string, unknown>): Promise<string> {
    const p = await confinePath(this.root, input.path, 'write');
    const lineNo = Number(input.insert_line);
    const textRaw = typeof input.insert_text === 'string' ? input.insert_text : typeof input.new_str === 'string' ? input.new_str : null;
    if (!Number.isInteger(lineNo) || lineNo < 0) throw new ToolError('"insert_line" must be a line number (0 inserts at the top).');
    if (textRaw === null) throw new ToolError('"insert_text" is required for insert.');
    const current = await this.read(p);
    if (!current.bytes) throw new ToolError(`${p.rel} does not exist; use create for a new file.`);
    this.guardStale(p, current);
    const decoded = this.decodeForEdit(p, current.bytes);
    const eol = decoded.eol;
    const lines = decoded.text.split(eol);
    const trailing = lines.length > 1 && lines[lines.length - 1] === '';
    if (trailing) lines.pop();
    if (lineNo > lines.length) throw new ToolError(`insert_line ${lineNo} is past the end of ${p.rel} (${lines.length} lines); the file is unchanged.`);
    const insertText = toEol(textRaw, eol).replace(new RegExp(`${eol === '\n' ? '\\n' : '\\r\\n'}$`), '');
    lines.splice(lineNo, 0, ...insertText.split(eol));
    const after = lines.join(eol) + (trailing ? eol : '');
    const flags = writeFlags(decoded.text, after, insertText);
    await this.write(p, current, decoded.text, after, decoded.bom, flags);
    return `Inserted ${insertText.split(eol).length} line(s) after line ${lineNo} of ${p.rel}.${warn(flags)}`;
  }

  /** Gate → atomic write (mode kept) → read back → journal. */
  private async write(p: AgentPath, current: Current, before: string | null, after: string, bom: boolean, flags: readonly string[]): Promise<void> {
    const approved = await this.gate({ path: p.rel, before, after, flags });
    if (!approved) throw new ToolError(`The user declined the edit to ${p.rel}; the file is unchanged. Ask or try a different approach.`);
    // Re-check after the (possibly long) approval wait: the user may have edited the file meanwhile.
    const again = await this.read(p);
    const hashBefore = current.bytes ? blobHash(current.bytes) : null;
    const hashNow = again.bytes ? blobHash(again.bytes) : null;
    if (hashNow !== hashBefore) throw new ToolError(`Refused: ${p.rel} changed on disk while the edit waited for approval. View it again and redo the edit.`);
    const bytes = encodeText(after, bom);
    await fs.mkdir(dirname(p.abs), { recursive: true });
    await atomicWrite(p.abs, bytes, current.mode !== undefined ? { mode: current.mode } : {});
    const readBack = new Uint8Array(await fs.readFile(p.abs));
    const hashAfter = blobHash(readBack);
    if (hashAfter !== blobHash(bytes)) throw new ToolError(`The write to ${p.rel} did not land: the file on disk differs from what was written. Check the file and retry.`);
    this.seen.set(p.rel, hashAfter);
    this.journal.record({ path: p.rel, hashBefore, hashAfter, source: 'edit', flags });
    this.onWrite(p.rel, hashBefore, hashAfter, flags);
  }

  /** Notes that a file changed through a command, so the next edit needs a fresh view. */
  forget(rel: string): void {
    this.seen.delete(rel);
  }
}

function warn(flags: readonly string[]): string {
  const serious = flags.filter((f) => f !== 'rewrite');
  return serious.length ? ` WARNING: ${describeFlags(serious)}. If that was not intended, fix it now.` : '';
}

/** Nearby lines for a failed match: where the first line of old_str (trimmed) appears, else the file start. */
function nearby(text: string, oldStr: string): string {
  const first = oldStr.split(/\r?\n/).find((l) => l.trim() !== '')?.trim();
  if (!first) return '';
  const lines = text.split(/\r?\n/);
  const idx = lines.findIndex((l) => l.includes(first));
  if (idx === -1) return ` Its first line "${first.slice(0, 120)}" does not appear in the file either; view the file again.`;
  return ` The closest place (line ${idx + 1}) reads:\n${numberedLines(text, Math.max(1, idx - 2), idx + 4)}\nCopy old_str exactly from the current file (whitespace included).`;
}
