import type { MessageParam } from '@anthropic-ai/sdk/resources/messages';
import type { AgentClaim } from '../../../shared/contract';
import { verifyRun } from '../verify/claim-verifier';
import { inScope } from '../verify/drift';
import { EVIDENCE_FILE } from '../verify/evidence';
import type { VerifiableRun } from '../verify/verifiable-run';
import { describeBaseline, loadBaseline, saveBaseline, takeBaseline, type Baseline } from '../verify/baseline';
import { runAgentLoop, type LoopTool, type Summariser } from './agent-loop';
import { builderTools, type BuilderToolEnv } from './builder-tools';
import { isAllowlisted, type CommandResult } from '../commands/command-runner';
import { FileWriter } from './file-writer';
import { makeClient } from '../model/model-stream';
import { RunJournal } from '../checkpoints/run-journal';
import type { RoleConnection } from '../model/settings-store';
import { buildTaskContext } from './task-context';
import { costOf, priceFor, ZERO_USAGE } from '../model/usage-cost';
import { BUILDER_SYSTEM } from '../model/prompts';
import type { AgentEnv, KeyedConnection, RunSettings } from './agent-env';
import { now, type ActiveRun, type RunRegistry } from './run-registry';

/** How a run is driven: its conversation so far, its prompt and tools, and what it is judged against. */
export interface DriveOptions {
  readonly checkpoint: string | null;
  readonly taskId: string | null;
  readonly scope: readonly string[];
  readonly checks?: readonly string[];
  readonly memory: string | null;
  readonly messages: MessageParam[];
  readonly readOnly: boolean;
  readonly system: string;
  readonly taskText: string;
  readonly settings: RunSettings;
  /** The tools the model gets; the builder's tools when absent. */
  readonly tools?: LoopTool[];
  /** The run this one continues (its baseline is reused). */
  readonly resumedFrom?: string;
  /** The task allows its runs' commands the network (`- network: allowed` in tasks.md). */
  readonly taskAllowsNetwork?: boolean;
}

/**
 * Building runs: starting one on a task, driving any run through the tool loop (file writer,
 * approvals, commands, compaction), the baseline taken before a building run and the hand-off
 * of the finished run to the Calibrator.
 */
export class BuildingRuns {
  constructor(
    private readonly env: AgentEnv,
    private readonly registry: RunRegistry,
  ) {}

  /**
   * Starts a building run on a task; returns at once, the run streams through events. A parallel run gives
   * its id and worktree (`at`): it works there (opened in the project registry by the caller) and its
   * transcript stays with the project.
   */
  async startTask(root: string, taskId: string, note?: string, at: { readonly runId: string; readonly workRoot: string } | null = null): Promise<string> {
    const { env, registry } = this;
    env.ctx.projects.require(root);
    const conn = await env.requireConnection('builder');
    const context = await buildTaskContext(at?.workRoot ?? root, taskId, note);
    const settings = await env.settings.load();
    const run = registry.newRun(root, 'task', at);
    const shadow = env.shadow(run.workRoot);
    const checkpoint = await shadow.snapshot(`before run ${run.runId} (${taskId})`);
    registry.record(run, { type: 'start', at: now(), runId: run.runId, kind: 'task', taskId, title: `${taskId} ${context.task.title}`, role: 'builder', model: conn.model, checkpoint, resumedFrom: null });
    registry.record(run, { type: 'checkpoint', at: now(), ref: checkpoint, reason: 'before the run' });
    registry.record(run, { type: 'user', at: now(), text: context.text, steer: false });
    run.done = this.drive(run, conn, { checkpoint, taskId, scope: context.task.scope, checks: context.task.checks, memory: context.memory, messages: [{ role: 'user', content: context.text }], readOnly: false, system: BUILDER_SYSTEM, taskText: context.text, settings, taskAllowsNetwork: context.task.network === true });
    return run.runId;
  }

