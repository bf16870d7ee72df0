import type { AgentRole, RunFileDiff, RunSummary, TranscriptEvent } from '../../../shared/contract';
import type { CoreContext } from '../core-context';
import type { ShadowRepo } from '../checkpoints/shadow-repo';
import type { SettingsStore } from '../model/settings-store';
import type { TranscriptStore } from '../model/transcript-store';
import type { LoopTool } from './agent-loop';
import { AgentEnv, type AgentServiceOptions, type KeyedConnection } from './agent-env';
import { BuildingRuns } from './building-run';
import { ParallelRuns } from './parallel-runs';
import { RunRegistry } from './run-registry';
import { RunReview } from './run-review';
import { ThinkerRuns } from './thinker-runs';

export type { AgentServiceOptions } from './agent-env';

/**
 * Agent sessions of the core: building runs on tasks, questions, thinker actions; their
 * transcripts, approvals, steering, cancel, checkpoints and review (accept / reject / undo).
 * A facade over the parts that do the work: the run registry (`run-registry.ts`), building runs
 * (`building-run.ts`), review (`run-review.ts`) and thinker runs (`thinker-runs.ts`).
 */
export class AgentService {
  readonly settings: SettingsStore;
  readonly transcripts: TranscriptStore;
  /** Projects with building runs in this session: their hand-off note is written when the session ends. */
  readonly sessionRoots: Set<string>;
  private readonly env: AgentEnv;
  private readonly registry: RunRegistry;
  private readonly building: BuildingRuns;
  private readonly review: RunReview;
  private readonly thinker: ThinkerRuns;
  /** Parallel runs in worktrees and their merge queue (docs/parallel-runs.md). */
  readonly parallel: ParallelRuns;

  constructor(ctx: CoreContext, options: AgentServiceOptions = {}) {
    this.env = new AgentEnv(ctx, options);
    this.settings = this.env.settings;
    this.transcripts = this.env.transcripts;
    this.registry = new RunRegistry(this.env);
    this.sessionRoots = this.registry.sessionRoots;
    this.building = new BuildingRuns(this.env, this.registry);
    this.review = new RunReview(this.env, this.registry, this.building);
    this.thinker = new ThinkerRuns(this.env, this.registry, this.building);
    this.parallel = new ParallelRuns(this.env, this.registry, this.building);
  }

  /** The shadow repository of a project. */
  shadow(root: string): ShadowRepo {
    return this.env.shadow(root);
  }

  /** A role's connection, or a clear error naming what to set. */
  requireConnection(role: AgentRole): Promise<KeyedConnection> {
    return this.env.requireConnection(role);
  }

  // ---- building runs -----------------------------------------------------------------------

  /** Starts a building run on a task; returns at once, the run streams through events. */
  startTask(root: string, taskId: string, note?: string): Promise<string> {
    return this.building.startTask(root, taskId, note);
  }

  // ---- live runs -----------------------------------------------------------------------------

  /** Cancels a run: aborts the stream, kills commands, denies pending approvals. */
  cancel(runId: string): void {
    this.registry.cancel(runId);
  }

  /** Queues a message for the next turn. */
  steer(runId: string, text: string): void {
    this.registry.steer(runId, text);
  }

  /** Answers a pending approval. */
  approve(runId: string, approvalId: string, approved: boolean): void {
    this.registry.approve(runId, approvalId, approved);
  }

  /** Waits until a run has finished (tests, shutdown). */
  settled(runId: string): Promise<void> {
    return this.registry.settled(runId);
  }

  // ---- history and review -------------------------------------------------------------------

  /** Runs of a project, newest first. */
  runs(root: string, taskId?: string): Promise<RunSummary[]> {
    return this.registry.runs(root, taskId);
  }

  /** A run's transcript and summary. */
  transcript(root: string, runId: string): Promise<{ summary: RunSummary; events: TranscriptEvent[] }> {
    return this.registry.transcript(root, runId);
  }

  /** The run's diff: checkpoint → working tree for the files the run touched (in its worktree for a parallel run). */
  diff(root: string, runId: string): Promise<RunFileDiff[]> {
    return this.review.diff(root, runId, this.parallel.workRoot(root, runId) ?? root);
  }

  /**
   * Commits exactly the run's changes (see commitRunChanges) to the user's repository; a parallel run's
   * changes are committed on its branch and go through the merge queue instead.
   */
  async accept(root: string, runId: string, message?: string): Promise<{ commit: string; files: string[] }> {
    return (await this.parallel.accept(root, runId, message)) ?? this.review.accept(root, runId, message);
  }

  /** Restores the run's checkpoint (transactional, undoable); a parallel run's worktree and branch are removed (not undoable). */
  async reject(root: string, runId: string): Promise<{ restored: string[]; deleted: string[]; undoRef: string }> {
    if (await this.parallel.reject(root, runId)) return { restored: [], deleted: [], undoRef: '' };
    return this.review.reject(root, runId);
  }

  /** Undoes the last reject of a run. */
  undoReject(root: string, runId: string): Promise<{ restored: string[]; deleted: string[] }> {
    return this.review.undoReject(root, runId);
  }

  /** Marks an interrupted run as discarded. */
  discard(root: string, runId: string): Promise<void> {
    return this.review.discard(root, runId);
  }

  /** Continues an interrupted run as a new run from its transcript (unanswered tool calls answered as cancelled). */
  resume(root: string, runId: string): Promise<string> {
    return this.review.resume(root, runId);
  }

  // ---- questions and thinker actions --------------------------------------------------------

  /** Starts an answer run for a question on the role given (thinker without tools, builder read-only). */
  startAsk(root: string, question: string, role: 'thinker' | 'builder', reason: string): Promise<{ runId: string; model: string }> {
    return this.thinker.startAsk(root, question, role, reason);
  }

  /** Runs a thinker action with one structured-output tool and returns what the tool received. */
  thinkerAction<T>(
    root: string,
    kind: 'critique' | 'breakdown' | 'replan',
    title: string,
    prompt: string,
    system: string,
    tool: LoopTool & { parse: (input: Record<string, unknown>) => T },
    taskId: string | null = null,
  ): Promise<{ runId: string; value: T }> {
    return this.thinker.thinkerAction(root, kind, title, prompt, system, tool, taskId);
  }

  /** Records that the user accepted a replan draft (it ends the task's failing streak). */
  markReplanAccepted(root: string, runId: string): Promise<void> {
    return this.thinker.markReplanAccepted(root, runId);
  }

  /** Text of a finished run's final answer. */
  finalText(runId: string): string {
    return this.registry.finalText(runId);
  }

  /** Stops every run (core shutdown): their transcripts end as cancelled; parallel runs' lanes are kept as interrupted. */
  async dispose(): Promise<void> {
    await this.parallel.dispose(() => this.registry.dispose());
  }
}
