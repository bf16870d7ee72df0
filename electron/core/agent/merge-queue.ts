/**
 * The merge queue of one project (docs/parallel-runs.md): accepted runs' branches merge into the user's
 * current branch in dependency order, each on a temporary worktree first, and the user's branch moves only
 * when the merge is clean and the checks pass on the merged tree.
 *
 *   const queue = new MergeQueue({ git, root, dataDir });
 *   await queue.recover();                               // on start: rolls back an interrupted step
 *   await queue.add({ runId, taskId: 'T-2', branch: 'plumbline/T-2-quota', depends: ['T-1'] });
 *   const result = await queue.process(async (tree, entry) => ({ ok: true, reason: '' }));
 *
 * Per entry: waiting → merging (temporary worktree at the branch tip, `git merge --no-ff`) → checking
 * (`runChecks` on the merged tree) → merged (the branch moved with `update-ref <new> <old>`, the user's work
 * tree brought along with `read-tree -m -u` when that loses nothing) | stopped (with what to do; later entries
 * wait). resolve() merges a stopped entry's branch into the user's clean work tree (`merge --no-ff --no-commit`,
 * conflicts left for the user): resolving, and the queue waits; once the user's branch contains the run's tip
 * the checks run on HEAD (merged, or stopped), and when the user aborted the merge it is stopped again.
 *
 * A held entry (stopped or resolving) remembers the repository it was held in (`holdKey`: HEAD, the merge in
 * progress, the run's branch, and the uncommitted changes that stopped it); recheck() processes the queue again
 * only when that changed (the user committed, resolved, fixed the branch) or when entries wait with nothing
 * holding them (a rolled-back step on the next start), so it can follow every repository change without a loop.
 * The journal `<dataDir>/queues/<project hash>.json` is written atomically before every step, so recover() can
 * undo a step a crash interrupted.
 */
import { promises as fs } from 'node:fs';
import { dirname, join } from 'node:path';
import { RpcError } from '../../../shared/rpc';
import { atomicWrite } from '../util/atomic-write';
import { parseGitError } from '../git/native/git-errors';
import { GitCommandError, type NativeGit, runGit } from '../git/native/git-runner';
import { parsePorcelainV2 } from '../git/native/native-status';
import { assertRunId, projectHash, removeLinkedWorktree } from './worktrees';

/**
 * Where an entry is: waiting → merging → checking → merged | stopped; a stopped one may become resolving (its branch
 * merged into the user's own work tree, see resolve()) → merged | stopped.
 */
export type QueueEntryState = 'waiting' | 'merging' | 'checking' | 'merged' | 'stopped' | 'resolving';

/** What the caller puts into the queue. */
export interface QueueEntry {
  readonly runId: string;
  readonly taskId: string;
  /** The run's branch (`plumbline/T-n-…`). */
  readonly branch: string;
  /** Task ids that merge first. One that is not in the queue (done before, or dropped) holds nothing back. */
  readonly depends: readonly string[];
}

/** An entry with its state. */
export interface QueueItem extends QueueEntry {
  readonly state: QueueEntryState;
  /** Why it stopped and what to do; null otherwise. */
  readonly reason: string | null;
  /** The merge commit the user's branch moved to (or its tip when the run was merged already). */
  readonly merged: string | null;
}

/** What the checks say about a merged tree. */
export interface CheckResult {
  readonly ok: boolean;
  /** What failed, in words ("T-2/check-1 (`npm test`) failed, exit 1"); the queue adds where it ran and what to do. */
  readonly reason: string;
}

/**
 * Runs the task's checks on the merged tree in `worktreePath`. A failing check is `{ ok: false }`; a throw is
 * an interruption: process() rejects, the journal keeps the step and recover() rolls it back.
 */
export type RunChecks = (worktreePath: string, entry: QueueEntry) => Promise<CheckResult>;

/** What one process() call did. */
export interface ProcessResult {
  readonly merged: readonly string[];
  /** The entry the queue stopped at, or null when every entry merged. */
  readonly stopped: { readonly runId: string; readonly reason: string } | null;
}

/** What recover() found and did. */
export interface RecoverResult {
  /** The run whose interrupted step was rolled back (it waits again). */
  readonly rolledBack: string | null;
  /** The run whose step had already moved the branch (it counts as merged). */
  readonly completed: string | null;
  /** Something the user should know (the work tree could not follow the branch). */
  readonly note: string | null;
}

