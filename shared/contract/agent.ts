import { z } from 'zod';
import { method, ok, projectRoot, relPath } from './define';
import { agentRole } from './settings';

/** Token usage of one or more model calls, each kind counted separately. */
export const usageTotals = z.object({
  input: z.number(),
  output: z.number(),
  cacheWrite5m: z.number(),
  cacheWrite1h: z.number(),
  cacheRead: z.number(),
});
export type UsageTotals = z.infer<typeof usageTotals>;

/** Kinds of claim a building run may make in report_outcome. */
export const claimKind = z.enum(['file_changed', 'file_created', 'file_deleted', 'command_passes', 'requirement_met', 'other']);

/** One claim of report_outcome; the Calibrator checks it, the model's word is never evidence. */
export const agentClaim = z.object({
  kind: claimKind,
  statement: z.string(),
  confidence: z.number().min(0).max(1),
  path: z.string().optional(),
  command: z.string().optional(),
  requirement: z.string().optional(),
});
export type AgentClaim = z.infer<typeof agentClaim>;

/** A content block of an assistant turn as kept in the transcript. */
export const transcriptBlock = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text'), text: z.string() }),
  z.object({ type: z.literal('thinking'), thinking: z.string() }),
  z.object({ type: z.literal('tool_use'), id: z.string(), name: z.string(), input: z.record(z.string(), z.unknown()) }),
]);
export type TranscriptBlock = z.infer<typeof transcriptBlock>;

/** What a run is for: building a task, answering a question, or a thinker action (replan = a task handed back after failures). */
export const runKind = z.enum(['task', 'ask', 'critique', 'breakdown', 'replan']);
export type RunKind = z.infer<typeof runKind>;

/** Final states of a run. */
export const runEndStatus = z.enum(['completed', 'cancelled', 'failed', 'stopped']);
export type RunEndStatus = z.infer<typeof runEndStatus>;

/** One record of a run's transcript (JSON Lines in the app data folder); also pushed live. */
export const transcriptEvent = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('start'),
    at: z.string(),
    runId: z.string(),
    kind: runKind,
    taskId: z.string().nullable(),
    title: z.string(),
    role: agentRole,
    model: z.string(),
    checkpoint: z.string().nullable(),
    resumedFrom: z.string().nullable(),
  }),
  z.object({ type: z.literal('user'), at: z.string(), text: z.string(), steer: z.boolean() }),
  z.object({
    type: z.literal('assistant'),
    at: z.string(),
    turn: z.number(),
    content: z.array(transcriptBlock),
    stopReason: z.string().nullable(),
    usage: usageTotals,
    costUsd: z.number(),
  }),
  z.object({ type: z.literal('tool_result'), at: z.string(), toolUseId: z.string(), name: z.string(), isError: z.boolean(), output: z.string() }),
  z.object({
    type: z.literal('approval'),
    at: z.string(),
    approvalId: z.string(),
    toolUseId: z.string(),
    action: z.enum(['edit', 'command']),
    path: z.string().nullable(),
    before: z.string().nullable(),
    after: z.string().nullable(),
    command: z.string().nullable(),
  }),
  z.object({ type: z.literal('decision'), at: z.string(), approvalId: z.string(), approved: z.boolean(), auto: z.boolean() }),
  z.object({ type: z.literal('retry'), at: z.string(), attempt: z.number(), delayMs: z.number(), reason: z.string() }),
  z.object({
    type: z.literal('notice'),
    at: z.string(),
    level: z.enum(['info', 'warn', 'error']),
    text: z.string(),
    /** `out_of_scope`: the run wrote `path` outside its task's scope, flagged when it happened (not refused). */
    kind: z.literal('out_of_scope').optional(),
    path: z.string().optional(),
  }),
  z.object({ type: z.literal('checkpoint'), at: z.string(), ref: z.string(), reason: z.string() }),
  z.object({ type: z.literal('write'), at: z.string(), path: z.string(), hashBefore: z.string().nullable(), hashAfter: z.string().nullable(), by: z.enum(['edit', 'command']), flags: z.array(z.string()) }),
  z.object({ type: z.literal('command'), at: z.string(), toolUseId: z.string(), command: z.string(), exitCode: z.number().nullable(), timedOut: z.boolean(), durationMs: z.number() }),
  z.object({ type: z.literal('outcome'), at: z.string(), summary: z.string(), claims: z.array(agentClaim) }),
  z.object({ type: z.literal('compaction'), at: z.string(), trimmed: z.number(), summarised: z.boolean() }),
  z.object({ type: z.literal('end'), at: z.string(), status: runEndStatus, reason: z.string(), usage: usageTotals, costUsd: z.number() }),
  z.object({ type: z.literal('review'), at: z.string(), action: z.enum(['accepted', 'rejected', 'restore_undone', 'discarded']), commit: z.string().nullable(), restoreRef: z.string().nullable() }),
]);
export type TranscriptEvent = z.infer<typeof transcriptEvent>;

