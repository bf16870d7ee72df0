import * as fs from 'node:fs';
import git from 'isomorphic-git';
import type { EvidenceRecord, RunVerification, TaskVerifyState } from '../../../shared/contract/verify';
import { inScope } from './drift';
import { readTreeFacts, type TreeState } from './evidence';
import { planChecks, type PlanFacts } from './plan-facts';
import type { TestCommand } from './test-command';

/** Paths that differ between two commits of the project's own repository. */
export async function changedBetween(root: string, from: string, to: string): Promise<string[]> {
  if (from === to) return [];
  const out: string[] = [];
  await git.walk({
    fs,
    dir: root,
    trees: [git.TREE({ ref: from }), git.TREE({ ref: to })],
    map: async (path, [a, b]) => {
      if (path === '.') return true;
      const [ta, tb] = [await a?.type(), await b?.type()];
      if (ta === 'tree' || tb === 'tree') return true;
      if ((await a?.oid()) !== (await b?.oid())) out.push(path);
      return true;
    },
  });
  return out;
}

/** What the agent sessions know of a verified run: the user's review of its diff and the files it wrote. */
export interface RunFacts {
  /** 'accepted' once its diff was committed; 'rejected' runs do not count for their task. */
  readonly review: 'pending' | 'accepted' | 'rejected' | 'none';
  /** Project-relative files the run wrote (its journal). */
  readonly files: readonly string[];
  /**
   * The run worked in a linked worktree (a parallel run, docs/parallel-runs.md): its verification's checks ran on
   * that tree, which the project holds only once the merge queue merged it.
   */
  readonly worktree?: boolean;
}

/** Files changed after a piece of evidence: committed since its commit, or uncommitted and written after it. */
async function changedAfter(root: string, record: EvidenceRecord, tree: TreeState, dirty: readonly string[], cache: Map<string, string[]>): Promise<string[]> {
  const since = Date.parse(record.time);
  const writtenAfter = (p: string) => {
    try {
      return fs.statSync(`${root}/${p}`).mtimeMs > since;
    } catch {
      return true;
    }
  };
  let committed: string[] = [];
  if (record.commit && tree.commit && record.commit !== tree.commit) {
    const key = `${record.commit}..${tree.commit}`;
    if (!cache.has(key)) cache.set(key, await changedBetween(root, record.commit, tree.commit).catch(() => ['(history unreadable)']));
    committed = cache.get(key)!;
    // Evidence taken on a dirty tree may have checked exactly the bytes committed later (a run's
    // accepted diff): such a path counts only when written after the evidence.
    if (record.dirty) committed = committed.filter((p) => p.startsWith('(') || writtenAfter(p));
  }
  return [...new Set([...committed, ...dirty.filter(writtenAfter)])];
}

/** Why a red run makes its task red: untrusted when it changed a check, else refuted (claims, findings, regressions). */
function redState(run: RunVerification): { state: 'untrusted' | 'refuted'; reason: string } {
  const checks = run.checks ?? [];
  const untrusted = checks.filter((c) => c.verdict === 'untrusted').map((c) => c.id);
  if (untrusted.length > 0 || run.findings.some((f) => f.kind === 'untrusted_check')) {
    return { state: 'untrusted', reason: `Run ${run.runId} changed what ${untrusted.length ? untrusted.join(', ') : 'a check'} executes: its results prove nothing. Reject the run, or review the change and verify again.` };
  }
  const parts: string[] = [];
  if (run.counts.refuted > 0) parts.push(`${run.counts.refuted} claim(s) refuted`);
  const regressed = checks.filter((c) => c.verdict === 'regressed').map((c) => c.id);
  if (regressed.length > 0) parts.push(`${regressed.join(', ')} regressed`);
  const errors = run.findings.filter((f) => f.severity === 'error');
  if (errors.length > 0) parts.push(`${errors.length} open finding(s): ${[...new Set(errors.map((f) => f.kind.replace(/_/g, ' ')))].join(', ')}`);
  return { state: 'refuted', reason: `Run ${run.runId}: ${parts.join('; ') || 'red'}.` };
}

/**
 * A task is verified only when every check it is judged by (its own, the acceptance checks it serves,
 * the test command) passed and its accepted run (or its latest run not rejected) is not red — no
 * refuted claim, no open error finding, no regressed or untrusted check; stale when its files changed after the evidence; failing
 * when a check failed; unverified when a check has no evidence yet. A task with no accepted agent
 * run still becomes verified on passing checks (work done by hand counts) — `acceptedRunId: null`
 * says so. Its files are its scope plus what its accepted run wrote; with neither, every project file.
 * Verified on the evidence of a parallel run's own verification (taken in its worktree) says in its reason
 * that the work is not merged yet (the merge queue's checks on the merged tree replace that evidence), and is
 * stale when that run was rejected: its work never reached the project.
 */
