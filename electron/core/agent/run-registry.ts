import { randomBytes } from 'node:crypto';
import type { RunSummary, StreamDelta, TranscriptEvent } from '../../../shared/contract';
import { RpcError } from '../../../shared/rpc';
import { summarise } from '../model/transcript-store';
import type { AgentEnv } from './agent-env';
import type { LoopResult } from './agent-loop';

interface PendingApproval {
  readonly resolve: (approved: boolean) => void;
}

/** A run going on in this session: its transcript so far, its stream, approvals and steering. */
export interface ActiveRun {
  readonly runId: string;
  /** The project: the run's transcript is kept with it. */
  readonly root: string;
  /**
   * Where the run works (files, commands, checkpoint, baseline, verification): the project root, or the
   * linked worktree of a parallel run (docs/parallel-runs.md).
   */
  readonly workRoot: string;
  readonly kind: RunSummary['kind'];
  readonly controller: AbortController;
  readonly steer: string[];
  readonly approvals: Map<string, PendingApproval>;
  readonly events: TranscriptEvent[];
  status: RunSummary['status'];
  retryAt: number | null;
  deltas: StreamDelta[];
  flushTimer: NodeJS.Timeout | null;
  writeChain: Promise<void>;
  done: Promise<void>;
}

/** What an approval shows the user. */
export interface ApprovalFields {
  readonly action: 'edit' | 'command';
  readonly path: string | null;
  readonly before: string | null;
  readonly after: string | null;
  readonly command: string | null;
}

