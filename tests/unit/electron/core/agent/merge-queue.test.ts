import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { probeGit } from '../../../../../electron/core/git/native/find-git';
import type { NativeGit } from '../../../../../electron/core/git/native/git-runner';
import { type CheckResult, MergeQueue, type QueueEntry } from '../../../../../electron/core/agent/merge-queue';
import { RunWorktrees, projectHash } from '../../../../../electron/core/agent/worktrees';
import { git, makeRepo, makeTempDir, writeFiles } from '../../../../helpers/temp-repo';

const nativeGit = (): NativeGit => {
  const probe = probeGit('git');
  if (!probe.git) throw new Error(`native git is needed for these tests: ${probe.reason}`);
  return probe.git;
};

const pass = async (): Promise<CheckResult> => ({ ok: true, reason: '' });

interface Setup {
  readonly root: string;
  readonly dataDir: string;
  readonly queue: MergeQueue;
  readonly trees: RunWorktrees;
  /** A run on its own branch that commits `files`; returns its queue entry. */
  run(runId: string, taskId: string, files: Record<string, string>, depends?: string[]): Promise<QueueEntry>;
}

function setup(files: Record<string, string> = { 'a.txt': 'a\n', 'b.txt': 'b\n', 'shared.txt': 'line 1\nline 2\n' }): Setup {
  const root = makeRepo({ ...files, '.gitignore': '*.log\n' });
  git(root, 'config', 'user.name', 'Repo Author');
  git(root, 'config', 'user.email', 'repo@example.com');
  const dataDir = makeTempDir('plumbline-data-');
  const trees = new RunWorktrees({ git: nativeGit(), root, dataDir });
  return {
    root,
    dataDir,
    trees,
    queue: new MergeQueue({ git: nativeGit(), root, dataDir }),
    async run(runId, taskId, changes, depends = []) {
      const wt = await trees.add(runId, taskId, `work of ${taskId}`);
      writeFiles(wt.path, changes);
      git(wt.path, 'add', '-f', '--', ...Object.keys(changes));
      git(wt.path, 'commit', '-q', '-m', `${taskId}: work`);
      return { runId, taskId, branch: wt.branch, depends };
    },
  };
}

/** `git fsck --strict` errors; dangling objects (a merge the queue did not keep) are garbage, not damage. */
const fsck = (root: string): string => git(root, 'fsck', '--strict', '--no-dangling');
const head = (root: string, ref = 'main'): string => git(root, 'rev-parse', ref).trim();
const journal = (s: Setup) => JSON.parse(readFileSync(join(s.dataDir, 'queues', `${projectHash(s.root)}.json`), 'utf8'));
const mergeWorktrees = (s: Setup): string[] => git(s.root, 'worktree', 'list', '--porcelain').split('\n').filter((l) => l.startsWith('worktree ') && l.includes('/queues/'));
const states = async (q: MergeQueue) => (await q.list()).map((e) => [e.taskId, e.state]);

/** Everything of the user's that must not change: HEAD, refs, index and the files on disk. */
function userState(root: string, files: string[]) {
  return {
    head: readFileSync(join(root, '.git', 'HEAD'), 'utf8'),
    refs: git(root, 'for-each-ref', '--format=%(refname) %(objectname)', 'refs/heads/main'),
    index: readFileSync(join(root, '.git', 'index')).toString('hex'),
    files: files.map((f) => (existsSync(join(root, f)) ? readFileSync(join(root, f)).toString('hex') : null)),
    status: git(root, 'status', '--porcelain=v2', '--untracked-files=all'),
  };
}

/**
 * A reference-transaction hook that runs `then` once refs/heads/main has moved the first time; with `refuseAgain`
 * it refuses every later move of main. Returns the hook's path.
 */
function branchMovedHook(root: string, then: string, refuseAgain = false): string {
  const hook = join(root, '.git', 'hooks', 'reference-transaction');
  const mark = join(root, '.git', 'moved-once');
  writeFileSync(
    hook,
    `#!/bin/sh
main=0
while read old new ref; do [ "$ref" = refs/heads/main ] && main=1; done
[ $main = 1 ] || exit 0
if [ "$1" = prepared ] && [ -e '${mark}' ] && [ ${refuseAgain ? 1 : 0} = 1 ]; then echo "main is locked" >&2; exit 1; fi
if [ "$1" = committed ] && [ ! -e '${mark}' ]; then touch '${mark}'; ${then}; fi
exit 0
`,
    { mode: 0o755 },
  );
  return hook;
}

