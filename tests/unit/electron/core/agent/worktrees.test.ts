import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { probeGit } from '../../../../../electron/core/git/native/find-git';
import type { NativeGit } from '../../../../../electron/core/git/native/git-runner';
import { MAX_SLUG, RunWorktrees, parseWorktreeList, projectHash, titleSlug } from '../../../../../electron/core/agent/worktrees';
import { git, makeRepo, makeTempDir, writeFiles } from '../../../../helpers/temp-repo';

const nativeGit = (): NativeGit => {
  const probe = probeGit('git');
  if (!probe.git) throw new Error(`native git is needed for these tests: ${probe.reason}`);
  return probe.git;
};

/** A repository with identity in its config, a committed file, a staged, an unstaged and an untracked change. */
function userRepo(): string {
  const root = makeRepo({ 'a.txt': 'one\n', 'b.txt': 'two\n', '.gitignore': 'ignored.log\n' });
  git(root, 'config', 'user.name', 'Test');
  git(root, 'config', 'user.email', 'test@example.com');
  writeFiles(root, { 'a.txt': 'one, edited\n', 'b.txt': 'two, staged\n', 'new.txt': 'untracked\n', 'ignored.log': 'log\n' });
  git(root, 'add', 'b.txt');
  return root;
}

/** What must stay byte for byte: index, work tree files, HEAD. */
function snapshot(root: string) {
  return {
    index: readFileSync(join(root, '.git', 'index')).toString('hex'),
    head: readFileSync(join(root, '.git', 'HEAD'), 'utf8'),
    files: ['a.txt', 'b.txt', 'new.txt', 'ignored.log'].map((f) => readFileSync(join(root, f), 'utf8')),
    status: git(root, 'status', '--porcelain=v2'),
  };
}

/** The run branches, sorted. */
const runBranches = (root: string): string[] => git(root, 'branch', '--list', '--format=%(refname:short)', 'plumbline/*').split('\n').filter(Boolean).sort();

function setup() {
  const root = userRepo();
  const dataDir = makeTempDir('plumbline-data-');
  const trees = new RunWorktrees({ git: nativeGit(), root, dataDir });
  return { root, dataDir, trees };
}

describe('titleSlug', () => {
  it('makes lowercase ascii words joined by "-", at most 40 characters, cut at a word', () => {
    expect(titleSlug('Add quota check to the API')).toBe('add-quota-check-to-the-api');
    expect(titleSlug('Café — naïve façade')).toBe('cafe-naive-facade');
    const long = titleSlug('one two three four five six seven eight nine ten eleven');
    expect(long.length).toBeLessThanOrEqual(MAX_SLUG);
    expect(long).toBe('one-two-three-four-five-six-seven-eight');
    expect(titleSlug('x'.repeat(100))).toBe('x'.repeat(MAX_SLUG));
  });

  it('leaves nothing of hostile titles that git or a shell could read', () => {
    for (const title of ['--force', '../../etc/passwd', '"; rm -rf / #', "it's `$(id)`", 'a..b', 'refs/heads/main', 'x.lock', '@{-1}', 'ä\u0000b', '日本語のタスク', '🔥🔥', '   ', '-']) {
      const slug = titleSlug(title);
      expect(slug).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
    }
    expect(titleSlug('日本語のタスク')).toBe('task');
    expect(titleSlug('--force')).toBe('force');
    expect(titleSlug('../../etc/passwd')).toBe('etc-passwd');
  });
});

describe('parseWorktreeList', () => {
  it('reads paths, heads, branches and flags', () => {
    const list = parseWorktreeList('worktree /r\nHEAD abc\nbranch refs/heads/main\n\nworktree /w\nHEAD def\ndetached\nprunable gitdir file points to non-existent location\n\n');
    expect(list).toEqual([
      { path: '/r', head: 'abc', branch: 'refs/heads/main', bare: false, prunable: false },
      { path: '/w', head: 'def', branch: null, bare: false, prunable: true },
    ]);
  });
});

