import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readAuthor, writeRepoAuthor } from '../../../../../electron/core/git/author-config';
import { buildDiff } from '../../../../../electron/core/git/diff-view';
import { StatusEngine } from '../../../../../electron/core/git/status-engine';
import { DiscardStore } from '../../../../../electron/core/git/discard-store';
import { diffCommits, readIndexSide, readWorktreeSide } from '../../../../../electron/core/git/object-reads';
import {
  commitStaged,
  createBranch,
  stageHunk,
  stagePaths,
  switchBranch,
  toChangesView,
  unstageHunk,
  unstagePaths,
  type LocalStatus,
} from '../../../../../electron/core/git/operations';

let base: string;
let home: string;
const savedHome = process.env.HOME;

beforeAll(() => {
  base = fs.mkdtempSync(join(tmpdir(), 'plumbline-ops-'));
  // A private HOME so neither the product nor the oracle reads the machine's ~/.gitconfig.
  home = join(base, 'home');
  fs.mkdirSync(home);
  process.env.HOME = home;
  process.env.GIT_CONFIG_NOSYSTEM = '1';
});
afterAll(() => {
  process.env.HOME = savedHome;
  fs.rmSync(base, { recursive: true, force: true });
});

/** Runs native git (the oracle) in a folder. */
function sh(dir: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=Oracle', '-c', 'user.email=oracle@example.com', '-c', 'core.autocrlf=false', ...args], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, HOME: home, GIT_CONFIG_NOSYSTEM: '1' },
  });
}

let counter = 0;
/** A repository with one commit of the given files. */
function makeRepo(files: Record<string, string | Buffer>, commit = true): string {
  const dir = join(base, `repo${counter++}`);
  fs.mkdirSync(dir);
  sh(dir, 'init', '-q', '-b', 'main');
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(join(dir, name, '..'), { recursive: true });
    fs.writeFileSync(join(dir, name), content);
  }
  if (commit) {
    sh(dir, 'add', '-A');
    sh(dir, 'commit', '-q', '-m', 'initial');
  }
  return dir;
}

/** The status from the real status engine, fresh each time. */
async function statusOf(dir: string): Promise<LocalStatus> {
  const engine = new StatusEngine({ dir });
  try {
    return await engine.status();
  } finally {
    engine.dispose();
  }
}

const nameStatusCached = (dir: string) => sh(dir, 'diff', '--cached', '--name-status').trim();

describe('stage and unstage', () => {
  it('stages modified, deleted and untracked files exactly as git add would', async () => {
    const dir = makeRepo({ 'a.txt': 'a\n', 'b.txt': 'b\n', 'dir/c.txt': 'c\n' });
    fs.writeFileSync(join(dir, 'a.txt'), 'a2\n');
    fs.rmSync(join(dir, 'b.txt'));
    fs.writeFileSync(join(dir, 'new file.txt'), 'n\n');
    await stagePaths(dir, ['a.txt', 'b.txt', 'new file.txt']);
    expect(nameStatusCached(dir)).toBe('M\ta.txt\nD\tb.txt\nA\tnew file.txt');
    expect(sh(dir, 'diff', '--name-status').trim()).toBe('');
  });

  it('stages an executable-bit change', async () => {
    const dir = makeRepo({ 'run.sh': 'echo\n' });
    fs.chmodSync(join(dir, 'run.sh'), 0o755);
    await stagePaths(dir, ['run.sh']);
    expect(sh(dir, 'diff', '--cached', '--summary').trim()).toBe('mode change 100644 => 100755 run.sh');
  });

  it('unstages back to HEAD, and on an unborn branch back to nothing', async () => {
    const dir = makeRepo({ 'a.txt': 'a\n' });
    fs.writeFileSync(join(dir, 'a.txt'), 'changed\n');
    sh(dir, 'add', 'a.txt');
    await unstagePaths(dir, ['a.txt']);
    expect(nameStatusCached(dir)).toBe('');
    expect(sh(dir, 'diff', '--name-status').trim()).toBe('M\ta.txt');

    const empty = makeRepo({ 'x.txt': 'x\n' }, false);
    sh(empty, 'add', 'x.txt');
    await unstagePaths(empty, ['x.txt']);
    expect(sh(empty, 'status', '--porcelain').trim()).toBe('?? x.txt');
  });

  it('groups the engine entries into staged, unstaged and untracked', async () => {
    const dir = makeRepo({ 'a.txt': 'a\n', 'b.txt': 'b\n' });
    fs.writeFileSync(join(dir, 'a.txt'), 'a2\n');
    sh(dir, 'add', 'a.txt');
    fs.writeFileSync(join(dir, 'a.txt'), 'a3\n');
    fs.writeFileSync(join(dir, 'u.txt'), 'u\n');
    const view = toChangesView(await statusOf(dir));
    expect(view.staged).toEqual([{ path: 'a.txt', kind: 'modified' }]);
    expect(view.unstaged).toEqual([{ path: 'a.txt', kind: 'modified' }]);
    expect(view.untracked).toEqual(['u.txt']);
    expect(view.branch).toBe('main');
  });
});