describe('MergeQueue', () => {
  it('merges two runs touching different files in the order added; the work tree follows; fsck is clean', async () => {
    const s = setup();
    const one = await s.run('run-1', 'T-1', { 'a.txt': 'a from T-1\n' });
    const two = await s.run('run-2', 'T-2', { 'b.txt': 'b from T-2\n' });
    await s.queue.add(one);
    await s.queue.add(two);
    const seen: string[] = [];
    const result = await s.queue.process(async (tree, entry) => {
      seen.push(`${entry.taskId}:${readFileSync(join(tree, 'a.txt'), 'utf8').trim()}:${readFileSync(join(tree, 'b.txt'), 'utf8').trim()}`);
      expect(journal(s).step).toMatchObject({ runId: entry.runId, phase: 'checking' });
      return { ok: true, reason: '' };
    });
    expect(result).toEqual({ merged: ['run-1', 'run-2'], stopped: null });
    // The checks ran on the merged trees: T-2's already has T-1's change.
    expect(seen).toEqual(['T-1:a from T-1:b', 'T-2:a from T-1:b from T-2']);
    expect(git(s.root, 'log', '--first-parent', '--format=%s|%an <%ae>|%p', 'main').split('\n').slice(0, 2).map((l) => l.split('|').slice(0, 2).join('|'))).toEqual([
      'Merge T-2 (plumbline/T-2-work-of-t-2) into main|Repo Author <repo@example.com>',
      'Merge T-1 (plumbline/T-1-work-of-t-1) into main|Repo Author <repo@example.com>',
    ]);
    expect(git(s.root, 'rev-list', '--parents', '-n', '1', 'main').trim().split(' ')).toHaveLength(3);
    expect(readFileSync(join(s.root, 'a.txt'), 'utf8')).toBe('a from T-1\n');
    expect(readFileSync(join(s.root, 'b.txt'), 'utf8')).toBe('b from T-2\n');
    expect(git(s.root, 'status', '--porcelain=v2')).toBe('');
    expect(await states(s.queue)).toEqual([['T-1', 'merged'], ['T-2', 'merged']]);
    expect((await s.queue.list())[1].merged).toBe(head(s.root));
    expect(journal(s).step).toBeNull();
    expect(mergeWorktrees(s)).toEqual([]);
    expect(fsck(s.root)).toBe('');
  });

  it('merges a dependent task after its dependency even when it was added first', async () => {
    const s = setup();
    const dependent = await s.run('run-2', 'T-2', { 'b.txt': 'b from T-2\n' }, ['T-1']);
    const other = await s.run('run-3', 'T-3', { 'c.txt': 'c\n' });
    const dependency = await s.run('run-1', 'T-1', { 'a.txt': 'a from T-1\n' });
    await s.queue.add(dependent);
    await s.queue.add(other);
    await s.queue.add(dependency);
    const order: string[] = [];
    const result = await s.queue.process(async (_tree, entry) => {
      order.push(entry.taskId);
      return { ok: true, reason: '' };
    });
    // T-3 was added before T-1 and depends on nothing: ties go in the order added.
    expect(order).toEqual(['T-3', 'T-1', 'T-2']);
    expect(result.merged).toEqual(['run-3', 'run-1', 'run-2']);
    expect(git(s.root, 'log', '--first-parent', '--format=%s', 'main').split('\n').slice(0, 3)).toEqual([
      expect.stringContaining('Merge T-2'),
      expect.stringContaining('Merge T-1'),
      expect.stringContaining('Merge T-3'),
    ]);
    expect(fsck(s.root)).toBe('');
  });

  it('stops at tasks that depend on each other, saying what to do', async () => {
    const s = setup();
    await s.queue.add(await s.run('run-1', 'T-1', { 'a.txt': '1\n' }, ['T-2']));
    await s.queue.add(await s.run('run-2', 'T-2', { 'b.txt': '2\n' }, ['T-1']));
    const before = head(s.root);
    const result = await s.queue.process(pass);
    expect(result.stopped).toEqual({ runId: 'run-1', reason: expect.stringMatching(/T-1 depends on T-2.*Drop one of them/) });
    expect(head(s.root)).toBe(before);
    expect(await states(s.queue)).toEqual([['T-1', 'stopped'], ['T-2', 'waiting']]);
  });

  it('stops at a conflict with a reason naming the file; the branch and later entries wait', async () => {
    const s = setup();
    const one = await s.run('run-1', 'T-1', { 'shared.txt': 'line 1 from T-1\nline 2\n' });
    const two = await s.run('run-2', 'T-2', { 'shared.txt': 'line 1 from T-2\nline 2\n' });
    const three = await s.run('run-3', 'T-3', { 'c.txt': 'c\n' });
    for (const e of [one, two, three]) await s.queue.add(e);
    const checked: string[] = [];
    const result = await s.queue.process(async (_t, e) => {
      checked.push(e.taskId);
      return { ok: true, reason: '' };
    });
    const afterOne = head(s.root);
    expect(result.merged).toEqual(['run-1']);
    expect(result.stopped?.runId).toBe('run-2');
    expect(result.stopped?.reason).toMatch(/conflicts in shared\.txt\. Resolve it in the Builder, or on the run's branch \(merge main into plumbline\/T-2-work-of-t-2 and commit: the queue tries again by itself\); or hand the task back to the thinker, or drop it from the queue\.$/);
    expect(checked).toEqual(['T-1']);
    expect(await states(s.queue)).toEqual([['T-1', 'merged'], ['T-2', 'stopped'], ['T-3', 'waiting']]);
    expect((await s.queue.list())[1].reason).toBe(result.stopped?.reason);
    expect(readFileSync(join(s.root, 'shared.txt'), 'utf8')).toBe('line 1 from T-1\nline 2\n');
    expect(git(s.root, 'status', '--porcelain=v2')).toBe('');
    expect(mergeWorktrees(s)).toEqual([]);
    expect(journal(s).step).toBeNull();

    // Processing again tries the stopped entry again: still a conflict, nothing moves.
    expect((await s.queue.process(pass)).stopped?.runId).toBe('run-2');
    expect(head(s.root)).toBe(afterOne);

    // Dropping it lets the rest go.
    await s.queue.drop('run-2');
    expect((await s.queue.process(pass)).merged).toEqual(['run-3']);
    expect(await states(s.queue)).toEqual([['T-1', 'merged'], ['T-3', 'merged']]);
    expect(fsck(s.root)).toBe('');
  });

  it('stops at a failing check and moves nothing', async () => {
    const s = setup();
    const one = await s.run('run-1', 'T-1', { 'a.txt': 'broken\n' });
    const two = await s.run('run-2', 'T-2', { 'b.txt': 'fine\n' });
    await s.queue.add(one);
    await s.queue.add(two);
    const before = userState(s.root, ['a.txt', 'b.txt']);
    const result = await s.queue.process(async (tree, e) =>
      readFileSync(join(tree, 'a.txt'), 'utf8') === 'broken\n' ? { ok: false, reason: `AC-1 fails on the merged tree: a.txt is broken (${e.taskId})` } : { ok: true, reason: '' },
    );
    expect(result).toEqual({ merged: [], stopped: { runId: 'run-1', reason: expect.stringMatching(/^AC-1 fails on the merged tree: a\.txt is broken \(T-1\).*nothing was moved.*Fix it on plumbline\/T-1/) } });
    // What to do is said once.
    expect(result.stopped?.reason.match(/drop it/g)).toHaveLength(1);
    expect(userState(s.root, ['a.txt', 'b.txt'])).toEqual(before);
    expect(await states(s.queue)).toEqual([['T-1', 'stopped'], ['T-2', 'waiting']]);
    expect(mergeWorktrees(s)).toEqual([]);
    expect(fsck(s.root)).toBe('');
  });

  it("leaves the user's untracked, ignored, staged and unstaged files byte for byte while the branch and the rest of the tree move", async () => {
    const s = setup({ 'a.txt': 'a\n', 'b.txt': 'b\n', 'c.txt': 'c\n' });
    const run = await s.run('run-1', 'T-1', { 'a.txt': 'a from T-1\n', 'added.txt': 'added\n' });
    writeFiles(s.root, { 'b.txt': 'b, unstaged edit\r\nno newline', 'c.txt': 'c, staged\n', 'notes/untracked.md': 'mine\n', 'debug.log': 'ignored\n' });
    git(s.root, 'add', 'c.txt');
    const mine = ['b.txt', 'c.txt', 'notes/untracked.md', 'debug.log'];
    const bytes = () => mine.map((f) => readFileSync(join(s.root, f)).toString('hex'));
    const before = bytes();
    const staged = git(s.root, 'diff', '--cached');
    await s.queue.add(run);
    expect((await s.queue.process(pass)).merged).toEqual(['run-1']);
    expect(bytes()).toEqual(before);
    expect(git(s.root, 'diff', '--cached')).toBe(staged);
    expect(readFileSync(join(s.root, 'a.txt'), 'utf8')).toBe('a from T-1\n');
    expect(readFileSync(join(s.root, 'added.txt'), 'utf8')).toBe('added\n');
    expect(git(s.root, 'status', '--porcelain', '--untracked-files=all').split('\n').filter(Boolean).sort()).toEqual([' M b.txt', '?? notes/untracked.md', 'M  c.txt']);
    expect(fsck(s.root)).toBe('');
  });

  it('stops without moving anything when the merge touches a file the user changed, or adds one where the user has a file', async () => {
    const s = setup();
    await s.queue.add(await s.run('run-1', 'T-1', { 'a.txt': 'a from T-1\n' }));
    writeFiles(s.root, { 'a.txt': 'my edit\n' });
    const before = userState(s.root, ['a.txt']);
    const result = await s.queue.process(pass);
    expect(result.stopped?.reason).toMatch(/Your uncommitted changes to a\.txt overlap what T-1 changes, so main was not moved\. Commit or stash them/);
    expect(userState(s.root, ['a.txt'])).toEqual(before);

    const t = setup();
    await t.queue.add(await t.run('run-1', 'T-1', { 'out.log': 'tracked by the run\n' }));
    writeFiles(t.root, { 'out.log': 'my ignored log\n' });
    const beforeT = userState(t.root, ['out.log']);
    expect((await t.queue.process(pass)).stopped?.reason).toMatch(/changes to out\.log overlap/);
    expect(userState(t.root, ['out.log'])).toEqual(beforeT);
  });

  it('stops when an ignored file of the user sits where the merge needs a folder', async () => {
    const s = setup();
    await s.queue.add(await s.run('run-1', 'T-1', { 'build.log/report.txt': 'tracked by the run\n' }));
    writeFiles(s.root, { 'build.log': 'my ignored log\n' });
    const before = userState(s.root, ['build.log']);
    expect((await s.queue.process(pass)).stopped?.reason).toMatch(/changes to build\.log\/report\.txt overlap what T-1 changes/);
    expect(userState(s.root, ['build.log'])).toEqual(before);
  });

  it('puts the branch back when the work tree cannot follow, saying why', async () => {
    const s = setup();
    await s.queue.add(await s.run('run-1', 'T-1', { 'a.txt': 'a from T-1\n' }));
    const lock = join(s.root, '.git', 'index.lock');
    // Another git program takes the index the moment the branch has moved.
    const hook = branchMovedHook(s.root, `touch '${lock}'`);
    const before = userState(s.root, ['a.txt']);
    const result = await s.queue.process(pass);
    expect(result.stopped?.reason).toMatch(/Your work tree could not take the merge of T-1, so main was left as it was\. Another git program is working in this repository.*Then retry\./);
    rmSync(lock);
    expect(userState(s.root, ['a.txt'])).toEqual(before);
    expect(mergeWorktrees(s)).toEqual([]);
    rmSync(hook);
    expect((await s.queue.process(pass)).merged).toEqual(['run-1']);
    expect(readFileSync(join(s.root, 'a.txt'), 'utf8')).toBe('a from T-1\n');
  });

  it('says the branch moved when the work tree cannot follow and the branch cannot be put back', async () => {
    const s = setup();
    await s.queue.add(await s.run('run-1', 'T-1', { 'a.txt': 'a from T-1\n' }));
    const lock = join(s.root, '.git', 'index.lock');
    const before = head(s.root);
    // The index is taken once the branch moved, and the branch refuses to move again.
    const hook = branchMovedHook(s.root, `touch '${lock}'`, true);
    const reason = (await s.queue.process(pass)).stopped?.reason ?? '';
    rmSync(lock);
    rmSync(hook);
    const merged = head(s.root);
    expect(merged).not.toBe(before);
    expect(reason).toMatch(new RegExp(`^main moved to the merge of T-1 \\(${merged.slice(0, 7)}\\), but your work tree could not take it .* and main could not be put back to ${before.slice(0, 7)} .*git read-tree -m -u ${before.slice(0, 7)} ${merged.slice(0, 7)}.*then retry\\.$`));
    expect(reason).not.toMatch(/left as it was/);
    expect(await states(s.queue)).toEqual([['T-1', 'stopped']]);
    expect(mergeWorktrees(s)).toEqual([]);
    // Retried once the work tree is brought along: the branch contains the run, its checks pass, it counts as merged.
    git(s.root, 'read-tree', '-m', '-u', before, merged);
    expect((await s.queue.process(pass)).merged).toEqual(['run-1']);
    expect(head(s.root)).toBe(merged);
    expect(readFileSync(join(s.root, 'a.txt'), 'utf8')).toBe('a from T-1\n');
  });

  it('counts a run whose branch holds nothing new as merged without a commit, once its checks pass there', async () => {
    const s = setup();
    const wt = await s.trees.add('run-1', 'T-1', 'nothing');
    const before = head(s.root);
    await s.queue.add({ runId: 'run-1', taskId: 'T-1', branch: wt.branch, depends: [] });
    const checked: string[] = [];
    const result = await s.queue.process(async (_t, e) => {
      checked.push(e.runId);
      return { ok: true, reason: '' };
    });
    expect(result).toEqual({ merged: ['run-1'], stopped: null });
    // Nothing counts as merged unchecked, even when there is nothing to merge.
    expect(checked).toEqual(['run-1']);
    expect(head(s.root)).toBe(before);
    expect((await s.queue.list())[0]).toMatchObject({ state: 'merged', merged: before });
  });

  it('stops with git\'s words when a hook refuses the merge', async () => {
    const s = setup();
    await s.queue.add(await s.run('run-1', 'T-1', { 'a.txt': 'a from T-1\n' }));
    const hook = join(s.root, '.git', 'hooks', 'pre-merge-commit');
    writeFileSync(hook, '#!/bin/sh\necho "no merges on Fridays" >&2\nexit 1\n', { mode: 0o755 });
    const before = head(s.root);
    const reason = (await s.queue.process(pass)).stopped?.reason ?? '';
    expect(reason).toMatch(/Merging T-1 \(plumbline\/T-1-work-of-t-1\) into main failed; nothing was moved\. Git said: .*no merges on Fridays/s);
    expect(reason).not.toMatch(/conflict/);
    expect(head(s.root)).toBe(before);
    expect(mergeWorktrees(s)).toEqual([]);
  });

  it('moves only the ref when the user is on another branch, leaving the work tree alone', async () => {
    const s = setup();
    await s.queue.add(await s.run('run-1', 'T-1', { 'a.txt': 'a from T-1\n' }));
    const result = await s.queue.process(async () => {
      // The user switches branches while the checks run.
      git(s.root, 'switch', '-q', '-c', 'elsewhere');
      writeFiles(s.root, { 'a.txt': 'dirty on elsewhere\n' });
      return { ok: true, reason: '' };
    });
    expect(result.merged).toEqual(['run-1']);
    expect(git(s.root, 'show', 'main:a.txt')).toBe('a from T-1\n');
    expect(readFileSync(join(s.root, 'a.txt'), 'utf8')).toBe('dirty on elsewhere\n');
    expect(git(s.root, 'symbolic-ref', 'HEAD').trim()).toBe('refs/heads/elsewhere');
  });

  it('refuses to move a branch that moved meanwhile, keeping the user commit', async () => {
    const s = setup();
    await s.queue.add(await s.run('run-1', 'T-1', { 'a.txt': 'a from T-1\n' }));
    let userCommit = '';
    const result = await s.queue.process(async () => {
      writeFiles(s.root, { 'c.txt': 'user commit\n' });
      git(s.root, 'add', 'c.txt');
      git(s.root, 'commit', '-q', '-m', 'user work');
      userCommit = head(s.root);
      return { ok: true, reason: '' };
    });
    expect(result.stopped?.reason).toMatch(/main moved while T-1 was being merged.*The queue tries again on its new tip by itself\./);
    expect(head(s.root)).toBe(userCommit);
    expect(readFileSync(join(s.root, 'a.txt'), 'utf8')).toBe('a\n');
    // Processing again merges onto the new tip.
    expect((await s.queue.process(pass)).merged).toEqual(['run-1']);
    expect(git(s.root, 'rev-parse', 'main^1').trim()).toBe(userCommit);
    expect(fsck(s.root)).toBe('');
  });

  it('rolls back a step interrupted during the checks and resumes', async () => {
    const s = setup();
    const one = await s.run('run-1', 'T-1', { 'a.txt': 'a from T-1\n' });
    await s.queue.add(one);
    writeFiles(s.root, { 'notes.md': 'untracked\n', 'b.txt': 'unstaged\n' });
    const files = ['a.txt', 'b.txt', 'notes.md'];
    const before = userState(s.root, files);
    let tree = '';
    await expect(
      s.queue.process(async (t, e) => {
        tree = t;
        expect(journal(s).step).toMatchObject({ runId: e.runId, phase: 'checking', worktree: t });
        throw new Error('killed');
      }),
    ).rejects.toThrow('killed');
    expect(existsSync(tree)).toBe(true);

    // The next start: a fresh queue object reads the journal.
    const restarted = new MergeQueue({ git: nativeGit(), root: s.root, dataDir: s.dataDir });
    expect(await restarted.recover()).toEqual({ rolledBack: 'run-1', completed: null, note: null });
    expect(userState(s.root, files)).toEqual(before);
    expect(existsSync(tree)).toBe(false);
    expect(mergeWorktrees(s)).toEqual([]);
    expect(journal(s).step).toBeNull();
    expect(await states(restarted)).toEqual([['T-1', 'waiting']]);
    expect(fsck(s.root)).toBe('');

    expect((await restarted.process(pass)).merged).toEqual(['run-1']);
    expect(readFileSync(join(s.root, 'a.txt'), 'utf8')).toBe('a from T-1\n');
    expect(readFileSync(join(s.root, 'b.txt'), 'utf8')).toBe('unstaged\n');
  });

  it('counts a step that had moved the branch as merged on recovery, as the journal says', async () => {
    const s = setup();
    await s.queue.add(await s.run('run-1', 'T-1', { 'a.txt': 'a from T-1\n' }));
    await expect(s.queue.process(async () => Promise.reject(new Error('killed')))).rejects.toThrow('killed');
    // Simulate a crash right after `update-ref`: the journal says "moving" and the branch is at the merge.
    const file = join(s.dataDir, 'queues', `${projectHash(s.root)}.json`);
    const j = journal(s);
    const old = head(s.root);
    j.step = { ...j.step, phase: 'moving', follow: true };
    writeFileSync(file, JSON.stringify(j));
    git(s.root, 'update-ref', 'refs/heads/main', j.step.merged, old);
    const restarted = new MergeQueue({ git: nativeGit(), root: s.root, dataDir: s.dataDir });
    expect(await restarted.recover()).toEqual({ rolledBack: null, completed: 'run-1', note: null });
    expect(await states(restarted)).toEqual([['T-1', 'merged']]);
    // The work tree was brought along.
    expect(readFileSync(join(s.root, 'a.txt'), 'utf8')).toBe('a from T-1\n');
    expect(git(s.root, 'status', '--porcelain=v2')).toBe('');
    expect(mergeWorktrees(s)).toEqual([]);
    expect(fsck(s.root)).toBe('');
  });

  it('recovery with the journal at "moving" but the branch not moved rolls back', async () => {
    const s = setup();
    await s.queue.add(await s.run('run-1', 'T-1', { 'a.txt': 'a from T-1\n' }));
    await expect(s.queue.process(async () => Promise.reject(new Error('killed')))).rejects.toThrow('killed');
    const file = join(s.dataDir, 'queues', `${projectHash(s.root)}.json`);
    const j = journal(s);
    j.step = { ...j.step, phase: 'moving', follow: true };
    writeFileSync(file, JSON.stringify(j));
    const before = head(s.root);
    expect(await new MergeQueue({ git: nativeGit(), root: s.root, dataDir: s.dataDir }).recover()).toMatchObject({ rolledBack: 'run-1', completed: null });
    expect(head(s.root)).toBe(before);
  });

  it('removes stray merge worktrees on recovery', async () => {
    const s = setup();
    await s.queue.recover();
    const folder = join(s.dataDir, 'queues', projectHash(s.root));
    writeFiles(folder, { 'run-x/file.txt': 'left behind\n' });
    await s.queue.recover();
    expect(readdirSync(folder)).toEqual([]);
  });

  it('adds, lists and drops entries, refusing duplicates and bad names', async () => {
    const s = setup();
    const e = await s.run('run-1', 'T-1', { 'a.txt': 'x\n' });
    await s.queue.add(e);
    await expect(s.queue.add(e)).rejects.toThrow(/already in the merge queue/);
    await expect(s.queue.add({ ...e, runId: 'run-2', branch: 'bad..name' })).rejects.toThrow(/not a branch name/);
    await expect(s.queue.add({ ...e, runId: 'run-2', branch: '-evil' })).rejects.toThrow(/not a branch name/);
    await expect(s.queue.add({ ...e, runId: 'run-2', taskId: 'T-1 && x' })).rejects.toThrow(/not a task id/);
    await expect(s.queue.add({ ...e, runId: 'run-2', depends: ['../T-1'] })).rejects.toThrow(/not a task id/);
    await expect(s.queue.add({ ...e, runId: '../run' })).rejects.toThrow(/not a valid run id/);
    expect(await states(s.queue)).toEqual([['T-1', 'waiting']]);
    // The journal survives a restart.
    expect(await states(new MergeQueue({ git: nativeGit(), root: s.root, dataDir: s.dataDir }))).toEqual([['T-1', 'waiting']]);
    await s.queue.drop('run-1');
    await expect(s.queue.drop('run-1')).rejects.toThrow(/not in the merge queue/);
    expect(await s.queue.list()).toEqual([]);
  });

  it('refuses to drop the entry being merged', async () => {
    const s = setup();
    await s.queue.add(await s.run('run-1', 'T-1', { 'a.txt': 'x\n' }));
    let refused = '';
    await s.queue.process(async () => {
      refused = await s.queue.drop('run-1').then(() => 'dropped', (e: Error) => e.message);
      return { ok: true, reason: '' };
    });
    expect(refused).toMatch(/being merged right now/);
    expect(await states(s.queue)).toEqual([['T-1', 'merged']]);
  });

  it('stops with a reason when the run branch is gone or HEAD is detached', async () => {
    const s = setup();
    const e = await s.run('run-1', 'T-1', { 'a.txt': 'x\n' });
    await s.queue.add(e);
    await s.trees.remove('run-1', { deleteBranch: true });
    expect((await s.queue.process(pass)).stopped?.reason).toMatch(/no longer exists\. Drop the run/);
    await s.queue.drop('run-1');
    await s.queue.add(await s.run('run-2', 'T-2', { 'b.txt': 'y\n' }));
    git(s.root, 'checkout', '-q', '--detach');
    expect((await s.queue.process(pass)).stopped?.reason).toBe('waiting: T-2 merges into main, and HEAD is detached. Switch back to main to merge it, or drop it.');
  });
  it('counts a step as merged when the app was killed after the work tree followed the branch but before the journal said so; the user\'s files stay', async () => {
    const s = setup();
    await s.queue.add(await s.run('run-1', 'T-1', { 'a.txt': 'a from T-1\n' }));
    writeFiles(s.root, { 'b.txt': 'unstaged\n', 'notes.md': 'untracked\n', 'debug.log': 'ignored\n' });
    const mine = () => ['b.txt', 'notes.md', 'debug.log'].map((f) => readFileSync(join(s.root, f), 'utf8'));
    const before = mine();
    await expect(s.queue.process(async () => Promise.reject(new Error('killed')))).rejects.toThrow('killed');
    // The crash: update-ref and read-tree both ran, the journal still says "moving".
    const j = journal(s);
    const old = head(s.root);
    writeFileSync(join(s.dataDir, 'queues', `${projectHash(s.root)}.json`), JSON.stringify({ ...j, step: { ...j.step, phase: 'moving', follow: true } }));
    git(s.root, 'update-ref', 'refs/heads/main', j.step.merged, old);
    git(s.root, 'read-tree', '-m', '-u', old, j.step.merged);

    const restarted = new MergeQueue({ git: nativeGit(), root: s.root, dataDir: s.dataDir });
    expect(await restarted.recover()).toEqual({ rolledBack: null, completed: 'run-1', note: null });
    expect(await states(restarted)).toEqual([['T-1', 'merged']]);
    expect(readFileSync(join(s.root, 'a.txt'), 'utf8')).toBe('a from T-1\n');
    expect(mine()).toEqual(before);
    expect(git(s.root, 'status', '--porcelain', '--untracked-files=all').split('\n').filter(Boolean).sort()).toEqual([' M b.txt', '?? notes.md']);
    expect(mergeWorktrees(s)).toEqual([]);
    expect(fsck(s.root)).toBe('');
  });
});

describe('MergeQueue.recheck', () => {
  /** Checks that fail while a.txt is "broken", recording what they saw. */
  const brokenA = (seen: string[]) => async (tree: string): Promise<CheckResult> => {
    const a = readFileSync(join(tree, 'a.txt'), 'utf8');
    seen.push(a);
    return a === 'broken\n' ? { ok: false, reason: 'T-1/check-1 (`node check.js a`) failed, exit 1' } : { ok: true, reason: '' };
  };
  const worktreeOf = async (s: Setup, runId: string): Promise<string> => (await s.trees.list()).find((t) => t.runId === runId)!.path;

  it('does nothing while what stopped the queue is still there; a fix on the run\'s branch merges once its checks pass on the merged tree', async () => {
    const s = setup();
    await s.queue.add(await s.run('run-1', 'T-1', { 'a.txt': 'broken\n' }));
    await s.queue.add(await s.run('run-2', 'T-2', { 'b.txt': 'b from T-2\n' }));
    const seen: string[] = [];
    expect((await s.queue.process(brokenA(seen))).stopped?.runId).toBe('run-1');
    expect(seen).toEqual(['broken\n']);
    const before = head(s.root);

    // Changes the stop does not wait on: an untracked file, an edit elsewhere. Nothing runs.
    writeFiles(s.root, { 'notes.md': 'mine\n', 'b.txt': 'my edit\n' });
    expect(await s.queue.recheck(brokenA(seen))).toBeNull();
    expect(await s.queue.recheck(brokenA(seen))).toBeNull();
    expect(seen).toEqual(['broken\n']);
    expect(await states(s.queue)).toEqual([['T-1', 'stopped'], ['T-2', 'waiting']]);

    // The run's branch gets a fix: the queue goes on, checking the merged tree first.
    const wt = await worktreeOf(s, 'run-1');
    writeFiles(wt, { 'a.txt': 'fixed\n' });
    git(wt, 'commit', '-qam', 'fix');
    const result = await s.queue.recheck(brokenA(seen));
    expect(result?.merged).toEqual(['run-1']);
    // T-1's merged tree, then T-2's (on top of it).
    expect(seen).toEqual(['broken\n', 'fixed\n', 'fixed\n']);
    expect(git(s.root, 'show', 'main:a.txt')).toBe('fixed\n');
    expect(git(s.root, 'rev-parse', 'main^1').trim()).toBe(before);
    // T-2 overlaps the user's edit of b.txt: stopped, held by that change now.
    expect(result?.stopped?.runId).toBe('run-2');
    expect(readFileSync(join(s.root, 'b.txt'), 'utf8')).toBe('my edit\n');
    expect(await s.queue.recheck(pass)).toBeNull();
    expect(fsck(s.root)).toBe('');
  });

  it('waits for the uncommitted changes that stopped it, not for every edit, and goes on once they are stashed', async () => {
    const s = setup();
    await s.queue.add(await s.run('run-1', 'T-1', { 'a.txt': 'a from T-1\n' }));
    writeFiles(s.root, { 'a.txt': 'my edit\n' });
    let checks = 0;
    const counted = async (): Promise<CheckResult> => {
      checks++;
      return { ok: true, reason: '' };
    };
    expect((await s.queue.process(counted)).stopped?.reason).toMatch(/uncommitted changes to a\.txt overlap.*Commit or stash them; the queue goes on by itself\.$/);
    // More edits of the same file, and of another one: still in the way, nothing runs.
    writeFiles(s.root, { 'a.txt': 'my second edit\n', 'b.txt': 'b edit\n' });
    expect(await s.queue.recheck(counted)).toBeNull();
    expect(checks).toBe(1);
    git(s.root, 'stash', '-q');
    expect((await s.queue.recheck(counted))?.merged).toEqual(['run-1']);
    expect(checks).toBe(2);
    expect(readFileSync(join(s.root, 'a.txt'), 'utf8')).toBe('a from T-1\n');
  });

  it('takes up a merge resolved in the user\'s work tree once it is committed, after its checks pass on the commit; an abort stops it again', async () => {
    const s = setup();
    await s.queue.add(await s.run('run-1', 'T-1', { 'shared.txt': 'line 1 from T-1\nline 2\n' }));
    await s.queue.add(await s.run('run-2', 'T-2', { 'b.txt': 'b from T-2\n' }));
    writeFiles(s.root, { 'shared.txt': 'line 1 mine\nline 2\n' });
    git(s.root, 'commit', '-qam', 'mine');
    const seen: string[] = [];
    const checks = async (tree: string): Promise<CheckResult> => {
      const text = readFileSync(join(tree, 'shared.txt'), 'utf8');
      seen.push(text);
      return text.includes('<<<') ? { ok: false, reason: 'markers left' } : { ok: true, reason: '' };
    };
    expect((await s.queue.process(checks)).stopped?.reason).toMatch(/conflicts in shared\.txt/);
    await s.queue.resolve('run-1');
    // While the user resolves (edits, stages), nothing runs.
    writeFiles(s.root, { 'shared.txt': 'line 1 mine and T-1\nline 2\n' });
    expect(await s.queue.recheck(checks)).toBeNull();
    git(s.root, 'add', 'shared.txt');
    expect(await s.queue.recheck(checks)).toBeNull();
    expect(seen).toEqual([]);
    // Aborted: stopped again, saying so.
    git(s.root, 'merge', '--abort');
    expect((await s.queue.recheck(checks))?.stopped?.reason).toMatch(/^The merge of T-1 .* was aborted/);
    expect(await s.queue.recheck(checks)).toBeNull();
    // Resolved and committed: checked on the commit, merged, and the queue goes on to T-2.
    await s.queue.resolve('run-1');
    writeFiles(s.root, { 'shared.txt': 'line 1 mine and T-1\nline 2\n' });
    git(s.root, 'commit', '-qam', 'merged T-1');
    const result = await s.queue.recheck(checks);
    expect(result).toEqual({ merged: ['run-1', 'run-2'], stopped: null });
    expect(seen[0]).toBe('line 1 mine and T-1\nline 2\n');
    expect(await states(s.queue)).toEqual([['T-1', 'merged'], ['T-2', 'merged']]);
    expect(fsck(s.root)).toBe('');
  });

  it('sees on the next start a blocker that went while the app was closed; an entry of an older journal is held from then on', async () => {
    const s = setup();
    await s.queue.add(await s.run('run-1', 'T-1', { 'a.txt': 'broken\n' }));
    const seen: string[] = [];
    await s.queue.process(brokenA(seen));
    const file = join(s.dataDir, 'queues', `${projectHash(s.root)}.json`);
    const saved = readFileSync(file, 'utf8');
    // Fixed while the app was closed.
    const wt = await worktreeOf(s, 'run-1');
    writeFiles(wt, { 'a.txt': 'fixed\n' });
    git(wt, 'commit', '-qam', 'fix');

    // A journal of an older version knows nothing of what held the entry: nothing runs at once.
    const { held: _held, ...older } = JSON.parse(saved) as Record<string, unknown>;
    writeFileSync(file, JSON.stringify(older));
    const old = new MergeQueue({ git: nativeGit(), root: s.root, dataDir: s.dataDir });
    await old.recover();
    expect(await old.recheck(brokenA(seen))).toBeNull();
    expect(seen).toEqual(['broken\n']);

    // This version's journal remembers it: the fix is seen.
    writeFileSync(file, saved);
    const restarted = new MergeQueue({ git: nativeGit(), root: s.root, dataDir: s.dataDir });
    await restarted.recover();
    expect((await restarted.recheck(brokenA(seen)))?.merged).toEqual(['run-1']);
    expect(seen).toEqual(['broken\n', 'fixed\n']);
  });

  it('leaves a step a throwing check interrupted to process(), and resumes a step rolled back on the next start', async () => {
    const s = setup();
    await s.queue.add(await s.run('run-1', 'T-1', { 'a.txt': 'a from T-1\n' }));
    await s.queue.add(await s.run('run-2', 'T-2', { 'b.txt': 'b from T-2\n' }));
    writeFiles(s.root, { 'notes.md': 'untracked\n' });
    const before = userState(s.root, ['a.txt', 'notes.md']);
    await expect(s.queue.process(async () => Promise.reject(new Error('killed')))).rejects.toThrow('killed');
    let checks = 0;
    const counted = async (): Promise<CheckResult> => {
      checks++;
      return { ok: true, reason: '' };
    };
    // T-2 waits behind the interrupted step: still nothing runs.
    expect(await s.queue.recheck(counted)).toBeNull();
    expect(checks).toBe(0);

    const restarted = new MergeQueue({ git: nativeGit(), root: s.root, dataDir: s.dataDir });
    expect((await restarted.recover()).rolledBack).toBe('run-1');
    expect(userState(s.root, ['a.txt', 'notes.md'])).toEqual(before);
    expect(await restarted.recheck(counted)).toEqual({ merged: ['run-1', 'run-2'], stopped: null });
    expect(checks).toBe(2);
    expect(readFileSync(join(s.root, 'notes.md'), 'utf8')).toBe('untracked\n');
    expect(await restarted.recheck(counted)).toBeNull();
  });
});

describe('MergeQueue: the target branch and the user\'s own git operations', () => {
  const failing = (seen: string[]) => async (tree: string): Promise<CheckResult> => {
    const a = readFileSync(join(tree, 'a.txt'), 'utf8');
    seen.push(a);
    return a === 'broken\n' ? { ok: false, reason: 'T-1/check-1 (`node check.js a`) failed, exit 1' } : { ok: true, reason: '' };
  };
  /** Commits `files` on the run's branch in its worktree (a fix by the user). */
  const fix = async (s: Setup, runId: string, files: Record<string, string>): Promise<void> => {
    const wt = (await s.trees.list()).find((t) => t.runId === runId)!.path;
    writeFiles(wt, files);
    git(wt, 'commit', '-qam', 'fix');
  };

  it('merges only into the branch it was accepted on: a switch to another branch holds it, also after a restart, and switching back merges it there', async () => {
    const s = setup();
    await s.queue.add(await s.run('run-1', 'T-1', { 'a.txt': 'broken\n' }));
    await s.queue.add(await s.run('run-2', 'T-2', { 'b.txt': 'b from T-2\n' }));
    expect(journal(s).entries.map((e: { target: string }) => e.target)).toEqual(['refs/heads/main', 'refs/heads/main']);
    const seen: string[] = [];
    expect((await s.queue.process(failing(seen))).stopped?.runId).toBe('run-1');
    const main = head(s.root);
    // The user switches to another branch, then fixes T-1's branch: nothing goes into release/2.0.
    git(s.root, 'switch', '-q', '-c', 'release/2.0');
    const release = head(s.root, 'release/2.0');
    expect(await s.queue.recheck(failing(seen))).toBeNull();
    await fix(s, 'run-1', { 'a.txt': 'fixed\n' });
    const held = await s.queue.recheck(failing(seen));
    expect(held?.stopped).toEqual({ runId: 'run-1', reason: 'waiting: T-1 merges into main, and your work tree is on release/2.0. Switch back to main to merge it, or drop it.' });
    expect(seen).toEqual(['broken\n']);
    // Held on the branch HEAD is on: other changes run nothing, and neither does a restart.
    writeFiles(s.root, { 'notes.md': 'x\n' });
    expect(await s.queue.recheck(failing(seen))).toBeNull();
    const restarted = new MergeQueue({ git: nativeGit(), root: s.root, dataDir: s.dataDir });
    await restarted.recover();
    expect(await restarted.recheck(failing(seen))).toBeNull();
    expect((await restarted.process(failing(seen))).stopped?.reason).toMatch(/^waiting: T-1 merges into main/);
    expect([head(s.root, 'main'), head(s.root, 'release/2.0')]).toEqual([main, release]);
    expect(seen).toEqual(['broken\n']);
    // Back on main: both merge there.
    git(s.root, 'switch', '-q', 'main');
    expect(await restarted.recheck(failing(seen))).toEqual({ merged: ['run-1', 'run-2'], stopped: null });
    expect(git(s.root, 'show', 'main:a.txt')).toBe('fixed\n');
    expect(head(s.root, 'release/2.0')).toBe(release);
    expect(fsck(s.root)).toBe('');
  });

  it('gives an entry of an older journal the branch it would have used, once: it never moves to another branch later', async () => {
    const s = setup();
    await s.queue.add(await s.run('run-1', 'T-1', { 'a.txt': 'broken\n' }));
    const seen: string[] = [];
    await s.queue.process(failing(seen));
    const file = join(s.dataDir, 'queues', `${projectHash(s.root)}.json`);
    const j = journal(s);
    writeFileSync(file, JSON.stringify({ ...j, entries: j.entries.map(({ target: _t, ...e }: Record<string, unknown>) => e) }));
    // Read on main: it goes into main, and the journal says so at once.
    const restarted = new MergeQueue({ git: nativeGit(), root: s.root, dataDir: s.dataDir });
    await restarted.recover();
    expect(journal(s).entries[0].target).toBe('refs/heads/main');
    git(s.root, 'switch', '-q', '-c', 'elsewhere');
    await fix(s, 'run-1', { 'a.txt': 'fixed\n' });
    expect((await restarted.recheck(failing(seen)))?.stopped?.reason).toMatch(/^waiting: T-1 merges into main, and your work tree is on elsewhere/);
    expect(git(s.root, 'show', 'elsewhere:a.txt')).toBe('a\n');

    // Read while HEAD is detached: no branch until the user asks (Retry) on one; a re-check never picks one.
    writeFileSync(file, JSON.stringify({ ...j, entries: j.entries.map(({ target: _t, ...e }: Record<string, unknown>) => e) }));
    git(s.root, 'checkout', '-q', '--detach');
    const detached = new MergeQueue({ git: nativeGit(), root: s.root, dataDir: s.dataDir });
    await detached.recover();
    expect(journal(s).entries[0].target).toBeNull();
    git(s.root, 'switch', '-q', 'elsewhere');
    const reason = (await detached.recheck(failing(seen)))?.stopped?.reason;
    expect(reason).toBe('T-1 has no branch to merge into yet (HEAD was detached). Switch to the branch it should go into, then choose Retry.');
    expect(git(s.root, 'show', 'elsewhere:a.txt')).toBe('a\n');
    expect(await detached.recheck(failing(seen))).toBeNull();
    expect((await detached.process(failing(seen))).merged).toEqual(['run-1']);
    expect(git(s.root, 'show', 'elsewhere:a.txt')).toBe('fixed\n');
    expect(journal(s).entries[0].target).toBe('refs/heads/elsewhere');
  });

  it('holds while the user is in the middle of a merge of their own, changing neither the branch nor the index, and goes on once it is aborted', async () => {
    const s = setup();
    await s.queue.add(await s.run('run-1', 'T-1', { 'a.txt': 'broken\n' }));
    const seen: string[] = [];
    await s.queue.process(failing(seen));
    // The user's own branch, merged by hand without a commit.
    git(s.root, 'switch', '-q', '-c', 'feature');
    writeFiles(s.root, { 'c.txt': 'feature\n' });
    git(s.root, 'add', 'c.txt');
    git(s.root, 'commit', '-qm', 'feature');
    git(s.root, 'switch', '-q', 'main');
    git(s.root, 'merge', '-q', '--no-ff', '--no-commit', 'feature');
    const before = userState(s.root, ['a.txt', 'c.txt']);
    await fix(s, 'run-1', { 'a.txt': 'fixed\n' });
    const result = await s.queue.recheck(failing(seen));
    expect(result?.stopped?.reason).toBe('waiting: a merge is in progress in your work tree: commit it or abort it (git merge --abort); the queue goes on by itself after that.');
    expect(userState(s.root, ['a.txt', 'c.txt'])).toEqual(before);
    expect(existsSync(join(s.root, '.git', 'MERGE_HEAD'))).toBe(true);
    expect(seen).toEqual(['broken\n']);
    expect(await s.queue.recheck(failing(seen))).toBeNull();
    git(s.root, 'merge', '--abort');
    expect((await s.queue.recheck(failing(seen)))?.merged).toEqual(['run-1']);
    expect(fsck(s.root)).toBe('');
  });

  it('holds during a cherry-pick, and when another git program took the index while the checks ran', async () => {
    const s = setup();
    await s.queue.add(await s.run('run-1', 'T-1', { 'a.txt': 'a from T-1\n' }));
    git(s.root, 'switch', '-q', '-c', 'other');
    writeFiles(s.root, { 'shared.txt': 'other\n' });
    git(s.root, 'commit', '-qam', 'other');
    git(s.root, 'switch', '-q', 'main');
    writeFiles(s.root, { 'shared.txt': 'main\n' });
    git(s.root, 'commit', '-qam', 'main');
    expect(() => git(s.root, 'cherry-pick', 'other')).toThrow();
    const before = userState(s.root, ['a.txt', 'shared.txt']);
    let checks = 0;
    const counted = async (): Promise<CheckResult> => {
      checks++;
      return { ok: true, reason: '' };
    };
    expect((await s.queue.process(counted)).stopped?.reason).toMatch(/^waiting: a cherry-pick is in progress in your work tree: finish it \(git cherry-pick --continue\) or abort it \(git cherry-pick --abort\)/);
    expect(userState(s.root, ['a.txt', 'shared.txt'])).toEqual(before);
    expect(checks).toBe(0);
    git(s.root, 'cherry-pick', '--abort');

    // An index.lock appears while the checks run: the branch stays, and the queue goes on once it is gone.
    const lock = join(s.root, '.git', 'index.lock');
    const main = head(s.root);
    const result = await s.queue.recheck(async () => {
      writeFileSync(lock, '');
      return counted();
    });
    expect(result?.stopped?.reason).toMatch(/^waiting: another git program is working in your repository .*; main was not moved, and the queue goes on by itself after that\.$/);
    expect(head(s.root)).toBe(main);
    expect(await s.queue.recheck(counted)).toBeNull();
    rmSync(lock);
    expect((await s.queue.recheck(counted))?.merged).toEqual(['run-1']);
  });

  it('reads the markers of a project that is a linked worktree in its own git dir', async () => {
    const s = setup();
    const linked = join(makeTempDir('plumbline-linked-'), 'wt');
    git(s.root, 'worktree', 'add', '-q', '-b', 'feature', linked);
    const queue = new MergeQueue({ git: nativeGit(), root: linked, dataDir: s.dataDir });
    const trees = new RunWorktrees({ git: nativeGit(), root: linked, dataDir: s.dataDir });
    const wt = await trees.add('run-1', 'T-1', 'work');
    writeFiles(wt.path, { 'a.txt': 'a from T-1\n' });
    git(wt.path, 'commit', '-qam', 'T-1');
    await queue.add({ runId: 'run-1', taskId: 'T-1', branch: wt.branch, depends: [] });
    // A merge of the user's own in the linked worktree: its MERGE_HEAD is in .git/worktrees/<name>/.
    writeFiles(s.root, { 'c.txt': 'on main\n' });
    git(s.root, 'add', 'c.txt');
    git(s.root, 'commit', '-qm', 'main moves on');
    git(linked, 'merge', '-q', '--no-ff', '--no-commit', 'main');
    expect(existsSync(join(s.root, '.git', 'MERGE_HEAD'))).toBe(false);
    const before = head(linked, 'feature');
    expect((await queue.process(pass)).stopped?.reason).toMatch(/^waiting: a merge is in progress in your work tree/);
    expect(head(linked, 'feature')).toBe(before);
    git(linked, 'merge', '--abort');
    expect((await queue.recheck(pass))?.merged).toEqual(['run-1']);
    expect(git(s.root, 'show', 'feature:a.txt')).toBe('a from T-1\n');
  });

  it('resolves only on the branch the entry merges into; an entry added while HEAD is detached gets a branch only from the user', async () => {
    const s = setup();
    await s.queue.add(await s.run('run-1', 'T-1', { 'shared.txt': 'line 1 from T-1\nline 2\n' }));
    writeFiles(s.root, { 'shared.txt': 'line 1 mine\nline 2\n' });
    git(s.root, 'commit', '-qam', 'mine');
    expect((await s.queue.process(pass)).stopped?.reason).toMatch(/conflicts in shared\.txt/);
    git(s.root, 'switch', '-q', '-c', 'release/2.0');
    await expect(s.queue.resolve('run-1')).rejects.toThrow('T-1 merges into main, and your work tree is on release/2.0. Switch to main, then resolve again.');
    expect(existsSync(join(s.root, '.git', 'MERGE_HEAD'))).toBe(false);

    const two = await s.run('run-2', 'T-2', { 'b.txt': 'b from T-2\n' });
    git(s.root, 'checkout', '-q', '--detach');
    await s.queue.add(two);
    expect((await s.queue.list())[1].target).toBeNull();
    await s.queue.drop('run-1');
    git(s.root, 'switch', '-q', 'release/2.0');
    expect((await s.queue.recheck(pass))?.stopped?.reason).toBe('T-2 has no branch to merge into yet (HEAD was detached). Switch to the branch it should go into, then choose Retry.');
    expect((await s.queue.process(pass)).merged).toEqual(['run-2']);
    expect(git(s.root, 'show', 'release/2.0:b.txt')).toBe('b from T-2\n');
    expect((await s.queue.list())[0].target).toBe('refs/heads/release/2.0');
  });

  it('does not take a merge of the user\'s own for the one being resolved', async () => {
    const s = setup();
    await s.queue.add(await s.run('run-1', 'T-1', { 'shared.txt': 'line 1 from T-1\nline 2\n' }));
    writeFiles(s.root, { 'shared.txt': 'line 1 mine\nline 2\n' });
    git(s.root, 'commit', '-qam', 'mine');
    git(s.root, 'branch', 'feature');
    git(s.root, 'switch', '-q', 'feature');
    writeFiles(s.root, { 'c.txt': 'feature\n' });
    git(s.root, 'add', 'c.txt');
    git(s.root, 'commit', '-qm', 'feature');
    git(s.root, 'switch', '-q', 'main');
    expect((await s.queue.process(pass)).stopped?.reason).toMatch(/conflicts in shared\.txt/);
    await s.queue.resolve('run-1');
    // The user aborts the queue's merge and starts one of their own.
    git(s.root, 'merge', '--abort');
    git(s.root, 'merge', '-q', '--no-ff', '--no-commit', 'feature');
    const result = await s.queue.recheck(pass);
    expect(result?.stopped?.reason).toMatch(/^The merge of T-1 \(plumbline\/T-1-work-of-t-1\) in your work tree was replaced by another merge \(of [0-9a-f]{7}\)\. Commit or abort that merge/);
    expect(await states(s.queue)).toEqual([['T-1', 'stopped']]);
    // A resolve is refused while it is in progress.
    await expect(s.queue.resolve('run-1')).rejects.toThrow(/^A merge is in progress in your work tree: commit it or abort it \(git merge --abort\) first, then resolve T-1 again\.$/);
  });
});

describe('MergeQueue: holds and re-checks', () => {
  it('keeps what the stop was decided on: a fix pushed to the run\'s branch while its checks ran is tried', async () => {
    const s = setup();
    const entry = await s.run('run-1', 'T-1', { 'a.txt': 'broken\n' });
    await s.queue.add(entry);
    const wt = (await s.trees.list()).find((t) => t.runId === 'run-1')!.path;
    const seen: string[] = [];
    const result = await s.queue.process(async (tree) => {
      const a = readFileSync(join(tree, 'a.txt'), 'utf8');
      seen.push(a);
      // The user pushes the fix while the checks (of the broken tree) run.
      if (a === 'broken\n') {
        writeFiles(wt, { 'a.txt': 'fixed\n' });
        git(wt, 'commit', '-qam', 'fix');
      }
      return a === 'broken\n' ? { ok: false, reason: 'a is broken' } : { ok: true, reason: '' };
    });
    expect(result.stopped?.runId).toBe('run-1');
    expect((await s.queue.recheck(async (tree) => (seen.push(readFileSync(join(tree, 'a.txt'), 'utf8')), { ok: true, reason: '' })))?.merged).toEqual(['run-1']);
    expect(seen).toEqual(['broken\n', 'fixed\n']);
  });

  it('takes a hold of an older version anew, keeping the uncommitted changes that stopped it', async () => {
    const s = setup();
    await s.queue.add(await s.run('run-1', 'T-1', { 'a.txt': 'a from T-1\n' }));
    writeFiles(s.root, { 'a.txt': 'mine\n' });
    expect((await s.queue.process(pass)).stopped?.reason).toMatch(/changes to a\.txt overlap/);
    const file = join(s.dataDir, 'queues', `${projectHash(s.root)}.json`);
    writeFileSync(file, JSON.stringify({ ...journal(s), held: { 'run-1': { key: '["refs/heads/main"]', paths: ['a.txt'] } } }));
    const restarted = new MergeQueue({ git: nativeGit(), root: s.root, dataDir: s.dataDir });
    await restarted.recover();
    expect(await restarted.recheck(pass)).toBeNull();
    expect(restarted.watchesWorkTree()).toBe(true);
    git(s.root, 'stash', '-q');
    expect((await restarted.recheck(pass))?.merged).toEqual(['run-1']);
  });

  it('reads HEAD and the branches once per re-check, with no status unless changes of the user hold an entry', async () => {
    const s = setup();
    const log = join(s.dataDir, 'git.log');
    const wrapper = join(s.dataDir, 'git-wrapper.sh');
    writeFileSync(wrapper, `#!/bin/sh\necho "$5" >> '${log}'\nexec git "$@"\n`, { mode: 0o755 });
    const counted = new MergeQueue({ git: { ...nativeGit(), path: wrapper }, root: s.root, dataDir: s.dataDir });
    await counted.add(await s.run('run-1', 'T-1', { 'shared.txt': 'line 1 from T-1\nline 2\n' }));
    await counted.add(await s.run('run-2', 'T-2', { 'a.txt': 'a from T-2\n' }));
    writeFiles(s.root, { 'shared.txt': 'line 1 mine\nline 2\n' });
    git(s.root, 'commit', '-qam', 'mine');
    await counted.process(pass);
    const calls = async () => {
      writeFileSync(log, '');
      expect(await counted.recheck(pass)).toBeNull();
      return readFileSync(log, 'utf8').split('\n').filter(Boolean);
    };
    expect(await calls()).toEqual(['symbolic-ref', 'for-each-ref']);
    // Held in the user's work tree (resolving): still one read of each.
    await counted.resolve('run-1');
    expect(await calls()).toEqual(['symbolic-ref', 'for-each-ref']);
    expect(counted.watchesWorkTree()).toBe(false);
  });

  it('watches the work tree only while uncommitted changes of the user hold an entry', async () => {
    const s = setup();
    await s.queue.add(await s.run('run-1', 'T-1', { 'a.txt': 'a from T-1\n' }));
    writeFiles(s.root, { 'a.txt': 'mine\n' });
    await s.queue.process(pass);
    expect(s.queue.watchesWorkTree()).toBe(true);
    git(s.root, 'stash', '-q');
    expect((await s.queue.recheck(pass))?.merged).toEqual(['run-1']);
    expect(s.queue.watchesWorkTree()).toBe(false);
  });

  it('without a command sandbox a re-check runs no checks: the entry holds, saying Retry runs them, and Retry does', async () => {
    const s = setup();
    await s.queue.add(await s.run('run-1', 'T-1', { 'a.txt': 'broken\n' }));
    await s.queue.add(await s.run('run-2', 'T-2', { 'shared.txt': 'line 1 from T-2\nline 2\n' }));
    let checks = 0;
    const failingA = async (tree: string): Promise<CheckResult> => {
      checks++;
      return readFileSync(join(tree, 'a.txt'), 'utf8') === 'broken\n' ? { ok: false, reason: 'a is broken' } : { ok: true, reason: '' };
    };
    await s.queue.process(failingA);
    const wt = (await s.trees.list()).find((t) => t.runId === 'run-1')!.path;
    writeFiles(wt, { 'a.txt': 'fixed\n' });
    git(wt, 'commit', '-qam', 'fix');
    const before = head(s.root);
    const held = await s.queue.recheck(null);
    expect(held?.stopped).toEqual({ runId: 'run-1', reason: 'T-1 can be merged into main once its checks pass on the merged tree. Retry runs its checks (no command sandbox here: they run only when you ask).' });
    expect(checks).toBe(1);
    expect(head(s.root)).toBe(before);
    expect(mergeWorktrees(s)).toEqual([]);
    expect(await s.queue.recheck(null)).toBeNull();
    // Retry: the checks run, T-1 merges; T-2 conflicts with the user's commit and is resolved in the work tree.
    writeFiles(s.root, { 'shared.txt': 'line 1 mine\nline 2\n' });
    git(s.root, 'commit', '-qam', 'mine');
    expect(await s.queue.process(failingA)).toMatchObject({ merged: ['run-1'], stopped: { runId: 'run-2' } });
    expect(checks).toBe(2);
    await s.queue.resolve('run-2');
    writeFiles(s.root, { 'shared.txt': 'line 1 mine and T-2\nline 2\n' });
    git(s.root, 'commit', '-qam', 'merged T-2');
    // Committed: without a sandbox the re-check does not run the checks on the commit.
    expect((await s.queue.recheck(null))?.stopped?.reason).toMatch(/^Your commit [0-9a-f]{7} on main merged T-2; it counts once its checks pass there\. Retry runs its checks/);
    expect(checks).toBe(2);
    expect((await s.queue.process(failingA)).merged).toEqual(['run-2']);
    expect(checks).toBe(3);
  });
});
