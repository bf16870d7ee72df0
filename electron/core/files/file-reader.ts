import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import type { FileContent } from '../../../shared/contract';

/** Files above this size are never loaded into the editor. */
export const EDITOR_SIZE_LIMIT = 5 * 1024 * 1024;
const SNIFF_BYTES = 8000;

/** True when the bytes look binary (a NUL in the first 8,000 bytes, git's own heuristic). */
export function looksBinary(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, SNIFF_BYTES);
  for (let i = 0; i < n; i++) if (bytes[i] === 0) return true;
  return false;
}

/** Line-ending style of a text. */
export function detectEol(text: string): 'lf' | 'crlf' | 'mixed' | 'none' {
  const crlf = (text.match(/\r\n/g) ?? []).length;
  const lf = (text.match(/\n/g) ?? []).length - crlf;
  if (crlf === 0 && lf === 0) return 'none';
  if (crlf > 0 && lf > 0) return 'mixed';
  return crlf > 0 ? 'crlf' : 'lf';
}

/** Reads a file for display, never loading a large or binary file whole. */
export async function readFileForDisplay(abs: string, relPath: string, limit = EDITOR_SIZE_LIMIT): Promise<FileContent> {
  const st = await fs.stat(abs);
  if (st.size > limit) return { kind: 'tooLarge', path: relPath, size: st.size, limit };
  const handle = await fs.open(abs, 'r');
  let bytes: Buffer;
  try {
    const head = Buffer.alloc(Math.min(st.size, SNIFF_BYTES));
    await handle.read(head, 0, head.length, 0);
    if (looksBinary(head)) return { kind: 'binary', path: relPath, size: st.size };
    bytes = await handle.readFile();
  } finally {
    await handle.close();
  }
  const bom = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  const body = bom ? bytes.subarray(3) : bytes;
  let content: string;
  let invalidUtf8 = false;
  try {
    content = new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    invalidUtf8 = true;
    content = new TextDecoder('utf-8').decode(body);
  }
  return {
    kind: 'text',
    path: relPath,
    content,
    size: st.size,
    eol: detectEol(content),
    bom,
    invalidUtf8,
    mode: st.mode & 0o7777,
    mtimeMs: st.mtimeMs,
    hash: createHash('sha1').update(bytes).digest('hex'),
  };
}