describe('per-hunk staging', () => {
  const lines = Array.from({ length: 30 }, (_, i) => `line ${i + 1}`);

  it('stages one hunk of two, leaving the other unstaged, as git sees it', async () => {
    const dir = makeRepo({ 'f.txt': `${lines.join('\n')}\n` });
    const edited = [...lines];
    edited[1] = 'LINE 2';
    edited[25] = 'LINE 26';
    fs.writeFileSync(join(dir, 'f.txt'), `${edited.join('\n')}\n`);
    const diff = buildDiff('f.txt', await readIndexSide(dir, 'f.txt'), await readWorktreeSide(join(dir, 'f.txt')));
    if (diff.kind !== 'text') throw new Error('expected text');
    expect(diff.hunks.map((h) => h.header)).toEqual(['@@ -1,5 +1,5 @@', '@@ -23,7 +23,7 @@']);
    await stageHunk(dir, 'f.txt', 1, diff.hunks[1].header);
    const staged = [...lines];
    staged[25] = 'LINE 26';
    expect(sh(dir, 'show', ':f.txt')).toBe(`${staged.join('\n')}\n`);
    expect(sh(dir, 'diff', '--cached', '--numstat').trim()).toBe('1\t1\tf.txt');
    expect(sh(dir, 'diff', '-U0').split('\n').filter((l) => l.startsWith('@@')).map((l) => l.replace(/ @@.*$/, ' @@'))).toEqual(['@@ -2 +2 @@']);
  });

  it('keeps CRLF bytes when staging a hunk', async () => {
    const crlf = `${lines.join('\r\n')}\r\n`;
    const dir = makeRepo({ 'w.txt': crlf });
    const edited = [...lines];
    edited[0] = 'first';
    edited[29] = 'last';
    fs.writeFileSync(join(dir, 'w.txt'), `${edited.join('\r\n')}\r\n`);
    const diff = buildDiff('w.txt', await readIndexSide(dir, 'w.txt'), await readWorktreeSide(join(dir, 'w.txt')));
    if (diff.kind !== 'text') throw new Error('expected text');
    await stageHunk(dir, 'w.txt', 0, diff.hunks[0].header);
    const staged = [...lines];
    staged[0] = 'first';
    expect(execFileSync('git', ['show', ':w.txt'], { cwd: dir }).toString('latin1')).toBe(`${staged.join('\r\n')}\r\n`);
  });

  it('unstages one hunk of the staged diff', async () => {
    const dir = makeRepo({ 'f.txt': `${lines.join('\n')}\n` });
    const edited = [...lines];
    edited[1] = 'LINE 2';
    edited[25] = 'LINE 26';
    fs.writeFileSync(join(dir, 'f.txt'), `${edited.join('\n')}\n`);
    sh(dir, 'add', 'f.txt');
    const { readCommitSide } = await import('../../../../../electron/core/git/object-reads');
    const diff = buildDiff('f.txt', await readCommitSide(dir, null, 'f.txt'), await readIndexSide(dir, 'f.txt'));
    if (diff.kind !== 'text') throw new Error('expected text');
    await unstageHunk(dir, 'f.txt', 0, diff.hunks[0].header);
    const staged = [...lines];
    staged[25] = 'LINE 26';
    expect(sh(dir, 'show', ':f.txt')).toBe(`${staged.join('\n')}\n`);
    expect(sh(dir, 'diff', '-U0').split('\n').filter((l) => l.startsWith('@@')).map((l) => l.replace(/ @@.*$/, ' @@'))).toEqual(['@@ -2 +2 @@']);
  });

  it('refuses a hunk whose diff changed since it was shown', async () => {
    const dir = makeRepo({ 'f.txt': 'a\nb\n' });
    fs.writeFileSync(join(dir, 'f.txt'), 'a\nB\n');
    await expect(stageHunk(dir, 'f.txt', 0, '@@ -1,9 +1,9 @@')).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(nameStatusCached(dir)).toBe('');
  });
});