/** The step in progress, written before it starts. */
interface Step {
  readonly runId: string;
  readonly phase: 'merging' | 'checking' | 'moving';
  readonly worktree: string;
  /** `refs/heads/<b>`: the user's branch. */
  readonly target: string;
  readonly old: string;
  readonly merged: string | null;
  /** The user's work tree is on the target and follows it (`read-tree -m -u old merged`). */
  readonly follow: boolean;
}

/** What a held entry (stopped or resolving) waits on, so a change of the repository can tell whether it may move. */
interface Hold {
  /** holdKey() when it was held. */
  readonly key: string;
  /** Paths whose uncommitted changes stopped it: they count in the key. */
  readonly paths: readonly string[];
}

interface Journal {
  readonly version: 1;
  readonly root: string;
  readonly entries: QueueItem[];
  readonly step: Step | null;
  /** Per held run id (absent in older journals). */
  readonly held?: Readonly<Record<string, Hold>>;
}

/** The options a MergeQueue is made with. */
export interface MergeQueueOptions {
  readonly git: NativeGit;
  readonly root: string;
  readonly dataDir: string;
}

const TASK_ID = /^T-\d{1,9}$/;
const short = (oid: string): string => oid.slice(0, 7);

/** The merge queue of one project (native git only). */
export class MergeQueue {
  private readonly git: NativeGit;
  private readonly root: string;
  /** The journal file. */
  readonly file: string;
  /** Temporary merge worktrees: `<dataDir>/queues/<project hash>/<run id>`. */
  private folder: string;
  private folderReal = false;
  private entries: QueueItem[] = [];
  private step: Step | null = null;
  /** What each held entry waits on (see Hold). */
  private held = new Map<string, Hold>();
  /** Paths the last stop named (uncommitted changes in the way), taken into its hold. */
  private stopPaths = new Map<string, readonly string[]>();
  private loaded = false;
  /** The run being merged by process(), which add/drop must not disturb. */
  private busy: string | null = null;
  private chain: Promise<unknown> = Promise.resolve();
  private writes: Promise<unknown> = Promise.resolve();

  constructor(options: MergeQueueOptions) {
    this.git = options.git;
    this.root = options.root;
    const hash = projectHash(options.root);
    this.file = join(options.dataDir, 'queues', `${hash}.json`);
    this.folder = join(options.dataDir, 'queues', hash);
  }

  /** The entries in the order added, with their states. */
  async list(): Promise<QueueItem[]> {
    await this.load();
    return this.entries.map((e) => ({ ...e, depends: [...e.depends] }));
  }

  /** Adds an accepted run. Refuses a run already queued, a task id that is not T-n and a branch git cannot name. */
  add(entry: QueueEntry): Promise<void> {
    return this.serial(async () => {
      await this.load();
      await this.addNow(entry);
    });
  }

  /**
   * Adds a run and processes the queue as one step: no re-check can come between them, so the new entry is merged
   * (or stopped) once, by this call, and its checks run once.
   */
  addAndProcess(entry: QueueEntry, runChecks: RunChecks): Promise<ProcessResult> {
    return this.serial(async () => {
      await this.load();
      await this.addNow(entry);
      return this.processNow(runChecks);
    });
  }

  private async addNow(entry: QueueEntry): Promise<void> {
    assertRunId(entry.runId);
    if (!TASK_ID.test(entry.taskId)) throw new RpcError('INVALID_REQUEST', `"${entry.taskId.slice(0, 40)}" is not a task id like T-3; the run was not queued.`);
    const bad = entry.depends.find((d) => !TASK_ID.test(d));
    if (bad !== undefined) throw new RpcError('INVALID_REQUEST', `"${bad.slice(0, 40)}" is not a task id like T-3; the run was not queued.`);
    const check = await runGit(this.git, ['check-ref-format', '--branch', entry.branch], { cwd: this.root, read: true, successCodes: new Set([0, 1, 128]) });
    if (check.exitCode !== 0) throw new RpcError('INVALID_REQUEST', `"${entry.branch.slice(0, 80)}" is not a branch name git accepts; the run was not queued.`);
    if (this.entries.some((e) => e.runId === entry.runId)) throw new RpcError('CONFLICT', `Run ${entry.runId} is already in the merge queue.`);
    this.entries.push({ runId: entry.runId, taskId: entry.taskId, branch: entry.branch, depends: [...entry.depends], state: 'waiting', reason: null, merged: null });
    await this.save();
  }

