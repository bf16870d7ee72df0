/**
 * Which of the selected tasks can start together (docs/parallel-runs.md): a task starts when every task it
 * depends on is done (status `done` or `verified`) and its scope overlaps no task already running or started
 * before it in the selection; otherwise it waits (an overlap, said with the path both may touch) or is refused
 * (a dependency not done, a task not in the plan or done already).
 *
 *   planRuns(tasks, ['T-1', 'T-2'], running)   // [{ taskId: 'T-1', action: 'start', reason: null }, …]
 */
import type { TaskItem } from '../../../shared/contract';
import { inScope } from '../verify/drift';

/** What to do with one selected task. */
export interface RunDecision {
  readonly taskId: string;
  readonly action: 'start' | 'wait' | 'refuse';
  /** Why it waits or is refused; null when it starts. */
  readonly reason: string | null;
}

/** A task whose run is going on (or starts in this plan): its scope holds back overlapping ones. */
export interface BusyTask {
  readonly taskId: string;
  readonly scope: readonly string[];
}

const DONE = new Set<TaskItem['status']>(['done', 'verified']);

/** A scope entry as a path (backticks, `./` and a trailing `/` dropped). */
function entry(raw: string): string {
  return raw.trim().replace(/^`|`$/g, '').replace(/^\.\//, '').replace(/\/$/, '');
}

/**
 * What two scopes may both touch, or null when they are disjoint: an entry of one inside the other, checked
 * both ways so folders and globs count. An empty scope was not declared and overlaps everything.
 */
export function scopeOverlap(a: readonly string[], b: readonly string[]): string | null {
  const ea = a.map(entry).filter(Boolean);
  const eb = b.map(entry).filter(Boolean);
  if (ea.length === 0 || eb.length === 0) return 'any file (a task without a declared scope may touch any file)';
  return ea.find((x) => inScope(x, eb)) ?? eb.find((y) => inScope(y, ea)) ?? null;
}

/** Decides per selected task (in selection order) whether it starts now, waits or is refused. */
export function planRuns(tasks: readonly TaskItem[], selection: readonly string[], busy: readonly BusyTask[] = []): RunDecision[] {
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const starting: BusyTask[] = [...busy];
  const out: RunDecision[] = [];
  for (const taskId of [...new Set(selection)]) {
    const task = byId.get(taskId);
    if (!task) {
      out.push({ taskId, action: 'refuse', reason: `${taskId} is not in the plan; reload the Tasks board and select again.` });
      continue;
    }
    if (DONE.has(task.status)) {
      out.push({ taskId, action: 'refuse', reason: `${taskId} is ${task.status} already; nothing to run.` });
      continue;
    }
    const open = task.depends.find((d) => !DONE.has(byId.get(d)?.status ?? 'todo'));
    if (open) {
      out.push({ taskId, action: 'refuse', reason: `${taskId} depends on ${open}, which is not done; run ${open} first.` });
      continue;
    }
    const clash = starting.map((b) => ({ b, path: scopeOverlap(task.scope, b.scope) })).find((c) => c.path !== null);
    if (clash) {
      out.push({ taskId, action: 'wait', reason: `waits for ${clash.b.taskId}: both may touch ${clash.path}` });
      continue;
    }
    starting.push({ taskId, scope: task.scope });
    out.push({ taskId, action: 'start', reason: null });
  }
  return out;
}
