import type { PlannedCheck } from '../../../shared/contract/verify';
import type { TaskItem } from '../../../shared/contract/spec';
import { readAllSpecs, readDecisions, readTasksState } from '../spec/plan-reader';
import type { TestCommand } from './test-command';

/** An acceptance check of the spec: AC-n with the command in its last inline code. */
export interface AcceptanceCheck {
  readonly id: string;
  readonly text: string;
  readonly command: string | null;
}

/** What verification needs of a decision record. */
export interface DecisionFacts {
  readonly id: string;
  readonly title: string;
  readonly status: string;
  readonly confirmation: string | null;
  /** The record's whole text, searched for dependency names. */
  readonly text: string;
}

/** The parts of the plan the Calibrator checks against. */
export interface PlanFacts {
  readonly acceptance: readonly AcceptanceCheck[];
  /** Every spec item's ID and text (requirements, failure modes, …). */
  readonly items: readonly { readonly id: string; readonly text: string }[];
  readonly decisions: readonly DecisionFacts[];
  readonly tasks: readonly TaskItem[];
}

/** Reads spec, tasks and decisions of a project; missing files are empty, never an error. */
export async function readPlanFacts(root: string): Promise<PlanFacts> {
  // Every spec of the project (.plumbline/spec.md and .plumbline/specs/*.md); an AC's command is
  // the last inline code of its item (the spec parser's rule).
  const specItems = (await readAllSpecs(root).catch(() => [])).flatMap((s) => s.items);
  const items = specItems.map((i) => ({ id: i.id, text: i.text }));
  const acceptance = specItems.filter((i) => i.prefix === 'AC').map((i) => ({ id: i.id, text: i.text, command: i.command }));
  const tasks = (await readTasksState(root).catch(() => null))?.tasks ?? [];
  // The Orchestrator's reader owns the decision format; a broken record must not stop verification.
  const records = await readDecisions(root).catch(() => []);
  const decisions: DecisionFacts[] = records.map((d) => ({
    id: `ADR-${d.id}`,
    title: d.title,
    status: d.status,
    confirmation: d.confirmation,
    text: [d.title, d.context, d.options, d.decision, d.consequences].join('\n'),
  }));
  return { acceptance, items, decisions, tasks: tasks.map(({ id, number, title, description, serves, scope, checks, depends, status, source, line }) => ({ id, number, title, description, serves, scope, checks, depends, status, source, line })) };
}

/** Strips the backticks of an inline-code task check. */
function unquote(check: string): string {
  const m = /^`+([\s\S]*?)`+$/.exec(check.trim());
  return (m ? m[1]! : check).trim();
}

/** The acceptance checks linked to a requirement: the AC itself, ACs naming it, and checks of tasks serving it. */
export function checksForRequirement(facts: PlanFacts, requirementId: string): AcceptanceCheck[] {
  const linked = new Map<string, AcceptanceCheck>();
  const mention = new RegExp(`\\b${requirementId.replace(/[-]/g, '\\-')}\\b`);
  for (const ac of facts.acceptance) {
    if (ac.id === requirementId || mention.test(ac.text)) linked.set(ac.id, ac);
  }
  for (const task of facts.tasks) {
    if (!task.serves.includes(requirementId)) continue;
    for (const c of task.checks) {
      const ac = facts.acceptance.find((a) => a.id === c.trim());
      if (ac) linked.set(ac.id, ac);
    }
  }
  return [...linked.values()].filter((a) => a.command);
}

/** Which kinds of check a verification includes. */
export type CheckKind = PlannedCheck['kind'];

/** Collapses whitespace so the same command written twice is one check. */
function norm(command: string): string {
  return command.trim().replace(/\s+/g, ' ');
}

/**
 * The checks a task names. An inline command that is also an acceptance check, a decision
 * confirmation or the test command becomes that check (same id), so evidence from a full
 * verification counts for the task too.
 */
