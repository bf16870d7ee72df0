import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { dirname } from 'node:path';
import { atomicWrite } from '../util/atomic-write';

/** A Markdown file as read: text without BOM, and what must be kept when writing it back. */
export interface TextDoc {
  readonly exists: boolean;
  /** Content without the BOM; line endings as on disk. */
  readonly text: string;
  readonly bom: boolean;
  readonly eol: 'lf' | 'crlf';
  /** SHA-1 of the bytes on disk ('' when the file does not exist). */
  readonly hash: string;
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

/** Reads a text file; a missing file reads as empty with `exists: false`. */
export async function readTextDoc(path: string): Promise<TextDoc> {
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { exists: false, text: '', bom: false, eol: 'lf', hash: '' };
    throw error;
  }
  const decoded = bytes.toString('utf8');
  const bom = decoded.startsWith('\uFEFF');
  const text = bom ? decoded.slice(1) : decoded;
  return { exists: true, text, bom, eol: eolStyle(text), hash: sha1(bytes) };
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