  /** Removes an entry (any state but the one being merged right now). */
  async drop(runId: string): Promise<void> {
    await this.load();
    if (this.busy === runId) throw new RpcError('CONFLICT', `Run ${runId} is being merged right now; wait until its checks finish, then drop it.`);
    const before = this.entries.length;
    this.entries = this.entries.filter((e) => e.runId !== runId);
    if (this.entries.length === before) throw new RpcError('NOT_FOUND', `Run ${runId} is not in the merge queue (it may have been dropped already).`);
    this.held.delete(runId);
    await this.save();
  }

  /**
   * Resolve in the Builder: merges a stopped entry's branch into the user's own work tree with
   * `git merge --no-ff --no-commit`, leaving conflicts for the user to resolve and commit. Refused unless the
   * work tree is clean (untracked files aside) and on a branch. The entry becomes resolving; process() takes it
   * up once the user committed (or aborted the merge).
   */
  resolve(runId: string): Promise<void> {
    return this.serial(async () => {
      await this.load();
      const entry = this.entries.find((e) => e.runId === runId);
      if (!entry) throw new RpcError('NOT_FOUND', `Run ${runId} is not in the merge queue (it may have been dropped already).`);
      if (entry.state !== 'stopped') throw new RpcError('CONFLICT', `${entry.taskId} is ${entry.state} in the merge queue, not stopped; only a stopped merge is resolved by hand.`);
      const sym = await runGit(this.git, ['symbolic-ref', '-q', 'HEAD'], { cwd: this.root, read: true, successCodes: new Set([0, 1]) });
      if (sym.exitCode !== 0) throw new RpcError('CONFLICT', `HEAD is detached, so there is no branch to merge ${entry.taskId} into. Switch to your branch, then resolve again.`);
      if (await this.revParse('MERGE_HEAD')) throw new RpcError('CONFLICT', 'A merge is already in progress in your work tree. Commit it or abort it (git merge --abort) first.');
      const status = await runGit(this.git, ['status', '--porcelain=v2', '-z', '--untracked-files=no'], { cwd: this.root, read: true, what: 'read the status' });
      const dirty = parsePorcelainV2(status.stdout).entries.map((e) => e.path);
      if (dirty.length) throw new RpcError('CONFLICT', `Your work tree has uncommitted changes (${listPaths(dirty)}): commit or stash your changes first, then resolve ${entry.taskId} again.`);
      const tip = await this.revParse(`refs/heads/${entry.branch}`);
      if (!tip) throw new RpcError('NOT_FOUND', `The branch ${entry.branch} of ${entry.taskId} no longer exists. Drop the run from the queue.`);
      const merge = await runGit(this.git, ['merge', '--no-ff', '--no-commit', tip], { cwd: this.root, successCodes: new Set([0, 1, 2, 128]) });
      if (!(await this.revParse('MERGE_HEAD'))) {
        const said = (merge.stderr + merge.stdout.toString('utf8')).trim().slice(0, 600) || `exit code ${merge.exitCode}`;
        throw new RpcError('CONFLICT', `Git did not start the merge of ${entry.branch} in your work tree, so nothing changed. Git said: ${said}`);
      }
      const unmerged = (await runGit(this.git, ['diff', '--name-only', '--diff-filter=U', '-z'], { cwd: this.root, read: true })).stdout.toString('utf8').split('\0').filter(Boolean);
      const reason = unmerged.length
        ? `resolve the conflicts in ${listPaths(unmerged)} in the Builder and commit; the queue goes on after your commit`
        : `${entry.branch} is merged into your work tree without conflicts: review it in the Builder and commit; the queue goes on after your commit`;
      this.setEntry(runId, { state: 'resolving', reason });
      await this.refreshHolds();
      await this.save();
    });
  }

