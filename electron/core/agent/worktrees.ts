/**
 * Linked worktrees for parallel runs (docs/parallel-runs.md): each run gets its own branch
 * `plumbline/T-n-<slug>` and a linked worktree under `<dataDir>/worktrees/<project hash>/<run id>`, made
 * from the current HEAD commit with native git. The user's work tree and index are never touched: every
 * command here writes only refs, the new worktree and git's worktree bookkeeping.
 *
 *   const trees = new RunWorktrees({ git, root, dataDir });
 *   const wt = await trees.add(runId, 'T-3', 'Add quota check');   // wt.path, wt.branch
 *   await trees.remove(runId, { deleteBranch: true });
 *   await trees.prune(new Set(liveRunIds));
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { RpcError } from '../../../shared/rpc';
import { atomicWrite } from '../util/atomic-write';
import { type NativeGit, runGit } from '../git/native/git-runner';

/** Prefix of every branch Plumbline makes for a run. */
export const RUN_BRANCH_PREFIX = 'plumbline/';
/** Longest slug taken from a task title. */
export const MAX_SLUG = 40;

const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,79}$/;
const TASK_ID = /^T-\d{1,9}$/;

/** The hash naming a project's folders in the app data folder (as for checkpoints and transcripts). */
export function projectHash(root: string): string {
  return createHash('sha256').update(root).digest('hex').slice(0, 16);
}

/**
 * A branch-safe slug of a task title: lowercase ASCII words joined by `-`, at most MAX_SLUG characters,
 * cut at a word boundary where possible; accents are dropped ("Café" → "cafe"), anything else that is not
 * a letter or digit separates words. `task` when nothing is left.
 */
export function titleSlug(title: string): string {
  const ascii = title.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
  const words = ascii.split(/[^a-z0-9]+/).filter(Boolean);
  let slug = '';
  for (const w of words) {
    const next = slug ? `${slug}-${w}` : w;
    if (next.length > MAX_SLUG) {
      if (!slug) slug = w.slice(0, MAX_SLUG);
      break;
    }
    slug = next;
  }
  return slug || 'task';
}

/** Refuses a run id that could not be a folder name of its own. */
export function assertRunId(runId: string): void {
  if (!RUN_ID.test(runId)) throw new RpcError('INVALID_REQUEST', `"${runId.slice(0, 80)}" is not a valid run id (letters, digits, "-" and "_" only). This is a bug in the caller; nothing was changed.`);
}

/** One run's worktree as Plumbline recorded it and git reports it. */
export interface RunWorktree {
  readonly runId: string;
  /** null for a worktree found in Plumbline's folder that the bookkeeping does not name. */
  readonly taskId: string | null;
  readonly branch: string | null;
  readonly path: string;
  /** The commit the branch was made from; null when unknown. */
  readonly base: string | null;
  /** Git knows the worktree and its folder is there. */
  readonly present: boolean;
}

/** A worktree add() just made. */
export interface AddedWorktree extends RunWorktree {
  readonly taskId: string;
  readonly branch: string;
  readonly base: string;
}

/** What prune removed, and the branches it kept because they hold commits. */
export interface PruneResult {
  readonly removed: readonly string[];
  readonly keptBranches: readonly string[];
}

interface Recorded {
  readonly taskId: string;
  readonly branch: string;
  readonly path: string;
  readonly base: string;
}

interface Bookkeeping {
  readonly version: 1;
  readonly root: string;
  readonly runs: Record<string, Recorded>;
}

/** One entry of `git worktree list --porcelain`. */
export interface GitWorktreeEntry {
  readonly path: string;
  readonly head: string | null;
  readonly branch: string | null;
  readonly bare: boolean;
  readonly prunable: boolean;
}

/** Parses `git worktree list --porcelain` (blank-line separated records). */
export function parseWorktreeList(text: string): GitWorktreeEntry[] {
  const out: GitWorktreeEntry[] = [];
  for (const block of text.split(/\n\n+/)) {
    const lines = block.split('\n').filter(Boolean);
    const first = lines[0];
    if (!first?.startsWith('worktree ')) continue;
    const value = (key: string): string | null => {
      const line = lines.find((l) => l === key || l.startsWith(`${key} `));
      return line === undefined ? null : line.slice(key.length + 1);
    };
    out.push({ path: first.slice('worktree '.length), head: value('HEAD'), branch: value('branch'), bare: value('bare') !== null, prunable: value('prunable') !== null });
  }
  return out;
}

