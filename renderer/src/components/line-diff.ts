import { structuredPatch } from 'diff';

/** One line of a line diff: kept, added or removed, with its number on the side(s) it is on. */
export interface DiffLine {
  readonly kind: 'same' | 'add' | 'del';
  readonly text: string;
  /** Line number before the change (null for an added line). */
  readonly old: number | null;
  /** Line number after the change (null for a removed line). */
  readonly new: number | null;
}

/** A run of changed lines with a few unchanged ones around it, as in a unified diff. */
export interface DiffHunk {
  readonly oldStart: number;
  readonly oldLines: number;
  readonly newStart: number;
  readonly newLines: number;
  readonly lines: readonly DiffLine[];
}

/** The outcome of `lineDiff`: its hunks, or why it was not computed (the diff editor can still show it). */
export type LineDiffResult = { readonly kind: 'hunks'; readonly hunks: readonly DiffHunk[] } | { readonly kind: 'too-large'; readonly reason: string };

/** Texts larger than this together are not diffed on the UI thread (the diff editor diffs in a worker). */
export const MAX_DIFF_CHARS = 400_000;
/**
 * The most inserted plus removed lines the diff looks for: Myers' diff costs (lines × edits), so a bound keeps
 * one diff well under a frame's budget; past it the diff editor is offered instead.
 */
export const MAX_EDIT_LENGTH = 2_000;

/** The unified line diff of two texts with `context` unchanged lines around each change. */
export function lineDiff(before: string, after: string, context = 3): LineDiffResult {
  if (before.length + after.length > MAX_DIFF_CHARS) return { kind: 'too-large', reason: `The file is too large to compare here (${Math.round((before.length + after.length) / 1000)} KB).` };
  const patch = structuredPatch('before', 'after', before, after, undefined, undefined, { context, maxEditLength: MAX_EDIT_LENGTH });
  if (!patch) return { kind: 'too-large', reason: `More than ${MAX_EDIT_LENGTH.toLocaleString('en')} lines changed: too many to compare here.` };
  const hunks = patch.hunks.map((h): DiffHunk => {
    let old = h.oldStart;
    let neu = h.newStart;
    const lines: DiffLine[] = [];
    for (const raw of h.lines) {
      // "\ No newline at end of file" describes the line before it; the view shows lines, not their ends.
      if (raw.startsWith('\\')) continue;
      const text = raw.slice(1);
      if (raw[0] === '+') lines.push({ kind: 'add', text, old: null, new: neu++ });
      else if (raw[0] === '-') lines.push({ kind: 'del', text, old: old++, new: null });
      else lines.push({ kind: 'same', text, old: old++, new: neu++ });
    }
    return { oldStart: h.oldStart, oldLines: h.oldLines, newStart: h.newStart, newLines: h.newLines, lines };
  });
  return { kind: 'hunks', hunks };
}

/** The first `max` lines of the hunks (whole hunks, then the start of the one that crosses the limit), and how many were left out. */
export function firstLines(hunks: readonly DiffHunk[], max: number): { readonly hunks: readonly DiffHunk[]; readonly hidden: number } {
  const out: DiffHunk[] = [];
  let left = max;
  let hidden = 0;
  for (const h of hunks) {
    const lines = h.lines.slice(0, Math.max(0, left));
    left -= lines.length;
    hidden += h.lines.length - lines.length;
    if (lines.length > 0) out.push({ ...h, lines });
  }
  return { hunks: out, hidden };
}
