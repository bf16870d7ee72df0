/**
 * A task's served checks run on a tree other than the project's work tree — the merge queue's merged tree
 * (docs/parallel-runs.md) — and recorded in the project's ledger with that tree's state, so the project's task
 * states see them once the user's branch is at that commit.
 *
 *   const r = await checkTaskOnTree(ctx.services.project(root).ledger, { tree, state: { commit, dirty: false }, taskId: 'T-2' });
 *   if (r.failed) …   // the first check that did not pass; the checks after it did not run
 */
import type { CheckOutcome, PlannedCheck, TestCounts } from '../../../shared/contract/verify';
import { checkEvidence, runCheckCommand } from './checks-runner';
import type { EvidenceLedger, TreeState } from './evidence';
import { readPlanFacts, servedChecks } from './plan-facts';
import { resolveTestCommand } from './test-command';

/** Options of checkTaskOnTree. */
export interface TreeCheckOptions {
  /** The folder the checks run in (its plan and test command are the ones run). */
  readonly tree: string;
  /** The tree state the records carry: the commit checked out in `tree`, read before the checks run. */
  readonly state: TreeState;
  readonly taskId: string;
  /** The run whose work the tree holds, named in the records. */
  readonly runId?: string;
  /** Where the checks ran, in words for the records ("the merged tree of T-2 at 1a2b3c4"). */
  readonly where?: string;
  readonly timeoutMs?: number;
}

/** What the checks on a tree gave. */
export interface TreeCheckResult {
  /** Ids of the evidence records appended, in order. */
  readonly recordIds: readonly string[];
  /** The first check that did not pass, or null when every check passed. */
  readonly failed: { readonly check: PlannedCheck; readonly outcome: CheckOutcome; readonly exitCode: number | null; readonly counts: TestCounts | null } | null;
}

/**
 * Runs the task's served checks (its own, the acceptance checks it serves, the test command — from the plan in
 * `tree`) one after another in `tree`, appending one record each to `ledger` under the check's key
 * (`check:<id>`, as Verify does), so a pass or a failure there is the check's newest evidence. Stops at the
 * first check that does not pass.
 */
export async function checkTaskOnTree(ledger: EvidenceLedger, options: TreeCheckOptions): Promise<TreeCheckResult> {
  const checks = servedChecks(await readPlanFacts(options.tree), await resolveTestCommand(options.tree), options.taskId);
  const recordIds: string[] = [];
  for (const check of checks) {
    const result = await runCheckCommand(check.command, { cwd: options.tree, timeoutMs: options.timeoutMs });
    const { outcome, counts, run } = result;
    const record = await ledger.append(
      checkEvidence(check, result, { taskId: options.taskId, runId: options.runId, where: options.where }),
      options.state,
    );
    recordIds.push(record.id);
    if (outcome !== 'passed') return { recordIds, failed: { check, outcome, exitCode: run.exitCode, counts } };
  }
  return { recordIds, failed: null };
}