  /**
   * Merges the waiting entries in dependency order (ties in the order added) until one stops or none is
   * left. A stopped entry is tried again from the start. An interrupted step is rolled back first. An entry
   * being resolved in the user's work tree comes first: it holds the queue until the user committed (then the
   * checks run on HEAD) or aborted the merge (stopped again).
   */
  process(runChecks: RunChecks): Promise<ProcessResult> {
    return this.serial(async () => {
      await this.load();
      return this.processNow(runChecks);
    });
  }

  /**
   * Processes the queue when it may move, else does nothing and gives null: when what held an entry (stopped or
   * resolving) changed since it was held — HEAD or the user's branch moved, a merge in the work tree began or
   * ended, the run's branch got a commit, the uncommitted changes that stopped it were committed or stashed — or
   * when entries wait and nothing holds them (a step rolled back on the next start). A step a throwing check left
   * behind waits for process(). Called on every change of the repository: a change of our own gives null.
   */
  recheck(runChecks: RunChecks): Promise<ProcessResult | null> {
    return this.serial(async () => {
      await this.load();
      if (this.step) return null;
      const heldEntries = this.entries.filter((e) => e.state === 'stopped' || e.state === 'resolving');
      let moved = heldEntries.length === 0 && this.entries.some((e) => e.state === 'waiting');
      for (const entry of heldEntries) {
        const hold = this.held.get(entry.runId);
        // An entry of an older journal: a stopped one is held from now on; a resolving one is looked at.
        if (!hold && entry.state === 'stopped') continue;
        if (!hold || hold.key !== (await this.holdKey(entry, hold.paths))) moved = true;
      }
      if (!moved) {
        if (heldEntries.some((e) => !this.held.has(e.runId))) {
          await this.refreshHolds();
          await this.save();
        }
        return null;
      }
      return this.processNow(runChecks);
    });
  }

  private async processNow(runChecks: RunChecks): Promise<ProcessResult> {
    try {
      if (this.step) await this.rollback();
      const merged: string[] = [];
      for (const entry of this.entries.filter((e) => e.state === 'resolving')) {
        const held = await this.settleResolving(entry, runChecks);
        if (held) return { merged, stopped: { runId: entry.runId, reason: held } };
        merged.push(entry.runId);
      }
      this.entries = this.entries.map((e) => (e.state === 'stopped' ? { ...e, state: 'waiting', reason: null } : e));
      for (;;) {
        const next = this.pickNext();
        if (!next) return { merged, stopped: null };
        if ('cycle' in next) {
          await this.stop(next.entry.runId, `${next.entry.taskId} depends on ${next.waitsFor.join(', ')}, which cannot merge before it (the tasks depend on each other). Drop one of them from the queue.`);
          return { merged, stopped: { runId: next.entry.runId, reason: this.reasonOf(next.entry.runId) } };
        }
        this.busy = next.entry.runId;
        try {
          const stopped = await this.mergeOne(next.entry, runChecks);
          if (stopped) return { merged, stopped: { runId: next.entry.runId, reason: stopped } };
          merged.push(next.entry.runId);
        } finally {
          this.busy = null;
        }
      }
    } finally {
      // Whatever holds the queue now is remembered as it is now, so only a later change makes recheck() move.
      if (!this.step) {
        await this.refreshHolds().catch(() => {});
        await this.save().catch(() => {});
      }
    }
  }

  /**
   * Rolls back a step a crash (or a throwing check) interrupted: the temporary worktree is removed and the
   * entry waits again; when the journal says the branch was being moved and it did move, the entry counts as
   * merged (and the work tree is brought along when it was to follow). Leaves the queue ready to process.
   */
  recover(): Promise<RecoverResult> {
    return this.serial(async () => {
      this.loaded = false;
      await this.load();
      return this.rollback();
    });
  }

