/**
 * The merge queue of one project (docs/parallel-runs.md): accepted runs' branches merge into the branch each was
 * accepted on in dependency order, each on a temporary worktree first, and the user's branch moves only
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
 * Each entry merges only into the branch HEAD was on when it was added (`target`, a full ref); while HEAD is on
 * another branch, detached, or in the middle of the user's own git operation (a merge, cherry-pick, revert, rebase,
 * `git am`, or another git program holding the index), it holds and says what to finish.
 *
 * A held entry (stopped or resolving) remembers the facts its stop was decided on, read at that moment (`Hold`:
 * the branch HEAD is on, the target's and the run branch's commits, MERGE_HEAD, the git operations in progress,
 * the status of the uncommitted changes that stopped it); recheck() reads the repository once and processes the
 * queue again only when one of those facts changed (the user committed, resolved, fixed the branch, switched back)
 * or when entries wait with nothing holding them (a rolled-back step on the next start), so it can follow every
 * repository change without a loop. A re-check in the background never picks a target, and without a command
 * sandbox (`recheck(null)`) it runs no checks: the entry holds until the user asks for them (Retry).
 * The journal `<dataDir>/queues/<project hash>.json` is written atomically before every step, so recover() can
 * undo a step a crash interrupted.
 */
import { promises as fs } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
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
  /**
   * The branch it merges into (`refs/heads/<b>`): the one HEAD was on when it was added, never changed after. Null
   * when HEAD was detached then, or for an entry of an older journal read while HEAD was detached: the next
   * process() the user asks for (Accept, Retry) takes the branch HEAD is on; a re-check never does.
   */
  readonly target: string | null;
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
  /** The reason says it all, what to do included (the checks could not run at all): the queue adds nothing. */
  readonly whole?: boolean;
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

/**
 * The facts a stop was decided on, as read then; only those present count. `head`: the branch HEAD is on (null:
 * detached); `target`, `tip`: the commits of the entry's target and run branch; `mergeHead`: MERGE_HEAD; `busy`:
 * the git operations in progress (marker names); `changes`: the status of the paths whose changes were in the way.
 */
type Facts = Partial<Record<'head' | 'target' | 'tip' | 'mergeHead' | 'busy' | 'changes', string | null>>;

/** What a held entry (stopped or resolving) waits on, so a change of the repository can tell whether it may move. */
interface Hold {
  /** The facts when it was held (absent in a hold of an older journal: it is taken anew). */
  readonly facts?: Facts;
  /** Paths whose uncommitted changes stopped it: their status is the `changes` fact. */
  readonly paths: readonly string[];
}

/** The repository as the queue read it at one moment (one re-check, one decision). */
interface RepoView {
  /** The branch HEAD is on (`refs/heads/…`), null when detached. */
  readonly head: string | null;
  /** The commit of each ref asked for (null: it does not exist). */
  readonly refs: ReadonlyMap<string, string | null>;
  /** The user's MERGE_HEAD, null when no merge is in progress. */
  readonly mergeHead: string | null;
  /** The markers of git operations in progress in the user's work tree. */
  readonly busy: readonly Marker[];
}

/** Files and folders in the user's git dir that say a git operation is in progress, with what to do about it. */
const MARKERS = {
  MERGE_HEAD: 'a merge is in progress in your work tree: commit it or abort it (git merge --abort)',
  CHERRY_PICK_HEAD: 'a cherry-pick is in progress in your work tree: finish it (git cherry-pick --continue) or abort it (git cherry-pick --abort)',
  REVERT_HEAD: 'a revert is in progress in your work tree: finish it (git revert --continue) or abort it (git revert --abort)',
  sequencer: 'a cherry-pick or revert of several commits is in progress in your work tree: finish it (--continue) or abort it (--abort)',
  'rebase-merge': 'a rebase is in progress in your work tree: finish it (git rebase --continue) or abort it (git rebase --abort)',
  'rebase-apply': 'a rebase or `git am` is in progress in your work tree: finish it (--continue) or abort it (git rebase --abort or git am --abort)',
  'index.lock': 'another git program is working in your repository (its index.lock exists): let it finish, or delete index.lock in the git folder if no git program is running',
} as const;
type Marker = keyof typeof MARKERS;

