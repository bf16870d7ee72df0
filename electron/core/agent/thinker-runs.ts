import { RpcError } from '../../../shared/rpc';
import { summarise } from '../model/transcript-store';
import { ASK_BUILDER_SYSTEM, ASK_THINKER_SYSTEM } from '../model/prompts';
import type { LoopTool } from './agent-loop';
import type { AgentEnv } from './agent-env';
import type { BuildingRuns } from './building-run';
import { now, type RunRegistry } from './run-registry';
import { buildTaskContext } from './task-context';

/** Runs that change no files: questions answered by a role, and thinker actions with one structured-output tool. */
export class ThinkerRuns {
  constructor(
    private readonly env: AgentEnv,
    private readonly registry: RunRegistry,
    private readonly building: BuildingRuns,
  ) {}

  /** Starts an answer run for a question on the role given (thinker without tools, builder read-only). */
  async startAsk(root: string, question: string, role: 'thinker' | 'builder', reason: string): Promise<{ runId: string; model: string }> {
    const { env, registry } = this;
    env.ctx.projects.require(root);
    const conn = await env.requireConnection(role);
    const settings = await env.settings.load();
    const run = registry.newRun(root, 'ask');
    const title = question.length > 80 ? `${question.slice(0, 80)}…` : question;
    registry.record(run, { type: 'start', at: now(), runId: run.runId, kind: 'ask', taskId: null, title, role, model: conn.model, checkpoint: null, resumedFrom: null });
    registry.record(run, { type: 'notice', at: now(), level: 'info', text: `Routed to the ${role} (${conn.model}): ${reason}` });
    registry.record(run, { type: 'user', at: now(), text: question, steer: false });
    const memory = (await buildTaskContext(root, '__none__').catch(() => null))?.memory ?? null;
    run.done = this.building.drive(run, conn, {
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
    const { env, registry } = this;
    env.ctx.projects.require(root);
    const conn = await env.requireConnection('thinker');
    const settings = await env.settings.load();
    const run = registry.newRun(root, kind);
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
    registry.record(run, { type: 'start', at: now(), runId: run.runId, kind, taskId, title, role: 'thinker', model: conn.model, checkpoint: null, resumedFrom: null });
    registry.record(run, { type: 'user', at: now(), text: prompt, steer: false });
    run.done = this.building.drive(run, conn, { checkpoint: null, taskId: null, scope: [], memory: null, messages: [{ role: 'user', content: prompt }], readOnly: true, system, taskText: prompt, settings: { ...settings, stepLimit: Math.min(settings.stepLimit, 4) }, tools: [submit] });
    await run.done;
    if (value === null) {
      const { summary } = await registry.transcript(root, run.runId);
      throw new RpcError('UNAVAILABLE', `The thinker did not return a result (${summary.reason ?? 'no answer'}). Try again, or check the thinker's model and endpoint in Settings.`);
    }
    return { runId: run.runId, value };
  }

  /** Records that the user accepted a replan draft (it ends the task's failing streak). */
  async markReplanAccepted(root: string, runId: string): Promise<void> {
    await this.env.transcripts.append(root, runId, { type: 'review', at: now(), action: 'accepted', commit: null, restoreRef: null });
    const summary = summarise(await this.env.transcripts.read(root, runId), false);
    if (summary) this.env.ctx.bus.emit('agent.didUpdate', { root, summary, retryAt: null });
  }
}
