import type { ClaimVerdict, EvidenceResult, ReviewCheck, TaskVerifyState } from '../../../../shared/contract';

/** Shape + word + colour class for a result, so status reads without colour too. */
export interface Mark {
  readonly symbol: string;
  readonly word: string;
  readonly tone: 'ok' | 'danger' | 'warn' | 'muted';
}

/** The mark of an evidence result or claim verdict. */
export function markOf(result: EvidenceResult | ClaimVerdict): Mark {
  switch (result) {
    case 'passed':
      return { symbol: '✔', word: 'passed', tone: 'ok' };
    case 'verified':
      return { symbol: '✔', word: 'verified', tone: 'ok' };
    case 'failed':
      return { symbol: '✘', word: 'failed', tone: 'danger' };
    case 'refuted':
      return { symbol: '✘', word: 'refuted', tone: 'danger' };
    case 'timeout':
      return { symbol: '✘', word: 'timed out', tone: 'danger' };
    case 'error':
      return { symbol: '✘', word: 'error', tone: 'danger' };
    case 'no_tests':
      return { symbol: '⚠', word: 'no tests ran', tone: 'warn' };
    case 'flagged':
      return { symbol: '⚠', word: 'flagged', tone: 'warn' };
    case 'cancelled':
      return { symbol: '?', word: 'cancelled', tone: 'muted' };
    case 'unverifiable':
      return { symbol: '?', word: 'unverifiable', tone: 'muted' };
    case 'pending':
      return { symbol: '…', word: 'waiting for you', tone: 'warn' };
  }
}

/** The mark of a check the breaker ran or asked to run. */
export function reviewCheckMark(status: ReviewCheck['status']): Mark {
  switch (status) {
    case 'waiting':
      return { symbol: '…', word: 'needs your approval', tone: 'warn' };
    case 'queued':
      return { symbol: '…', word: 'waits for the running verification', tone: 'muted' };
    case 'running':
      return { symbol: '…', word: 'running', tone: 'muted' };
    case 'denied':
      return { symbol: '–', word: 'denied', tone: 'muted' };
    default:
      return markOf(status);
  }
}

/**
 * The label of a task's verification state. "verified" always says what it rests on, so passing
 * checks on hand-made work are not mistaken for a verified agent run.
 */
export function taskStateMark(s: Pick<TaskVerifyState, 'state' | 'acceptedRunId'>): Mark {
  switch (s.state) {
    case 'verified':
      return { symbol: '✔', word: s.acceptedRunId ? 'verified — checks pass; accepted run, no claim refuted' : 'verified — checks pass; no agent run', tone: 'ok' };
    case 'refuted':
      return { symbol: '✘', word: 'refuted', tone: 'danger' };
    case 'untrusted':
      return { symbol: '✘', word: 'untrusted — the run changed the check', tone: 'danger' };
    case 'failing':
      return { symbol: '✘', word: 'failing', tone: 'danger' };
    case 'stale':
      return { symbol: '⚠', word: s.acceptedRunId ? 'stale — files changed since the evidence' : 'stale — files changed since the evidence; no agent run', tone: 'warn' };
    case 'unverified':
      return { symbol: '?', word: 'unverified', tone: 'muted' };
  }
}

/** Short relative-free time for dense rows: "16:45" today, else "Nov 21 16:45". */
export function shortTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const hm = d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
  return new Date().toDateString() === d.toDateString() ? hm : `${d.toLocaleDateString(undefined, { month: 'short', day: 'numeric' })} ${hm}`;
}

/** Formats a 0..1 number as a whole percentage. */
export function pct(n: number): string {
  return `${Math.round(n * 100)}%`;
}