describe('commit and author', () => {
  it('commits the staged changes with the message and author, then amends', async () => {
    const dir = makeRepo({ 'a.txt': 'a\n' });
    fs.writeFileSync(join(dir, 'a.txt'), 'b\n');
    await stagePaths(dir, ['a.txt']);
    const author = { name: 'Ada Lovelace', email: 'ada@example.com' };
    const oid = await commitStaged(dir, await statusOf(dir), { message: 'Change a', amend: false, author });
    expect(sh(dir, 'log', '-1', '--format=%H%n%s%n%an%n%ae').trim()).toBe(`${oid}\nChange a\nAda Lovelace\nada@example.com`);
    expect(sh(dir, 'status', '--porcelain').trim()).toBe('');
    await commitStaged(dir, await statusOf(dir), { message: 'Change a, reworded', amend: true, author });
    expect(sh(dir, 'rev-list', '--count', 'HEAD').trim()).toBe('2');
    expect(sh(dir, 'log', '-1', '--format=%s').trim()).toBe('Change a, reworded');
  });

  it('refuses to commit with nothing staged or without a message', async () => {
    const dir = makeRepo({ 'a.txt': 'a\n' });
    const author = { name: 'A', email: 'a@example.com' };
    await expect(commitStaged(dir, await statusOf(dir), { message: 'x', amend: false, author })).rejects.toMatchObject({ code: 'CONFLICT' });
    fs.writeFileSync(join(dir, 'a.txt'), 'b\n');
    await stagePaths(dir, ['a.txt']);
    await expect(commitStaged(dir, await statusOf(dir), { message: '  ', amend: false, author })).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
  });

  it('reads the author from the repository config, else ~/.gitconfig, else none', async () => {
    const dir = makeRepo({ 'a.txt': 'a\n' });
    expect(await readAuthor(dir)).toEqual({ name: null, email: null, source: 'none' });
    fs.writeFileSync(join(home, '.gitconfig'), '[user]\n\tname = Global Person\n\temail = global@example.com\n');
    try {
      expect(await readAuthor(dir)).toEqual({ name: 'Global Person', email: 'global@example.com', source: 'global' });
      await writeRepoAuthor(dir, 'Repo Person', 'repo@example.com');
      expect(await readAuthor(dir)).toEqual({ name: 'Repo Person', email: 'repo@example.com', source: 'repo' });
      expect(sh(dir, 'config', '--local', 'user.email').trim()).toBe('repo@example.com');
    } finally {
      fs.rmSync(join(home, '.gitconfig'));
    }
  });
});

describe('branches', () => {
  it('creates and switches branches, keeping unrelated local changes', async () => {
    const dir = makeRepo({ 'a.txt': 'a\n', 'b.txt': 'b\n' });
    await createBranch(dir, 'feature', true);
    expect(sh(dir, 'symbolic-ref', '--short', 'HEAD').trim()).toBe('feature');
    fs.writeFileSync(join(dir, 'a.txt'), 'feature a\n');
    sh(dir, 'commit', '-q', '-am', 'feature change');
    fs.writeFileSync(join(dir, 'b.txt'), 'local b\n');
    await switchBranch(dir, 'main', await statusOf(dir));
    expect(sh(dir, 'symbolic-ref', '--short', 'HEAD').trim()).toBe('main');
    expect(fs.readFileSync(join(dir, 'a.txt'), 'utf8')).toBe('a\n');
    expect(fs.readFileSync(join(dir, 'b.txt'), 'utf8')).toBe('local b\n');
    expect(sh(dir, 'status', '--porcelain').trim()).toBe('M b.txt');
  });

  it('refuses a switch that would overwrite local changes, naming the files', async () => {
    const dir = makeRepo({ 'a.txt': 'a\n' });
    sh(dir, 'checkout', '-q', '-b', 'other');
    fs.writeFileSync(join(dir, 'a.txt'), 'other a\n');
    sh(dir, 'commit', '-q', '-am', 'other');
    sh(dir, 'checkout', '-q', 'main');
    fs.writeFileSync(join(dir, 'a.txt'), 'my local edit\n');
    const err = await switchBranch(dir, 'other', await statusOf(dir)).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'CONFLICT' });
    expect((err as Error).message).toContain('a.txt');
    expect(sh(dir, 'symbolic-ref', '--short', 'HEAD').trim()).toBe('main');
    expect(fs.readFileSync(join(dir, 'a.txt'), 'utf8')).toBe('my local edit\n');
  });

  it('rejects invalid names and existing branches', async () => {
    const dir = makeRepo({ 'a.txt': 'a\n' });
    await expect(createBranch(dir, 'bad name', false)).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
    await expect(createBranch(dir, 'a..b', false)).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
    await expect(createBranch(dir, 'main', false)).rejects.toMatchObject({ code: 'CONFLICT' });
    await createBranch(dir, 'topic/x', false);
    expect(sh(dir, 'branch', '--format=%(refname:short)').trim().split('\n').sort()).toEqual(['main', 'topic/x']);
  });
});

