/**
 * One hunk as a patch `git apply --cached` takes: exactly the lines the Changes diff shows for that hunk,
 * so staging it through native git gives the same index content as the built-in engine would.
 */
import { diffArrays } from 'diff';
import type { LineHunk } from '../hunks';

/** Quotes a path the way git does when it has to (quotes, backslashes, control characters). */
export function quotePath(path: string): string {
  // eslint-disable-next-line no-control-regex
  if (!/["\\\x00-\x1f\x7f]/.test(path)) return path;
  const bytes = Buffer.from(path, 'utf8');
  let out = '"';
  for (const b of bytes) {
    if (b === 0x22) out += '\\"';
    else if (b === 0x5c) out += '\\\\';
    else if (b === 0x0a) out += '\\n';
    else if (b === 0x09) out += '\\t';
    else if (b < 0x20 || b === 0x7f || b >= 0x80) out += `\\${b.toString(8).padStart(3, '0')}`;
    else out += String.fromCharCode(b);
  }
  return `${out}"`;
}

/**
 * The patch of one hunk between latin1 line arrays (see hunks.ts). `oldExists`/`newExists` say whether
 * each side is a file at all (a new or a deleted file), `mode` is the file's git mode.
 */
export function hunkPatch(path: string, oldLines: readonly string[], newLines: readonly string[], hunk: LineHunk, sides: { oldExists: boolean; newExists: boolean; mode: number }): Buffer {
  const a = quotePath(`a/${path}`);
  const b = quotePath(`b/${path}`);
  const mode = sides.mode.toString(8);
  let head = `diff --git ${a} ${b}\n`;
  if (!sides.oldExists) head += `new file mode ${mode}\n`;
  else if (!sides.newExists) head += `deleted file mode ${mode}\n`;
  head += `--- ${sides.oldExists ? a : '/dev/null'}\n+++ ${sides.newExists ? b : '/dev/null'}\n${hunk.header}\n`;
  const before = oldLines.slice(hunk.oldStart, hunk.oldStart + hunk.oldLines);
  const after = newLines.slice(hunk.newStart, hunk.newStart + hunk.newLines);
  let body = '';
  const line = (prefix: string, text: string) => {
    body += prefix + text;
    if (!text.endsWith('\n')) body += '\n\\ No newline at end of file\n';
  };
  for (const part of diffArrays(before, after)) {
    const prefix = part.added ? '+' : part.removed ? '-' : ' ';
    for (const text of part.value) line(prefix, text);
  }
  return Buffer.concat([Buffer.from(head, 'utf8'), Buffer.from(body, 'latin1')]);
}
