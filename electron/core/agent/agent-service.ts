import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { join } from 'node:path';
import type { ContentBlockParam, MessageParam } from '@anthropic-ai/sdk/resources/messages';
import type { AgentClaim, AgentRole, RunFileDiff, RunSummary, StreamDelta, TranscriptEvent } from '../../../shared/contract';
import { RpcError } from '../../../shared/rpc';
import type { CoreContext } from '../core-context';
import { readAuthor } from '../git/author-config';
import { verifyRun } from '../verify/claim-verifier';
import { EVIDENCE_FILE } from '../verify/evidence';
import type { VerifiableRun } from '../verify/verifiable-run';
import { describeBaseline, loadBaseline, saveBaseline, takeBaseline, type Baseline } from '../verify/baseline';
import { runAgentLoop, type LoopTool, type Summariser } from './agent-loop';
import { builderTools, type BuilderToolEnv } from './builder-tools';
import { isAllowlisted, type CommandResult } from '../commands/command-runner';
import { FileWriter } from './file-writer';
import { makeClient } from '../model/model-stream';
import { type BackoffOptions, type Sleeper } from '../model/retry-policy';
import { commitRunChanges } from '../checkpoints/run-commit';
import { RunJournal } from '../checkpoints/run-journal';
import { missingKeyMessage, SettingsStore, type RoleConnection } from '../model/settings-store';
import { ShadowRepo } from '../checkpoints/shadow-repo';
import { buildTaskContext } from './task-context';
import { looksBinary } from '../util/text-format';
import { summarise, TranscriptStore } from '../model/transcript-store';
import { costOf, priceFor, ZERO_USAGE } from '../model/usage-cost';
import { BUILDER_SYSTEM, ASK_BUILDER_SYSTEM, ASK_THINKER_SYSTEM } from '../model/prompts';

/** Test seams: a fetch for the SDK, backoff and sleep so tests never wait. */
export interface AgentServiceOptions {
  readonly backoff?: BackoffOptions;
  readonly sleep?: Sleeper;
  readonly env?: NodeJS.ProcessEnv;
  /** Delta batching interval (ms). */
  readonly batchMs?: number;
}

interface PendingApproval {
  readonly resolve: (approved: boolean) => void;
}