describe('discard and bring back', () => {
  it('discards to the index, removes untracked files, and brings both back byte for byte', async () => {
    const dir = makeRepo({ 'a.txt': 'a\n', 'run.sh': 'echo\n' });
    const dataDir = join(base, `data${counter++}`);
    const store = new DiscardStore(dataDir);
    fs.writeFileSync(join(dir, 'a.txt'), Buffer.from([0x61, 0xff, 0x0d, 0x0a]));
    fs.writeFileSync(join(dir, 'new.txt'), 'mine\n');
    fs.rmSync(join(dir, 'run.sh'));
    const entry = await store.discard(dir, ['a.txt', 'new.txt', 'run.sh']);
    expect(sh(dir, 'status', '--porcelain').trim()).toBe('');
    expect((await store.list(dir))[0]).toMatchObject({ id: entry.id, restored: false, paths: ['a.txt', 'new.txt', 'run.sh'] });
    await store.restore(dir, entry.id);
    expect(fs.readFileSync(join(dir, 'a.txt'))).toEqual(Buffer.from([0x61, 0xff, 0x0d, 0x0a]));
    expect(fs.readFileSync(join(dir, 'new.txt'), 'utf8')).toBe('mine\n');
    expect(fs.existsSync(join(dir, 'run.sh'))).toBe(false);
    expect((await store.list(dir))[0].restored).toBe(true);
  });

  it('refuses to bring back over an edit made after the discard', async () => {
    const dir = makeRepo({ 'a.txt': 'a\n' });
    const store = new DiscardStore(join(base, `data${counter++}`));
    fs.writeFileSync(join(dir, 'a.txt'), 'discarded\n');
    const entry = await store.discard(dir, ['a.txt']);
    fs.writeFileSync(join(dir, 'a.txt'), 'newer work\n');
    await expect(store.restore(dir, entry.id)).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('a.txt') });
    expect(fs.readFileSync(join(dir, 'a.txt'), 'utf8')).toBe('newer work\n');
  });

  it('keeps the copies of the newest 50 discards only, and says so for an older one', async () => {
    const dir = makeRepo({ 'a.txt': 'a\n' });
    const store = new DiscardStore(join(base, `data${counter++}`));
    const ids: string[] = [];
    for (let i = 0; i < 52; i++) {
      fs.writeFileSync(join(dir, 'a.txt'), `edit ${i}\n`);
      ids.push((await store.discard(dir, ['a.txt'])).id);
    }
    expect((await store.list(dir)).map((e) => e.id)).toEqual(ids.slice(2).reverse());
    await expect(store.restore(dir, ids[0]!)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(fs.readFileSync(join(dir, 'a.txt'), 'utf8')).toBe('a\n');
    await store.restore(dir, ids[51]!);
    expect(fs.readFileSync(join(dir, 'a.txt'), 'utf8')).toBe('edit 51\n');
  });
});

