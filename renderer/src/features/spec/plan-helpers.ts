import type { Finding, PlanSnapshot, SpecState, TaskItem, TaskStatus } from '../../../../shared/contract';

/** Task statuses in board order. */
export const TASK_STATUSES: readonly TaskStatus[] = ['todo', 'in progress', 'in review', 'verified', 'refuted', 'done'];

/** Statuses a person may choose: "verified" and "refuted" come from evidence only (the core refuses them). */
export const PICKABLE_STATUSES: readonly TaskStatus[] = ['todo', 'in progress', 'in review', 'done'];

/** Whether only evidence gives a task this status. */
export function isEvidenceStatus(status: TaskStatus): boolean {
  return !PICKABLE_STATUSES.includes(status);
}

/**
 * The status one step left or right of the current one among those a person may choose (Alt+←/→ on
 * the board); null at either end. From "verified" or "refuted" a step goes to the neighbouring
 * pickable column ("in review" or "done").
 */
export function stepStatus(current: TaskStatus, direction: -1 | 1): TaskStatus | null {
  const board = TASK_STATUSES.indexOf(current);
  const candidates = direction === 1 ? TASK_STATUSES.slice(board + 1) : TASK_STATUSES.slice(0, board).reverse();
  return candidates.find((s) => !isEvidenceStatus(s)) ?? null;
}

/**
 * A task edit without its status when the user left it as it was, so saving a task that evidence
 * made "verified" does not re-assert that status (which the core refuses from a person).
 */
export function withoutSameStatus<T extends { readonly status?: TaskStatus }>(patch: T, current: TaskStatus): Omit<T, 'status'> | T {
  if (patch.status !== current) return patch;
  const { status: _unchanged, ...rest } = patch;
  return rest;
}

/** A status as a word with a shape, so it reads without colour. */
export function statusLabel(status: TaskStatus): string {
  switch (status) {
    case 'todo':
      return '○ todo';
    case 'in progress':
      return '◐ in progress';
    case 'in review':
      return '◑ in review';
    case 'verified':
      return '✔ verified';
    case 'refuted':
      return '✘ refuted';
    case 'done':
      return '● done';
  }
}

/** Findings grouped by the item they are about. */
export function findingsByItem(plan: PlanSnapshot | null): ReadonlyMap<string, readonly Finding[]> {
  const map = new Map<string, Finding[]>();
  for (const f of plan?.analysis.findings ?? []) {
    if (!f.itemId) continue;
    const list = map.get(f.itemId) ?? [];
    list.push(f);
    map.set(f.itemId, list);
  }
  return map;
}

/** DOM id of an item's row, for jumps from findings. */
export function itemDomId(id: string): string {
  return `plan-item-${id.replace(/[^A-Za-z0-9-]/g, '_')}`;
}

/** Focuses an item's row once it is rendered. */
export function focusItem(id: string): void {
  requestAnimationFrame(() => {
    const el = document.getElementById(itemDomId(id));
    if (el) {
      el.scrollIntoView({ block: 'nearest' });
      el.focus();
    }
  });
}

/** Splits a comma-separated field typed by the user. */
export function splitField(text: string): string[] {
  return text
    .split(/\s*,\s*/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/** The spec the Spec tab shows: the chosen one, or the main spec when none is chosen or it is gone. */
export function shownSpec(plan: PlanSnapshot, specPath: string | null): SpecState {
  return (specPath !== null ? plan.specs.find((s) => s.path === specPath) : undefined) ?? plan.spec;
}

/** A spec's name for the switcher: its title without "Spec:", else its file name. */
export function specLabel(spec: SpecState, main: boolean): string {
  const title = spec.title?.replace(/^spec:\s*/i, '').trim();
  const name = title || spec.path.slice(spec.path.lastIndexOf('/') + 1).replace(/\.md$/i, '');
  return main ? `${name} (main)` : name;
}

/** The spec file holding an item, if any. */
export function specOfItem(plan: PlanSnapshot, id: string): SpecState | undefined {
  return plan.specs.find((s) => s.items.some((i) => i.id === id));
}

/** Evidence verdict as a shape and a word, so it reads without colour. */
export function verdictLabel(verdict: 'verified' | 'refuted' | 'unverifiable'): string {
  switch (verdict) {
    case 'verified':
      return '✔ verified';
    case 'refuted':
      return '✘ refuted';
    case 'unverifiable':
      return '? unverifiable';
  }
}

/** Statuses that count as finished for a task's dependents (as the core's run planner counts them). */
const FINISHED: ReadonlySet<TaskStatus> = new Set(['done', 'verified']);

/**
 * Why a task cannot be selected for "Run selected", in words, or null when it is ready: it is finished
 * already, or a task it depends on is not done or verified.
 */
export function notReadyReason(task: TaskItem, tasks: readonly TaskItem[]): string | null {
  if (FINISHED.has(task.status)) return `${task.id} is ${task.status} already; nothing to run.`;
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const open = task.depends.find((d) => !FINISHED.has(byId.get(d)?.status ?? 'todo'));
  return open ? `${task.id} depends on ${open}, which is not done; run ${open} first.` : null;
}

/**
 * The run selection after a click on `id`: toggled, or with Shift (`range`) every ready task between the
 * last clicked one and `id` (in `order`) set to what `id` becomes.
 */
export function toggleRunPick(selected: ReadonlySet<string>, id: string, options: { readonly order: readonly string[]; readonly ready: (id: string) => boolean; readonly anchor: string | null; readonly range: boolean }): Set<string> {
  const next = new Set(selected);
  const on = !selected.has(id);
  const a = options.anchor ? options.order.indexOf(options.anchor) : -1;
  const b = options.order.indexOf(id);
  const ids = options.range && a >= 0 && b >= 0 ? options.order.slice(Math.min(a, b), Math.max(a, b) + 1) : [id];
  for (const x of ids) {
    if (!options.ready(x)) continue;
    if (on) next.add(x);
    else next.delete(x);
  }
  return next;
}

/** The ticked tasks that are still ready, in plan order (the plan may have changed since they were ticked). */
export function readyPicked(tasks: readonly TaskItem[], picked: ReadonlySet<string>): string[] {
  return tasks.filter((t) => picked.has(t.id) && !notReadyReason(t, tasks)).map((t) => t.id);
}
