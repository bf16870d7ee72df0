import { readInsideProject } from '../util/real-path';
import { join } from 'node:path';
import type { TaskItem } from '../../../shared/contract/spec';
import { RpcError } from '../../../shared/rpc';
import { readAllSpecs, readDecisions, readMemory, readTasksState } from '../spec/plan-reader';
import { readHandoff } from './handoff-note';

/** What a building run is given instead of the whole spec. */
export interface TaskContext {
  readonly task: TaskItem;
  /** The first user message: task, requirements it serves, relevant decisions, non-requirements, last hand-off. */
  readonly text: string;
  /** AGENTS.md / CLAUDE.md, for the cached system prefix. */
  readonly memory: string | null;
}

/** Builds the context of a building run from the planning files (read through the Orchestrator's parsers). */
export async function buildTaskContext(root: string, taskId: string, note?: string): Promise<TaskContext> {
  const tasks = await readTasksState(root);
  const task = tasks.tasks.find((t) => t.id === taskId);
  if (!task) throw new RpcError('NOT_FOUND', `Task ${taskId} is not in .plumbline/tasks.md. Reload the task list or pick another task.`);
  // Items of every spec of the project (.plumbline/spec.md and .plumbline/specs/*.md).
  const items = (await readAllSpecs(root)).flatMap((s) => s.items);
  const served = new Set(task.serves);
  const requirements = items.filter((i) => served.has(i.id));
  const nonReqs = items.filter((i) => i.prefix === 'NR');
  const decisions = (await readDecisions(root)).filter((d) => d.status === 'accepted' && (d.links.some((l) => served.has(l)) || d.links.length === 0));
  const memory = (await readMemory(root)).map((m) => `# ${m.path}\n\n${m.content}`).join('\n\n') || null;
  const handoff = await readHandoff(root);
  const lines: string[] = [];
  lines.push(`# Task ${task.id}: ${task.title}`, '');
  if (task.description.trim()) lines.push(task.description.trim(), '');
  if (task.scope.length) lines.push(`Scope (files and folders you may change): ${task.scope.join(', ')}`);
  if (task.checks.length) lines.push(`Checks that prove it: ${task.checks.map((c) => `\`${c}\``).join(', ')}`);
  if (task.depends.length) lines.push(`Depends on: ${task.depends.join(', ')}`);
  lines.push('');
  if (requirements.length) {
    lines.push('## Requirements this task serves', ...requirements.map((r) => `- ${r.id}: ${r.text}`), '');
  }
  if (nonReqs.length) lines.push('## Non-requirements (do not build these)', ...nonReqs.map((r) => `- ${r.id}: ${r.text}`), '');
  if (decisions.length) {
    lines.push('## Relevant decisions', ...decisions.slice(0, 20).map((d) => `- ${d.id} ${d.title}: ${oneLine(d.decision)}`), '');
  }
  if (handoff) lines.push('## Hand-off note from the last session', handoff.trim(), '');
  if (note?.trim()) lines.push('## Note from the user', note.trim(), '');
  lines.push('When done, call report_outcome with a summary and every claim, each with your honest confidence.');
  return { task, text: lines.join('\n'), memory };
}

function oneLine(text: string): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length > 400 ? `${t.slice(0, 400)}…` : t;
}

/** The spec text for thinker actions (critique, breakdown): every spec of the project, each under its path, capped. */
export async function readSpecText(root: string): Promise<string> {
  const specs = (await readAllSpecs(root)).filter((s) => s.exists);
  if (specs.length === 0) throw new RpcError('NOT_FOUND', 'This project has no spec yet (.plumbline/spec.md). Create one in the Orchestrator first.');
  const text = specs.length === 1 ? specs[0]!.content : specs.map((s) => `<!-- ${s.path} -->\n${s.content}`).join('\n\n');
  return text.length > 200_000 ? text.slice(0, 200_000) : text;
}

/** Reads a project file if present (for tests and prompts). */
export async function readOptional(root: string, rel: string): Promise<string | null> {
  try {
    return (await readInsideProject(root, join(root, rel)))?.toString('utf8') ?? null;
  } catch {
    return null;
  }
}
