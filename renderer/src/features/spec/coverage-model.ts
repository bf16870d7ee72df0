import type { DecisionRecord, PlanSnapshot, TaskVerifyState } from '../../../../shared/contract';

/** Task states that make a task — and the requirements it serves — red. */
export function isRedTaskState(state: TaskVerifyState['state'] | undefined): boolean {
  return state === 'refuted' || state === 'untrusted' || state === 'failing';
}

/** Decisions that no longer decide anything do not cover a requirement. */
function inForce(d: DecisionRecord): boolean {
  return d.status === 'proposed' || d.status === 'accepted';
}

/** A serving task whose verification state is red, with the state's reason. */
export interface RedTask {
  readonly taskId: string;
  readonly state: TaskVerifyState['state'];
  readonly reason: string;
}

/** What covers one requirement beyond the tasks serving it. */
export interface CoverageFacts {
  /** Decisions in force (proposed or accepted) linked to the requirement. */
  readonly decisions: readonly string[];
  /** Where its checks come from: its own command (an AC), serving tasks' checks, linked decisions' confirmations. Empty: no check. */
  readonly checks: readonly string[];
  /** Serving tasks that are refuted, untrusted or failing. */
  readonly red: readonly RedTask[];
}

/** The plan as the coverage model reads it. */
export type CoveragePlan = Pick<PlanSnapshot, 'specs' | 'decisions' | 'tasks' | 'analysis'>;

/**
 * Per requirement of the coverage matrix: linked decisions, where its checks come from, and the
 * serving tasks that are red by evidence. A requirement served by a task that has checks counts as
 * having a check, as does an AC with a command and a linked decision with a confirmation.
 */
export function coverageFacts(plan: CoveragePlan, states: readonly TaskVerifyState[]): ReadonlyMap<string, CoverageFacts> {
  const items = new Map(plan.specs.flatMap((s) => s.items).map((i) => [i.id, i] as const));
  const tasks = new Map(plan.tasks.tasks.map((t) => [t.id, t] as const));
  const stateOf = new Map(states.map((s) => [s.taskId, s] as const));
  const out = new Map<string, CoverageFacts>();
  for (const row of plan.analysis.coverage) {
    const linked = plan.decisions.filter((d) => inForce(d) && d.links.includes(row.id));
    const item = items.get(row.id);
    const checks = [
      ...(item?.prefix === 'AC' && item.command ? [`${row.id}: ${item.command}`] : []),
      ...row.tasks.flatMap((t) => {
        const n = tasks.get(t.id)?.checks.length ?? 0;
        return n > 0 ? [`${t.id}: ${n} check${n === 1 ? '' : 's'}`] : [];
      }),
      ...linked.filter((d) => d.confirmation).map((d) => `${d.id}: ${d.confirmation!}`),
    ];
    const red = row.tasks.flatMap((t) => {
      const s = stateOf.get(t.id);
      return s && isRedTaskState(s.state) ? [{ taskId: t.id, state: s.state, reason: s.reason }] : [];
    });
    out.set(row.id, { decisions: linked.map((d) => d.id), checks, red });
  }
  return out;
}

/** Totals for the matrix's summary line. */
export interface CoverageTotals {
  readonly withCheck: number;
  readonly withDecision: number;
  readonly red: number;
}

/** How many requirements have a check, a linked decision, or a red serving task. */
export function coverageTotals(facts: ReadonlyMap<string, CoverageFacts>): CoverageTotals {
  const all = [...facts.values()];
  return {
    withCheck: all.filter((f) => f.checks.length > 0).length,
    withDecision: all.filter((f) => f.decisions.length > 0).length,
    red: all.filter((f) => f.red.length > 0).length,
  };
}

/** Why a requirement is red, in words: "T-2 untrusted — the run changed the check; T-3 failing". */
export function redReason(red: readonly RedTask[]): string {
  return red.map((r) => `${r.taskId} ${r.state}${r.reason ? ` — ${r.reason}` : ''}`).join('; ');
}