  private async rollback(): Promise<RecoverResult> {
    const step = this.step;
    let result: RecoverResult = { rolledBack: null, completed: null, note: null };
    if (step) {
      const now = await this.revParse(step.target);
      if (step.phase === 'moving' && step.merged && now === step.merged) {
        let note: string | null = null;
        if (step.follow && (await this.onBranch(step.target))) {
          const rt = await runGit(this.git, ['read-tree', '-m', '-u', step.old, step.merged], { cwd: this.root, successCodes: new Set([0, 128]) });
          if (rt.exitCode !== 0) note = `The branch moved to the merge of ${step.runId}, but your work tree could not follow (${rt.stderr.trim() || 'read-tree failed'}). Run \`git status\` and check out the branch again.`;
        }
        this.setEntry(step.runId, { state: 'merged', reason: null, merged: step.merged });
        result = { rolledBack: null, completed: step.runId, note };
      } else {
        this.setEntry(step.runId, { state: 'waiting', reason: null });
        result = { rolledBack: step.runId, completed: null, note: null };
      }
      await removeLinkedWorktree(this.git, this.root, step.worktree);
    }
    // Entries left half-way without a step (an older journal) wait again.
    this.entries = this.entries.map((e) => (e.state === 'merging' || e.state === 'checking' ? { ...e, state: 'waiting', reason: null } : e));
    this.step = null;
    await this.save();
    await this.clearStrays();
    return result;
  }

  /** The first waiting entry (in the order added) whose dependencies in the queue have all merged. */
  private pickNext(): { entry: QueueItem } | { entry: QueueItem; cycle: true; waitsFor: string[] } | null {
    const waiting = this.entries.filter((e) => e.state === 'waiting');
    if (waiting.length === 0) return null;
    const open = (taskId: string) => this.entries.some((e) => e.taskId === taskId && e.state !== 'merged');
    for (const e of waiting) if (!e.depends.some(open)) return { entry: e };
    const first = waiting[0];
    return { entry: first, cycle: true, waitsFor: first.depends.filter(open) };
  }

