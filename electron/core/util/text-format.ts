import { createHash } from 'node:crypto';

/** A text file split into what the agent edits and what must be kept byte for byte. */
export interface DecodedText {
  readonly text: string;
  readonly bom: boolean;
  readonly eol: '\n' | '\r\n';
}

/** Git blob SHA-1 of bytes (the hash the journal and the Calibrator use); null hash = absent file. */
export function blobHash(bytes: Uint8Array): string {
  return createHash('sha1').update(`blob ${bytes.byteLength}\0`).update(bytes).digest('hex');
}

/** True when the bytes look binary (a NUL in the first 8 KB). */
export function looksBinary(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.byteLength, 8192);
  for (let i = 0; i < n; i++) if (bytes[i] === 0) return true;
  return false;
}

/** Decodes UTF-8 strictly; null when the bytes are not valid UTF-8 (then the agent may not edit them). */
export function decodeText(bytes: Uint8Array): DecodedText | null {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return null;
  }
  const bom = text.startsWith('\uFEFF');
  if (bom) text = text.slice(1);
  const crlf = (text.match(/\r\n/g) ?? []).length;
  const lf = (text.match(/\n/g) ?? []).length - crlf;
  return { text, bom, eol: crlf > lf ? '\r\n' : '\n' };
}

/** Encodes text back with the file's BOM. */
export function encodeText(text: string, bom: boolean): Uint8Array {
  return new TextEncoder().encode(bom ? `\uFEFF${text}` : text);
}

/** Converts model text (usually LF) to the file's own line endings. */
export function toEol(text: string, eol: '\n' | '\r\n'): string {
  const lf = text.replace(/\r\n/g, '\n');
  return eol === '\n' ? lf : lf.replace(/\n/g, '\r\n');
}

/** Counts non-overlapping occurrences and returns their offsets. */
export function findAll(haystack: string, needle: string): number[] {
  const out: number[] = [];
  if (!needle) return out;
  let i = haystack.indexOf(needle);
  while (i !== -1) {
    out.push(i);
    i = haystack.indexOf(needle, i + needle.length);
  }
  return out;
}

/** 1-based line number of an offset. */
export function lineNumberAt(text: string, offset: number): number {
  let n = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) n++;
  return n;
}

/** Lines `from..to` (1-based, inclusive) prefixed with their numbers, as the edit tool shows them. */
export function numberedLines(text: string, from = 1, to = Number.POSITIVE_INFINITY): string {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  const end = Math.min(lines.length, to);
  const out: string[] = [];
  for (let i = Math.max(1, from); i <= end; i++) out.push(`${String(i).padStart(6)}\t${lines[i - 1]}`);
  return out.join('\n');
}

const PLACEHOLDERS: readonly RegExp[] = [
  /(?:\.\.\.|…)\s*(?:existing|rest of|remaining|previous|other|unchanged|same)\b/i,
  /\b(?:rest|remainder) of (?:the )?(?:code|file|implementation|function|class|methods?)\b/i,
  /\b(?:existing|previous|other) (?:code|implementation|methods?) (?:here|unchanged|remains?)\b/i,
  /\bunchanged (?:code|content|lines?)\b/i,
  /^\s*(?:\/\/|#|\/\*|<!--|--)\s*(?:\.\.\.|…)\s*(?:\*\/|-->)?\s*$/m,
];

/** True when `added` contains placeholder text that `original` did not ("... existing code", "// rest unchanged"). */
export function hasNewPlaceholder(original: string, added: string): boolean {
  return PLACEHOLDERS.some((re) => re.test(added) && !re.test(original));
}

/** Warnings for a write: emptied, drastically shrunk, or placeholder text inserted. */
export function writeFlags(before: string | null, after: string, inserted: string): string[] {
  const flags: string[] = [];
  if (before !== null && before.trim().length > 0 && after.trim().length === 0) flags.push('emptied');
  else if (before !== null) {
    const b = before.split('\n').length;
    const a = after.split('\n').length;
    if (b >= 20 && a < b * 0.5) flags.push('shrunk');
  }
  if (hasNewPlaceholder(before ?? '', inserted)) flags.push('placeholder');
  return flags;
}

/** Words for flags, shown to the model and the user. */
export function describeFlags(flags: readonly string[]): string {
  const words: Record<string, string> = {
    emptied: 'the edit empties the file',
    shrunk: 'the edit removes more than half of the file',
    placeholder: 'the edit inserts placeholder text (like "... existing code") instead of real code',
  };
  return flags.map((f) => words[f] ?? f).join('; ');
}