interface ActiveRun {
  readonly runId: string;
  readonly root: string;
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

const now = (): string => new Date().toISOString();
const newRunId = (): string => `run-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;

/**
 * Agent sessions of the core: building runs on tasks, questions, thinker actions; their
 * transcripts, approvals, steering, cancel, checkpoints and review (accept / reject / undo).
 */
export class AgentService {
  readonly settings: SettingsStore;
  readonly transcripts: TranscriptStore;
  private readonly active = new Map<string, ActiveRun>();
  /** Projects with building runs in this session: their hand-off note is written when the session ends. */
  readonly sessionRoots = new Set<string>();

  constructor(
    private readonly ctx: CoreContext,
    private readonly options: AgentServiceOptions = {},
  ) {
    // A test may give the run its own environment (keys, endpoint); the app uses the core's settings.
    this.settings = options.env ? new SettingsStore(ctx.dataDir, ctx.host.secrets, options.env) : ctx.services.settings;
    this.transcripts = ctx.services.transcripts;
  }

  /** The shadow repository of a project. */
  shadow(root: string): ShadowRepo {
    return this.ctx.services.project(root).shadow;
  }

  /** A role's connection, or a clear error naming what to set. */
  async requireConnection(role: AgentRole): Promise<RoleConnection & { apiKey: string }> {
    const c = await this.settings.connection(role);
    if (!c.apiKey) throw new RpcError('UNAVAILABLE', missingKeyMessage(role));
    return { ...c, apiKey: c.apiKey };
  }

  // ---- run bookkeeping ---------------------------------------------------------------------

  private record(run: ActiveRun, event: TranscriptEvent): void {
    // Deltas streamed so far go out before the record, so a finished turn replaces its streamed text.
    this.flush(run);
    run.events.push(event);
    run.writeChain = run.writeChain.then(() => this.transcripts.append(run.root, run.runId, event)).catch(() => {});
    this.ctx.bus.emit('agent.didAppend', { runId: run.runId, root: run.root, event });
    this.update(run);
  }

  private update(run: ActiveRun): void {
    const summary = summarise(run.events, true);
    if (!summary) return;
    const live = summary.endedAt ? summary : { ...summary, status: run.status };
    this.ctx.bus.emit('agent.didUpdate', { root: run.root, summary: live, retryAt: run.retryAt });
  }

  private delta(run: ActiveRun, d: StreamDelta): void {
    const last = run.deltas[run.deltas.length - 1];
    if (last && last.block === d.block && last.kind === d.kind) run.deltas[run.deltas.length - 1] = { ...last, text: last.text + d.text };
    else run.deltas.push(d);
    // Batches keep the UI from flooding: one event per ~30 ms however fast the model streams.
    run.flushTimer ??= setTimeout(() => this.flush(run), this.options.batchMs ?? 30);
  }

  private flush(run: ActiveRun): void {
    if (run.flushTimer) clearTimeout(run.flushTimer);
    run.flushTimer = null;
    if (!run.deltas.length) return;
    const deltas = run.deltas;
    run.deltas = [];
    this.ctx.bus.emit('agent.didStream', { runId: run.runId, deltas });
  }

  private newRun(root: string, kind: RunSummary['kind']): ActiveRun {
    const run: ActiveRun = {
      runId: newRunId(),
      root,
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

  private approval(run: ActiveRun, toolUseId: string, fields: { action: 'edit' | 'command'; path: string | null; before: string | null; after: string | null; command: string | null }): Promise<boolean> {
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

  // ---- building runs -----------------------------------------------------------------------

  /** Starts a building run on a task; returns at once, the run streams through events. */
  async startTask(root: string, taskId: string, note?: string): Promise<string> {
    this.ctx.projects.require(root);
    const conn = await this.requireConnection('builder');
    const context = await buildTaskContext(root, taskId, note);
    const settings = await this.settings.load();
    const run = this.newRun(root, 'task');
    const shadow = this.shadow(root);
    const checkpoint = await shadow.snapshot(`before run ${run.runId} (${taskId})`);
    this.record(run, { type: 'start', at: now(), runId: run.runId, kind: 'task', taskId, title: `${taskId} ${context.task.title}`, role: 'builder', model: conn.model, checkpoint, resumedFrom: null });
    this.record(run, { type: 'checkpoint', at: now(), ref: checkpoint, reason: 'before the run' });
    this.record(run, { type: 'user', at: now(), text: context.text, steer: false });
    run.done = this.drive(run, conn, { checkpoint, taskId, scope: context.task.scope, checks: context.task.checks, memory: context.memory, messages: [{ role: 'user', content: context.text }], readOnly: false, system: BUILDER_SYSTEM, taskText: context.text, settings });
    return run.runId;
  }

  private async drive(
    run: ActiveRun,
    conn: RoleConnection & { apiKey: string },
    o: { checkpoint: string | null; taskId: string | null; scope: readonly string[]; checks?: readonly string[]; memory: string | null; messages: MessageParam[]; readOnly: boolean; system: string; taskText: string; settings: Awaited<ReturnType<SettingsStore['load']>>; tools?: LoopTool[]; resumedFrom?: string },
  ): Promise<void> {
    const baseline = run.kind === 'task' && o.checkpoint && o.taskId ? await this.baseline(run, o.checkpoint, o.taskId, o.settings.commandTimeoutSec * 1000, o.resumedFrom) : null;
    const journal = new RunJournal();
    const commands: Array<{ command: string; result: CommandResult }> = [];
    let outcome: { summary: string; claims: readonly AgentClaim[] } | null = null;
    const settings = o.settings;
    const writer = new FileWriter(
      run.root,
      journal,
      async (req) => {
        // Flagged edits (emptied, gutted, placeholder) always ask, even with auto-approve on.
        if (settings.autoApprove.edits && req.flags.filter((f) => f !== 'rewrite').length === 0) return true;
        return this.approval(run, currentToolUse, { action: 'edit', path: req.path, before: req.before, after: req.after, command: null });
      },
      (path, hashBefore, hashAfter, flags) => this.record(run, { type: 'write', at: now(), path, hashBefore, hashAfter, by: 'edit', flags: [...flags] }),
      o.readOnly,
    );
    let currentToolUse = '';
    const env: BuilderToolEnv = {
      root: run.root,
      writer,
      journal,
      shadow: this.shadow(run.root),
      allowlist: settings.autoApprove.commands,
      checks: o.checks ?? [],
      gate: (command) => this.approval(run, currentToolUse, { action: 'command', path: null, before: null, after: null, command }),
      timeoutMs: settings.commandTimeoutSec * 1000,
      secrets: [conn.apiKey],
      onCheckpoint: (ref, reason) => this.record(run, { type: 'checkpoint', at: now(), ref, reason }),
      onCommand: (toolUseId, command, result) => {
        commands.push({ command, result });
        this.record(run, { type: 'command', at: now(), toolUseId, command, exitCode: result.exitCode, timedOut: result.timedOut, durationMs: result.durationMs });
      },
      onCommandWrites: (changes) => {
        for (const c of changes) this.record(run, { type: 'write', at: now(), path: c.path, hashBefore: c.hashBefore, hashAfter: c.hashAfter, by: 'command', flags: [] });
      },
      onOutcome: (summary, claims) => {
        outcome = { summary, claims };
        this.record(run, { type: 'outcome', at: now(), summary, claims: [...claims] });
      },
      readOnly: o.readOnly,
    };
    const tools = (o.tools ?? builderTools(env)).map((t) => ({
      ...t,
      run: (input: Record<string, unknown>, c: { toolUseId: string; signal: AbortSignal }) => {
        currentToolUse = c.toolUseId;
        return t.run(input, c);
      },
    }));
    const price = priceFor(settings.prices, conn.model);
    const result = await runAgentLoop({
      client: makeClient(conn.apiKey, conn.baseURL),
      model: conn.model,
      maxTokens: 16_000,
      system: o.system,
      memory: o.memory,
      tools,
      messages: o.messages,
      stepLimit: settings.stepLimit,
      costCeilingUsd: settings.costCeilingUsd,
      price,
      signal: run.controller.signal,
      backoff: this.options.backoff,
      sleep: this.options.sleep,
      takeSteer: () => run.steer.splice(0),
      emit: (e) => this.record(run, e),
      onDelta: (d) => this.delta(run, d),
      onRetryWait: (at) => {
        run.retryAt = at;
        run.status = at ? 'retrying' : 'running';
        this.update(run);
      },
      contextLimit: 200_000,
      summarise: this.summariser(),
      taskText: o.taskText,
    }).catch((error: unknown) => ({ status: 'failed' as const, reason: error instanceof Error ? error.message : String(error), usage: ZERO_USAGE, costUsd: 0, messages: [], finalText: '' }));
    this.flush(run);
    for (const a of [...run.approvals.values()]) a.resolve(false);
    run.status = result.status;
    run.retryAt = null;
    this.record(run, { type: 'end', at: now(), status: result.status, reason: result.reason, usage: result.usage, costUsd: result.costUsd });
    await run.writeChain;
    this.active.delete(run.runId);
    const done = outcome as { summary: string; claims: readonly AgentClaim[] } | null;
    // Every building run is judged against its task, whether or not it reported an outcome.
    if (run.kind === 'task' && o.checkpoint) await this.verify(run, conn, o, journal, commands, done ?? { summary: result.reason ?? result.finalText ?? '', claims: [] }, !!done, baseline);
    this.lastResult.set(run.runId, result.finalText);
  }

  private readonly lastResult = new Map<string, string>();

  private async verify(
    run: ActiveRun,
    conn: RoleConnection,
    o: { checkpoint: string | null; taskId: string | null; scope: readonly string[]; settings: Awaited<ReturnType<SettingsStore['load']>> },
    journal: RunJournal,
    commands: ReadonlyArray<{ command: string; result: CommandResult }>,
    outcome: { summary: string; claims: readonly AgentClaim[] },
    reported: boolean,
    baseline: Baseline | null,
  ): Promise<void> {
    const verifiable: VerifiableRun = {
      runId: run.runId,
      ...(o.taskId ? { taskId: o.taskId } : {}),
      role: 'builder',
      model: conn.model,
      summary: outcome.summary,
      claims: outcome.claims,
      reported,
      baseline,
      projectRoot: run.root,
      checkpointCommit: o.checkpoint ?? '',
      shadowGitdir: this.shadow(run.root).gitdir,
      journal: journal.entries(),
      commands: commands.map((c) => ({ command: c.command, exitCode: c.result.exitCode, outputExcerpt: c.result.output.slice(-4000) })),
      scope: o.scope,
      endedAt: now(),
    };
    try {
      await verifyRun(this.ctx, verifiable, { approve: (command) => isAllowlisted(command, o.settings.autoApprove.commands) });
    } catch (error) {
      const text = `Verification of the claims could not run: ${error instanceof Error ? error.message : String(error)}`;
      await this.transcripts.append(run.root, run.runId, { type: 'notice', at: now(), level: 'warn', text });
    }
  }

  /**
   * Runs the task's served checks before the model starts (from the plan at the checkpoint) and keeps
   * the result in the app data folder; a resumed run reuses the baseline of the run it continues.
   */
  private async baseline(run: ActiveRun, checkpoint: string, taskId: string, timeoutMs: number, resumedFrom?: string): Promise<Baseline | null> {
    const previous = resumedFrom ? await loadBaseline(this.ctx.dataDir, run.root, resumedFrom) : null;
    let baseline: Baseline | null = previous;
    if (!baseline) {
      try {
        baseline = await takeBaseline(run.root, this.shadow(run.root), checkpoint, taskId, {
          timeoutMs,
          signal: run.controller.signal,
          onCheck: (check, i, total) => this.record(run, { type: 'notice', at: now(), level: 'info', text: `Baseline ${i + 1}/${total}: running ${check.id} (\`${check.command}\`) before the run starts.` }),
        });
      } catch (error) {
        this.record(run, { type: 'notice', at: now(), level: 'warn', text: `The baseline could not be taken (${error instanceof Error ? error.message : String(error)}); checks after the run are compared with nothing.` });
        return null;
      }
    }
    await saveBaseline(this.ctx.dataDir, run.root, run.runId, baseline).catch(() => {});
    this.record(run, { type: 'notice', at: now(), level: 'info', text: `Baseline${previous ? ` (from ${resumedFrom})` : ''}: ${describeBaseline(baseline)}` });
    return baseline;
  }

  private summariser(): Summariser {
    return async (conversation, signal) => {
      const conn = await this.requireConnection('utility');
      const client = makeClient(conn.apiKey, conn.baseURL);
      const res = await client.messages.create(
        { model: conn.model, max_tokens: 2000, messages: [{ role: 'user', content: `Summarise this agent session for the agent to continue: state, decisions, files touched, open problems.\n\n${conversation}` }] },
        { signal, maxRetries: 2 },
      );
      const summary = res.content.flatMap((b) => (b.type === 'text' ? [b.text] : [])).join('\n');
      const usage = { input: res.usage.input_tokens, output: res.usage.output_tokens, cacheWrite5m: res.usage.cache_creation_input_tokens ?? 0, cacheWrite1h: 0, cacheRead: res.usage.cache_read_input_tokens ?? 0 };
      const settings = await this.settings.load();
      return { summary, usage, costUsd: costOf(usage, priceFor(settings.prices, conn.model)) };
    };
  }

  /** Cancels a run: aborts the stream, kills commands, denies pending approvals. */
  cancel(runId: string): void {
    const run = this.active.get(runId);
    if (!run) throw new RpcError('NOT_FOUND', 'That run is not running any more.');
    run.controller.abort();
    for (const a of [...run.approvals.values()]) a.resolve(false);
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

  // ---- history and review -------------------------------------------------------------------

  /** Runs of a project, newest first. */
  async runs(root: string, taskId?: string): Promise<RunSummary[]> {
    this.ctx.projects.require(root);
    const out: RunSummary[] = [];
    for (const id of await this.transcripts.runIds(root)) {
      const live = this.active.get(id);
      const s = summarise(live ? live.events : await this.transcripts.read(root, id), !!live);
      if (!s || (taskId && s.taskId !== taskId)) continue;
      out.push(live && !s.endedAt ? { ...s, status: live.status } : s);
    }
    return out.sort((a, b) => b.startedAt.localeCompare(a.startedAt));
  }

  /** A run's transcript and summary. */
  async transcript(root: string, runId: string): Promise<{ summary: RunSummary; events: TranscriptEvent[] }> {
    this.ctx.projects.require(root);
    const live = this.active.get(runId);
    const events = live ? [...live.events] : await this.transcripts.read(root, runId);
    const summary = summarise(events, !!live);
    if (!summary) throw new RpcError('NOT_FOUND', `No transcript for run ${runId}.`);
    return { summary: live && !summary.endedAt ? { ...summary, status: live.status } : summary, events };
  }

  private async finished(root: string, runId: string): Promise<{ events: TranscriptEvent[]; checkpoint: string; summary: RunSummary }> {
    const live = this.active.get(runId);
    // A run is reviewable from its end record on (claim verification may still be finishing).
    if (live && !live.events.some((e) => e.type === 'end')) throw new RpcError('CONFLICT', 'The run is still going; stop it or wait for it to finish first.');
    const { events, summary } = await this.transcript(root, runId);
    const start = events.find((e) => e.type === 'start');
    if (!start || start.type !== 'start' || !start.checkpoint) throw new RpcError('CONFLICT', 'This run has no checkpoint, so it has nothing to review.');
    return { events, checkpoint: start.checkpoint, summary };
  }

  /** Paths the run wrote and the ones it created (first write had no previous content). */
  private static touched(events: readonly TranscriptEvent[]): { paths: string[]; created: Set<string> } {
    const paths: string[] = [];
    const created = new Set<string>();
    for (const e of events) {
      if (e.type !== 'write') continue;
      if (!paths.includes(e.path)) {
        paths.push(e.path);
        if (e.hashBefore === null && e.hashAfter !== null) created.add(e.path);
      }
    }
    return { paths, created };
  }

  /** The run's diff: checkpoint → working tree for the files the run touched. */
  async diff(root: string, runId: string): Promise<RunFileDiff[]> {
    const { events, checkpoint } = await this.finished(root, runId);
    const shadow = this.shadow(root);
    const before = await shadow.readSnapshot(checkpoint);
    const { paths } = AgentService.touched(events);
    const out: RunFileDiff[] = [];
    for (const path of paths.sort()) {
      const b = before.get(path);
      const abs = join(root, path);
      const after = fs.existsSync(abs) ? new Uint8Array(await fs.promises.readFile(abs)) : null;
      const beforeBytes = b ? await shadow.readBlob(b.oid) : null;
      if (!after && !beforeBytes) continue;
      const binary = (after !== null && looksBinary(after)) || (beforeBytes !== null && looksBinary(beforeBytes));
      const dec = (x: Uint8Array | null): string | null => (x === null || binary ? null : new TextDecoder().decode(x));
      if (after && beforeBytes && Buffer.compare(Buffer.from(after), Buffer.from(beforeBytes)) === 0) continue;
      out.push({ path, status: !beforeBytes ? 'added' : !after ? 'deleted' : 'modified', binary, before: dec(beforeBytes), after: dec(after) });
    }
    return out;
  }

  /** Commits exactly the run's changes (see commitRunChanges) to the user's repository. */
  async accept(root: string, runId: string, message?: string): Promise<{ commit: string; files: string[] }> {
    const { summary, checkpoint } = await this.finished(root, runId);
    const files = await this.diff(root, runId);
    if (!files.length) throw new RpcError('CONFLICT', 'The run changed no files, so there is nothing to commit.');
    if (!fs.existsSync(join(root, '.git'))) throw new RpcError('CONFLICT', 'This folder is not a git repository yet. Initialise git (Builder ▸ Changes) and accept again.');
    const author = await readAuthor(root);
    if (!author.name || !author.email) throw new RpcError('CONFLICT', 'Set your commit name and email (git config user.name and user.email) and accept again.');
    const before = await this.shadow(root).readSnapshot(checkpoint);
    const who = { name: author.name, email: author.email };
    const text = message?.trim() || `${summary.taskId ? `${summary.title}` : summary.title}\n\nAccepted agent run ${runId} (${summary.model}).`;
    const commit = await commitRunChanges(root, files, (path) => before.get(path)?.oid ?? null, { message: text, author: who });
    await this.transcripts.append(root, runId, { type: 'review', at: now(), action: 'accepted', commit, restoreRef: null });
    this.ctx.bus.emit('repo.didChange', { root, paths: files.map((f) => f.path), git: true });
    return { commit, files: files.map((f) => f.path) };
  }

  /** Restores the run's checkpoint (transactional, undoable). */
  async reject(root: string, runId: string): Promise<{ restored: string[]; deleted: string[]; undoRef: string }> {
    const { events, checkpoint } = await this.finished(root, runId);
    const { created } = AgentService.touched(events);
    // The ledger is never restored: the Calibrator's records of a rejected run stay.
    const r = await this.shadow(root).restore(checkpoint, created, { keep: [EVIDENCE_FILE] });
    await this.transcripts.append(root, runId, { type: 'review', at: now(), action: 'rejected', commit: null, restoreRef: r.undoRef });
    this.ctx.bus.emit('repo.didChange', { root, paths: [...r.restored, ...r.deleted], git: false });
    return { restored: [...r.restored], deleted: [...r.deleted], undoRef: r.undoRef };
  }

  /** Undoes the last reject of a run. */
  async undoReject(root: string, runId: string): Promise<{ restored: string[]; deleted: string[] }> {
    const { events, checkpoint } = await this.finished(root, runId);
    const last = [...events].reverse().find((e) => e.type === 'review');
    if (!last || last.type !== 'review' || last.action !== 'rejected' || !last.restoreRef) throw new RpcError('CONFLICT', 'This run was not rejected, so there is nothing to undo.');
    const shadow = this.shadow(root);
    const target = await shadow.readSnapshot(checkpoint);
    const undoTree = await shadow.readSnapshot(last.restoreRef);
    // Files the reject re-created (they were absent just before it) are the only ones undo may delete.
    const recreated = new Set([...target.keys()].filter((p) => !undoTree.has(p)));
    const r = await shadow.restore(last.restoreRef, recreated, { keep: [EVIDENCE_FILE] });
    await this.transcripts.append(root, runId, { type: 'review', at: now(), action: 'restore_undone', commit: null, restoreRef: r.undoRef });
    this.ctx.bus.emit('repo.didChange', { root, paths: [...r.restored, ...r.deleted], git: false });
    return { restored: [...r.restored], deleted: [...r.deleted] };
  }

  /** Marks an interrupted run as discarded. */
  async discard(root: string, runId: string): Promise<void> {
    const { summary } = await this.transcript(root, runId);
    if (summary.status !== 'interrupted') throw new RpcError('CONFLICT', 'Only an interrupted run can be discarded.');
    await this.transcripts.append(root, runId, { type: 'review', at: now(), action: 'discarded', commit: null, restoreRef: null });
  }

  /** Continues an interrupted run as a new run from its transcript (unanswered tool calls answered as cancelled). */
  async resume(root: string, runId: string): Promise<string> {
    const { summary, events } = await this.transcript(root, runId);
    if (summary.status !== 'interrupted') throw new RpcError('CONFLICT', 'Only an interrupted run can be resumed.');
    const role: AgentRole = summary.kind === 'task' ? 'builder' : summary.role;
    const conn = await this.requireConnection(role);
    const messages = rebuildMessages(events);
    const settings = await this.settings.load();
    const start = events.find((e) => e.type === 'start');
    const checkpoint = start && start.type === 'start' ? start.checkpoint : null;
    const run = this.newRun(root, summary.kind);
    await this.transcripts.append(root, runId, { type: 'end', at: now(), status: 'stopped', reason: `Resumed as ${run.runId}.`, usage: summary.usage, costUsd: summary.costUsd });
    this.record(run, { type: 'start', at: now(), runId: run.runId, kind: summary.kind, taskId: summary.taskId, title: summary.title, role, model: conn.model, checkpoint, resumedFrom: runId });
    const text = 'The session was interrupted (the app stopped). Check the current state of the files before continuing.';
    messages.push({ role: 'user', content: [{ type: 'text', text }] });
    const taskText = events.find((e) => e.type === 'user')?.type === 'user' ? (events.find((e) => e.type === 'user') as { text: string }).text : '';
    const memory = summary.kind === 'task' ? (await buildTaskContext(root, summary.taskId ?? '').catch(() => null))?.memory ?? null : null;
    // Copy the write records so review of the resumed run covers the whole piece of work.
    for (const e of events) if (e.type === 'write' || e.type === 'user' || e.type === 'assistant' || e.type === 'tool_result') this.record(run, e);
    run.done = this.drive(run, conn, { checkpoint, taskId: summary.taskId, scope: [], memory, messages, readOnly: summary.kind !== 'task', system: summary.kind === 'task' ? BUILDER_SYSTEM : ASK_THINKER_SYSTEM, taskText, settings, resumedFrom: runId });
    return run.runId;
  }

  // ---- questions ------------------------------------------------------------------------------

  /** Starts an answer run for a question on the role given (thinker without tools, builder read-only). */
  async startAsk(root: string, question: string, role: 'thinker' | 'builder', reason: string): Promise<{ runId: string; model: string }> {
    this.ctx.projects.require(root);
    const conn = await this.requireConnection(role);
    const settings = await this.settings.load();
    const run = this.newRun(root, 'ask');
    const title = question.length > 80 ? `${question.slice(0, 80)}…` : question;
    this.record(run, { type: 'start', at: now(), runId: run.runId, kind: 'ask', taskId: null, title, role, model: conn.model, checkpoint: null, resumedFrom: null });
    this.record(run, { type: 'notice', at: now(), level: 'info', text: `Routed to the ${role} (${conn.model}): ${reason}` });
    this.record(run, { type: 'user', at: now(), text: question, steer: false });
    const memory = (await buildTaskContext(root, '__none__').catch(() => null))?.memory ?? null;
    run.done = this.drive(run, conn, {
      checkpoint: null,
      taskId: null,
      scope: [],
      memory,
      messages: [{ role: 'user', content: question }],
      readOnly: true,
      system: role === 'builder' ? ASK_BUILDER_SYSTEM : ASK_THINKER_SYSTEM,
      taskText: question,
      settings,
      ...(role === 'thinker' ? { tools: [] } : {}),
    });
    return { runId: run.runId, model: conn.model };
  }

  /** Runs a thinker action with one structured-output tool and returns what the tool received. */
  async thinkerAction<T>(
    root: string,
    kind: 'critique' | 'breakdown' | 'replan',
    title: string,
    prompt: string,
    system: string,
    tool: LoopTool & { parse: (input: Record<string, unknown>) => T },
    taskId: string | null = null,
  ): Promise<{ runId: string; value: T }> {
    this.ctx.projects.require(root);
    const conn = await this.requireConnection('thinker');
    const settings = await this.settings.load();
    const run = this.newRun(root, kind);
    let value: T | null = null;
    const submit: LoopTool = {
      name: tool.name,
      definition: tool.definition,
      run: async (input) => {
        try {
          value = tool.parse(input);
        } catch (error) {
          return { text: `Invalid: ${error instanceof Error ? error.message : String(error)}. Call ${tool.name} again with valid input.`, isError: true };
        }
        return { text: 'Received.', isError: false, final: true };
      },
    };
    this.record(run, { type: 'start', at: now(), runId: run.runId, kind, taskId, title, role: 'thinker', model: conn.model, checkpoint: null, resumedFrom: null });
    this.record(run, { type: 'user', at: now(), text: prompt, steer: false });
    run.done = this.drive(run, conn, { checkpoint: null, taskId: null, scope: [], memory: null, messages: [{ role: 'user', content: prompt }], readOnly: true, system, taskText: prompt, settings: { ...settings, stepLimit: Math.min(settings.stepLimit, 4) }, tools: [submit] });
    await run.done;
    if (value === null) {
      const { summary } = await this.transcript(root, run.runId);
      throw new RpcError('UNAVAILABLE', `The thinker did not return a result (${summary.reason ?? 'no answer'}). Try again, or check the thinker's model and endpoint in Settings.`);
    }
    return { runId: run.runId, value };
  }

  /** Records that the user accepted a replan draft (it ends the task's failing streak). */
  async markReplanAccepted(root: string, runId: string): Promise<void> {
    await this.transcripts.append(root, runId, { type: 'review', at: now(), action: 'accepted', commit: null, restoreRef: null });
    const summary = summarise(await this.transcripts.read(root, runId), false);
    if (summary) this.ctx.bus.emit('agent.didUpdate', { root, summary, retryAt: null });
  }

  /** Text of a finished run's final answer. */
  finalText(runId: string): string {
    return this.lastResult.get(runId) ?? '';
  }

  /** Stops every run (core shutdown): their transcripts end as cancelled. */
  async dispose(): Promise<void> {
    const runs = [...this.active.values()];
    for (const r of runs) {
      r.controller.abort();
      for (const a of [...r.approvals.values()]) a.resolve(false);
    }
    await Promise.all(runs.map((r) => r.done.catch(() => {})));
  }
}