  /** Merges one entry; returns the reason when it stopped, else null. */
  private async mergeOne(entry: QueueItem, runChecks: RunChecks): Promise<string | null> {
    const sym = await runGit(this.git, ['symbolic-ref', '-q', 'HEAD'], { cwd: this.root, read: true, successCodes: new Set([0, 1]) });
    const target = sym.stdout.toString('utf8').trim();
    if (sym.exitCode !== 0 || !target.startsWith('refs/heads/')) return this.stop(entry.runId, 'HEAD is detached, so there is no branch to merge into. Switch to the branch the runs should land on; the queue goes on by itself.');
    const name = target.slice('refs/heads/'.length);
    const old = await this.revParse(target);
    if (!old) return this.stop(entry.runId, `The branch ${name} has no commits yet. Make a first commit; the queue goes on by itself.`);
    const tip = await this.revParse(`refs/heads/${entry.branch}`);
    if (!tip) return this.stop(entry.runId, `The branch ${entry.branch} of ${entry.taskId} no longer exists. Drop the run from the queue.`);

    const worktree = join(await this.ensureFolder(), entry.runId);
    this.setEntry(entry.runId, { state: 'merging', reason: null });
    this.step = { runId: entry.runId, phase: 'merging', worktree, target, old, merged: null, follow: false };
    await this.save();
    await removeLinkedWorktree(this.git, this.root, worktree);
    await runGit(this.git, ['worktree', 'add', '--quiet', '--detach', '--', worktree, old], { cwd: this.root, what: 'create the merge worktree' });

    let merge;
    try {
      merge = await runGit(this.git, ['merge', '--no-ff', '--no-edit', '-m', `Merge ${entry.taskId} (${entry.branch}) into ${name}`, tip], { cwd: worktree, successCodes: new Set([0, 1]), what: `merge ${entry.branch}` });
    } catch (error) {
      if (!(error instanceof GitCommandError)) throw error;
      return this.abandon(entry.runId, `Merging ${entry.taskId} (${entry.branch}) into ${name} failed: ${error.message}`);
    }
    if (merge.exitCode !== 0) {
      const unmerged = (await runGit(this.git, ['diff', '--name-only', '--diff-filter=U', '-z'], { cwd: worktree, read: true })).stdout.toString('utf8').split('\0').filter(Boolean);
      if (unmerged.length === 0) {
        // Not a conflict: a hook refused, or git stopped for another reason.
        const said = (merge.stderr + merge.stdout.toString('utf8')).trim().slice(0, 600) || `exit code ${merge.exitCode}`;
        return this.abandon(entry.runId, `Merging ${entry.taskId} (${entry.branch}) into ${name} failed; nothing was moved. Git said: ${said}`);
      }
      const files = listPaths(unmerged);
      return this.abandon(entry.runId, `Merging ${entry.taskId} (${entry.branch}) into ${name} conflicts in ${files}. Resolve it in the Builder, or on the run's branch (merge ${name} into ${entry.branch} and commit: the queue tries again by itself); or hand the task back to the thinker, or drop it from the queue.`);
    }
    const merged = (await this.revParse('HEAD', worktree)) ?? old;
    if (merged === old) {
      // The run's branch was merged already (by hand, say): nothing to move, but nothing counts as merged unchecked.
      this.setEntry(entry.runId, { state: 'checking' });
      this.step = { ...this.step, phase: 'checking', merged };
      await this.save();
      const checks = await runChecks(worktree, entry);
      if (!checks.ok) return this.abandon(entry.runId, `${failure(checks)} on ${name}, which contains ${entry.taskId} already (at ${short(old)}). Fix it with a new commit (the queue checks it again by itself), or drop it from the queue.`);
      this.setEntry(entry.runId, { state: 'merged', reason: null, merged: old });
      return this.finish();
    }

    this.setEntry(entry.runId, { state: 'checking' });
    this.step = { ...this.step, phase: 'checking', merged };
    await this.save();
    const checks = await runChecks(worktree, entry);
    if (!checks.ok) return this.abandon(entry.runId, `${failure(checks)} on the merged tree of ${entry.taskId} and ${name}; nothing was moved. Fix it on ${entry.branch} (the queue tries again by itself), hand the task back to the thinker, or drop it from the queue.`);

    // The user's work tree follows only when it is on the branch and the merge touches none of its changes.
    const follow = await this.onBranch(target);
    if (follow) {
      const overlap = await this.overlap(old, merged);
      if (overlap.length) return this.abandon(entry.runId, `Your uncommitted changes to ${listPaths(overlap)} overlap what ${entry.taskId} changes, so ${name} was not moved. Commit or stash them; the queue goes on by itself.`, overlap);
    }
    this.step = { ...this.step, phase: 'moving', follow };
    await this.save();
    const moved = await runGit(this.git, ['update-ref', '-m', `plumbline: merge ${entry.taskId}`, target, merged, old], { cwd: this.root, successCodes: new Set([0, 1, 128]) });
    if (moved.exitCode !== 0) {
      return this.abandon(entry.runId, `${name} moved while ${entry.taskId} was being merged (it is no longer at ${short(old)}), so it was left as it is. Retry to merge onto its new tip.`);
    }
    if (follow) {
      const rt = await runGit(this.git, ['read-tree', '-m', '-u', old, merged], { cwd: this.root, successCodes: new Set([0, 128]) });
      if (rt.exitCode !== 0) {
        // Put the branch back where it was, so HEAD, index and work tree agree again.
        await runGit(this.git, ['update-ref', '-m', `plumbline: undo merge ${entry.taskId}`, target, old, merged], { cwd: this.root, successCodes: new Set([0, 1, 128]) });
        const why = parseGitError(rt.stderr)?.message ?? `Git said: ${rt.stderr.trim().slice(0, 400) || 'read-tree failed'}`;
        return this.abandon(entry.runId, `Your work tree could not take the merge of ${entry.taskId}, so ${name} was left as it was. ${why} Then retry.`);
      }
    }
    this.setEntry(entry.runId, { state: 'merged', reason: null, merged });
    return this.finish();
  }

  /**
   * An entry the user is resolving in their work tree: merged once HEAD contains the run's tip and the checks
   * pass on HEAD (run in a temporary worktree); null then, else the reason the queue holds (still resolving,
   * a failing check, an aborted merge).
   */
  private async settleResolving(entry: QueueItem, runChecks: RunChecks): Promise<string | null> {
    const tip = await this.revParse(`refs/heads/${entry.branch}`);
    const head = await this.revParse('HEAD');
    if (!tip || !head) return this.stop(entry.runId, `The branch ${entry.branch} of ${entry.taskId} no longer exists. Drop the run from the queue.`);
    const contained = await runGit(this.git, ['merge-base', '--is-ancestor', tip, head], { cwd: this.root, read: true, successCodes: new Set([0, 1]) });
    if (contained.exitCode !== 0) {
      if (await this.revParse('MERGE_HEAD')) return entry.reason ?? 'resolve the conflicts in the Builder and commit; the queue goes on after your commit';
      return this.stop(entry.runId, `The merge of ${entry.taskId} (${entry.branch}) in your work tree was aborted before it was committed. Resolve it again, retry the queue, or drop the run.`);
    }
    const worktree = join(await this.ensureFolder(), entry.runId);
    await removeLinkedWorktree(this.git, this.root, worktree);
    await runGit(this.git, ['worktree', 'add', '--quiet', '--detach', '--', worktree, head], { cwd: this.root, what: 'create the check worktree' });
    let checks: CheckResult;
    try {
      checks = await runChecks(worktree, entry);
    } finally {
      await removeLinkedWorktree(this.git, this.root, worktree);
    }
    if (!checks.ok) return this.stop(entry.runId, `${failure(checks)} on your commit ${short(head)}, which merged ${entry.taskId}. Fix it with a new commit (the queue checks it again by itself), or drop the run from the queue.`);
    this.setEntry(entry.runId, { state: 'merged', reason: null, merged: head });
    await this.save();
    return null;
  }