/** The options a RunWorktrees is made with. */
export interface RunWorktreesOptions {
  readonly git: NativeGit;
  /** The project root: the user's work tree. */
  readonly root: string;
  readonly dataDir: string;
}

/** Run worktrees of one project (native git only). */
export class RunWorktrees {
  private readonly git: NativeGit;
  private readonly root: string;
  /** `<dataDir>/worktrees/<project hash>`: one folder per run (its real path once it exists, as git reports it). */
  private folder: string;
  private folderReal = false;
  private readonly bookFile: string;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(options: RunWorktreesOptions) {
    this.git = options.git;
    this.root = options.root;
    const hash = projectHash(options.root);
    this.folder = join(options.dataDir, 'worktrees', hash);
    this.bookFile = join(options.dataDir, 'worktrees', `${hash}.json`);
  }

  /**
   * Makes branch `plumbline/<taskId>-<slug>` (a `-2`, `-3`… suffix when taken) and a linked worktree for the
   * run from the current HEAD commit. Refuses a bare repository, an unborn or detached HEAD, a run id in use.
   */
  add(runId: string, taskId: string, title: string): Promise<AddedWorktree> {
    return this.serial(async () => {
      assertRunId(runId);
      if (!TASK_ID.test(taskId)) throw new RpcError('INVALID_REQUEST', `"${taskId.slice(0, 40)}" is not a task id like T-3; nothing was changed.`);
      const book = await this.readBook();
      if (book.runs[runId]) throw new RpcError('CONFLICT', `Run ${runId} already has a worktree (${book.runs[runId].path}). Remove it first.`);
      const base = await this.headCommit();
      const branch = await this.freeBranch(`${RUN_BRANCH_PREFIX}${taskId}-${titleSlug(title)}`);
      const path = join(await this.ensureFolder(), runId);
      // Written before the worktree exists, so a crash in between leaves an entry prune can clear.
      await this.writeBook({ ...book, runs: { ...book.runs, [runId]: { taskId, branch, path, base } } });
      await this.run(['worktree', 'add', '--quiet', '-b', branch, '--', path, base], `create the worktree for ${taskId}`);
      return { runId, taskId, branch, path, base, present: true };
    });
  }

  /** Removes the run's worktree (`git worktree remove --force`) and, when asked, its branch. */
  remove(runId: string, options: { readonly deleteBranch: boolean }): Promise<void> {
    return this.serial(async () => {
      assertRunId(runId);
      const folder = await this.ensureFolder();
      const book = await this.readBook();
      const rec = book.runs[runId];
      const path = rec?.path ?? join(folder, runId);
      await this.removeTree(path);
      if (options.deleteBranch && rec) await this.deleteBranch(rec.branch);
      const runs = { ...book.runs };
      delete runs[runId];
      await this.writeBook({ ...book, runs });
    });
  }

  /** The run worktrees: those recorded, and any git lists inside Plumbline's folder. */
  async list(): Promise<RunWorktree[]> {
    await this.ensureFolder();
    const [book, listed] = await Promise.all([this.readBook(), this.gitWorktrees()]);
    const out: RunWorktree[] = [];
    const seen = new Set<string>();
    for (const [runId, rec] of Object.entries(book.runs)) {
      const g = listed.get(rec.path);
      out.push({ runId, taskId: rec.taskId, branch: rec.branch, path: rec.path, base: rec.base, present: Boolean(g && !g.prunable) && (await exists(rec.path)) });
      seen.add(rec.path);
    }
    for (const g of listed.values()) {
      if (seen.has(g.path)) continue;
      const runId = g.path.slice(this.folder.length + 1);
      const branch = g.branch?.startsWith('refs/heads/') ? g.branch.slice('refs/heads/'.length) : null;
      out.push({ runId, taskId: null, branch, path: g.path, base: null, present: !g.prunable && (await exists(g.path)) });
    }
    return out;
  }

