import { z } from 'zod';
import { lenientDraftTask, submittedTaskJsonSchema, type DraftTask, type FailedRun, type ReplanDraft } from '../../../shared/contract';
import type { TaskItem } from '../../../shared/contract/spec';
import { RpcError } from '../../../shared/rpc';
import type { PlanService } from '../spec/plan-service';
import { readAllSpecs, readTasksState } from '../spec/plan-reader';
import type { LoopTool } from './agent-loop';
import type { AgentService } from './agent-service';
import { handbackState } from './handback';
import { THINKER_SYSTEM } from '../model/prompts';

const looseTask = lenientDraftTask;
const replanInput = z.object({
  diagnosis: z.string().min(1),
  choice: z.enum(['revise', 'split']),
  revised: looseTask.nullable().optional(),
  tasks: z.array(looseTask).optional(),
});

function fill(t: z.infer<typeof looseTask>): DraftTask {
  return { title: t.title, description: t.description ?? '', requirements: t.requirements ?? [], scope: t.scope ?? [], checks: t.checks ?? [], dependsOn: t.dependsOn ?? [] };
}

const taskSchema = submittedTaskJsonSchema();

/** The thinker's structured answer for a handed-back task. */
export const replanTool = {
  name: 'submit_replan',
  definition: {
    name: 'submit_replan',
    description:
      'Submit your plan for the task whose runs kept failing: a diagnosis, then either a revised version of the task (choice "revise", in "revised") or a split into smaller tasks an agent can finish in one run each (choice "split", in "tasks"; dependencies by position "#1" or existing task IDs).',
    input_schema: {
      type: 'object' as const,
      properties: {
        diagnosis: { type: 'string', description: 'Why the runs kept failing, in two or three sentences.' },
        choice: { type: 'string', enum: ['revise', 'split'] },
        revised: taskSchema,
        tasks: { type: 'array', items: taskSchema },
      },
      required: ['diagnosis', 'choice'],
    },
  },
  run: async () => ({ text: '', isError: false }),
  parse: (input: Record<string, unknown>): ReplanDraft => {
    const p = replanInput.parse(input);
    if (p.choice === 'revise' && !p.revised) throw new Error('choice "revise" needs the revised task in "revised"');
    if (p.choice === 'split' && (p.tasks?.length ?? 0) < 2) throw new Error('choice "split" needs at least two tasks in "tasks"');
    return { diagnosis: p.diagnosis, choice: p.choice, revised: p.choice === 'revise' && p.revised ? fill(p.revised) : null, tasks: p.choice === 'split' ? (p.tasks ?? []).slice(0, 20).map(fill) : [] };
  },
} satisfies LoopTool & { parse: (i: Record<string, unknown>) => ReplanDraft };

/** The thinker's prompt: the task, the requirements it serves, and each failing run's summary and failures. */
export function replanPrompt(task: TaskItem, requirements: ReadonlyArray<{ id: string; text: string }>, nonRequirements: ReadonlyArray<{ id: string; text: string }>, runs: readonly FailedRun[]): string {
  const lines: string[] = [
    `The building agent ran task ${task.id} ${runs.length} times in a row and every run failed its checks. Find out why, then propose either a revised plan for the task or a split into smaller tasks. Call submit_replan.`,
    '',
    `# Task ${task.id}: ${task.title}`,
    '',
  ];
  if (task.description.trim()) lines.push(task.description.trim(), '');
  lines.push(`Scope: ${task.scope.join(', ') || '(none given)'}`, `Checks: ${task.checks.map((c) => `\`${c}\``).join(', ') || '(none given)'}`, `Depends on: ${task.depends.join(', ') || '(nothing)'}`, '');
  if (requirements.length) lines.push('## Requirements it serves', ...requirements.map((r) => `- ${r.id}: ${r.text}`), '');
  if (nonRequirements.length) lines.push('## Non-requirements', ...nonRequirements.map((r) => `- ${r.id}: ${r.text}`), '');
  runs.forEach((r, i) => {
    lines.push(`## Failed run ${i + 1} of ${runs.length} (${r.startedAt}, ${r.runId})`, '', `Summary: ${r.summary}`, '', 'What failed:', ...r.failures.map((f) => `- ${f}`), '');
  });
  return lines.join('\n');
}

