import * as fs from 'node:fs';
import git from 'isomorphic-git';
import type { EvidenceRecord, RunVerification, TaskVerifyState } from '../../../shared/contract/verify';
import { inScope } from './drift';
import type { TreeState } from './evidence';
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

/** Project files with uncommitted changes (what a dirty tree holds). */
export async function dirtyPaths(root: string): Promise<string[]> {
  try {
    const matrix = await git.statusMatrix({ fs, dir: root });
    return matrix.filter(([, h, w, s]) => !(h === 1 && w === 1 && s === 1)).map(([p]) => p);
  } catch {
    return [];
  }
}

/**
 * A task is verified only when every check it names passed and no claim of its latest run is
 * refuted; stale when files in its scope changed after the evidence's commit; failing when a
 * check failed; unverified when a check has no evidence yet.
 */
export async function taskStates(root: string, facts: PlanFacts, testCommand: TestCommand | null, records: readonly EvidenceRecord[], runs: readonly RunVerification[], tree: TreeState): Promise<TaskVerifyState[]> {
  const latest = new Map<string, EvidenceRecord>();
  for (const r of records) if (r.key) latest.set(r.key, r);
  const changedCache = new Map<string, string[]>();
  const dirty = tree.dirty ? await dirtyPaths(root) : [];
  const out: TaskVerifyState[] = [];
  for (const task of facts.tasks) {
    const run = runs.find((r) => r.taskId === task.id);
    if (run && run.counts.refuted > 0) {
      out.push({ taskId: task.id, state: 'refuted', reason: `${run.counts.refuted} claim(s) of run ${run.runId} refuted.`, commit: run.commit });
      continue;
    }
    const checks = planChecks(facts, testCommand, task.id);
    if (checks.length === 0) {
      out.push({ taskId: task.id, state: 'unverified', reason: 'The task names no runnable check.', commit: null });
      continue;
    }
    const evidence = checks.map((c) => ({ check: c, record: latest.get(`check:${c.id}`) }));
    const missing = evidence.filter((e) => !e.record);
    const failed = evidence.filter((e) => e.record && e.record.result !== 'passed');
    if (failed.length > 0) {
      out.push({ taskId: task.id, state: 'failing', reason: `${failed.map((e) => e.check.id).join(', ')}: ${failed.map((e) => e.record!.result).join(', ')}.`, commit: failed[0]!.record!.commit });
      continue;
    }
    if (missing.length > 0) {
      out.push({ taskId: task.id, state: 'unverified', reason: `No evidence yet for ${missing.map((e) => e.check.id).join(', ')}.`, commit: null });
      continue;
    }
    let stale: string | null = null;
    for (const { record } of evidence) {
      const at = record!.commit;
      let changed: string[] = [];
      if (at && tree.commit && at !== tree.commit) {
        const key = `${at}..${tree.commit}`;
        if (!changedCache.has(key)) changedCache.set(key, await changedBetween(root, at, tree.commit).catch(() => ['(history unreadable)']));
        changed = changedCache.get(key)!;
      }
      // Uncommitted files count only when written after the evidence was taken.
      const since = Date.parse(record!.time);
      const dirtyAfter = dirty.filter((p) => {
        try {
          return fs.statSync(`${root}/${p}`).mtimeMs > since;
        } catch {
          return true;
        }
      });
      const touched = [...changed, ...dirtyAfter].filter((p) => !p.startsWith('.plumbline/') && inScope(p, task.scope));
      if (touched.length > 0 || (at !== tree.commit && task.scope.length === 0 && changed.length > 0)) {
        stale = `Files changed since the evidence (${touched.slice(0, 3).join(', ') || 'commit moved'}); verify again.`;
        break;
      }
    }
    if (stale) out.push({ taskId: task.id, state: 'stale', reason: stale, commit: evidence[0]!.record!.commit });
    else out.push({ taskId: task.id, state: 'verified', reason: `All ${checks.length} check(s) passed.`, commit: evidence[0]!.record!.commit });
  }
  return out;
}