  /** Removes the step's worktree and clears the step; the entry's state was set already. */
  private async finish(): Promise<null> {
    const step = this.step;
    if (step) await removeLinkedWorktree(this.git, this.root, step.worktree);
    this.step = null;
    await this.save();
    return null;
  }

  /** Stops the queue at the step's entry: the temporary worktree goes, nothing else moved. `paths`: uncommitted changes in the way. */
  private async abandon(runId: string, reason: string, paths: readonly string[] = []): Promise<string> {
    this.setEntry(runId, { state: 'stopped', reason });
    this.stopPaths.set(runId, paths);
    await this.finish();
    return reason;
  }

  /** Stops an entry before any step began. */
  private async stop(runId: string, reason: string): Promise<string> {
    this.setEntry(runId, { state: 'stopped', reason });
    this.stopPaths.set(runId, []);
    await this.save();
    return reason;
  }

  /**
   * The repository as a held entry sees it: the branch HEAD is on and its commit, the merge in progress in the
   * work tree, the run's branch tip, and the status of the paths whose uncommitted changes stopped it.
   */
  private async holdKey(entry: QueueEntry, paths: readonly string[]): Promise<string> {
    const sym = await runGit(this.git, ['symbolic-ref', '-q', 'HEAD'], { cwd: this.root, read: true, successCodes: new Set([0, 1]) });
    const changes = paths.length
      ? (await runGit(this.git, ['status', '--porcelain=v2', '-z', '--untracked-files=all', '--ignored=matching', '--', ...paths.map((p) => `:(literal)${p}`)], { cwd: this.root, read: true })).stdout.toString('utf8')
      : '';
    return JSON.stringify([sym.stdout.toString('utf8').trim(), await this.revParse('HEAD'), await this.revParse('MERGE_HEAD'), await this.revParse(`refs/heads/${entry.branch}`), changes]);
  }

  /** Remembers what each held entry waits on as the repository is now; entries no longer held are forgotten. */
  private async refreshHolds(): Promise<void> {
    const held = new Map<string, Hold>();
    for (const entry of this.entries) {
      if (entry.state !== 'stopped' && entry.state !== 'resolving') continue;
      const paths = this.stopPaths.get(entry.runId) ?? this.held.get(entry.runId)?.paths ?? [];
      held.set(entry.runId, { key: await this.holdKey(entry, paths), paths });
    }
    this.held = held;
    this.stopPaths.clear();
  }

