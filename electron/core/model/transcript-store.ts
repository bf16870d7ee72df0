import { createHash } from 'node:crypto';
import { createReadStream, promises as fs } from 'node:fs';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import type { RunSummary, TranscriptEvent } from '../../../shared/contract';
import { appendLine, readJsonLines } from '../util/atomic-write';
import { addUsage, ZERO_USAGE } from './usage-cost';

/** Folder of one project's transcripts. */
export function transcriptDir(dataDir: string, root: string): string {
  return join(dataDir, 'transcripts', createHash('sha256').update(root).digest('hex').slice(0, 16));
}

/** Folds a transcript into its summary; a run without an end record and not live is "interrupted". */
export function summarise(events: readonly TranscriptEvent[], live: boolean): RunSummary | null {
  const start = events.find((e) => e.type === 'start');
  if (!start || start.type !== 'start') return null;
  let usage = ZERO_USAGE;
  let cost = 0;
  let steps = 0;
  let endedAt: string | null = null;
  let status: RunSummary['status'] = live ? 'running' : 'interrupted';
  let reason: string | null = live ? null : 'The app stopped while this run was going; resume or discard it.';
  let review: RunSummary['review'] = 'none';
  let discarded = false;
  for (const e of events) {
    if (e.type === 'assistant') {
      steps++;
      usage = addUsage(usage, e.usage);
      cost += e.costUsd;
    } else if (e.type === 'end') {
      // The end record carries the run's totals, aborted and compaction calls included.
      usage = e.usage;
      cost = e.costUsd;
      endedAt = e.at;
      status = e.status;
      reason = e.reason;
      if (start.kind === 'task') review = 'pending';
    } else if (e.type === 'review') {
      if (e.action === 'accepted') review = 'accepted';
      else if (e.action === 'rejected') review = 'rejected';
      else if (e.action === 'restore_undone') review = 'pending';
      else if (e.action === 'discarded') discarded = true;
    }
  }
  if (discarded && status === 'interrupted') {
    status = 'stopped';
    reason = 'Discarded after an interruption.';
  }
  return {
    runId: start.runId,
    kind: start.kind,
    taskId: start.taskId,
    title: start.title,
    role: start.role,
    model: start.model,
    status,
    review,
    startedAt: start.at,
    endedAt,
    steps,
    usage,
    costUsd: cost,
    reason,
  };
}

/** Transcripts as JSON Lines under `<dataDir>/transcripts/<project hash>/<runId>.jsonl`. */
export class TranscriptStore {
  constructor(private readonly dataDir: string) {}

  private file(root: string, runId: string): string {
    if (!/^[A-Za-z0-9_-]+$/.test(runId)) throw new Error(`Invalid run id ${runId}`);
    return join(transcriptDir(this.dataDir, root), `${runId}.jsonl`);
  }

  /** Appends one record (fsynced; a torn last line is skipped on read). */
  async append(root: string, runId: string, event: TranscriptEvent): Promise<void> {
    await fs.mkdir(transcriptDir(this.dataDir, root), { recursive: true });
    await appendLine(this.file(root, runId), JSON.stringify(event));
  }

  /** Every record of a run. */
  async read(root: string, runId: string): Promise<TranscriptEvent[]> {
    return readJsonLines<TranscriptEvent>(this.file(root, runId));
  }

  /**
   * A run's start record (its checkpoint, task and model) without reading the rest: it is the first record, so a
   * long run's transcript is not read and parsed whole for it. Null when the file is missing or has none first.
   */
  async start(root: string, runId: string): Promise<Extract<TranscriptEvent, { type: 'start' }> | null> {
    const stream = createReadStream(this.file(root, runId), { encoding: 'utf8' });
    const lines = createInterface({ input: stream, crlfDelay: Infinity });
    try {
      for await (const line of lines) {
        if (!line.trim()) continue;
        const first = JSON.parse(line) as TranscriptEvent;
        return first.type === 'start' ? first : null;
      }
      return null;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' || error instanceof SyntaxError) return null;
      throw error;
    } finally {
      lines.close();
      stream.destroy();
    }
  }

  /** Ids of every run of a project. */
  async runIds(root: string): Promise<string[]> {
    try {
      return (await fs.readdir(transcriptDir(this.dataDir, root))).filter((n) => n.endsWith('.jsonl')).map((n) => n.slice(0, -6));
    } catch {
      return [];
    }
  }
}