  /** Runs the tool loop for a registered run to its end; a building run is then judged against its task. */
  async drive(run: ActiveRun, conn: KeyedConnection, o: DriveOptions): Promise<void> {
    const { env, registry } = this;
    // The baseline runs while the model thinks about its first step; no tool runs before it is taken,
    // so it sees the tree exactly as the checkpoint did.
    const baselineTaken = run.kind === 'task' && o.checkpoint && o.taskId ? this.baseline(run, o.checkpoint, o.taskId, o.settings.commandTimeoutSec * 1000, o.resumedFrom) : Promise.resolve(null);
    const journal = new RunJournal();
    const commands: Array<{ command: string; result: CommandResult }> = [];
    let outcome: { summary: string; claims: readonly AgentClaim[] } | null = null;
    const settings = o.settings;
    // A write outside the task's scope is flagged when it happens (once per file), not refused; the Calibrator
    // counts it as drift at the end.
    const flagged = new Set<string>();
    const flagScope = (path: string): void => {
      if (!o.taskId || o.scope.length === 0 || path === EVIDENCE_FILE || flagged.has(path) || inScope(path, o.scope)) return;
      flagged.add(path);
      registry.record(run, { type: 'notice', at: now(), level: 'warn', kind: 'out_of_scope', path, text: `Wrote ${path} outside the scope of ${o.taskId} (${o.scope.join(', ')}). It was not refused: check it in the diff; verification counts it as drift.` });
    };
    const writer = new FileWriter(
      run.workRoot,
      journal,
      async (req) => {
        // Flagged edits (emptied, gutted, placeholder) always ask, even with auto-approve on.
        if (settings.autoApprove.edits && req.flags.filter((f) => f !== 'rewrite').length === 0) return true;
        return registry.approval(run, currentToolUse, { action: 'edit', path: req.path, before: req.before, after: req.after, command: null });
      },
      (path, hashBefore, hashAfter, flags) => {
        registry.record(run, { type: 'write', at: now(), path, hashBefore, hashAfter, by: 'edit', flags: [...flags] });
        flagScope(path);
      },
      o.readOnly,
    );
    let currentToolUse = '';
    // The bash tool's commands run without network unless the setting or the task allows it; the transcript says which.
    const network = o.tools ? null : settings.allowNetwork ? 'setting' : o.taskAllowsNetwork && o.taskId ? `task ${o.taskId}` : null;
    if (network) registry.record(run, { type: 'notice', at: now(), level: 'warn', text: `Network allowed for this run (${network}): the agent's commands can reach the network. Turn it off in Settings or remove the task's "network: allowed" line.` });
    const toolEnv: BuilderToolEnv = {
      root: run.workRoot,
      writer,
      journal,
      shadow: env.shadow(run.workRoot),
      allowlist: settings.autoApprove.commands,
      checks: o.checks ?? [],
      gate: (command) => registry.approval(run, currentToolUse, { action: 'command', path: null, before: null, after: null, command }),
      timeoutMs: settings.commandTimeoutSec * 1000,
      secrets: [conn.apiKey],
      network: network !== null,
      onCheckpoint: (ref, reason) => registry.record(run, { type: 'checkpoint', at: now(), ref, reason }),
      onCommand: (toolUseId, command, result) => {
        commands.push({ command, result });
        registry.record(run, { type: 'command', at: now(), toolUseId, command, exitCode: result.exitCode, timedOut: result.timedOut, durationMs: result.durationMs });
      },
      onCommandWrites: (changes) => {
        for (const c of changes) {
          registry.record(run, { type: 'write', at: now(), path: c.path, hashBefore: c.hashBefore, hashAfter: c.hashAfter, by: 'command', flags: [] });
          flagScope(c.path);
        }
      },
      onOutcome: (summary, claims) => {
        outcome = { summary, claims };
        registry.record(run, { type: 'outcome', at: now(), summary, claims: [...claims] });
      },
      readOnly: o.readOnly,
    };
    const tools = (o.tools ?? builderTools(toolEnv)).map((t) => ({
      ...t,
      run: async (input: Record<string, unknown>, c: { toolUseId: string; signal: AbortSignal }) => {
        await baselineTaken;
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
      backoff: env.options.backoff,
      sleep: env.options.sleep,
      takeSteer: () => run.steer.splice(0),
      emit: (e) => registry.record(run, e),
      onDelta: (d) => registry.delta(run, d),
      onRetryWait: (at) => {
        run.retryAt = at;
        run.status = at ? 'retrying' : 'running';
        registry.update(run);
      },
      contextLimit: 200_000,
      summarise: this.summariser(),
      taskText: o.taskText,
    }).catch((error: unknown) => ({ status: 'failed' as const, reason: error instanceof Error ? error.message : String(error), usage: ZERO_USAGE, costUsd: 0, messages: [], finalText: '' }));
    await registry.end(run, result);
    const done = outcome as { summary: string; claims: readonly AgentClaim[] } | null;
    // Every building run is judged against its task, whether or not it reported an outcome.
    if (run.kind === 'task' && o.checkpoint) await this.verify(run, conn, o, journal, commands, done ?? { summary: result.reason ?? result.finalText ?? '', claims: [] }, !!done, await baselineTaken);
    registry.setFinalText(run.runId, result.finalText);
  }

  /** Hands the finished building run to the Calibrator; a failure to judge it is noted in the transcript. */
  private async verify(
    run: ActiveRun,
    conn: RoleConnection,
    o: Pick<DriveOptions, 'checkpoint' | 'taskId' | 'scope' | 'settings'>,
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
      projectRoot: run.workRoot,
      // A parallel run's records stay with the project, not with its worktree.
      ...(run.workRoot !== run.root ? { recordRoot: run.root } : {}),
      checkpointCommit: o.checkpoint ?? '',
      shadowGitdir: this.env.shadow(run.workRoot).gitdir,
      journal: journal.entries(),
      commands: commands.map((c) => ({ command: c.command, exitCode: c.result.exitCode, outputExcerpt: c.result.output.slice(-4000) })),
      scope: o.scope,
      endedAt: now(),
    };
    try {
      await verifyRun(this.env.ctx, verifiable, { approve: (command) => isAllowlisted(command, o.settings.autoApprove.commands) });
    } catch (error) {
      const text = `Verification of the claims could not run: ${error instanceof Error ? error.message : String(error)}`;
      await this.env.transcripts.append(run.root, run.runId, { type: 'notice', at: now(), level: 'warn', text });
    }
  }

  /**
   * Runs the task's served checks before the model starts (from the plan at the checkpoint) and keeps
   * the result in the app data folder; a resumed run reuses the baseline of the run it continues.
   */
  private async baseline(run: ActiveRun, checkpoint: string, taskId: string, timeoutMs: number, resumedFrom?: string): Promise<Baseline | null> {
    const { env, registry } = this;
    const previous = resumedFrom ? await loadBaseline(env.ctx.dataDir, run.root, resumedFrom) : null;
    let baseline: Baseline | null = previous;
    if (!baseline) {
      try {
        baseline = await takeBaseline(run.workRoot, env.shadow(run.workRoot), checkpoint, taskId, {
          timeoutMs,
          signal: run.controller.signal,
          onCheck: (check, i, total) => registry.record(run, { type: 'notice', at: now(), level: 'info', text: `Baseline ${i + 1}/${total}: running ${check.id} (\`${check.command}\`) before the run starts.` }),
        });
      } catch (error) {
        registry.record(run, { type: 'notice', at: now(), level: 'warn', text: `The baseline could not be taken (${error instanceof Error ? error.message : String(error)}); checks after the run are compared with nothing.` });
        return null;
      }
    }
    await saveBaseline(env.ctx.dataDir, run.root, run.runId, baseline).catch(() => {});
    registry.record(run, { type: 'notice', at: now(), level: 'info', text: `Baseline${previous ? ` (from ${resumedFrom})` : ''}: ${describeBaseline(baseline)}` });
    return baseline;
  }

  /** Compacts a long conversation with the utility model. */
  private summariser(): Summariser {
    return async (conversation, signal) => {
      const conn = await this.env.requireConnection('utility');
      const client = makeClient(conn.apiKey, conn.baseURL);
      const res = await client.messages.create(
        { model: conn.model, max_tokens: 2000, messages: [{ role: 'user', content: `Summarise this agent session for the agent to continue: state, decisions, files touched, open problems.\n\n${conversation}` }] },
        { signal, maxRetries: 2 },
      );
      const summary = res.content.flatMap((b) => (b.type === 'text' ? [b.text] : [])).join('\n');
      const usage = { input: res.usage.input_tokens, output: res.usage.output_tokens, cacheWrite5m: res.usage.cache_creation_input_tokens ?? 0, cacheWrite1h: 0, cacheRead: res.usage.cache_read_input_tokens ?? 0 };
      const settings = await this.env.settings.load();
      return { summary, usage, costUsd: costOf(usage, priceFor(settings.prices, conn.model)) };
    };
  }
}