describe('RunWorktrees', () => {
  it('adds a branch and a linked worktree from HEAD without touching the user tree or index', async () => {
    const { root, trees, dataDir } = setup();
    const before = snapshot(root);
    const head = git(root, 'rev-parse', 'HEAD').trim();
    const wt = await trees.add('run-1', 'T-3', 'Add quota check');
    expect(wt.branch).toBe('plumbline/T-3-add-quota-check');
    expect(wt.path.startsWith(join(dataDir, 'worktrees'))).toBe(true);
    expect(wt.path.endsWith('/run-1')).toBe(true);
    expect(git(root, 'rev-parse', wt.branch).trim()).toBe(head);
    expect(readFileSync(join(wt.path, 'a.txt'), 'utf8')).toBe('one\n');
    expect(existsSync(join(wt.path, 'new.txt'))).toBe(false);
    expect(git(root, 'worktree', 'list', '--porcelain')).toContain(`worktree ${wt.path}`);
    expect(snapshot(root)).toEqual(before);
    expect(git(root, 'fsck', '--strict')).toBe('');
    const listed = await trees.list();
    expect(listed).toEqual([{ runId: 'run-1', taskId: 'T-3', branch: wt.branch, path: wt.path, base: head, present: true }]);
  });

  it('gives a unique suffix when the branch exists', async () => {
    const { root, trees } = setup();
    git(root, 'branch', 'plumbline/T-3-fix');
    const a = await trees.add('run-1', 'T-3', 'Fix');
    const b = await trees.add('run-2', 'T-3', 'fix!');
    expect([a.branch, b.branch]).toEqual(['plumbline/T-3-fix-2', 'plumbline/T-3-fix-3']);
  });

  it('names branches and folders safely whatever the title', async () => {
    const { root, trees } = setup();
    const before = snapshot(root);
    const titles = ['--orphan evil', '../../../outside', '"quoted" & \'single\'', 'a..b..c', 'Ünïcödé 🔥 title', '-', '.lock', ''];
    let n = 0;
    for (const title of titles) {
      const wt = await trees.add(`run-${++n}`, `T-${n}`, title);
      expect(wt.branch).toMatch(/^plumbline\/T-\d+-[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(git(root, 'check-ref-format', '--branch', wt.branch).trim()).toBe(wt.branch);
      expect(statSync(wt.path).isDirectory()).toBe(true);
    }
    expect(runBranches(root)).toHaveLength(titles.length);
    expect(snapshot(root)).toEqual(before);
    expect(git(root, 'fsck', '--strict')).toBe('');
  });

  it('refuses run ids and task ids that are not plain names', async () => {
    const { trees, root } = setup();
    await expect(trees.add('../evil', 'T-1', 'x')).rejects.toThrow(/not a valid run id/);
    await expect(trees.add('-rf', 'T-1', 'x')).rejects.toThrow(/not a valid run id/);
    await expect(trees.add('run-1', 'T-1; rm', 'x')).rejects.toThrow(/not a task id/);
    await expect(trees.add('run-1', '../T-1', 'x')).rejects.toThrow(/not a task id/);
    expect(git(root, 'branch', '--list', 'plumbline/*')).toBe('');
  });

  it('refuses a run id that already has a worktree', async () => {
    const { trees } = setup();
    await trees.add('run-1', 'T-1', 'x');
    await expect(trees.add('run-1', 'T-2', 'y')).rejects.toThrow(/already has a worktree/);
  });

  it('refuses an unborn HEAD, a detached HEAD and a bare repository, creating nothing', async () => {
    const dataDir = makeTempDir('plumbline-data-');
    const unborn = makeRepo({});
    await expect(new RunWorktrees({ git: nativeGit(), root: unborn, dataDir }).add('run-1', 'T-1', 'x')).rejects.toThrow(/has no commits yet.*first commit/);
    const detached = makeRepo({ 'a.txt': 'a\n' });
    git(detached, 'checkout', '-q', '--detach');
    await expect(new RunWorktrees({ git: nativeGit(), root: detached, dataDir }).add('run-1', 'T-1', 'x')).rejects.toThrow(/HEAD is detached.*Switch to a branch/);
    expect(git(detached, 'branch', '--list', 'plumbline/*')).toBe('');
    const bare = makeTempDir();
    git(bare, 'clone', '-q', '--bare', detached, 'b.git');
    await expect(new RunWorktrees({ git: nativeGit(), root: join(bare, 'b.git'), dataDir }).add('run-1', 'T-1', 'x')).rejects.toThrow(/bare repository/);
  });

  it('removes a worktree, keeping or deleting its branch', async () => {
    const { root, trees } = setup();
    const before = snapshot(root);
    const a = await trees.add('run-1', 'T-1', 'one');
    const b = await trees.add('run-2', 'T-2', 'two');
    writeFileSync(join(a.path, 'a.txt'), 'dirty in the run\n');
    await trees.remove('run-1', { deleteBranch: false });
    await trees.remove('run-2', { deleteBranch: true });
    expect(existsSync(a.path) || existsSync(b.path)).toBe(false);
    expect(runBranches(root)).toEqual([a.branch]);
    expect(git(root, 'worktree', 'list', '--porcelain')).not.toContain(a.path);
    expect(await trees.list()).toEqual([]);
    expect(snapshot(root)).toEqual(before);
    expect(git(root, 'fsck', '--strict')).toBe('');
  });

  it('never deletes a branch it did not make', async () => {
    const { root, trees } = setup();
    await trees.add('run-1', 'T-1', 'one');
    git(root, 'branch', 'keep-me');
    await trees.remove('run-1', { deleteBranch: true });
    await trees.remove('run-9', { deleteBranch: true });
    expect(git(root, 'branch', '--list', 'keep-me').trim()).toBe('keep-me');
  });

  it('deletes only plumbline/ branches and removes only folders inside its own, whatever the bookkeeping says', async () => {
    const { root, trees, dataDir } = setup();
    const before = snapshot(root);
    const wt = await trees.add('run-1', 'T-1', 'one');
    await trees.add('run-2', 'T-2', 'two');
    const file = join(dataDir, 'worktrees', `${projectHash(root)}.json`);
    const book = JSON.parse(readFileSync(file, 'utf8'));
    git(root, 'branch', 'keep-me');
    book.runs['run-1'].branch = 'keep-me';
    book.runs['run-2'].path = root;
    writeFileSync(file, JSON.stringify(book));
    await trees.remove('run-1', { deleteBranch: true });
    expect(git(root, 'branch', '--list', '--format=%(refname:short)', 'keep-me').trim()).toBe('keep-me');
    expect(existsSync(wt.path)).toBe(false);
    await expect(trees.remove('run-2', { deleteBranch: true })).rejects.toThrow(/is not a Plumbline worktree; nothing was removed/);
    expect(snapshot(root)).toEqual(before);
  });

  it('prunes worktrees whose folder is gone and those no run owns; keeps owned ones and branches with commits', async () => {
    const { root, trees, dataDir } = setup();
    const owned = await trees.add('run-1', 'T-1', 'owned');
    const gone = await trees.add('run-2', 'T-2', 'gone');
    const orphan = await trees.add('run-3', 'T-3', 'orphan');
    const worked = await trees.add('run-4', 'T-4', 'worked');
    writeFiles(worked.path, { 'w.txt': 'work\n' });
    git(worked.path, 'add', 'w.txt');
    git(worked.path, 'commit', '-q', '-m', 'work');
    rmSync(gone.path, { recursive: true, force: true });
    // A folder left by a crash inside `git worktree add`.
    writeFiles(join(dataDir, 'worktrees'), {});
    const stray = join((await trees.worktreesFolder()), 'run-5');
    writeFiles(stray, { 'x.txt': 'x\n' });

    const result = await trees.prune(new Set(['run-1', 'run-2']));
    expect([...result.removed].sort()).toEqual(['run-2', 'run-3', 'run-4', 'run-5']);
    expect(result.keptBranches).toEqual([worked.branch]);
    expect(existsSync(owned.path)).toBe(true);
    expect(existsSync(orphan.path) || existsSync(worked.path) || existsSync(stray)).toBe(false);
    expect(runBranches(root)).toEqual([owned.branch, worked.branch].sort());
    const list = git(root, 'worktree', 'list', '--porcelain');
    expect(list).toContain(owned.path);
    expect(list).not.toContain(gone.path);
    expect((await trees.list()).map((w) => w.runId)).toEqual(['run-1']);
    expect(git(root, 'fsck', '--strict')).toBe('');
  });

  it('prunes a worktree git still lists when the bookkeeping was lost', async () => {
    const { root, trees, dataDir } = setup();
    const wt = await trees.add('run-1', 'T-1', 'lost');
    rmSync(join(dataDir, 'worktrees', `${wt.path.split('/').slice(-2, -1)[0]}.json`));
    expect((await trees.list()).map((w) => [w.runId, w.taskId])).toEqual([['run-1', null]]);
    const result = await trees.prune(new Set());
    expect(result.removed).toEqual(['run-1']);
    expect(git(root, 'worktree', 'list', '--porcelain')).not.toContain(wt.path);
  });
});