/** Where a run stands. */
export const runStatus = z.enum(['running', 'waiting', 'retrying', 'completed', 'cancelled', 'failed', 'stopped', 'interrupted']);
export type RunStatus = z.infer<typeof runStatus>;

/** A run as listed per task. */
export const runSummary = z.object({
  runId: z.string(),
  kind: runKind,
  taskId: z.string().nullable(),
  title: z.string(),
  role: agentRole,
  model: z.string(),
  status: runStatus,
  review: z.enum(['pending', 'accepted', 'rejected', 'none']),
  startedAt: z.string(),
  endedAt: z.string().nullable(),
  steps: z.number(),
  usage: usageTotals,
  /** Estimated from the editable price table. */
  costUsd: z.number(),
  /** Why the run ended (or what it waits for). */
  reason: z.string().nullable(),
});
export type RunSummary = z.infer<typeof runSummary>;

/** One file of a run's diff (checkpoint → working tree). */
export const runFileDiff = z.object({
  path: z.string(),
  status: z.enum(['added', 'modified', 'deleted']),
  binary: z.boolean(),
  before: z.string().nullable(),
  after: z.string().nullable(),
});
export type RunFileDiff = z.infer<typeof runFileDiff>;

/** One batch of streamed text, thinking or partial tool input. */
export const streamDelta = z.object({ block: z.number(), kind: z.enum(['text', 'thinking', 'tool_input']), text: z.string(), toolName: z.string().optional() });
export type StreamDelta = z.infer<typeof streamDelta>;

/** A finding of the spec critique. */
export const critiqueFinding = z.object({ kind: z.string(), item: z.string().nullable(), text: z.string() });
/** A clarifying question with the recommended answer. */
export const clarifyingQuestion = z.object({ question: z.string(), recommended: z.string(), item: z.string().nullable() });

/** A task proposed by "Break into tasks", editable before it is written. */
export const draftTask = z.object({
  title: z.string().min(1).max(300),
  description: z.string().max(5000),
  requirements: z.array(z.string().max(50)).max(50),
  scope: z.array(z.string().max(500)).max(50),
  checks: z.array(z.string().max(1000)).max(50),
  dependsOn: z.array(z.string().max(50)).max(50),
});
export type DraftTask = z.infer<typeof draftTask>;

/** A task as a thinker submits it: title and the requirements it serves asked for, the rest optional. */
export const submittedTask = draftTask.partial({ description: true, scope: true, checks: true, dependsOn: true });

/** What a thinker's submission is parsed with: lenient (a missing list is empty), filled to a DraftTask. */
export const lenientDraftTask = submittedTask.partial({ requirements: true });

/** The JSON schema of a submitted task for a tool's `input_schema`, derived from the zod schema. */
export function submittedTaskJsonSchema(): { [key: string]: unknown } {
  const { $schema: _drop, ...schema } = z.toJSONSchema(submittedTask, { io: 'input' });
  return schema;
}

/** A building run of a task that failed its checks, as the thinker and the user see it. */
export const failedRun = z.object({
  runId: z.string(),
  startedAt: z.string(),
  /** The run's own outcome summary, or why it ended. */
  summary: z.string(),
  /** Each failing check (with the tail of its output), refuted claim and error finding. */
  failures: z.array(z.string()),
});
export type FailedRun = z.infer<typeof failedRun>;

/** Whether the next "Run task" should offer handing the task back to the thinker. */
export const handbackState = z.object({
  taskId: z.string(),
  /** True after this many building runs in a row failed their checks (see runs). */
  offer: z.boolean(),
  threshold: z.number(),
  /** The latest consecutive failing runs, newest first. */
  runs: z.array(failedRun),
});
export type HandbackState = z.infer<typeof handbackState>;

