import type { FailedRun, HandbackState, RunSummary, TranscriptEvent } from '../../../shared/contract';
import type { RunVerification } from '../../../shared/contract/verify';
import { normalizeCommand } from '../verify/claim-verifier';
import { loadRun } from '../verify/run-store';

/** Building runs in a row that must fail their checks before "Run task" offers the thinker instead. */
export const HANDBACK_AFTER = 3;

/** How much of a failing check's output the thinker and the user get (the tail, where errors are). */
const OUTPUT_TAIL = 1500;

function tail(text: string): string {
  const t = text.trim();
  return t.length > OUTPUT_TAIL ? `…${t.slice(-OUTPUT_TAIL)}` : t;
}

/**
 * Why one finished building run failed its checks: the last run of each of the task's own check
 * commands that exited non-zero (with the tail of its output), and the Calibrator's refuted claims
 * and error findings. Empty when nothing failed.
 */
export function runFailures(events: readonly TranscriptEvent[], checks: readonly string[], verification: RunVerification | null): string[] {
  const out: string[] = [];
  const wanted = new Set(checks.map(normalizeCommand));
  const outputs = new Map<string, string>();
  for (const e of events) if (e.type === 'tool_result') outputs.set(e.toolUseId, e.output);
  // Only the last run of a check counts: a check that failed and then passed was fixed within the run.
  const last = new Map<string, Extract<TranscriptEvent, { type: 'command' }>>();
  for (const e of events) if (e.type === 'command' && wanted.has(normalizeCommand(e.command))) last.set(normalizeCommand(e.command), e);
  for (const c of last.values()) {
    if (c.exitCode === 0 && !c.timedOut) continue;
    const how = c.timedOut ? 'timed out' : `exited ${c.exitCode ?? 'without a code'}`;
    out.push(`Check \`${c.command}\` ${how}:\n${tail(outputs.get(c.toolUseId) ?? '(no output kept)')}`);
  }
  for (const claim of verification?.claims ?? []) {
    if (claim.verdict === 'refuted') out.push(`Claim refuted by the Calibrator: "${claim.claim.statement}" — ${claim.reason}`);
  }
  for (const f of verification?.findings ?? []) {
    if (f.severity === 'error') out.push(`Calibrator finding: ${f.message}`);
  }
  return out;
}

/** What the streak needs of the agent service (kept narrow so it is easy to test). */
export interface RunSource {
  runs(root: string, taskId: string): Promise<readonly RunSummary[]>;
  transcript(root: string, runId: string): Promise<{ readonly events: readonly TranscriptEvent[] }>;
}

function summaryOf(run: RunSummary, events: readonly TranscriptEvent[]): string {
  const outcome = [...events].reverse().find((e) => e.type === 'outcome');
  if (outcome?.type === 'outcome') return outcome.summary;
  return `The run ended ${run.status}${run.reason ? `: ${run.reason}` : ''}.`;
}

/**
 * The latest building runs of a task that failed their checks in a row, newest first, and whether
 * that streak reached HANDBACK_AFTER. Runs still going, stopped by the user or failed at the
 * endpoint say nothing about the task and are skipped; a run without failures, an accepted run, or
 * an accepted replan of the task ends the streak.
 */
export async function handbackState(source: RunSource, dataDir: string, root: string, taskId: string, checks: readonly string[]): Promise<HandbackState> {
  const failing: FailedRun[] = [];
  for (const run of await source.runs(root, taskId)) {
    if (run.kind === 'replan') {
      if (run.review === 'accepted') break;
      continue;
    }
    if (run.kind !== 'task' || !run.endedAt || run.status === 'cancelled' || run.status === 'failed') continue;
    if (run.review === 'accepted') break;
    const { events } = await source.transcript(root, run.runId);
    const verification = await loadRun(dataDir, root, run.runId).then(
      (s) => s.verification,
      () => null,
    );
    const failures = runFailures(events, checks, verification);
    if (!failures.length) break;
    failing.push({ runId: run.runId, startedAt: run.startedAt, summary: summaryOf(run, events), failures });
    if (failing.length >= HANDBACK_AFTER) break;
  }
  return { taskId, offer: failing.length >= HANDBACK_AFTER, threshold: HANDBACK_AFTER, runs: failing };
}