  /**
   * Removes Plumbline worktrees whose folder is gone or that no run in `owned` owns: `git worktree prune`,
   * then the unowned ones, stray folders and the bookkeeping. A removed run's branch is deleted only when it
   * still points at the commit it was made from; a branch holding commits is kept and returned.
   */
  prune(owned: ReadonlySet<string>): Promise<PruneResult> {
    return this.serial(async () => {
      await this.ensureFolder();
      await this.run(['worktree', 'prune'], 'prune worktrees');
      const book = await this.readBook();
      const listed = await this.gitWorktrees();
      const removed: string[] = [];
      const keptBranches: string[] = [];
      const runs = { ...book.runs };
      for (const [runId, rec] of Object.entries(book.runs)) {
        const gone = !listed.has(rec.path) || !(await exists(rec.path));
        if (!gone && owned.has(runId)) continue;
        await this.removeTree(rec.path);
        if (await this.branchAt(rec.branch, rec.base)) await this.deleteBranch(rec.branch);
        else if (await this.branchExists(rec.branch)) keptBranches.push(rec.branch);
        delete runs[runId];
        removed.push(runId);
      }
      // Worktrees git lists in our folder that the bookkeeping lost.
      for (const g of listed.values()) {
        const runId = g.path.slice(this.folder.length + 1);
        if (runs[runId] || removed.includes(runId) || owned.has(runId)) continue;
        await this.removeTree(g.path);
        removed.push(runId);
      }
      // Folders git does not know (a crash inside `worktree add`).
      const names = await fs.readdir(this.folder).catch(() => [] as string[]);
      for (const name of names) {
        const path = join(this.folder, name);
        if (listed.has(path) && !removed.includes(name)) continue;
        if (owned.has(name) && runs[name]) continue;
        if (await exists(path)) {
          await fs.rm(path, { recursive: true, force: true });
          if (!removed.includes(name)) removed.push(name);
        }
      }
      await this.writeBook({ ...book, runs });
      return { removed, keptBranches };
    });
  }

  /** HEAD's commit, refusing a bare repository, a detached HEAD and an unborn branch. */
  private async headCommit(): Promise<string> {
    const bare = (await this.read(['rev-parse', '--is-bare-repository'])).trim();
    if (bare === 'true') throw new RpcError('FORBIDDEN', 'This is a bare repository (it has no work tree), so runs cannot get worktrees. Open a repository with a work tree.');
    const sym = await runGit(this.git, ['symbolic-ref', '-q', 'HEAD'], { cwd: this.root, read: true, successCodes: new Set([0, 1]) });
    if (sym.exitCode !== 0) throw new RpcError('CONFLICT', 'HEAD is detached (no branch is checked out), so a run has no branch to start from. Switch to a branch, then start the runs again.');
    const head = await runGit(this.git, ['rev-parse', '--verify', '-q', 'HEAD^{commit}'], { cwd: this.root, read: true, successCodes: new Set([0, 1]) });
    if (head.exitCode !== 0) throw new RpcError('CONFLICT', `The branch ${sym.stdout.toString('utf8').trim().replace(/^refs\/heads\//, '')} has no commits yet, so a run has nothing to start from. Make a first commit, then start the runs again.`);
    return head.stdout.toString('utf8').trim();
  }

  /** The wanted branch name, or it with the first free `-n` suffix. */
  private async freeBranch(wanted: string): Promise<string> {
    for (let n = 1; n < 1000; n++) {
      const name = n === 1 ? wanted : `${wanted}-${n}`;
      if (!(await this.branchExists(name))) return name;
    }
    throw new RpcError('CONFLICT', `Branches ${wanted}-2 … ${wanted}-999 all exist. Delete old run branches, then start the run again.`);
  }

  private async branchExists(name: string): Promise<boolean> {
    const r = await runGit(this.git, ['show-ref', '--verify', '--quiet', `refs/heads/${name}`], { cwd: this.root, read: true, successCodes: new Set([0, 1]) });
    return r.exitCode === 0;
  }