/** Rebuilds API messages from a transcript (thinking is dropped: its signature is not kept). */
export function rebuildMessages(events: readonly TranscriptEvent[]): MessageParam[] {
  const out: MessageParam[] = [];
  let pendingResults: Array<{ type: 'tool_result'; tool_use_id: string; is_error: boolean; content: string }> = [];
  const flushResults = (): void => {
    if (pendingResults.length) out.push({ role: 'user', content: pendingResults });
    pendingResults = [];
  };
  for (const e of events) {
    if (e.type === 'user') {
      flushResults();
      const last = out[out.length - 1];
      if (last && last.role === 'user' && Array.isArray(last.content)) last.content.push({ type: 'text', text: e.text });
      else out.push({ role: 'user', content: [{ type: 'text', text: e.text }] });
    } else if (e.type === 'assistant') {
      flushResults();
      const content: ContentBlockParam[] = [];
      for (const b of e.content) {
        if (b.type === 'text') content.push({ type: 'text', text: b.text });
        else if (b.type === 'tool_use') content.push({ type: 'tool_use', id: b.id, name: b.name, input: b.input });
      }
      if (content.length) out.push({ role: 'assistant', content });
    } else if (e.type === 'tool_result') {
      pendingResults.push({ type: 'tool_result', tool_use_id: e.toolUseId, is_error: e.isError, content: e.output });
    }
  }
  flushResults();
  return out;
}