/** The thinker's answer to a handed-back task: a revised plan for it, or a split into smaller tasks. */
export const replanDraft = z.object({
  /** Why the runs kept failing, in the thinker's words. */
  diagnosis: z.string().max(10_000),
  choice: z.enum(['revise', 'split']),
  /** The task rewritten (choice "revise"). */
  revised: draftTask.nullable(),
  /** Smaller tasks replacing it (choice "split"). */
  tasks: z.array(draftTask).max(20),
});
export type ReplanDraft = z.infer<typeof replanDraft>;

/**
 * Where a parallel run is (docs/parallel-runs.md). `finished`: its run ended, to review; `verified`: ended, and the
 * Calibrator verified it in its worktree (green), not merged yet; `merged`: in the user's branch, its checks passing
 * on the merged tree.
 */
export const laneState = z.enum(['waiting', 'running', 'verifying', 'finished', 'verified', 'queued', 'merging', 'merged', 'stopped', 'rejected']);
export type LaneState = z.infer<typeof laneState>;

/** One selected task in the Runs lane: its run (once started), branch, state, why, cost and verdict at a glance. */
export const runLane = z.object({
  taskId: z.string(),
  runId: z.string().nullable(),
  branch: z.string().nullable(),
  state: laneState,
  /** Why it waits, is queued or stopped, and what to do; null otherwise. */
  reason: z.string().nullable(),
  costUsd: z.number(),
  /** The run's outcome at a glance ("completed", "failed: …"); null while it runs. */
  glance: z.string().nullable(),
});
export type RunLane = z.infer<typeof runLane>;

/** One entry of the merge queue. */
export const mergeQueueItem = z.object({
  runId: z.string(),
  taskId: z.string(),
  branch: z.string(),
  depends: z.array(z.string()),
  /** `resolving`: the user chose to resolve a stopped merge in their own work tree (Builder); it merges once their commit contains the run's branch and the checks pass on it. */
  state: z.enum(['waiting', 'merging', 'checking', 'merged', 'stopped', 'resolving']),
  reason: z.string().nullable(),
  merged: z.string().nullable(),
});
export type MergeQueueItem = z.infer<typeof mergeQueueItem>;

