import { diffArrays } from 'diff';

/** One hunk between two byte sequences, by line: 0-based start indexes, git-style 3 lines of context. */
export interface LineHunk {
  readonly index: number;
  readonly oldStart: number;
  readonly oldLines: number;
  readonly newStart: number;
  readonly newLines: number;
  /** `@@ -a,b +c,d @@` with 1-based starts, as git prints it; identifies the hunk to per-hunk actions. */
  readonly header: string;
}

const CONTEXT = 3;

/**
 * Splits bytes into lines that keep their terminators, as latin1 strings so every byte maps to one
 * character: joining the lines gives back the exact bytes (CRLF, invalid UTF-8 and all).
 */
export function splitLines(bytes: Uint8Array): string[] {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  const lines: string[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      lines.push(text.slice(start, i + 1));
      start = i + 1;
    }
  }
  if (start < text.length) lines.push(text.slice(start));
  return lines;
}

/** Joins latin1 lines back into bytes. */
export function joinLines(lines: readonly string[]): Buffer {
  return Buffer.from(lines.join(''), 'latin1');
}

/** Git's header for a hunk (1-based; a zero-length side starts at the line before). */
function headerOf(oldStart: number, oldLines: number, newStart: number, newLines: number): string {
  const a = oldLines === 0 ? oldStart : oldStart + 1;
  const b = newLines === 0 ? newStart : newStart + 1;
  return `@@ -${a},${oldLines} +${b},${newLines} @@`;
}

/** Computes the hunks between two line arrays, merging changes closer than twice the context. */
export function computeHunks(oldLines: readonly string[], newLines: readonly string[]): LineHunk[] {
  // Changed regions as [oldStart, oldEnd, newStart, newEnd) in line indexes.
  const regions: Array<[number, number, number, number]> = [];
  // Equal head and tail lines are skipped before diffing: most edits touch a small middle part.
  let head = 0;
  const max = Math.min(oldLines.length, newLines.length);
  while (head < max && oldLines[head] === newLines[head]) head++;
  let tail = 0;
  while (tail < max - head && oldLines[oldLines.length - 1 - tail] === newLines[newLines.length - 1 - tail]) tail++;
  let o = head;
  let n = head;
  for (const part of diffArrays(oldLines.slice(head, oldLines.length - tail), newLines.slice(head, newLines.length - tail))) {
    const count = part.value.length;
    if (part.added) {
      pushRegion(regions, o, o, n, n + count);
      n += count;
    } else if (part.removed) {
      pushRegion(regions, o, o + count, n, n);
      o += count;
    } else {
      o += count;
      n += count;
    }
  }
  const hunks: LineHunk[] = [];
  let current: [number, number, number, number] | null = null;
  const flush = () => {
    if (!current) return;
    const [os, oe, ns, ne] = current;
    const before = Math.min(CONTEXT, os, ns);
    const after = Math.min(CONTEXT, oldLines.length - oe, newLines.length - ne);
    const oldStart = os - before;
    const newStart = ns - before;
    const oldCount = oe - os + before + after;
    const newCount = ne - ns + before + after;
    hunks.push({ index: hunks.length, oldStart, oldLines: oldCount, newStart, newLines: newCount, header: headerOf(oldStart, oldCount, newStart, newCount) });
  };
  for (const r of regions) {
    if (current && r[0] - current[1] <= 2 * CONTEXT) {
      current = [current[0], r[1], current[2], r[3]];
    } else {
      flush();
      current = [...r];
    }
  }
  flush();
  return hunks;
}

function pushRegion(regions: Array<[number, number, number, number]>, os: number, oe: number, ns: number, ne: number): void {
  const last = regions[regions.length - 1];
  // A removal directly followed by an addition is one replacement.
  if (last && last[1] === os && last[3] === ns) {
    last[1] = oe;
    last[3] = ne;
  } else {
    regions.push([os, oe, ns, ne]);
  }
}

/** The old side with one hunk applied: its old range replaced by its new range (context is equal on both). */
export function applyHunk(oldLines: readonly string[], newLines: readonly string[], hunk: LineHunk): string[] {
  return [...oldLines.slice(0, hunk.oldStart), ...newLines.slice(hunk.newStart, hunk.newStart + hunk.newLines), ...oldLines.slice(hunk.oldStart + hunk.oldLines)];
}

/** The new side with one hunk taken back: its new range replaced by its old range. */
export function revertHunk(oldLines: readonly string[], newLines: readonly string[], hunk: LineHunk): string[] {
  return [...newLines.slice(0, hunk.newStart), ...oldLines.slice(hunk.oldStart, hunk.oldStart + hunk.oldLines), ...newLines.slice(hunk.newStart + hunk.newLines)];
}