export async function taskStates(
  root: string,
  facts: PlanFacts,
  testCommand: TestCommand | null,
  records: readonly EvidenceRecord[],
  runs: readonly RunVerification[],
  tree: TreeState,
  runFacts: ReadonlyMap<string, RunFacts> = new Map(),
  dirtyPaths?: readonly string[],
): Promise<TaskVerifyState[]> {
  const latest = new Map<string, EvidenceRecord>();
  for (const r of records) if (r.key) latest.set(r.key, r);
  const changedCache = new Map<string, string[]>();
  const dirty = !tree.dirty ? [] : (dirtyPaths ?? (await readTreeFacts(root)).dirtyPaths);
  const out: TaskVerifyState[] = [];
  for (const task of facts.tasks) {
    // Runs newest first; a rejected run's diff never landed, so its claims say nothing of the task.
    const taskRuns = runs.filter((r) => r.taskId === task.id && runFacts.get(r.runId)?.review !== 'rejected');
    const accepted = taskRuns.find((r) => runFacts.get(r.runId)?.review === 'accepted') ?? null;
    const acceptedRunId = accepted?.runId ?? null;
    const redRun = [taskRuns[0], accepted].find((r) => r && (r.counts.refuted > 0 || r.glance === 'red'));
    if (redRun) {
      out.push({ taskId: task.id, ...redState(redRun), commit: redRun.commit, acceptedRunId });
      continue;
    }
    const checks = planChecks(facts, testCommand, task.id);
    if (checks.length === 0) {
      out.push({ taskId: task.id, state: 'unverified', reason: 'The task names no runnable check.', commit: null, acceptedRunId });
      continue;
    }
    const evidence = checks.map((c) => ({ check: c, record: latest.get(`check:${c.id}`) }));
    const missing = evidence.filter((e) => !e.record);
    const failed = evidence.filter((e) => e.record && e.record.result !== 'passed');
    if (failed.length > 0) {
      out.push({ taskId: task.id, state: 'failing', reason: `${failed.map((e) => e.check.id).join(', ')}: ${failed.map((e) => e.record!.result).join(', ')}.`, commit: failed[0]!.record!.commit, acceptedRunId });
      continue;
    }
    if (missing.length > 0) {
      out.push({ taskId: task.id, state: 'unverified', reason: `No evidence yet for ${missing.map((e) => e.check.id).join(', ')}.`, commit: null, acceptedRunId });
      continue;
    }
    const own = [...task.scope, ...(accepted ? (runFacts.get(accepted.runId)?.files ?? []) : [])];
    const isTasks = (p: string) => (own.length > 0 ? inScope(p, own) : !p.startsWith('.plumbline/'));
    let stale: string | null = null;
    for (const { record } of evidence) {
      const touched = (await changedAfter(root, record!, tree, dirty, changedCache)).filter((p) => !p.startsWith('.plumbline/') && isTasks(p));
      if (touched.length > 0) {
        stale = `Files changed since the evidence (${touched.slice(0, 3).join(', ')}${touched.length > 3 ? ', …' : ''}); verify again.`;
        break;
      }
    }
    const commit = evidence[0]!.record!.commit;
    const basis = accepted ? `run ${accepted.runId} accepted with no refuted claim` : 'no agent run';
    // Evidence the verification of one of the task's parallel runs took in its worktree: the project's branch does
    // not hold that tree yet (and never will when the run was rejected).
    const unmerged = evidence.find(({ record }) => record!.subject.kind === 'run' && record!.runId && runs.some((r) => r.runId === record!.runId && r.taskId === task.id) && runFacts.get(record!.runId)?.worktree)?.record?.runId;
    const review = unmerged ? runFacts.get(unmerged)?.review : undefined;
    if (!stale && unmerged && review === 'rejected') {
      out.push({ taskId: task.id, state: 'stale', reason: `The checks passed in the worktree of run ${unmerged}, which was rejected: its work is not in the project. Verify again.`, commit, acceptedRunId });
      continue;
    }
    if (!stale && unmerged) {
      const next = review === 'accepted' ? 'it is in the merge queue, which checks the merged tree again' : 'accepting it puts it into the merge queue, which checks the merged tree again';
      out.push({ taskId: task.id, state: 'verified', reason: `All ${checks.length} check(s) pass in the worktree of run ${unmerged}, not merged yet: ${next}.`, commit, acceptedRunId });
      continue;
    }
    if (stale) out.push({ taskId: task.id, state: 'stale', reason: stale, commit, acceptedRunId });
    else out.push({ taskId: task.id, state: 'verified', reason: `All ${checks.length} check(s) pass; ${basis}.`, commit, acceptedRunId });
  }
  return out;
}