describe('diffs', () => {
  it('lists the files two commits differ in, as git diff --name-status does', async () => {
    const dir = makeRepo({ 'a.txt': 'a\n', 'd/b.txt': 'b\n', 'd/e/c.txt': 'c\n', 'gone.txt': 'g\n' });
    const first = sh(dir, 'rev-parse', 'HEAD').trim();
    fs.writeFileSync(join(dir, 'd/e/c.txt'), 'c2\n');
    fs.rmSync(join(dir, 'gone.txt'));
    fs.writeFileSync(join(dir, 'd/new.txt'), 'n\n');
    sh(dir, 'add', '-A');
    sh(dir, 'commit', '-q', '-m', 'second');
    const second = sh(dir, 'rev-parse', 'HEAD').trim();
    const native = sh(dir, 'diff', '--name-status', '--no-renames', first, second).trim();
    const mine = (await diffCommits(dir, first, second)).map((c) => `${c.kind[0].toUpperCase()}\t${c.path}`).join('\n');
    expect(mine).toBe(native);
    expect((await diffCommits(dir, null, first)).map((c) => c.path)).toEqual(['a.txt', 'd/b.txt', 'd/e/c.txt', 'gone.txt']);
  });

  it('says binary or too large instead of sending the bytes', () => {
    expect(buildDiff('b.bin', { bytes: Buffer.from([1, 0, 2]), mode: 0o100644 }, { bytes: Buffer.from([1, 0]), mode: 0o100644 }).kind).toBe('binary');
    const big = { bytes: Buffer.alloc(200, 0x61), mode: 0o100644 };
    expect(buildDiff('big.txt', big, big, 100)).toEqual({ kind: 'tooLarge', path: 'big.txt', size: 200, limit: 100 });
  });
});

describe('untracked folders', () => {
  it('stages an untracked folder like git add dir/, skipping ignored files in it', async () => {
    const dir = makeRepo({ '.gitignore': '*.log\n' });
    fs.mkdirSync(join(dir, 'src/deep'), { recursive: true });
    fs.writeFileSync(join(dir, 'src/a.ts'), 'a\n');
    fs.writeFileSync(join(dir, 'src/deep/b.ts'), 'b\n');
    fs.writeFileSync(join(dir, 'src/debug.log'), 'noise\n');
    const status = await statusOf(dir);
    expect(toChangesView(status).untracked).toEqual(['src/']);
    await stagePaths(dir, ['src/']);
    expect(nameStatusCached(dir)).toBe('A\tsrc/a.ts\nA\tsrc/deep/b.ts');
  });

  it('discards an untracked folder but keeps the ignored files in it, and brings it back', async () => {
    const dir = makeRepo({ '.gitignore': '*.log\n' });
    fs.mkdirSync(join(dir, 'tmp'), { recursive: true });
    fs.writeFileSync(join(dir, 'tmp/a.txt'), 'a\n');
    fs.writeFileSync(join(dir, 'tmp/keep.log'), 'ignored\n');
    const store = new DiscardStore(join(base, `data${counter++}`));
    const entry = await store.discard(dir, ['tmp/']);
    expect(entry.paths).toEqual(['tmp/a.txt']);
    expect(fs.existsSync(join(dir, 'tmp/a.txt'))).toBe(false);
    expect(fs.readFileSync(join(dir, 'tmp/keep.log'), 'utf8')).toBe('ignored\n');
    await store.restore(dir, entry.id);
    expect(fs.readFileSync(join(dir, 'tmp/a.txt'), 'utf8')).toBe('a\n');
  });
});

describe('hunks match git diff', () => {
  const base40 = Array.from({ length: 40 }, (_, i) => `unique line ${i + 1}`);
  const cases: Record<string, (l: string[]) => string[]> = {
    'insert at start': (l) => ['new first', ...l],
    'delete at end': (l) => l.slice(0, -2),
    'two nearby edits merge into one hunk': (l) => l.map((x, i) => (i === 10 || i === 15 ? `${x}!` : x)),
    'edits far apart stay separate': (l) => l.map((x, i) => (i === 2 || i === 30 ? `${x}!` : x)),
    'pure insertion and deletion': (l) => [...l.slice(0, 5), 'inserted a', 'inserted b', ...l.slice(5, 20), ...l.slice(24)],
  };
  for (const [name, edit] of Object.entries(cases)) {
    it(name, async () => {
      const dir = makeRepo({ 'f.txt': `${base40.join('\n')}\n` });
      fs.writeFileSync(join(dir, 'f.txt'), `${edit([...base40]).join('\n')}\n`);
      const diff = buildDiff('f.txt', await readIndexSide(dir, 'f.txt'), await readWorktreeSide(join(dir, 'f.txt')));
      if (diff.kind !== 'text') throw new Error('expected text');
      const native = sh(dir, 'diff')
        .split('\n')
        .filter((l) => l.startsWith('@@'))
        .map((l) => l.replace(/ @@.*$/, ' @@').replace(/-(\d+) /, '-$1,1 ').replace(/\+(\d+) @@/, '+$1,1 @@'));
      expect(diff.hunks.map((h) => h.header)).toEqual(native);
    });
  }
});
