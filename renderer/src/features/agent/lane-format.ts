import type { LaneState, MergeQueueItem, RunLane } from '../../../../shared/contract';
import type { Mark } from '../verify/verdict-marks';

/**
 * A lane's state as a mark: shape and word as well as tone, so it reads without colour. Green only for a run
 * merged with its checks passing on the merged tree; red only for a stopped one.
 */
export function laneMark(state: LaneState): Mark {
  switch (state) {
    case 'waiting':
      return { symbol: '⏸', word: 'waiting', tone: 'warn' };
    case 'queued':
      return { symbol: '…', word: 'queued', tone: 'muted' };
    case 'running':
      return { symbol: '●', word: 'running', tone: 'muted' };
    case 'verifying':
      return { symbol: '◐', word: 'verifying', tone: 'muted' };
    case 'finished':
      return { symbol: '■', word: 'finished: review it', tone: 'muted' };
    case 'verified':
      return { symbol: '☑', word: 'verified in its worktree — review it to merge', tone: 'muted' };
    case 'merging':
      return { symbol: '⇢', word: 'merging', tone: 'muted' };
    case 'merged':
      return { symbol: '✔', word: 'merged — checks pass on the merged tree', tone: 'ok' };
    case 'stopped':
      return { symbol: '✘', word: 'stopped', tone: 'danger' };
    case 'rejected':
      return { symbol: '↩', word: 'rejected', tone: 'muted' };
  }
}

/** A merge queue entry's state as a mark. */
export function queueMark(state: MergeQueueItem['state']): Mark {
  switch (state) {
    case 'waiting':
      return { symbol: '…', word: 'waiting', tone: 'muted' };
    case 'merging':
      return { symbol: '⇢', word: 'merging', tone: 'muted' };
    case 'checking':
      return { symbol: '◐', word: 'checking the merged tree', tone: 'muted' };
    case 'merged':
      return { symbol: '✔', word: 'merged', tone: 'ok' };
    case 'stopped':
      return { symbol: '✘', word: 'stopped', tone: 'danger' };
    case 'resolving':
      return { symbol: '✎', word: 'resolving in the Builder', tone: 'warn' };
  }
}

/** What "Run selected" did with one task, in words: started, queued, waiting or refused, with why. */
export function selectionOutcome(lane: RunLane): { readonly text: string; readonly tone: Mark['tone'] } {
  const why = lane.reason ? `: ${lane.reason}` : '';
  switch (lane.state) {
    case 'running':
    case 'verifying':
      return { text: `▸ ${lane.taskId} started${lane.branch ? ` on ${lane.branch}` : ''}`, tone: 'ok' };
    case 'queued':
      // The core's reason starts with the state itself ("queued: 2 runs go at once; …").
      return { text: `… ${lane.taskId} queued${lane.reason ? `: ${lane.reason.replace(/^queued:\s*/, '')}` : ''}`, tone: 'muted' };
    case 'waiting':
      return { text: lane.reason?.startsWith('waits ') ? `⏸ ${lane.taskId} ${lane.reason}` : `⏸ ${lane.taskId} waits${why}`, tone: 'warn' };
    case 'stopped':
      return { text: `✘ ${lane.taskId} not started${why}`, tone: 'danger' };
    default:
      return { text: `${lane.taskId} ${laneMark(lane.state).word}${why}`, tone: 'muted' };
  }
}

/** A refusal message from the core as a sentence (capitalised first letter, full stop). */
export function sentence(text: string): string {
  const t = text.trim();
  if (!t) return t;
  const s = t[0]!.toUpperCase() + t.slice(1);
  return /[.!?]$/.test(s) ? s : `${s}.`;
}

/** Why a parallel run cannot be accepted yet (its run or its verification is still going), or null. */
export function acceptBlocker(lane: RunLane | undefined): string | null {
  if (!lane || lane.state === 'finished' || lane.state === 'verified') return null;
  if (lane.state === 'running' || lane.state === 'verifying') return `${lane.taskId} is ${lane.state}; accept it once the Calibrator has judged it.`;
  return null;
}