/** The sentence a stop says when the checks would run in the background without a command sandbox. */
export const CHECKS_WHEN_ASKED = 'Retry runs its checks (no command sandbox here: they run only when you ask).';

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
  /** Where the markers of git operations in progress are (the user's per-worktree git dir), read once. */
  private markerPaths: Promise<Record<Marker, string>> | null = null;
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
    // It merges into the branch HEAD is on now, and only into that one.
    const target = await this.headBranch();
    this.entries.push({ runId: entry.runId, taskId: entry.taskId, branch: entry.branch, depends: [...entry.depends], target, state: 'waiting', reason: null, merged: null });
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
      const branchRef = `refs/heads/${entry.branch}`;
      const first = await this.readRepo(entry.target ? [entry.target, branchRef] : [branchRef]);
      if (!first.head) throw new RpcError('CONFLICT', `HEAD is detached, so there is no branch to merge ${entry.taskId} into. Switch to ${entry.target ? branchName(entry.target) : 'your branch'}, then resolve again.`);
      // An entry that has no branch yet takes the one the user resolves it on.
      const target = entry.target ?? first.head;
      if (first.head !== target) throw new RpcError('CONFLICT', `${entry.taskId} merges into ${branchName(target)}, and your work tree is on ${branchName(first.head)}. Switch to ${branchName(target)}, then resolve again.`);
      const view = entry.target ? first : await this.readRepo([target, branchRef]);
      if (view.busy.length) throw new RpcError('CONFLICT', `${capital(busyWords(view.busy))} first, then resolve ${entry.taskId} again.`);
      const status = await runGit(this.git, ['status', '--porcelain=v2', '-z', '--untracked-files=no'], { cwd: this.root, read: true, what: 'read the status' });
      const dirty = parsePorcelainV2(status.stdout).entries.map((e) => e.path);
      if (dirty.length) throw new RpcError('CONFLICT', `Your work tree has uncommitted changes (${listPaths(dirty)}): commit or stash your changes first, then resolve ${entry.taskId} again.`);
      const tip = view.refs.get(branchRef) ?? null;
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
      this.setEntry(runId, { state: 'resolving', reason, target });
      // Held until the user commits (the target moves) or aborts (MERGE_HEAD goes); only this entry's hold changes.
      this.held.set(runId, { facts: { target: view.refs.get(target) ?? null, mergeHead: tip, tip }, paths: [] });
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
   * Processes the queue when it may move, else does nothing and gives null: when a fact an entry (stopped or
   * resolving) was held on changed since — the target or the run's branch got a commit, HEAD came back to the
   * target, a merge in the work tree began or ended, the git operation in the way ended, the uncommitted changes
   * that stopped it were committed or stashed — or when entries wait and nothing holds them (a step rolled back on
   * the next start). The repository is read once per call. A step a throwing check left behind waits for process().
   * Called on every change of the repository: a change of our own gives null. `runChecks` null (no command sandbox):
   * an entry that would need its checks holds instead, saying that Retry runs them.
   */
  recheck(runChecks: RunChecks | null): Promise<ProcessResult | null> {
    return this.serial(async () => {
      await this.load();
      if (this.step) return null;
      const heldEntries = this.entries.filter((e) => e.state === 'stopped' || e.state === 'resolving');
      let moved = heldEntries.length === 0 && this.entries.some((e) => e.state === 'waiting');
      if (heldEntries.length) {
        const view = await this.readRepo(heldEntries.flatMap((e) => refsOf(e)));
        const unheld: QueueItem[] = [];
        for (const entry of heldEntries) {
          const facts = this.held.get(entry.runId)?.facts;
          // An entry of an older journal: a stopped one is held from now on; a resolving one is looked at.
          if (!facts) {
            if (entry.state === 'resolving') moved = true;
            else unheld.push(entry);
          } else if (!(await this.stillHeld(entry, facts, view))) moved = true;
          if (moved) break;
        }
        if (!moved && unheld.length) {
          for (const entry of unheld) {
            // A hold of an older version keeps the paths that stopped it; their status counts from now on.
            const paths = this.held.get(entry.runId)?.paths ?? [];
            const facts = factsOf(entry, view, ['head', 'target', 'tip', 'mergeHead']);
            this.held.set(entry.runId, { facts: paths.length ? { ...facts, changes: await this.pathStatus(paths) } : facts, paths });
          }
          await this.save();
        }
      }
      if (!moved) return null;
      return this.processNow(runChecks, true);
    });
  }

  /** True when every fact the entry was held on is as it was. */
  private async stillHeld(entry: QueueItem, facts: Facts, view: RepoView): Promise<boolean> {
    const now = factsOf(entry, view, Object.keys(facts).filter((k) => k !== 'changes') as (keyof Facts)[]);
    for (const [key, value] of Object.entries(now)) if (facts[key as keyof Facts] !== value) return false;
    if ('changes' in facts) return facts.changes === (await this.pathStatus(this.held.get(entry.runId)?.paths ?? []));
    return true;
  }

  /** True when some entry is held by the user's uncommitted changes: only then does a change of the work tree alone matter. */
  watchesWorkTree(): boolean {
    return [...this.held.values()].some((h) => h.paths.length > 0);
  }

  /**
   * `runChecks` null: an entry that would need its checks holds instead. `background`: a re-check, which never
   * gives an entry without a target one.
   */
  private async processNow(runChecks: RunChecks | null, background = false): Promise<ProcessResult> {
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
          // Nothing in the repository changes this: only a drop (or a retry) looks again.
          await this.stop(next.entry.runId, `${next.entry.taskId} depends on ${next.waitsFor.join(', ')}, which cannot merge before it (the tasks depend on each other). Drop one of them from the queue.`, {});
          return { merged, stopped: { runId: next.entry.runId, reason: this.reasonOf(next.entry.runId) } };
        }
        this.busy = next.entry.runId;
        try {
          const stopped = await this.mergeOne(next.entry, runChecks, background);
          if (stopped) return { merged, stopped: { runId: next.entry.runId, reason: stopped } };
          merged.push(next.entry.runId);
        } finally {
          this.busy = null;
        }
      }
    } finally {
      // Each held entry's hold was taken when it stopped; entries no longer held are forgotten.
      if (!this.step) {
        for (const runId of [...this.held.keys()]) {
          const e = this.entries.find((x) => x.runId === runId);
          if (e?.state !== 'stopped' && e?.state !== 'resolving') this.held.delete(runId);
        }
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

  /** Merges one entry into its target; returns the reason when it stopped, else null. */
  private async mergeOne(entry: QueueItem, runChecks: RunChecks | null, background: boolean): Promise<string | null> {
    const branchRef = `refs/heads/${entry.branch}`;
    let view = await this.readRepo(refsOf(entry));
    if (view.busy.length) return this.stop(entry.runId, `waiting: ${busyWords(view.busy)}; the queue goes on by itself after that.`, { busy: view.busy.join(',') });
    if (!entry.target) {
      // No branch recorded (HEAD was detached when it was added, or an older journal): the user's own process()
      // takes the branch HEAD is on; a re-check in the background never picks one.
      if (background || !view.head) return this.stop(entry.runId, `${entry.taskId} has no branch to merge into yet (HEAD was detached). Switch to the branch it should go into, then choose Retry.`, {});
      this.setEntry(entry.runId, { target: view.head });
      entry = { ...entry, target: view.head };
      view = await this.readRepo(refsOf(entry));
    }
    const target = entry.target as string;
    const name = branchName(target);
    if (view.head !== target) {
      const where = view.head ? `your work tree is on ${branchName(view.head)}` : 'HEAD is detached';
      return this.stop(entry.runId, `waiting: ${entry.taskId} merges into ${name}, and ${where}. Switch back to ${name} to merge it, or drop it.`, { head: view.head });
    }
    const old = view.refs.get(target) ?? null;
    if (!old) return this.stop(entry.runId, `The branch ${name} has no commits yet. Make a first commit; the queue goes on by itself.`, { target: null });
    const tip = view.refs.get(branchRef) ?? null;
    if (!tip) return this.stop(entry.runId, `The branch ${entry.branch} of ${entry.taskId} no longer exists. Drop the run from the queue.`, { tip: null });
    // What the rest of this step decides on: a new commit on either branch makes a re-check try again.
    const decided: Facts = { target: old, tip };
    if (!runChecks) return this.stop(entry.runId, `${entry.taskId} can be merged into ${name} once its checks pass on the merged tree. ${CHECKS_WHEN_ASKED}`, decided);

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
      return this.abandon(entry.runId, `Merging ${entry.taskId} (${entry.branch}) into ${name} failed: ${error.message}`, decided);
    }
    if (merge.exitCode !== 0) {
      const unmerged = (await runGit(this.git, ['diff', '--name-only', '--diff-filter=U', '-z'], { cwd: worktree, read: true })).stdout.toString('utf8').split('\0').filter(Boolean);
      if (unmerged.length === 0) {
        // Not a conflict: a hook refused, or git stopped for another reason.
        const said = (merge.stderr + merge.stdout.toString('utf8')).trim().slice(0, 600) || `exit code ${merge.exitCode}`;
        return this.abandon(entry.runId, `Merging ${entry.taskId} (${entry.branch}) into ${name} failed; nothing was moved. Git said: ${said}`, decided);
      }
      const files = listPaths(unmerged);
      return this.abandon(entry.runId, `Merging ${entry.taskId} (${entry.branch}) into ${name} conflicts in ${files}. Resolve it in the Builder, or on the run's branch (merge ${name} into ${entry.branch} and commit: the queue tries again by itself); or hand the task back to the thinker, or drop it from the queue.`, decided);
    }
    const merged = (await this.revParse('HEAD', worktree)) ?? old;
    if (merged === old) {
      // The run's branch was merged already (by hand, say): nothing to move, but nothing counts as merged unchecked.
      this.setEntry(entry.runId, { state: 'checking' });
      this.step = { ...this.step, phase: 'checking', merged };
      await this.save();
      const checks = await runChecks(worktree, entry);
      if (!checks.ok) return this.abandon(entry.runId, `${failure(checks)} on ${name}, which contains ${entry.taskId} already (at ${short(old)}). Fix it with a new commit (the queue checks it again by itself), or drop it from the queue.`, decided);
      this.setEntry(entry.runId, { state: 'merged', reason: null, merged: old });
      return this.finish();
    }

    this.setEntry(entry.runId, { state: 'checking' });
    this.step = { ...this.step, phase: 'checking', merged };
    await this.save();
    const checks = await runChecks(worktree, entry);
    if (!checks.ok) return this.abandon(entry.runId, checks.whole ? checks.reason : `${failure(checks)} on the merged tree of ${entry.taskId} and ${name}; nothing was moved. Fix it on ${entry.branch} (the queue tries again by itself), hand the task back to the thinker, or drop it from the queue.`, decided);

    // The user may have begun a git operation of their own while the checks ran: the branch and index are theirs then.
    const busy = await this.busyNow();
    if (busy.length) return this.abandon(entry.runId, `waiting: ${busyWords(busy)}; ${name} was not moved, and the queue goes on by itself after that.`, { busy: busy.join(',') });
    // The user's work tree follows only when it is on the branch and the merge touches none of its changes.
    const follow = await this.onBranch(target);
    if (follow) {
      const overlap = await this.overlap(old, merged);
      if (overlap.length) return this.abandon(entry.runId, `Your uncommitted changes to ${listPaths(overlap)} overlap what ${entry.taskId} changes, so ${name} was not moved. Commit or stash them; the queue goes on by itself.`, { ...decided, changes: await this.pathStatus(overlap) }, overlap);
    }
    this.step = { ...this.step, phase: 'moving', follow };
    await this.save();
    const moved = await runGit(this.git, ['update-ref', '-m', `plumbline: merge ${entry.taskId}`, target, merged, old], { cwd: this.root, successCodes: new Set([0, 1, 128]) });
    if (moved.exitCode !== 0) {
      return this.abandon(entry.runId, `${name} moved while ${entry.taskId} was being merged (it is no longer at ${short(old)}), so it was left as it is. The queue tries again on its new tip by itself.`, decided);
    }
    if (follow) {
      const rt = await runGit(this.git, ['read-tree', '-m', '-u', old, merged], { cwd: this.root, successCodes: new Set([0, 128]) });
      if (rt.exitCode !== 0) {
        const why = parseGitError(rt.stderr)?.message ?? `Git said: ${rt.stderr.trim().slice(0, 400) || 'read-tree failed'}`;
        // Put the branch back where it was, so HEAD, index and work tree agree again.
        const back = await runGit(this.git, ['update-ref', '-m', `plumbline: undo merge ${entry.taskId}`, target, old, merged], { cwd: this.root, successCodes: new Set([0, 1, 128]) });
        if (back.exitCode !== 0) {
          // The branch has the merge and the work tree has not: say so, and how to bring it along.
          const said = back.stderr.trim().replace(/\s+/g, ' ').slice(0, 300) || `exit code ${back.exitCode}`;
          return this.abandon(
            entry.runId,
            `${name} moved to the merge of ${entry.taskId} (${short(merged)}), but your work tree could not take it (${why.replace(/[.\s]+$/, '')}) and ${name} could not be put back to ${short(old)} (git said: ${said}). Your files are as they were, so git status shows the merge's changes undone: once the cause is gone, run \`git read-tree -m -u ${short(old)} ${short(merged)}\` to bring them in, then retry.`,
            { target: merged, tip },
          );
        }
        return this.abandon(entry.runId, `Your work tree could not take the merge of ${entry.taskId}, so ${name} was left as it was. ${why} Then retry.`, { ...decided, busy: (await this.busyNow()).join(',') });
      }
    }
    this.setEntry(entry.runId, { state: 'merged', reason: null, merged });
    return this.finish();
  }

  /**
   * An entry the user is resolving in their work tree: merged once its target contains the run's tip and the
   * checks pass there (run in a temporary worktree); null then, else the reason the queue holds (still resolving,
   * a failing check, an aborted merge, another merge of the user's in its place, or no sandbox for the checks).
   */
  private async settleResolving(entry: QueueItem, runChecks: RunChecks | null): Promise<string | null> {
    const view = await this.readRepo(refsOf(entry));
    const tip = view.refs.get(`refs/heads/${entry.branch}`) ?? null;
    const at = entry.target ? (view.refs.get(entry.target) ?? null) : null;
    if (!tip) return this.stop(entry.runId, `The branch ${entry.branch} of ${entry.taskId} no longer exists. Drop the run from the queue.`, { tip: null });
    if (!entry.target || !at) return this.stop(entry.runId, `The branch ${entry.taskId} was being merged into no longer exists. Retry, or drop the run.`, { target: at });
    const name = branchName(entry.target);
    const contained = await runGit(this.git, ['merge-base', '--is-ancestor', tip, at], { cwd: this.root, read: true, successCodes: new Set([0, 1]) });
    const facts: Facts = { target: at, tip, mergeHead: view.mergeHead };
    if (contained.exitCode !== 0) {
      // The merge resolve() began is the one in progress (its MERGE_HEAD); any other merge is the user's own.
      const ours = this.held.get(entry.runId)?.facts?.mergeHead ?? tip;
      if (view.mergeHead && view.mergeHead === ours) {
        this.held.set(entry.runId, { facts, paths: [] });
        return entry.reason ?? 'resolve the conflicts in the Builder and commit; the queue goes on after your commit';
      }
      if (view.mergeHead) return this.stop(entry.runId, `The merge of ${entry.taskId} (${entry.branch}) in your work tree was replaced by another merge (of ${short(view.mergeHead)}). Commit or abort that merge, then resolve ${entry.taskId} again, retry the queue, or drop the run.`, facts);
      return this.stop(entry.runId, `The merge of ${entry.taskId} (${entry.branch}) in your work tree was aborted before it was committed. Resolve it again, retry the queue, or drop the run.`, facts);
    }
    if (!runChecks) return this.stop(entry.runId, `Your commit ${short(at)} on ${name} merged ${entry.taskId}; it counts once its checks pass there. ${CHECKS_WHEN_ASKED}`, { target: at, tip });
    const worktree = join(await this.ensureFolder(), entry.runId);
    await removeLinkedWorktree(this.git, this.root, worktree);
    await runGit(this.git, ['worktree', 'add', '--quiet', '--detach', '--', worktree, at], { cwd: this.root, what: 'create the check worktree' });
    let checks: CheckResult;
    try {
      checks = await runChecks(worktree, entry);
    } finally {
      await removeLinkedWorktree(this.git, this.root, worktree);
    }
    if (!checks.ok) return this.stop(entry.runId, checks.whole ? checks.reason : `${failure(checks)} on your commit ${short(at)}, which merged ${entry.taskId}. Fix it with a new commit (the queue checks it again by itself), or drop the run from the queue.`, { target: at, tip });
    this.setEntry(entry.runId, { state: 'merged', reason: null, merged: at });
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

  /**
   * Stops the queue at the step's entry: the temporary worktree goes, nothing else moved. `facts`: what the stop
   * was decided on; `paths`: uncommitted changes in the way.
   */
  private async abandon(runId: string, reason: string, facts: Facts, paths: readonly string[] = []): Promise<string> {
    this.setEntry(runId, { state: 'stopped', reason });
    this.held.set(runId, { facts, paths });
    await this.finish();
    return reason;
  }

  /** Stops an entry before any step began, held on `facts`. */
  private async stop(runId: string, reason: string, facts: Facts): Promise<string> {
    this.setEntry(runId, { state: 'stopped', reason });
    this.held.set(runId, { facts, paths: [] });
    await this.save();
    return reason;
  }

  /**
   * Reads the repository once: the branch HEAD is on, the commits of `refs` (one for-each-ref), MERGE_HEAD and the
   * git operations in progress (files in the user's git dir).
   */
  private async readRepo(refs: readonly string[]): Promise<RepoView> {
    const head = await this.headBranch();
    const wanted = [...new Set(refs)];
    const values = new Map<string, string | null>(wanted.map((r) => [r, null]));
    if (wanted.length) {
      const out = await runGit(this.git, ['for-each-ref', '--format=%(objectname) %(refname)', '--', ...wanted], { cwd: this.root, read: true, what: 'read the branches' });
      for (const line of out.stdout.toString('utf8').split('\n')) {
        const space = line.indexOf(' ');
        const ref = line.slice(space + 1);
        if (space > 0 && values.has(ref)) values.set(ref, line.slice(0, space));
      }
    }
    const paths = await this.markers();
    const mergeHead = await fs.readFile(paths.MERGE_HEAD, 'utf8').then((t) => /^[0-9a-f]{40,64}$/.exec(t.split('\n')[0]!.trim())?.[0] ?? null, () => null);
    return { head, refs: values, mergeHead, busy: await this.busyNow() };
  }

  /** The branch HEAD is on (`refs/heads/…`), null when it is detached. */
  private async headBranch(): Promise<string | null> {
    const sym = await runGit(this.git, ['symbolic-ref', '-q', 'HEAD'], { cwd: this.root, read: true, successCodes: new Set([0, 1]) });
    const ref = sym.stdout.toString('utf8').trim();
    return sym.exitCode === 0 && ref.startsWith('refs/heads/') ? ref : null;
  }

  /** The git operations in progress in the user's work tree (their markers present), without running git. */
  private async busyNow(): Promise<Marker[]> {
    const paths = await this.markers();
    const present = await Promise.all((Object.keys(MARKERS) as Marker[]).map((m) => fs.lstat(paths[m]).then(() => m, () => null)));
    return present.filter((m): m is Marker => m !== null);
  }

  /** Where the markers are: `git rev-parse --git-path` knows the per-worktree git dir of a linked worktree. */
  private markers(): Promise<Record<Marker, string>> {
    this.markerPaths ??= (async () => {
      const names = Object.keys(MARKERS) as Marker[];
      const out = await runGit(this.git, ['rev-parse', ...names.flatMap((n) => ['--git-path', n])], { cwd: this.root, read: true, what: 'find the git folder' });
      const lines = out.stdout.toString('utf8').split('\n');
      return Object.fromEntries(names.map((n, i) => [n, resolve(this.root, lines[i]!.trim())])) as Record<Marker, string>;
    })();
    this.markerPaths.catch(() => (this.markerPaths = null));
    return this.markerPaths;
  }

  /** The status of `paths` (uncommitted changes, untracked and ignored files there). */
  private async pathStatus(paths: readonly string[]): Promise<string> {
    if (!paths.length) return '';
    const out = await runGit(this.git, ['status', '--porcelain=v2', '-z', '--untracked-files=all', '--ignored=matching', '--', ...paths.map((p) => `:(literal)${p}`)], { cwd: this.root, read: true });
    return out.stdout.toString('utf8');
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

  private setEntry(runId: string, patch: Partial<Pick<QueueItem, 'state' | 'reason' | 'merged' | 'target'>>): void {
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
    // Entries of an older journal have no target: each takes the branch it would have merged into now (its
    // interrupted step's, else the one HEAD is on), once and for good; with HEAD detached it stays without one.
    if (this.entries.some((e) => e.target === undefined && e.state !== 'merged')) {
      const head = await this.headBranch();
      this.entries = this.entries.map((e) => (e.target !== undefined ? e : { ...e, target: e.state === 'merged' ? null : this.step?.runId === e.runId ? this.step.target : head }));
      await this.save();
    }
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

/** The refs an entry's decisions read: its target (when it has one) and its run's branch. */
function refsOf(entry: QueueItem): string[] {
  return entry.target ? [entry.target, `refs/heads/${entry.branch}`] : [`refs/heads/${entry.branch}`];
}

/** The facts named by `keys` as `view` shows them for `entry`. */
function factsOf(entry: QueueItem, view: RepoView, keys: readonly (keyof Facts)[]): Facts {
  const all: Facts = {
    head: view.head,
    target: entry.target ? (view.refs.get(entry.target) ?? null) : null,
    tip: view.refs.get(`refs/heads/${entry.branch}`) ?? null,
    mergeHead: view.mergeHead,
    busy: view.busy.join(','),
  };
  return Object.fromEntries(keys.map((k) => [k, all[k] ?? null]));
}

/** What is in progress and what to do, for the markers present (one sentence each, no repeats). */
function busyWords(busy: readonly Marker[]): string {
  return [...new Set(busy.map((m) => MARKERS[m]))].join('; ');
}

function capital(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** `main` for `refs/heads/main`. */
function branchName(ref: string): string {
  return ref.replace(/^refs\/heads\//, '');
}

/** What failed, from the checks' own words. */
function failure(checks: CheckResult): string {
  return checks.reason.trim().replace(/[.;:,]$/, '') || 'A check fails';
}

function listPaths(paths: readonly string[]): string {
  return paths.slice(0, 5).join(', ') + (paths.length > 5 ? ` and ${paths.length - 5} more` : '');
}