export const agentMethods = {
  /** Starts a building run on a task (needs a key for the builder role). */
  'agent.start': method(
    z.object({ root: projectRoot, taskId: z.string().min(1).max(100), note: z.string().max(20_000).optional(), runAnyway: z.boolean().optional() }),
    z.object({ runId: z.string() }),
  ),
  /** Stops a run: aborts the stream, kills its commands, answers open tool calls as cancelled. */
  'agent.cancel': method(z.object({ runId: z.string() }), ok),
  /** Queues a user message for the next turn without stopping the run. */
  'agent.steer': method(z.object({ runId: z.string(), text: z.string().min(1).max(20_000) }), ok),
  /** Answers a pending approval of an edit or a command. */
  'agent.approve': method(z.object({ runId: z.string(), approvalId: z.string(), approved: z.boolean() }), ok),
  /** Runs of a project, newest first; optionally those of one task. */
  'agent.runs': method(z.object({ root: projectRoot, taskId: z.string().optional() }), z.object({ runs: z.array(runSummary) })),
  /** The whole transcript of a run. */
  'agent.transcript': method(z.object({ root: projectRoot, runId: z.string() }), z.object({ summary: runSummary, events: z.array(transcriptEvent) })),
  /** The run's diff, checkpoint → working tree, limited to files the run touched. */
  'agent.diff': method(z.object({ root: projectRoot, runId: z.string() }), z.object({ files: z.array(runFileDiff) })),
  /** Commits the run's changes to the user's repository with a message naming the task; a parallel run's go on its branch into the merge queue. */
  'agent.accept': method(z.object({ root: projectRoot, runId: z.string(), message: z.string().max(5000).optional() }), z.object({ commit: z.string(), files: z.array(relPath) })),
  /** Restores the checkpoint taken before the run; untracked and ignored user files are kept. A parallel run's worktree and branch are removed. */
  'agent.reject': method(z.object({ root: projectRoot, runId: z.string() }), z.object({ restored: z.array(z.string()), deleted: z.array(z.string()), undoRef: z.string() })),
  /** Undoes a reject, putting back the files as they were just before it. */
  'agent.undoReject': method(z.object({ root: projectRoot, runId: z.string() }), z.object({ restored: z.array(z.string()), deleted: z.array(z.string()) })),
  /** Continues an interrupted run from its transcript as a new run. */
  'agent.resume': method(z.object({ root: projectRoot, runId: z.string() }), z.object({ runId: z.string() })),
  /** Marks an interrupted run as discarded. */
  'agent.discard': method(z.object({ root: projectRoot, runId: z.string() }), ok),
  /** Thinker: findings on gaps in the spec and at most five clarifying questions with recommended answers. */
  'agent.critique': method(
    z.object({ root: projectRoot }),
    z.object({ runId: z.string(), findings: z.array(critiqueFinding), questions: z.array(clarifyingQuestion).max(5) }),
  ),
  /** Thinker: a draft breakdown of the spec into tasks; nothing is written. */
  'agent.breakdown': method(z.object({ root: projectRoot }), z.object({ runId: z.string(), tasks: z.array(draftTask) })),
  /** Routes a question (fuzzy → thinker, concrete → builder with read-only tools) and starts answering it. */
  'agent.ask': method(
    z.object({ root: projectRoot, question: z.string().min(1).max(20_000), role: z.enum(['thinker', 'builder']).optional() }),
    z.object({ runId: z.string(), role: agentRole, model: z.string(), reason: z.string() }),
  ),
  /** Writes the hand-off note (task, state, discoveries, next steps, files touched). */
  'agent.saveState': method(
    z.object({ root: projectRoot, taskId: z.string().optional(), note: z.string().max(20_000).optional() }),
    z.object({ path: z.string(), note: z.string() }),
  ),
  /** Whether the task failed its checks often enough in a row to be handed back to the thinker. */
  'agent.handback': method(z.object({ root: projectRoot, taskId: z.string().min(1).max(100) }), handbackState),
  /** Thinker: a revised plan or a split of a task whose runs kept failing; a draft, nothing is written. */
  'agent.replan': method(z.object({ root: projectRoot, taskId: z.string().min(1).max(100) }), z.object({ runId: z.string(), draft: replanDraft })),
  /** Writes an accepted replan draft to the tasks file (revised task, or new tasks the original then depends on). */
  'agent.acceptReplan': method(
    z.object({ root: projectRoot, runId: z.string(), taskId: z.string().min(1).max(100), draft: replanDraft }),
    z.object({ taskIds: z.array(z.string()) }),
  ),
  /** Runs the selected tasks at once, each in its own worktree (native git only); returns the lanes. */
  'agent.runSelected': method(z.object({ root: projectRoot, taskIds: z.array(z.string().min(1).max(100)).min(1).max(50) }), z.object({ lanes: z.array(runLane) })),
  /** The parallel runs' lanes and the merge queue. */
  'agent.lanes': method(z.object({ root: projectRoot }), z.object({ lanes: z.array(runLane), queue: z.array(mergeQueueItem) })),
  /**
   * Acts on a stopped entry of the merge queue: `retry` processes the queue again, `drop` removes the run (worktree and
   * branch), `resolve` merges the run's branch into the user's clean work tree so the conflict can be resolved and
   * committed in the Builder.
   */
  'agent.queueAction': method(z.object({ root: projectRoot, runId: z.string(), action: z.enum(['retry', 'drop', 'resolve']) }), z.object({ lanes: z.array(runLane), queue: z.array(mergeQueueItem) })),
  /** The last hand-off note, if any. */
  'agent.handoff': method(z.object({ root: projectRoot }), z.object({ path: z.string(), note: z.string().nullable() })),
} as const;

export const agentEvents = {
  /** Batched stream deltas of a run (about every 30 ms). */
  'agent.didStream': z.object({ runId: z.string(), deltas: z.array(streamDelta) }),
  /** A transcript record was appended. */
  'agent.didAppend': z.object({ runId: z.string(), root: z.string(), event: transcriptEvent }),
  /** Status, usage or cost of a run changed. */
  'agent.didUpdate': z.object({ root: z.string(), summary: runSummary, retryAt: z.number().nullable() }),
  /** The parallel runs' lanes changed. */
  'agent.didLanes': z.object({ root: z.string(), lanes: z.array(runLane) }),
} as const;