function taskChecks(facts: PlanFacts, testCommand: TestCommand | null, task: TaskItem): PlannedCheck[] {
  const out: PlannedCheck[] = [];
  task.checks.forEach((raw, i) => {
    const ref = raw.trim();
    const ac = facts.acceptance.find((a) => a.id === ref) ?? facts.acceptance.find((a) => a.command !== null && norm(a.command) === norm(unquote(ref)));
    if (ac) {
      if (ac.command) out.push({ id: ac.id, kind: 'acceptance', label: `${ac.id}: ${ac.text}`, command: ac.command, requirementIds: [ac.id], taskIds: [task.id] });
      return;
    }
    const command = unquote(ref);
    if (!command || /^[A-Z]{1,6}-\d+$/.test(command)) return;
    const decision = facts.decisions.find((d) => d.status === 'accepted' && d.confirmation && norm(d.confirmation) === norm(command));
    if (decision) {
      out.push({ id: decision.id, kind: 'decision', label: `${decision.id}: ${decision.title}`, command, requirementIds: [], taskIds: [task.id] });
      return;
    }
    if (testCommand && norm(testCommand.command) === norm(command)) {
      out.push({ id: 'tests', kind: 'tests', label: `Test command (${testCommand.source})`, command, requirementIds: task.serves, taskIds: [task.id] });
      return;
    }
    out.push({ id: `${task.id}/check-${i + 1}`, kind: 'acceptance', label: `${task.id} check: ${command}`, command, requirementIds: task.serves, taskIds: [task.id] });
  });
  return out;
}

/**
 * The checks a task is judged by: the checks it names, the acceptance checks of the requirements it
 * serves, and the test command — each command once, the task's own first.
 */
export function servedChecks(facts: PlanFacts, testCommand: TestCommand | null, taskId: string): PlannedCheck[] {
  const task = facts.tasks.find((t) => t.id === taskId);
  if (!task) return [];
  const out: PlannedCheck[] = [];
  const seen = new Set<string>();
  const push = (c: PlannedCheck) => {
    if (seen.has(c.id) || seen.has(norm(c.command))) return;
    seen.add(c.id);
    seen.add(norm(c.command));
    out.push(c);
  };
  for (const c of taskChecks(facts, testCommand, task)) push(c);
  for (const req of task.serves) {
    for (const ac of checksForRequirement(facts, req)) push({ id: ac.id, kind: 'acceptance', label: `${ac.id}: ${ac.text}`, command: ac.command!, requirementIds: [ac.id], taskIds: [task.id] });
  }
  if (testCommand) push({ id: 'tests', kind: 'tests', label: `Test command (${testCommand.source})`, command: testCommand.command, requirementIds: task.serves, taskIds: [task.id] });
  return out;
}

/**
 * The checks to run: every acceptance check with a command, every accepted decision's confirmation,
 * the checks tasks name themselves, and the test command — each command once. With a task: the
 * checks it is judged by (servedChecks).
 */
export function planChecks(facts: PlanFacts, testCommand: TestCommand | null, taskId?: string, include?: readonly CheckKind[]): PlannedCheck[] {
  const want = (k: CheckKind) => !include || include.includes(k);
  if (taskId) {
    return servedChecks(facts, testCommand, taskId).filter((c) => want(c.kind));
  }
  const out: PlannedCheck[] = [];
  const seen = new Set<string>();
  // Acceptance checks and decisions are named checks and always run; a task's own command or the
  // test command is skipped when a named check already runs the same command line.
  const push = (c: PlannedCheck, dedupe = false) => {
    if (!want(c.kind) || (dedupe && seen.has(norm(c.command)))) return;
    seen.add(norm(c.command));
    out.push(c);
  };
  const tasksNaming = (id: string) => facts.tasks.filter((t) => taskChecks(facts, testCommand, t).some((c) => c.id === id)).map((t) => t.id);
  for (const ac of facts.acceptance) {
    if (ac.command) push({ id: ac.id, kind: 'acceptance', label: `${ac.id}: ${ac.text}`, command: ac.command, requirementIds: [ac.id], taskIds: tasksNaming(ac.id) });
  }
  for (const d of facts.decisions) {
    if (d.status === 'accepted' && d.confirmation) push({ id: d.id, kind: 'decision', label: `${d.id}: ${d.title}`, command: d.confirmation, requirementIds: [], taskIds: tasksNaming(d.id) });
  }
  for (const t of facts.tasks) for (const c of taskChecks(facts, testCommand, t)) if (c.id.startsWith(`${t.id}/`)) push(c, true);
  if (testCommand) push({ id: 'tests', kind: 'tests', label: `Test command (${testCommand.source})`, command: testCommand.command, requirementIds: [], taskIds: tasksNaming('tests') }, true);
  return out;
}
