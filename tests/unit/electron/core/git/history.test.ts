import { chmodSync, rmSync, symlinkSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commitChanges, readCommit, readLog } from '../../../../../electron/core/git/history';
import { closeRepo } from '../../../../../electron/core/git/repo-cache';
import { cleanupTemp, git, initRepo, write } from './git-oracle';

afterAll(cleanupTemp);

/** A repository with branches, a merge, renames, mode and type changes; packed (with deltas) when asked. */
function buildHistory(pack: boolean): string {
  const dir = initRepo();
  write(dir, { 'a.txt': 'a\n'.repeat(50), 'dir/b.txt': 'b\n', 'dir/sub/c.txt': 'c\n', 'x.sh': 'echo\n' });
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'root commit');
  for (let i = 0; i < 12; i++) {
    write(dir, { 'a.txt': `${'a\n'.repeat(50)}edit ${i}\n`, [`files/f${i}.txt`]: `file ${i}\n` });
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', `edit ${i}\n\nbody line for ${i}`);
  }
  git(dir, 'checkout', '-q', '-b', 'feature');
  write(dir, { 'feature.txt': 'f\n' });
  git(dir, 'mv', 'dir/b.txt', 'dir/renamed.txt');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'feature work');
  git(dir, 'checkout', '-q', 'main');
  chmodSync(join(dir, 'x.sh'), 0o755);
  unlinkSync(join(dir, 'dir/sub/c.txt'));
  symlinkSync('../b.txt', join(dir, 'dir/sub/c.txt'));
  rmSync(join(dir, 'files/f0.txt'));
  write(dir, { 'files/f0.txt/now-a-dir.txt': 'x\n' });
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'modes and types');
  git(dir, 'merge', '-q', '--no-ff', '-m', 'merge feature', 'feature');
  write(dir, { 'after.txt': 'after merge\n' });
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'after merge');
  if (pack) git(dir, 'gc', '-q', '--aggressive');
  return dir;
}

describe.each([
  ['loose objects', false],
  ['packed objects with deltas', true],
])('history conformance (%s)', (_label, pack) => {
  let dir = '';
  beforeAll(() => {
    dir = buildHistory(pack);
  });
  afterAll(() => closeRepo(dir));

  it('readLog matches git log order, with paging', async () => {
    const native = git(dir, 'log', '--format=%H').trim().split('\n');
    const all = await readLog(dir, { limit: 1000 });
    expect(all.map((c) => c.oid)).toEqual(native);
    const pages = [...(await readLog(dir, { limit: 5 })), ...(await readLog(dir, { skip: 5, limit: 5 })), ...(await readLog(dir, { skip: 10, limit: 100 }))];
    expect(pages.map((c) => c.oid)).toEqual(native);
    git(dir, 'tag', '-a', '-m', 'annotated', 'v1', 'HEAD~2');
    const tagged = git(dir, 'log', '--format=%H', 'v1').trim().split('\n');
    expect((await readLog(dir, { ref: 'v1', limit: 100 })).map((c) => c.oid)).toEqual(tagged);
    const feature = git(dir, 'log', '--format=%H', '-n', '3', 'feature').trim().split('\n');
    expect((await readLog(dir, { ref: 'feature', limit: 3 })).map((c) => c.oid)).toEqual(feature);
  });

  it('readLog gives messages, parents and people like git', async () => {
    const [head] = await readLog(dir, { limit: 1 });
    const fmt = git(dir, 'log', '-1', '--format=%P%x00%an%x00%ae%x00%at%x00%cn%x00%B', 'HEAD').split('\0');
    expect(head.parents.join(' ')).toBe(fmt[0]);
    expect(head.author).toMatchObject({ name: fmt[1], email: fmt[2], timestamp: Number(fmt[3]), timezoneOffset: -120 });
    expect(head.committer.name).toBe(fmt[4]);
    expect(head.message.trim()).toBe(fmt[5].trim());
    const merge = (await readLog(dir, { limit: 10 })).find((c) => c.message.startsWith('merge feature'));
    expect(merge?.parents).toHaveLength(2);
    expect((await readCommit(dir, head.oid)).oid).toBe(head.oid);
  });

  it('commitChanges matches git diff --name-status --no-renames for every commit', async () => {
    const oids = git(dir, 'log', '--format=%H %P').trim().split('\n');
    for (const line of oids) {
      const [oid, parent] = line.split(' ');
      const native = parent
        ? git(dir, 'diff', '--name-status', '--no-renames', '-z', parent, oid)
        : git(dir, 'diff-tree', '--root', '-r', '--name-status', '--no-renames', '-z', oid).slice(41);
      const parts = native.split('\0').filter((s) => s.length > 0);
      const expected: string[] = [];
      for (let i = 0; i < parts.length; i += 2) expected.push(`${parts[i]} ${parts[i + 1]}`);
      const ours = (await commitChanges(dir, oid)).map((c) => `${c.status} ${c.path}`);
      expect(ours.sort()).toEqual(expected.sort());
    }
  });
});

describe('history edge cases', () => {
  it('gives an empty log for an unborn branch and a clear error for an unknown ref', async () => {
    const dir = initRepo();
    expect(await readLog(dir, { limit: 10 })).toEqual([]);
    await expect(readLog(dir, { ref: 'nope', limit: 10 })).rejects.toThrow(/no branch, tag or commit named "nope"/);
  });

  it('reports a missing commit object clearly', async () => {
    const dir = initRepo();
    write(dir, { 'a.txt': 'a\n' });
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'one');
    write(dir, { 'a.txt': 'b\n' });
    git(dir, 'commit', '-q', '-am', 'two');
    const parent = git(dir, 'rev-parse', 'HEAD~1').trim();
    rmSync(join(dir, '.git/objects', parent.slice(0, 2), parent.slice(2)));
    await expect(readLog(dir, { limit: 10 })).rejects.toThrow(new RegExp(`${parent} is missing`));
  });
});
