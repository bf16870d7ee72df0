import type { GitDiff } from '../../../shared/contract';
import { EDITOR_SIZE_LIMIT, looksBinary } from '../files/file-reader';
import { computeHunks, splitLines } from './hunks';
import type { Side } from './object-reads';

function decode(bytes: Uint8Array): { text: string; invalid: boolean } {
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), invalid: false };
  } catch {
    return { text: new TextDecoder('utf-8').decode(bytes), invalid: true };
  }
}

/**
 * Builds what the diff editor shows for two sides of one path: text with its hunks, or a note that
 * it is binary or over the size limit (then nothing heavier is sent).
 */
export function buildDiff(path: string, before: Side, after: Side, limit = EDITOR_SIZE_LIMIT): GitDiff {
  const a = before.bytes ?? new Uint8Array();
  const b = after.bytes ?? new Uint8Array();
  const size = Math.max(a.length, b.length);
  if (size > limit) return { kind: 'tooLarge', path, size, limit };
  if (looksBinary(a) || looksBinary(b)) return { kind: 'binary', path, oldSize: a.length, newSize: b.length };
  const hunks = computeHunks(splitLines(a), splitLines(b)).map((h) => ({
    index: h.index,
    oldStart: h.oldStart + 1,
    oldLines: h.oldLines,
    newStart: h.newStart + 1,
    newLines: h.newLines,
    header: h.header,
  }));
  const original = decode(a);
  const modified = decode(b);
  return { kind: 'text', path, original: original.text, modified: modified.text, hunks, invalidUtf8: original.invalid || modified.invalid };
}

/** A side as blobs.readSide reports it (never loaded whole when over the limit). */
export interface SizedSide {
  readonly exists: boolean;
  readonly bytes: Uint8Array | null;
  readonly size: number;
  readonly binary: boolean;
  readonly tooLarge: boolean;
  readonly mode?: number;
}

/** Builds a diff from two sides read with a size limit: too large or binary is said, not sent. */
export function buildDiffFromSides(path: string, before: SizedSide, after: SizedSide, limit = EDITOR_SIZE_LIMIT): GitDiff {
  if (before.tooLarge || after.tooLarge) return { kind: 'tooLarge', path, size: Math.max(before.size, after.size), limit };
  if (before.binary || after.binary) return { kind: 'binary', path, oldSize: before.size, newSize: after.size };
  return buildDiff(path, { bytes: before.bytes, mode: before.mode ?? null }, { bytes: after.bytes, mode: after.mode ?? null }, limit);
}
