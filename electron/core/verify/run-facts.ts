import { summarise, TranscriptStore } from '../model/transcript-store';
import { listRuns, type StoredRun } from './run-store';
import type { RunFacts } from './task-state';

/**
 * Per verified run: the user's review of its diff (from its transcript) and the files it wrote
 * (from its journal). Only the runs task states can use are read: per task, the newest runs up to
 * and including its newest accepted one.
 */
export async function taskRunFacts(dataDir: string, root: string, runs: readonly StoredRun[]): Promise<Map<string, RunFacts>> {
  const transcripts = new TranscriptStore(dataDir);
  const out = new Map<string, RunFacts>();
  const settled = new Set<string>();
  for (const { run } of runs) {
    if (!run.taskId || settled.has(run.taskId)) continue;
    let review: RunFacts['review'] = 'none';
    try {
      review = summarise(await transcripts.read(root, run.runId), false)?.review ?? 'none';
    } catch {
      // No transcript (a run verified from elsewhere): its review is unknown, so it is not "accepted".
    }
    out.set(run.runId, { review, files: [...new Set(run.journal.map((e) => e.path))], worktree: run.recordRoot !== undefined && run.recordRoot !== run.projectRoot });
    if (review === 'accepted') settled.add(run.taskId);
  }
  return out;
}

/**
 * Commands building runs put into the plan (their `plan_command` findings) whose run the user has
 * not accepted: normalized command → run id. Verify does not run them; accepting the run approves them.
 */
export async function heldCommands(dataDir: string, root: string): Promise<Map<string, string>> {
  const transcripts = new TranscriptStore(dataDir);
  const out = new Map<string, string>();
  for (const { verification } of await listRuns(dataDir, root)) {
    const planted = verification.findings.filter((f) => f.kind === 'plan_command' && f.command);
    if (planted.length === 0) continue;
    let review: string = 'none';
    try {
      review = summarise(await transcripts.read(root, verification.runId), false)?.review ?? 'none';
    } catch {
      // no transcript: never accepted here
    }
    // Accepting approves the command; rejecting took it out of the plan again.
    if (review === 'accepted' || review === 'rejected') continue;
    for (const f of planted) out.set(f.command!.trim().replace(/\s+/g, ' '), verification.runId);
  }
  return out;
}
