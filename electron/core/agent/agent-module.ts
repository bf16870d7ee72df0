import type { Handlers } from '../../../shared/rpc';
import { RpcError } from '../../../shared/rpc';
import type { DomainModule } from '../create-core';
import type { CoreContext } from '../core-context';
import { AgentService, type AgentServiceOptions } from './agent-service';
import { readHandoff, renderHandoff, writeHandoff, HANDOFF_PATH } from './handoff-note';
import { acceptReplan, replanTask, taskHandback } from './replan';
import { breakIntoTasks, critiqueSpec, routeQuestion } from './thinker-actions';

const ok = { ok: true as const };

type AgentHandlers = Pick<
  Handlers,
  | 'agent.start'
  | 'agent.cancel'
  | 'agent.steer'
  | 'agent.approve'
  | 'agent.runs'
  | 'agent.transcript'
  | 'agent.diff'
  | 'agent.accept'
  | 'agent.reject'
  | 'agent.undoReject'
  | 'agent.resume'
  | 'agent.discard'
  | 'agent.critique'
  | 'agent.breakdown'
  | 'agent.ask'
  | 'agent.saveState'
  | 'agent.handoff'
  | 'agent.handback'
  | 'agent.replan'
  | 'agent.acceptReplan'
  | 'agent.runSelected'
  | 'agent.lanes'
  | 'agent.queueAction'
>;

/** The agent domain: building runs, review, questions, thinker actions and the hand-off note. */
export function createAgentModule(ctx: CoreContext, options: AgentServiceOptions = {}, service = new AgentService(ctx, options)): DomainModule<AgentHandlers> & { readonly service: AgentService } {
  // Accepted replans go through the Orchestrator's writer: same file locks, same change events.
  const plans = ctx.services.plans;
  return {
    service,
    handlers: {
      'agent.start': async ({ root, taskId, note, runAnyway }) => {
        const project = ctx.projects.require(root);
        if (!runAnyway) {
          // Repeated failures go back to the thinker, offered rather than done silently: the renderer asks first.
          const state = await taskHandback(service, ctx.dataDir, project, taskId);
          if (state.offer) {
            throw new RpcError('CONFLICT', `${taskId} failed its checks in the last ${state.runs.length} runs. Ask the thinker for a revised plan or a split, or choose "Run anyway".`);
          }
        }
        return { runId: await service.startTask(project, taskId, note) };
      },
      'agent.cancel': ({ runId }) => {
        service.cancel(runId);
        return ok;
      },
      'agent.steer': ({ runId, text }) => {
        service.steer(runId, text);
        return ok;
      },
      'agent.approve': ({ runId, approvalId, approved }) => {
        service.approve(runId, approvalId, approved);
        return ok;
      },
      'agent.runs': async ({ root, taskId }) => ({ runs: await service.runs(root, taskId) }),
      'agent.transcript': ({ root, runId }) => service.transcript(root, runId),
      'agent.diff': async ({ root, runId }) => ({ files: await service.diff(ctx.projects.require(root), runId) }),
      'agent.accept': ({ root, runId, message }) => service.accept(ctx.projects.require(root), runId, message),
      'agent.reject': ({ root, runId }) => service.reject(ctx.projects.require(root), runId),
      'agent.undoReject': ({ root, runId }) => service.undoReject(ctx.projects.require(root), runId),
      'agent.resume': async ({ root, runId }) => ({ runId: await service.resume(ctx.projects.require(root), runId) }),
      'agent.discard': async ({ root, runId }) => {
        await service.discard(ctx.projects.require(root), runId);
        return ok;
      },
      'agent.critique': ({ root }) => critiqueSpec(service, ctx.projects.require(root)),
      'agent.breakdown': ({ root }) => breakIntoTasks(service, ctx.projects.require(root)),
      'agent.ask': async ({ root, question, role }) => {
        ctx.projects.require(root);
        const route = role ? { role, reason: `chosen by you (override)` } : await routeQuestion(service, question);
        const { runId, model } = await service.startAsk(root, question, route.role, route.reason);
        return { runId, role: route.role, model, reason: route.reason };
      },
      'agent.saveState': async ({ root, taskId, note }) => {
        ctx.projects.require(root);
        const text = note?.trim() ? note : await draftHandoff(service, root, taskId);
        const path = await writeHandoff(root, text);
        ctx.bus.emit('repo.didChange', { root, paths: [path], git: false });
        return { path, note: text };
      },
      'agent.handoff': async ({ root }) => ({ path: HANDOFF_PATH, note: await readHandoff(ctx.projects.require(root)) }),
      'agent.handback': ({ root, taskId }) => taskHandback(service, ctx.dataDir, ctx.projects.require(root), taskId),
      'agent.replan': ({ root, taskId }) => replanTask(service, ctx.dataDir, ctx.projects.require(root), taskId),
      'agent.runSelected': async ({ root, taskIds }) => ({ lanes: await service.parallel.runSelected(ctx.projects.require(root), taskIds) }),
      'agent.lanes': ({ root }) => service.parallel.lanes(ctx.projects.require(root)),
      'agent.queueAction': ({ root, runId, action }) => service.parallel.queueAction(ctx.projects.require(root), runId, action),
      'agent.acceptReplan': async ({ root, runId, taskId, draft }) => ({ taskIds: await acceptReplan(service, plans, ctx.projects.require(root), runId, taskId, draft) }),
    },
    dispose: async () => {
      await service.dispose();
      // The end of a working session: leave a hand-off note the next run starts from.
      for (const root of service.sessionRoots) {
        try {
          await writeHandoff(root, await draftHandoff(service, root));
        } catch {
          // A project folder that vanished or is read-only must not block shutdown.
        }
      }
    },
  };
}

/** A hand-off note from the runs of a task (or the latest run): state, discoveries, next steps, files touched. */
async function draftHandoff(service: AgentService, root: string, taskId?: string): Promise<string> {
  const runs = (await service.runs(root, taskId)).filter((r) => r.kind === 'task');
  const latest = runs[0];
  if (!latest) {
    if (taskId) throw new RpcError('NOT_FOUND', `No runs of ${taskId} yet; write the note yourself or run the task first.`);
    return renderHandoff({ task: '(no task run yet)', state: 'Nothing built yet.', discoveries: [], nextSteps: ['Pick the next task and run it.'], filesTouched: [] });
  }
  const { events } = await service.transcript(root, latest.runId);
  const files = [...new Set(events.flatMap((e) => (e.type === 'write' ? [e.path] : [])))];
  const outcome = [...events].reverse().find((e) => e.type === 'outcome');
  const notices = events.flatMap((e) => (e.type === 'notice' && e.level !== 'info' ? [e.text] : []));
  const failing = events.flatMap((e) => (e.type === 'command' && e.exitCode !== 0 ? [`\`${e.command}\` exited ${e.exitCode ?? 'without a code'}`] : []));
  const state = `${latest.title}: run ${latest.status}${latest.reason ? ` (${latest.reason})` : ''}; review ${latest.review}. ${outcome && outcome.type === 'outcome' ? outcome.summary : ''}`.trim();
  const next: string[] = [];
  if (latest.review === 'pending') next.push('Review the run diff and accept or reject it.');
  if (latest.status === 'interrupted') next.push('Resume or discard the interrupted run.');
  if (failing.length) next.push('Make the failing commands pass.');
  if (!next.length) next.push('Pick the next task.');
  return renderHandoff({ task: latest.title, state, discoveries: [...notices, ...failing].slice(0, 10), nextSteps: next, filesTouched: files });
}