  /** Paths the merge changes that the user has changed, staged, or has untracked or ignored files at. */
  private async overlap(old: string, merged: string): Promise<string[]> {
    const diff = await runGit(this.git, ['diff', '--name-status', '--no-renames', '-z', old, merged], { cwd: this.root, read: true });
    const fields = diff.stdout.toString('utf8').split('\0');
    const changed: { path: string; added: boolean }[] = [];
    for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i + 1]) changed.push({ path: fields[i + 1], added: fields[i] === 'A' });
    const status = await runGit(this.git, ['status', '--porcelain=v2', '-z', '--branch', '--no-renames', '--untracked-files=normal'], { cwd: this.root, read: true, what: 'read the status' });
    const dirty = parsePorcelainV2(status.stdout).entries.map((e) => e.path.replace(/\/$/, ''));
    const changedPaths = new Set(changed.map((c) => c.path));
    const out = new Set<string>();
    for (const { path, added } of changed) {
      if (dirty.some((d) => d === path || path.startsWith(`${d}/`) || d.startsWith(`${path}/`))) out.add(path);
      // Something the status does not show (an ignored file) where the merge adds a path or needs a folder:
      // read-tree would overwrite it.
      else if (added && (await this.inTheWay(path, changedPaths))) out.add(path);
    }
    return [...out].sort();
  }

  /** True when a file sits at `path`, or a non-folder at one of its parents that the merge does not remove. */
  private async inTheWay(path: string, changed: ReadonlySet<string>): Promise<boolean> {
    const stat = (p: string) => fs.lstat(join(this.root, p)).then((st) => st, () => null);
    if (await stat(path)) return true;
    const parts = path.split('/');
    for (let i = 1; i < parts.length; i++) {
      const parent = parts.slice(0, i).join('/');
      const st = await stat(parent);
      if (!st) return false;
      if (!st.isDirectory() && !changed.has(parent)) return true;
    }
    return false;
  }

  private async onBranch(target: string): Promise<boolean> {
    const sym = await runGit(this.git, ['symbolic-ref', '-q', 'HEAD'], { cwd: this.root, read: true, successCodes: new Set([0, 1]) });
    return sym.exitCode === 0 && sym.stdout.toString('utf8').trim() === target;
  }

  private async revParse(rev: string, cwd = this.root): Promise<string | null> {
    const r = await runGit(this.git, ['rev-parse', '--verify', '-q', `${rev}^{commit}`], { cwd, read: true, successCodes: new Set([0, 1]) });
    return r.exitCode === 0 ? r.stdout.toString('utf8').trim() : null;
  }

  private reasonOf(runId: string): string {
    return this.entries.find((e) => e.runId === runId)?.reason ?? '';
  }

  private setEntry(runId: string, patch: Partial<Pick<QueueItem, 'state' | 'reason' | 'merged'>>): void {
    this.entries = this.entries.map((e) => (e.runId === runId ? { ...e, ...patch } : e));
  }

  /** Folders in the queue folder no step owns (a crash after the journal was cleared). */
  private async clearStrays(): Promise<void> {
    const folder = await this.ensureFolder();
    for (const name of await fs.readdir(folder)) await removeLinkedWorktree(this.git, this.root, join(folder, name));
  }

  private async ensureFolder(): Promise<string> {
    if (!this.folderReal) {
      await fs.mkdir(this.folder, { recursive: true });
      this.folder = await fs.realpath(this.folder);
      this.folderReal = true;
    }
    return this.folder;
  }

  private async load(): Promise<void> {
    if (this.loaded) return;
    let journal: Journal | null = null;
    try {
      const data = JSON.parse(await fs.readFile(this.file, 'utf8')) as Journal;
      if (data.version === 1 && Array.isArray(data.entries)) journal = data;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new RpcError('INTERNAL', `The merge queue's journal ${this.file} cannot be read (${(error as Error).message}). Move it aside to start with an empty queue.`);
    }
    this.entries = journal?.entries ?? [];
    this.step = journal?.step ?? null;
    this.held = new Map(Object.entries(journal?.held ?? {}));
    this.loaded = true;
  }

  /** Writes the journal atomically; writes happen in the order they were asked for. */
  private save(): Promise<void> {
    const journal: Journal = { version: 1, root: this.root, entries: this.entries, step: this.step, held: Object.fromEntries(this.held) };
    const text = `${JSON.stringify(journal, null, 2)}\n`;
    const write = this.writes.then(async () => {
      await fs.mkdir(dirname(this.file), { recursive: true });
      await atomicWrite(this.file, text);
    });
    this.writes = write.catch(() => undefined);
    return write;
  }

  /** process() and recover() one at a time. */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.chain.then(fn, fn);
    this.chain = next.catch(() => undefined);
    return next;
  }
}

/** What failed, from the checks' own words. */
function failure(checks: CheckResult): string {
  return checks.reason.trim().replace(/[.;:,]$/, '') || 'A check fails';
}

function listPaths(paths: readonly string[]): string {
  return paths.slice(0, 5).join(', ') + (paths.length > 5 ? ` and ${paths.length - 5} more` : '');
}
