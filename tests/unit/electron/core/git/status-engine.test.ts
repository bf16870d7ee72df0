import { chmodSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, symlinkSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { StatusEngine } from '../../../../../electron/core/git/status-engine';
import { cleanupTemp, git, initRepo, nativeStatus, renderEntries, tempDir, write } from './git-oracle';

afterAll(cleanupTemp);

async function engineStatus(dir: string, includeIgnored = false, parallel = false): Promise<string[]> {
  // parallel: share the lstat work with a worker even on a tiny repository, to cover that path.
  const engine = new StatusEngine(parallel ? { dir, statWorkers: 1, parallelFrom: 1 } : { dir, statWorkers: 0 });
  try {
    const first = renderEntries((await engine.status({ includeIgnored })).entries);
    if (!parallel) return first;
    // The worker pool serves full scans after the first one.
    engine.invalidateAll();
    const second = renderEntries((await engine.status({ includeIgnored })).entries);
    expect(second).toEqual(first);
    return second;
  } finally {
    engine.dispose();
  }
}

async function expectSame(dir: string): Promise<void> {
  expect(await engineStatus(dir)).toEqual(nativeStatus(dir));
  expect(await engineStatus(dir, true)).toEqual(nativeStatus(dir, true));
}

describe('StatusEngine conformance with git status --porcelain=v1', () => {
  it('reports modified, added, deleted, staged-and-modified, renamed, untracked and replaced files', async () => {
    const dir = initRepo();
    write(dir, {
      'a.txt': 'alpha\n',
      'b.txt': 'bravo\n',
      'c.txt': 'charlie\n',
      'd.txt': 'delta\n',
      'e.txt': 'echo\n',
      'old name.txt': 'rename me\n',
      'src/deep/f.ts': 'export const f = 1;\n',
      'src/g.ts': 'export const g = 1;\n',
      'becomes-dir': 'file for now\n',
    });
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'initial');
    write(dir, { 'a.txt': 'alpha changed\n', 'b.txt': 'bravo staged\n', 'src/deep/f.ts': 'export const f = 2;\n' });
    git(dir, 'add', 'b.txt');
    write(dir, { 'b.txt': 'bravo staged then edited again\n' });
    git(dir, 'rm', '-q', 'c.txt');
    unlinkSync(join(dir, 'd.txt'));
    write(dir, { 'new.txt': 'added\n' });
    git(dir, 'add', 'new.txt');
    git(dir, 'mv', 'old name.txt', 'new name.txt');
    write(dir, { 'untracked.txt': 'u\n', 'newdir/x.txt': 'x\n', 'newdir/sub/y.txt': 'y\n', 'src/loose.ts': 'l\n' });
    mkdirSync(join(dir, 'emptydir/inner'), { recursive: true });
    unlinkSync(join(dir, 'becomes-dir'));
    write(dir, { 'becomes-dir/inside.txt': 'now a folder\n' });
    // Same size, different content, written right after the index: only hashing can tell.
    write(dir, { 'e.txt': 'ECHO\n' });
    await expectSame(dir);
    expect(await engineStatus(dir, false, true)).toEqual(nativeStatus(dir));
  });

  it('handles names with spaces, unicode, leading dashes and quotes', async () => {
    const dir = initRepo();
    const names = ['with space.txt', 'ünïcödé.md', '-leading-dash', 'quote"d', 'tab\there', '日本/語.txt'];
    write(dir, Object.fromEntries(names.map((n) => [n, `${n}\n`])));
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'names');
    write(dir, { 'with space.txt': 'changed\n', '日本/語.txt': 'changed too\n', '-another dash': 'new\n', 'naïve dir/file': 'x\n' });
    await expectSame(dir);
  });

  it('applies nested .gitignore, negation and .git/info/exclude, with and without --ignored', async () => {
    const dir = initRepo();
    write(dir, {
      '.gitignore': '*.log\nbuild/\n!keep.log\n/only-root.txt\n',
      'src/.gitignore': 'gen/\n*.tmp\n!important.tmp\n',
      'src/a.ts': 'a\n',
      'tracked-but-ignored.log': 'tracked anyway\n',
    });
    git(dir, 'add', '-A');
    git(dir, 'add', '-f', 'tracked-but-ignored.log');
    git(dir, 'commit', '-q', '-m', 'ignores');
    write(dir, { '.git/info/exclude': 'secret.env\n' });
    write(dir, {
      'debug.log': 'x\n',
      'keep.log': 'kept\n',
      'build/out.js': 'x\n',
      'build/nested/deeper.js': 'x\n',
      'src/gen/code.ts': 'x\n',
      'src/x.tmp': 'x\n',
      'src/important.tmp': 'x\n',
      'src/only-root.txt': 'not ignored here\n',
      'only-root.txt': 'ignored at root\n',
      'secret.env': 'k=v\n',
      'mixed/ok.txt': 'x\n',
      'mixed/noise.log': 'x\n',
      'allignored/one.log': 'x\n',
      'allignored/two.log': 'x\n',
      'tracked-but-ignored.log': 'tracked anyway, edited\n',
    });
    await expectSame(dir);
  });

  it('matches git on folder edge cases: ignored content in untracked folders, nested repositories, linked folders', async () => {
    const dir = initRepo();
    write(dir, { '.gitignore': '*.log\nvendor/\n', 'keep.txt': 'k\n', 'vendor/tracked.txt': 'forced\n' });
    git(dir, 'add', '.gitignore', 'keep.txt');
    git(dir, 'add', '-f', 'vendor/tracked.txt');
    git(dir, 'commit', '-q', '-m', 'base');
    write(dir, {
      'fresh/ok.txt': 'x\n',
      'fresh/logs/a.log': 'x\n',
      'fresh/logs/deeper/b.log': 'x\n',
      'onlylogs/sub/c.log': 'x\n',
      'vendor/untracked-in-ignored.txt': 'x\n',
      'vendor/sub/more.txt': 'x\n',
      'nested/inner.txt': 'x\n',
    });
    git(join(dir, 'nested'), 'init', '-q');
    mkdirSync(join(dir, 'real-dir'));
    write(dir, { 'real-dir/f.txt': 'x\n' });
    symlinkSync('real-dir', join(dir, 'link-to-dir'));
    mkdirSync(join(dir, 'empty/also-empty'), { recursive: true });
    await expectSame(dir);
  });

  it('sees executable-bit changes with core.fileMode and type changes to symlinks', async () => {
    const dir = initRepo();
    write(dir, { 'run.sh': '#!/bin/sh\necho hi\n', 'target.txt': 'target\n', 'was-file': 'file\n', 'plain.txt': 'p\n' });
    symlinkSync('target.txt', join(dir, 'link'));
    symlinkSync('target.txt', join(dir, 'link2'));
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'modes');
    chmodSync(join(dir, 'run.sh'), 0o755);
    unlinkSync(join(dir, 'was-file'));
    symlinkSync('target.txt', join(dir, 'was-file'));
    unlinkSync(join(dir, 'link'));
    symlinkSync('plain.txt', join(dir, 'link'));
    unlinkSync(join(dir, 'link2'));
    write(dir, { link2: 'now a file\n' });
    symlinkSync('nowhere', join(dir, 'dangling-new'));
    await expectSame(dir);
    git(dir, 'add', '-A');
    await expectSame(dir);
  });

  it('reports submodules: new commits and dirty content', async () => {
    const sub = initRepo();
    write(sub, { 'lib.txt': 'v1\n' });
    git(sub, 'add', '-A');
    git(sub, 'commit', '-q', '-m', 'sub v1');
    const dir = initRepo();
    write(dir, { 'main.txt': 'main\n' });
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'main');
    git(dir, 'submodule', 'add', '-q', sub, 'vendor/lib');
    git(dir, 'commit', '-q', '-m', 'add submodule');
    await expectSame(dir);
    write(join(dir, 'vendor/lib'), { 'lib.txt': 'edited inside\n' });
    await expectSame(dir);
    git(join(dir, 'vendor/lib'), 'commit', '-q', '-am', 'sub v2');
    await expectSame(dir);
    const engine = new StatusEngine({ dir });
    const s = await engine.status();
    expect(s.entries.find((e) => e.path === 'vendor/lib')).toMatchObject({ kind: 'tracked', submodule: true, worktree: 'M' });
    engine.dispose();
  });

  it('reports an empty repository as unborn, with staged and untracked files', async () => {
    const dir = initRepo();
    const engine = new StatusEngine({ dir });
    const empty = await engine.status();
    expect(empty).toMatchObject({ entries: [], headOid: null, branch: 'main', unborn: true, detached: false });
    engine.dispose();
    write(dir, { 'staged.txt': 's\n', 'untracked/u.txt': 'u\n' });
    git(dir, 'add', 'staged.txt');
    await expectSame(dir);
  });

  it('reports a detached HEAD', async () => {
    const dir = initRepo();
    write(dir, { 'a.txt': '1\n' });
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'one');
    write(dir, { 'a.txt': '2\n' });
    git(dir, 'commit', '-q', '-am', 'two');
    const first = git(dir, 'rev-parse', 'HEAD~1').trim();
    git(dir, 'checkout', '-q', '--detach', first);
    write(dir, { 'a.txt': 'dirty\n' });
    const engine = new StatusEngine({ dir });
    const s = await engine.status();
    expect(s).toMatchObject({ headOid: first, branch: null, detached: true, unborn: false });
    engine.dispose();
    await expectSame(dir);
  });

  it('handles CRLF files with and without core.autocrlf', async () => {
    const dir = initRepo();
    write(dir, { 'win.txt': 'one\r\ntwo\r\n', 'unix.txt': 'one\ntwo\n', 'win2.txt': 'a\r\nb\r\n' });
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'crlf');
    write(dir, { 'win2.txt': 'a\r\nB\r\n' });
    await expectSame(dir);
    const auto = initRepo();
    git(auto, 'config', 'core.autocrlf', 'true');
    write(auto, { 'a.txt': 'x\r\ny\r\n', 'b.txt': 'p\r\nq\r\n' });
    git(auto, 'add', '-A');
    git(auto, 'commit', '-q', '-m', 'auto');
    write(auto, { 'b.txt': 'p\r\nQ\r\n' });
    await expectSame(auto);
  });

  it('compares files again when a .gitattributes above them changes (watcher hints)', async () => {
    const dir = initRepo();
    write(dir, { '.gitattributes': '*.txt eol=crlf\n', 'sub/.gitattributes': '*.md eol=crlf\n', 'r.txt': 'a\r\n', 'sub/s.md': 'b\r\n' });
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'attrs');
    // Same size, newer mtime: both files are compared by content, converted.
    const t = Date.now() / 1000 + 60;
    for (const p of ['r.txt', 'sub/s.md']) utimesSync(join(dir, p), t, t);
    const engine = new StatusEngine({ dir, statWorkers: 0 });
    try {
      expect(renderEntries((await engine.status()).entries)).toEqual(nativeStatus(dir));
      write(dir, { 'sub/.gitattributes': '*.md -text\n' });
      engine.notifyChanged(['sub/.gitattributes']);
      expect(renderEntries((await engine.status()).entries)).toEqual(nativeStatus(dir));
      write(dir, { '.gitattributes': '*.txt -text\n' });
      engine.notifyChanged(['.gitattributes']);
      const last = renderEntries((await engine.status()).entries);
      expect(last).toEqual(nativeStatus(dir));
      expect(last).toEqual([' M .gitattributes', ' M r.txt', ' M sub/.gitattributes', ' M sub/s.md']);
    } finally {
      engine.dispose();
    }
  });

  it('takes a .gitattributes deleted from the work tree from the index, and compares again when the index drops it', async () => {
    const dir = initRepo();
    write(dir, { '.gitattributes': '*.txt eol=crlf\n', 'sub/.gitattributes': '*.md eol=crlf\n', 'r.txt': 'a\r\n', 'sub/s.md': 'b\r\n' });
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'attrs');
    rmSync(join(dir, '.gitattributes'));
    rmSync(join(dir, 'sub/.gitattributes'));
    // Same size, newer mtime: both files are compared by content, converted by the index's attributes.
    const t = Date.now() / 1000 + 60;
    for (const p of ['r.txt', 'sub/s.md']) utimesSync(join(dir, p), t, t);
    const engine = new StatusEngine({ dir, statWorkers: 0 });
    try {
      const first = renderEntries((await engine.status()).entries);
      expect(first).toEqual(nativeStatus(dir));
      expect(first).toEqual([' D .gitattributes', ' D sub/.gitattributes']);
      // Out of the index too: nothing converts any more, so the files' CRLF no longer match their blobs.
      git(dir, 'rm', '-q', '--cached', '.gitattributes', 'sub/.gitattributes');
      engine.invalidateAll();
      const last = renderEntries((await engine.status()).entries);
      expect(last).toEqual(nativeStatus(dir));
      expect(last).toEqual(['D  .gitattributes', 'D  sub/.gitattributes', ' M r.txt', ' M sub/s.md'].sort());
    } finally {
      engine.dispose();
    }
    // Only a subfolder's, deleted: it applies below that folder alone.
    const sub = initRepo();
    write(sub, { 'sub/.gitattributes': '*.md eol=crlf\n', 'sub/deep/s.md': 'b\r\n', 'top.md': 't\r\n' });
    git(sub, 'add', '-A');
    git(sub, 'commit', '-q', '-m', 'attrs');
    rmSync(join(sub, 'sub/.gitattributes'));
    for (const p of ['sub/deep/s.md', 'top.md']) utimesSync(join(sub, p), t, t);
    expect(await engineStatus(sub)).toEqual(nativeStatus(sub));
    // In conflict and deleted: stage 2 ("ours") applies, as in git.
    const merge = initRepo();
    write(merge, { '.gitattributes': '*.txt -text\n', 'r.txt': 'a\r\n' });
    git(merge, 'add', '-A');
    git(merge, 'commit', '-q', '-m', 'attrs');
    git(merge, 'switch', '-q', '-c', 'side');
    // Only .gitattributes is committed (`commit -a` could store r.txt again under the new rules).
    write(merge, { '.gitattributes': '*.txt binary\n' });
    git(merge, 'add', '.gitattributes');
    git(merge, 'commit', '-q', '-m', 'side');
    git(merge, 'switch', '-q', 'main');
    write(merge, { '.gitattributes': '*.txt eol=crlf\n' });
    git(merge, 'add', '.gitattributes');
    git(merge, 'commit', '-q', '-m', 'main');
    expect(() => git(merge, 'merge', '-q', 'side')).toThrow();
    rmSync(join(merge, '.gitattributes'));
    // Staged under eol=crlf, then only line ends moved at the same size: equal once converted.
    write(merge, { 'r.txt': 'x\r\ny\n' });
    git(merge, 'add', 'r.txt');
    write(merge, { 'r.txt': 'x\ny\r\n' });
    utimesSync(join(merge, 'r.txt'), t, t);
    const merged = await engineStatus(merge);
    expect(merged).toEqual(nativeStatus(merge));
    expect(merged).toEqual(['M  r.txt', 'UU .gitattributes']);
  });

  it('reads index versions 3 (skip-worktree) and 4 (path compression)', async () => {
    const dir = initRepo();
    write(dir, { 'a/one.txt': '1\n', 'a/two.txt': '2\n', 'b/three.txt': '3\n' });
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'v');
    git(dir, 'update-index', '--index-version', '4');
    write(dir, { 'a/two.txt': 'two\n' });
    await expectSame(dir);
    git(dir, 'update-index', '--index-version', '3');
    git(dir, 'update-index', '--skip-worktree', 'b/three.txt');
    unlinkSync(join(dir, 'b/three.txt'));
    await expectSame(dir);
  });

  it('reports merge conflicts', async () => {
    const dir = initRepo();
    write(dir, { 'c.txt': 'base\n', 'gone.txt': 'base\n' });
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'base');
    git(dir, 'checkout', '-q', '-b', 'other');
    write(dir, { 'c.txt': 'theirs\n', 'both-added.txt': 'theirs\n' });
    git(dir, 'rm', '-q', 'gone.txt');
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'other');
    git(dir, 'checkout', '-q', 'main');
    write(dir, { 'c.txt': 'ours\n', 'both-added.txt': 'ours\n', 'gone.txt': 'edited\n' });
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'ours');
    expect(() => git(dir, 'merge', '-q', 'other')).toThrow();
    await expectSame(dir);
  });
});