/** Timestamp of a transcript event. */
export const now = (): string => new Date().toISOString();
/** A fresh run id. */
export const newRunId = (): string => `run-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;

/**
 * The runs going on in this session: their transcripts (recorded, streamed in batches, published
 * as events), approvals, steering and cancel; and a run's history read live or from its transcript.
 */
export class RunRegistry {
  private readonly active = new Map<string, ActiveRun>();
  private readonly lastResult = new Map<string, string>();
  /** Projects with building runs in this session: their hand-off note is written when the session ends. */
  readonly sessionRoots = new Set<string>();

  constructor(private readonly env: AgentEnv) {}

  /** Registers a new run (running, nothing recorded yet); a parallel run names its id and worktree. */
  newRun(root: string, kind: RunSummary['kind'], at: { readonly runId: string; readonly workRoot: string } | null = null): ActiveRun {
    const run: ActiveRun = {
      runId: at?.runId ?? newRunId(),
      root,
      workRoot: at?.workRoot ?? root,
      kind,
      controller: new AbortController(),
      steer: [],
      approvals: new Map(),
      events: [],
      status: 'running',
      retryAt: null,
      deltas: [],
      flushTimer: null,
      writeChain: Promise.resolve(),
      done: Promise.resolve(),
    };
    this.active.set(run.runId, run);
    if (kind === 'task') this.sessionRoots.add(root);
    return run;
  }

  /** Appends an event to the run's transcript (in order, on disk) and publishes it. */
  record(run: ActiveRun, event: TranscriptEvent): void {
    // Deltas streamed so far go out before the record, so a finished turn replaces its streamed text.
    this.flush(run);
    run.events.push(event);
    run.writeChain = run.writeChain.then(() => this.env.transcripts.append(run.root, run.runId, event)).catch(() => {});
    this.env.ctx.bus.emit('agent.didAppend', { runId: run.runId, root: run.root, event });
    this.update(run);
  }

  /** Publishes the run's summary with its live status. */
  update(run: ActiveRun): void {
    const summary = summarise(run.events, true);
    if (!summary) return;
    const live = summary.endedAt ? summary : { ...summary, status: run.status };
    this.env.ctx.bus.emit('agent.didUpdate', { root: run.root, summary: live, retryAt: run.retryAt });
  }

  /** Queues streamed text; queued deltas go out together. */
  delta(run: ActiveRun, d: StreamDelta): void {
    const last = run.deltas[run.deltas.length - 1];
    if (last && last.block === d.block && last.kind === d.kind) run.deltas[run.deltas.length - 1] = { ...last, text: last.text + d.text };
    else run.deltas.push(d);
    // Batches keep the UI from flooding: one event per ~30 ms however fast the model streams.
    run.flushTimer ??= setTimeout(() => this.flush(run), this.env.options.batchMs ?? 30);
  }

  /** Sends the queued deltas now. */
  flush(run: ActiveRun): void {
    if (run.flushTimer) clearTimeout(run.flushTimer);
    run.flushTimer = null;
    if (!run.deltas.length) return;
    const deltas = run.deltas;
    run.deltas = [];
    this.env.ctx.bus.emit('agent.didStream', { runId: run.runId, deltas });
  }

  /** Asks the user; the run waits until the approval is answered (or denied by cancel or the run's end). */
  approval(run: ActiveRun, toolUseId: string, fields: ApprovalFields): Promise<boolean> {
    const approvalId = `ap-${randomBytes(4).toString('hex')}`;
    return new Promise<boolean>((resolve) => {
      run.approvals.set(approvalId, {
        resolve: (approved) => {
          run.approvals.delete(approvalId);
          run.status = 'running';
          this.record(run, { type: 'decision', at: now(), approvalId, approved, auto: false });
          resolve(approved);
        },
      });
      run.status = 'waiting';
      this.record(run, { type: 'approval', at: now(), approvalId, toolUseId, ...fields });
    });
  }

  /**
   * Ends a run after its loop: streamed text out, pending approvals denied, the end record written
   * to disk; then the run is no longer active.
   */
  async end(run: ActiveRun, result: Pick<LoopResult, 'status' | 'reason' | 'usage' | 'costUsd'>): Promise<void> {
    this.flush(run);
    denyApprovals(run);
    run.status = result.status;
    run.retryAt = null;
    this.record(run, { type: 'end', at: now(), status: result.status, reason: result.reason, usage: result.usage, costUsd: result.costUsd });
    await run.writeChain;
    this.active.delete(run.runId);
  }

  /** Keeps the text of a finished run's final answer. */
  setFinalText(runId: string, text: string): void {
    this.lastResult.set(runId, text);
  }

  /** Text of a finished run's final answer. */
  finalText(runId: string): string {
    return this.lastResult.get(runId) ?? '';
  }

  /** Cancels a run: aborts the stream, kills commands, denies pending approvals. */
  cancel(runId: string): void {
    const run = this.active.get(runId);
    if (!run) throw new RpcError('NOT_FOUND', 'That run is not running any more.');
    run.controller.abort();
    denyApprovals(run);
  }

  /** Queues a message for the next turn. */
  steer(runId: string, text: string): void {
    const run = this.active.get(runId);
    if (!run) throw new RpcError('NOT_FOUND', 'That run has ended; start a new run to continue.');
    run.steer.push(text);
  }

  /** Answers a pending approval. */
  approve(runId: string, approvalId: string, approved: boolean): void {
    const a = this.active.get(runId)?.approvals.get(approvalId);
    if (!a) throw new RpcError('NOT_FOUND', 'That approval is no longer pending.');
    a.resolve(approved);
  }

  /** Waits until a run has finished (tests, shutdown). */
  async settled(runId: string): Promise<void> {
    await this.active.get(runId)?.done;
  }

  /** The run if it is still active in this session. */
  live(runId: string): ActiveRun | undefined {
    return this.active.get(runId);
  }

  /** Runs of a project, newest first. */
  async runs(root: string, taskId?: string): Promise<RunSummary[]> {
    this.env.ctx.projects.require(root);
    const out: RunSummary[] = [];
    for (const id of await this.env.transcripts.runIds(root)) {
      const live = this.active.get(id);
      const s = summarise(live ? live.events : await this.env.transcripts.read(root, id), !!live);
      if (!s || (taskId && s.taskId !== taskId)) continue;
      out.push(live && !s.endedAt ? { ...s, status: live.status } : s);
    }
    return out.sort((a, b) => b.startedAt.localeCompare(a.startedAt));
  }

  /** A run's transcript and summary. */
  async transcript(root: string, runId: string): Promise<{ summary: RunSummary; events: TranscriptEvent[] }> {
    this.env.ctx.projects.require(root);
    const live = this.active.get(runId);
    const events = live ? [...live.events] : await this.env.transcripts.read(root, runId);
    const summary = summarise(events, !!live);
    if (!summary) throw new RpcError('NOT_FOUND', `No transcript for run ${runId}.`);
    return { summary: live && !summary.endedAt ? { ...summary, status: live.status } : summary, events };
  }

  /** Stops every run (core shutdown): their transcripts end as cancelled. */
  async dispose(): Promise<void> {
    const runs = [...this.active.values()];
    for (const r of runs) {
      r.controller.abort();
      denyApprovals(r);
    }
    await Promise.all(runs.map((r) => r.done.catch(() => {})));
  }
}

/** Denies every pending approval of a run. */
function denyApprovals(run: ActiveRun): void {
  for (const a of [...run.approvals.values()]) a.resolve(false);
}