async function readTask(root: string, taskId: string): Promise<TaskItem> {
  const task = (await readTasksState(root)).tasks.find((t) => t.id === taskId);
  if (!task) throw new RpcError('NOT_FOUND', `Task ${taskId} is not in .plumbline/tasks.md. Reload the task list or pick another task.`);
  return task;
}

/** Whether a task's failing streak calls for the thinker; reads the task's current checks. */
export async function taskHandback(service: AgentService, dataDir: string, root: string, taskId: string): ReturnType<typeof handbackState> {
  const task = await readTask(root, taskId);
  return handbackState({ runs: (r, t) => service.runs(r, t), transcript: (r, id) => service.transcript(r, id) }, dataDir, root, taskId, task.checks);
}

/** Thinker: a revised plan or a split for a task whose runs kept failing. Nothing is written. */
export async function replanTask(service: AgentService, dataDir: string, root: string, taskId: string): Promise<{ runId: string; draft: ReplanDraft }> {
  const task = await readTask(root, taskId);
  const state = await taskHandback(service, dataDir, root, taskId);
  if (!state.runs.length) throw new RpcError('CONFLICT', `No run of ${taskId} failed its checks lately, so there is nothing to hand back. Run the task instead.`);
  const items = (await readAllSpecs(root)).flatMap((s) => s.items);
  const served = new Set(task.serves);
  const requirements = items.filter((i) => served.has(i.id));
  const nonReqs = items.filter((i) => i.prefix === 'NR');
  const prompt = replanPrompt(task, requirements, nonReqs, state.runs);
  const { runId, value } = await service.thinkerAction(root, 'replan', `Replan ${taskId} ${task.title}`, prompt, THINKER_SYSTEM, replanTool, taskId);
  return { runId, draft: value };
}

/**
 * Writes an accepted draft: "revise" patches the task in place; "split" appends the new tasks
 * (positional dependencies "#n" resolved to their new IDs) and makes the original depend on them,
 * noting the split in its description, so the board shows it waits for its parts. The replan run
 * is then marked accepted, which ends the task's failing streak.
 */
export async function acceptReplan(service: AgentService, plans: PlanService, root: string, runId: string, taskId: string, draft: ReplanDraft): Promise<string[]> {
  const { summary } = await service.transcript(root, runId);
  if (summary.kind !== 'replan' || summary.taskId !== taskId) throw new RpcError('CONFLICT', `Run ${runId} is not a replan of ${taskId}. Ask the thinker again from "Run task".`);
  if (summary.review === 'accepted') throw new RpcError('CONFLICT', 'This replan was already accepted; reload the task list.');
  const task = await readTask(root, taskId);
  const taskIds: string[] = [];
  const ids = (deps: readonly string[]): string[] =>
    deps.flatMap((d) => {
      const pos = /^#(\d+)$/.exec(d.trim());
      if (pos) return taskIds[Number(pos[1]) - 1] ? [taskIds[Number(pos[1]) - 1]] : [];
      return /^T-\d+$/.test(d.trim()) ? [d.trim()] : [];
    });
  if (draft.choice === 'revise') {
    const r = draft.revised;
    if (!r) throw new RpcError('INVALID_REQUEST', 'The revised plan is empty; edit it or discard the draft.');
    await plans.updateTask(root, taskId, { title: r.title, description: r.description, serves: r.requirements, scope: r.scope, checks: r.checks, ...(r.dependsOn.length ? { depends: ids(r.dependsOn) } : {}) });
    taskIds.push(taskId);
  } else {
    if (!draft.tasks.length) throw new RpcError('INVALID_REQUEST', 'The split has no tasks left; keep at least one or discard the draft.');
    for (const t of draft.tasks) {
      taskIds.push(await plans.createTask(root, { title: t.title, description: t.description, serves: t.requirements, scope: t.scope, checks: t.checks, depends: ids(t.dependsOn), status: 'todo' }));
    }
    const note = `Split into ${taskIds.join(', ')} after ${HANDBACK_NOTE}.`;
    await plans.updateTask(root, taskId, { description: task.description.trim() ? `${task.description.trim()}\n\n${note}` : note, depends: [...new Set([...task.depends, ...taskIds])] });
  }
  await service.markReplanAccepted(root, runId);
  return taskIds;
}

const HANDBACK_NOTE = 'repeated runs failed their checks';