describe('StatusEngine incremental updates', () => {
  it('follows notifyChanged hints and index changes like a fresh status', async () => {
    const dir = initRepo();
    write(dir, { 'a.txt': 'a\n', 'src/b.ts': 'b\n', 'src/c.ts': 'c\n', '.gitignore': '*.log\n' });
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'init');
    const engine = new StatusEngine({ dir });
    expect(renderEntries((await engine.status()).entries)).toEqual([]);
    const check = async (): Promise<void> => expect(renderEntries((await engine.status()).entries)).toEqual(nativeStatus(dir));

    write(dir, { 'src/b.ts': 'b changed\n' });
    engine.notifyChanged(['src/b.ts']);
    await check();

    write(dir, { 'fresh/deep/file.txt': 'new\n' });
    engine.notifyChanged(['fresh']);
    await check();

    unlinkSync(join(dir, 'src/c.ts'));
    engine.notifyChanged(['src/c.ts']);
    await check();

    write(dir, { 'x.log': 'log\n', 'y.tmp': 'tmp\n' });
    engine.notifyChanged(['x.log', 'y.tmp']);
    await check();

    write(dir, { '.gitignore': '*.log\n*.tmp\n' });
    engine.notifyChanged(['.gitignore']);
    await check();

    renameSync(join(dir, 'src'), join(dir, 'lib'));
    engine.notifyChanged(['src', 'lib']);
    await check();

    // A tracked folder and an untracked one replaced by files, then by folders again: what a name is
    // (folder or not) is remembered only as long as its folder's listing.
    await check();
    rmSync(join(dir, 'lib'), { recursive: true });
    rmSync(join(dir, 'fresh'), { recursive: true });
    write(dir, { lib: 'now a file\n', fresh: 'a file too\n' });
    engine.notifyChanged(['lib', 'fresh']);
    await check();
    rmSync(join(dir, 'lib'));
    rmSync(join(dir, 'fresh'));
    write(dir, { 'lib/b.ts': 'b changed\n', 'fresh/deep/file.txt': 'new\n' });
    engine.notifyChanged(['lib', 'fresh']);
    await check();

    // Index and HEAD changes are noticed without a hint.
    git(dir, 'add', '-A');
    await check();
    git(dir, 'commit', '-q', '-m', 'second');
    await check();
    rmSync(join(dir, 'fresh'), { recursive: true });
    engine.notifyChanged(['fresh/deep/file.txt', 'fresh/deep', 'fresh']);
    await check();
    engine.dispose();
  });

  it('returns the cached result when nothing changed, and re-scans after invalidateAll', async () => {
    const dir = initRepo();
    write(dir, { 'a.txt': 'a\n' });
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'init');
    const engine = new StatusEngine({ dir });
    // Calls made together share one scan.
    const [first, second] = await Promise.all([engine.status(), engine.status()]);
    expect(second).toBe(first);
    expect(await engine.status()).toBe(first);
    write(dir, { 'a.txt': 'changed\n' });
    engine.invalidateAll();
    expect(renderEntries((await engine.status()).entries)).toEqual([' M a.txt']);
    engine.dispose();
  });

  it('keeps no result of a scan that invalidateAll overtook, so the next status is fresh', async () => {
    const dir = initRepo();
    write(dir, { 'a.txt': 'a\n', 'b.txt': 'b\n' });
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'init');
    const engine = new StatusEngine({ dir, statWorkers: 0 });
    await engine.status();
    engine.invalidateAll();
    // The files change, and the change is announced, after the scan stat'ed them and before it ends.
    type Stat = { statEntries(...args: unknown[]): Promise<Float64Array> };
    const proto = StatusEngine.prototype as unknown as Stat;
    const statEntries = proto.statEntries;
    const spy = vi.spyOn(proto, 'statEntries').mockImplementationOnce(async function (this: Stat, ...args: unknown[]) {
      const rows = await statEntries.apply(this, args);
      write(dir, { 'a.txt': 'a changed\n', 'new.txt': 'new\n' });
      engine.invalidateAll();
      return rows;
    });
    try {
      // The overtaken scan answers for its own start; the next is fresh.
      expect(renderEntries((await engine.status()).entries)).toEqual([]);
      expect(spy).toHaveBeenCalled();
      expect(renderEntries((await engine.status()).entries)).toEqual(nativeStatus(dir));
      expect(nativeStatus(dir)).toEqual([' M a.txt', '?? new.txt']);
    } finally {
      spy.mockRestore();
      engine.dispose();
    }
  });

  it('honours an aborted signal', async () => {
    const dir = initRepo();
    const engine = new StatusEngine({ dir });
    const ac = new AbortController();
    ac.abort();
    await expect(engine.status({ signal: ac.signal })).rejects.toThrow();
    engine.dispose();
  });
});

