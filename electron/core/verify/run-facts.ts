import { summarise, TranscriptStore } from '../model/transcript-store';
import type { StoredRun } from './run-store';
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
    out.set(run.runId, { review, files: [...new Set(run.journal.map((e) => e.path))] });
    if (review === 'accepted') settled.add(run.taskId);
  }
  return out;
}
