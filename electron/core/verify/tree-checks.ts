/**
 * A task's served checks run on a tree other than the project's work tree — the merge queue's merged tree
 * (docs/parallel-runs.md) — and recorded in the project's ledger with that tree's state, so the project's task
 * states see them once the user's branch is at that commit. The checks are those of the plan as it stood before
 * the run (trusted-plan.ts), never the tree's own plan, which holds whatever the run wrote into it.
 *
 *   const plan = await trustedPlanOf(shadow, checkpointCommit);
 *   const r = await checkTaskOnTree(ctx.services.project(root).ledger, { tree, plan, state: { commit, dirty: false }, taskId: 'T-2' });
 *   if (r.failed) …   // the first check that did not pass; the checks after it did not run
 *   if (r.differs) …  // the tree's own plan has other checks for the task (they did not run)
 */
import type { CheckOutcome, PlannedCheck, TestCounts } from '../../../shared/contract/verify';
import { checkEvidence, runCheckCommand } from './checks-runner';
import { normalizeCommand } from './claim-verifier';
import type { EvidenceLedger, TreeState } from './evidence';
import { readPlanFacts, servedChecks } from './plan-facts';
import { resolveTestCommand } from './test-command';
import type { TrustedPlan } from './trusted-plan';

/** Options of checkTaskOnTree. */
export interface TreeCheckOptions {
  /** The folder the checks run in. Its own plan and test command are read only to say how they differ from `plan`. */
  readonly tree: string;
  /** The plan the checks come from: the plan as it stood before the run (its checkpoint's, trusted-plan.ts). */
  readonly plan: Pick<TrustedPlan, 'facts' | 'testCommand'>;
  /** The tree state the records carry: the commit checked out in `tree`, read before the checks run. */
  readonly state: TreeState;
  readonly taskId: string;
  /** The run whose work the tree holds, named in the records. */
  readonly runId?: string;
  /** Where the checks ran, in words for the records ("the merged tree (1a2b3c4)"). */
  readonly where?: string;
  readonly timeoutMs?: number;
}

/** What the checks on a tree gave. */
export interface TreeCheckResult {
  /** Ids of the evidence records appended, in order. */
  readonly recordIds: readonly string[];
  /** The first check that did not pass, or null when every check passed. */
  readonly failed: { readonly check: PlannedCheck; readonly outcome: CheckOutcome; readonly exitCode: number | null; readonly counts: TestCounts | null } | null;
  /**
   * How the tree's own plan differs from `plan` for the task's checks, in one sentence ("The plan on the merged
   * tree (1a2b3c4) has other checks for T-2 than the plan before its run: T-2/check-1 is `true` there; the checks
   * as planned before the run ran."); null when it does not.
   */
  readonly differs: string | null;
}

/**
 * Runs the task's served checks (its own, the acceptance checks it serves, the test command — from `plan`, the
 * plan before the run) one after another in `tree`, appending one record each to `ledger` under the check's key
 * (`check:<id>`, as Verify does), so a pass or a failure there is the check's newest evidence. Stops at the
 * first check that does not pass. A check the tree's own plan changed or dropped says so in its record's note.
 */
export async function checkTaskOnTree(ledger: EvidenceLedger, options: TreeCheckOptions): Promise<TreeCheckResult> {
  const checks = servedChecks(options.plan.facts, options.plan.testCommand, options.taskId);
  const there = await treeChecks(options.tree, options.taskId);
  const where = options.where ?? 'the tree';
  const changes = there ? differences(checks, there) : new Map<string, Difference>();
  const recordIds: string[] = [];
  let failed: TreeCheckResult['failed'] = null;
  for (const check of checks) {
    const result = await runCheckCommand(check.command, { cwd: options.tree, timeoutMs: options.timeoutMs });
    const { outcome, counts, run } = result;
    const evidence = checkEvidence(check, result, { taskId: options.taskId, runId: options.runId, where: options.where });
    const change = changes.get(check.id);
    const note = change ? `${evidence.note}; the plan there ${change.kind === 'changed' ? `has \`${change.command}\` for it` : 'no longer has it'}, the check as planned before the run ran` : evidence.note;
    const record = await ledger.append({ ...evidence, note }, options.state);
    recordIds.push(record.id);
    if (outcome !== 'passed') {
      failed = { check, outcome, exitCode: run.exitCode, counts };
      break;
    }
  }
  const parts = [...changes].map(([id, c]) => (c.kind === 'changed' ? `${id} is \`${c.command}\` there` : c.kind === 'dropped' ? `${id} is not there` : `${id} (\`${c.command}\`) is new there and did not run`));
  const differs = !there
    ? `The plan on ${where} could not be read; the checks as planned before the run ran.`
    : parts.length
      ? `The plan on ${where} has other checks for ${options.taskId} than the plan before its run: ${parts.join('; ')}; the checks as planned before the run ran.`
      : null;
  return { recordIds, failed, differs };
}

/** The task's served checks by the tree's own plan; null when it cannot be read. */
async function treeChecks(tree: string, taskId: string): Promise<PlannedCheck[] | null> {
  try {
    const [facts, testCommand] = await Promise.all([readPlanFacts(tree), resolveTestCommand(tree)]);
    return servedChecks(facts, testCommand, taskId);
  } catch {
    return null;
  }
}

/** How the tree's plan differs for one check: another command, no such check, or a check of its own. */
type Difference = { readonly kind: 'changed' | 'added'; readonly command: string } | { readonly kind: 'dropped' };

/** Check id → how the tree's plan differs for it: the trusted checks it changed or dropped, then the ones it adds. */
function differences(trusted: readonly PlannedCheck[], there: readonly PlannedCheck[]): Map<string, Difference> {
  const out = new Map<string, Difference>();
  const byId = new Map(there.map((c) => [c.id, c]));
  for (const c of trusted) {
    const t = byId.get(c.id);
    if (!t) out.set(c.id, { kind: 'dropped' });
    else if (normalizeCommand(t.command) !== normalizeCommand(c.command)) out.set(c.id, { kind: 'changed', command: t.command });
  }
  const known = new Set(trusted.map((c) => c.id));
  for (const t of there) if (!known.has(t.id)) out.set(t.id, { kind: 'added', command: t.command });
  return out;
}