describe('StatusEngine on broken repositories', () => {
  const snapshot = (dir: string): string[] =>
    readdirSync(join(dir, '.git'), { recursive: true, withFileTypes: true })
      .filter((d) => d.isFile())
      .map((d) => {
        const p = join(d.parentPath, d.name);
        const s = statSync(p);
        return `${p}:${s.size}:${s.mtimeMs}`;
      })
      .sort();

  it('refuses a folder that is not a repository with a clear message', () => {
    const dir = tempDir();
    expect(() => new StatusEngine({ dir })).toThrow(/not a git repository/);
  });

  it('throws a clear error for a bad HEAD, a missing object and a broken index, writing nothing', async () => {
    const dir = initRepo();
    write(dir, { 'a.txt': 'a\n', 'd/b.txt': 'b\n' });
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'init');

    writeFileSync(join(dir, '.git/HEAD'), 'garbage\n');
    let before = snapshot(dir);
    await expect(new StatusEngine({ dir }).status()).rejects.toThrow(/HEAD is unreadable/);
    expect(snapshot(dir)).toEqual(before);
    writeFileSync(join(dir, '.git/HEAD'), 'ref: refs/heads/main\n');

    // Remove the tree object of folder d/ and change the index so the engine must read it.
    const treeOid = git(dir, 'rev-parse', 'HEAD:d').trim();
    rmSync(join(dir, '.git/objects', treeOid.slice(0, 2), treeOid.slice(2)));
    write(dir, { 'd/b.txt': 'staged\n' });
    git(dir, 'add', 'd/b.txt');
    before = snapshot(dir);
    await expect(new StatusEngine({ dir }).status()).rejects.toThrow(new RegExp(`${treeOid} is missing`));
    expect(snapshot(dir)).toEqual(before);

    writeFileSync(join(dir, '.git/index'), 'DIRC broken');
    await expect(new StatusEngine({ dir }).status()).rejects.toThrow(/index .* is broken/);
  });
});