  /** True when the branch exists and points at `oid`. */
  private async branchAt(name: string, oid: string): Promise<boolean> {
    const r = await runGit(this.git, ['rev-parse', '--verify', '-q', `refs/heads/${name}`], { cwd: this.root, read: true, successCodes: new Set([0, 1]) });
    return r.exitCode === 0 && r.stdout.toString('utf8').trim() === oid;
  }

  private async deleteBranch(name: string): Promise<void> {
    if (!name.startsWith(RUN_BRANCH_PREFIX) || !(await this.branchExists(name))) return;
    await this.run(['branch', '-D', '--', name], `delete branch ${name}`);
  }

  /** Removes a worktree in our folder: through git when it knows it, else the folder; then git's stale entry. */
  private async removeTree(path: string): Promise<void> {
    if (!this.inFolder(path)) throw new RpcError('INTERNAL', `${path} is not a Plumbline worktree; nothing was removed.`);
    await removeLinkedWorktree(this.git, this.root, path);
  }

  /** Git's worktrees inside our folder, by path. */
  private async gitWorktrees(): Promise<Map<string, GitWorktreeEntry>> {
    const entries = parseWorktreeList(await this.read(['worktree', 'list', '--porcelain']));
    return new Map(entries.filter((e) => this.inFolder(e.path)).map((e) => [e.path, e]));
  }

  /** Creates the folder once and takes its real path (git lists worktrees by real path). */
  private async ensureFolder(): Promise<string> {
    if (!this.folderReal) {
      await fs.mkdir(this.folder, { recursive: true });
      this.folder = await fs.realpath(this.folder);
      this.folderReal = true;
    }
    return this.folder;
  }

  /** The folder that holds the run worktrees. */
  async worktreesFolder(): Promise<string> {
    return this.ensureFolder();
  }

  private inFolder(path: string): boolean {
    const p = resolve(path);
    return p.startsWith(this.folder + sep) && !p.slice(this.folder.length + 1).includes(sep);
  }

  private async readBook(): Promise<Bookkeeping> {
    try {
      const data = JSON.parse(await fs.readFile(this.bookFile, 'utf8')) as Bookkeeping;
      if (data.version === 1 && data.runs && typeof data.runs === 'object') return data;
    } catch {
      // Missing or unreadable: start empty (prune finds what git still lists in our folder).
    }
    return { version: 1, root: this.root, runs: {} };
  }

  private async writeBook(book: Bookkeeping): Promise<void> {
    await fs.mkdir(dirname(this.bookFile), { recursive: true });
    await atomicWrite(this.bookFile, `${JSON.stringify(book, null, 2)}\n`);
  }

  private async read(args: string[]): Promise<string> {
    return (await runGit(this.git, args, { cwd: this.root, read: true })).stdout.toString('utf8');
  }

  private async run(args: string[], what: string): Promise<void> {
    await runGit(this.git, args, { cwd: this.root, what });
  }

  /** One change at a time: the bookkeeping file is read and written whole. */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.chain.then(fn, fn);
    this.chain = next.catch(() => undefined);
    return next;
  }
}

/**
 * Removes a linked worktree of the repository at `root`: `git worktree remove --force` when git lists it
 * and its folder is there, else the folder itself; then `git worktree prune` clears git's stale entry.
 */
export async function removeLinkedWorktree(git: NativeGit, root: string, path: string): Promise<void> {
  const listed = parseWorktreeList((await runGit(git, ['worktree', 'list', '--porcelain'], { cwd: root, read: true })).stdout.toString('utf8'));
  if (listed.some((e) => e.path === path) && (await exists(path))) {
    await runGit(git, ['worktree', 'remove', '--force', '--force', '--', path], { cwd: root, what: 'remove a worktree' });
  }
  await fs.rm(path, { recursive: true, force: true });
  await runGit(git, ['worktree', 'prune'], { cwd: root, what: 'prune worktrees' });
}

async function exists(path: string): Promise<boolean> {
  try {
    await fs.lstat(path);
    return true;
  } catch {
    return false;
  }
}
