import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ShadowRepo } from '../../../../../electron/core/checkpoints/shadow-repo';
import { tempProject } from '../agent/loop-harness';

let project: Awaited<ReturnType<typeof tempProject>>;
beforeEach(async () => {
  project = await tempProject();
});
afterEach(() => project.cleanup());

const f = (p: string): string => join(project.root, p);

describe('ShadowRepo checkpoints', () => {
  it('restores a checkpoint keeping untracked and ignored user files, and the restore is undoable', async () => {
    execFileSync('git', ['init', '-q'], { cwd: project.root });
    await writeFile(f('.gitignore'), 'build/\n*.log\n');
    await writeFile(f('app.js'), 'v1\n');
    await writeFile(f('keep.txt'), 'user file\n');
    const gitBefore = execFileSync('git', ['status', '--porcelain'], { cwd: project.root }).toString();
    const shadow = new ShadowRepo(project.root, project.dataDir);
    const checkpoint = await shadow.snapshot('before run');
    // The run: edits app.js, creates new.js, deletes keep.txt? No — the agent edits and creates.
    await writeFile(f('app.js'), 'v2 by agent\n');
    await writeFile(f('new.js'), 'agent created\n');
    // Meanwhile the user makes untracked and ignored files.
    await writeFile(f('notes.md'), 'user notes\n');
    await mkdir(f('build'));
    await writeFile(f('build/out.bin'), 'ignored output\n');
    await writeFile(f('debug.log'), 'ignored log\n');
    const result = await shadow.restore(checkpoint, new Set(['app.js', 'new.js']));
    expect(result.restored).toEqual(['app.js']);
    expect(result.deleted).toEqual(['new.js']);
    expect(await readFile(f('app.js'), 'utf8')).toBe('v1\n');
    await expect(readFile(f('new.js'))).rejects.toThrow();
    expect(await readFile(f('notes.md'), 'utf8')).toBe('user notes\n');
    expect(await readFile(f('build/out.bin'), 'utf8')).toBe('ignored output\n');
    expect(await readFile(f('debug.log'), 'utf8')).toBe('ignored log\n');
    // The user's .git was never touched by the shadow repository.
    expect(execFileSync('git', ['status', '--porcelain'], { cwd: project.root }).toString()).toBe(`${gitBefore}?? notes.md\n`);
    // Undo the restore: files return to how they were just before it.
    const target = await shadow.readSnapshot(checkpoint);
    const undoTree = await shadow.readSnapshot(result.undoRef);
    const recreated = new Set([...target.keys()].filter((p) => !undoTree.has(p)));
    const undo = await shadow.restore(result.undoRef, recreated);
    expect([...undo.restored].sort()).toEqual(['app.js', 'new.js']);
    expect(await readFile(f('app.js'), 'utf8')).toBe('v2 by agent\n');
    expect(await readFile(f('notes.md'), 'utf8')).toBe('user notes\n');
  });

  it.each(['git', 'embedded'])('reads back the checkpoint it just took as the trees list it (%s)', async (engine) => {
    vi.stubEnv('PLUMBLINE_GIT', engine);
    try {
      execFileSync('git', ['init', '-q'], { cwd: project.root });
      for (const p of ['z.txt', 'b/c.txt', 'a.txt', 'b/a/d.txt', 'b.txt', 'a-b/e.txt']) {
        await mkdir(join(f(p), '..'), { recursive: true });
        await writeFile(f(p), `${p}\n`);
      }
      const shadow = new ShadowRepo(project.root, project.dataDir);
      const commit = await shadow.snapshot('one');
      const fromTrees = [...(await new ShadowRepo(project.root, project.dataDir).readSnapshot(commit))];
      expect(fromTrees.map(([p]) => p)).toEqual(['a-b/e.txt', 'a.txt', 'b.txt', 'b/a/d.txt', 'b/c.txt', 'z.txt']);
      expect([...(await shadow.readSnapshot(commit))]).toEqual(fromTrees);
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('lists files changed between snapshots', async () => {
    const shadow = new ShadowRepo(project.root, project.dataDir);
    await writeFile(f('a.txt'), 'a\n');
    const a = await shadow.readSnapshot(await shadow.snapshot('one'));
    await writeFile(f('a.txt'), 'changed\n');
    await writeFile(f('b.txt'), 'b\n');
    const b = await shadow.scan();
    expect(ShadowRepo.changed(a, b)).toEqual(['a.txt', 'b.txt']);
  });
});

describe('ShadowRepo first checkpoint of a git repository', () => {
  /** Loose blob objects the shadow repository holds itself (not through its alternates). */
  const ownBlobs = (gitdir: string): string[] => {
    const ids = readdirSync(join(gitdir, 'objects'))
      .filter((d) => /^[0-9a-f]{2}$/.test(d))
      .flatMap((d) => readdirSync(join(gitdir, 'objects', d)).map((n) => d + n));
    return ids.filter((id) => execFileSync('git', ['--git-dir', gitdir, 'cat-file', '-t', id]).toString().trim() === 'blob');
  };

  it("reuses the user's index for unchanged files, hashes only changed and untracked ones, and keeps every guarantee of restore", async () => {
    const git = (...a: string[]): string => execFileSync('git', a, { cwd: project.root }).toString();
    git('init', '-q', '-b', 'main');
    await writeFile(f('.gitignore'), 'dist/\n');
    await mkdir(f('src'));
    for (let i = 0; i < 20; i++) await writeFile(f(`src/m${i}.ts`), `export const m${i} = ${i};\n`);
    await mkdir(f('dist'));
    await writeFile(f('dist/forced.js'), 'tracked although ignored\n');
    git('add', '-A');
    git('add', '-f', 'dist/forced.js');
    git('-c', 'user.name=T', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', 'init');
    // Make every index entry older than the index itself (no racy entries), as after any real `git add`.
    const old = new Date(Date.now() - 60_000);
    const { utimes } = await import('node:fs/promises');
    for (let i = 0; i < 20; i++) await utimes(f(`src/m${i}.ts`), old, old);
    await utimes(f('.gitignore'), old, old);
    await utimes(f('dist/forced.js'), old, old);
    git('update-index', '--refresh');
    await writeFile(f('src/m3.ts'), 'changed before the checkpoint\n');
    await writeFile(f('untracked.txt'), 'new\n');
    await writeFile(f('dist/out.js'), 'ignored build output\n');
    const shadow = new ShadowRepo(project.root, project.dataDir);
    const first = await shadow.snapshot('before run');
    // Only the changed and the untracked file were read and stored; the 21 others are the user's blobs.
    expect(ownBlobs(shadow.gitdir)).toHaveLength(2);
    const tree = await shadow.readSnapshot(first);
    expect(tree.has('dist/forced.js')).toBe(true);
    expect(tree.has('dist/out.js')).toBe(false);
    expect(tree.get('src/m5.ts')?.oid).toBe(git('rev-parse', ':src/m5.ts').trim());
    expect(tree.get('src/m3.ts')?.oid).toBe(git('hash-object', 'src/m3.ts').trim());
    // The checkpoint is a complete git commit for native git too (blobs found through the alternates).
    expect(execFileSync('git', ['--git-dir', shadow.gitdir, 'fsck', '--no-progress', '--no-dangling', first]).toString().trim()).toBe('');
    // The run changes a file only the user's store held; the next checkpoint copies its old content in.
    await writeFile(f('src/m5.ts'), 'agent edit\n');
    await writeFile(f('src/agent-new.ts'), 'agent created\n');
    const second = await shadow.snapshot('after the run');
    expect(ownBlobs(shadow.gitdir)).toContain(tree.get('src/m5.ts')!.oid);
    expect(ShadowRepo.changed(tree, await shadow.readSnapshot(second))).toEqual(['src/agent-new.ts', 'src/m5.ts']);
    // Restore: back to the first checkpoint; the user's untracked and ignored files survive; undoable.
    const r = await shadow.restore(first, new Set(['src/agent-new.ts']));
    expect(r.restored).toEqual(['src/m5.ts']);
    expect(r.deleted).toEqual(['src/agent-new.ts']);
    expect(await readFile(f('src/m5.ts'), 'utf8')).toBe('export const m5 = 5;\n');
    expect(await readFile(f('untracked.txt'), 'utf8')).toBe('new\n');
    expect(await readFile(f('dist/out.js'), 'utf8')).toBe('ignored build output\n');
    await shadow.restore(r.undoRef, new Set());
    expect(await readFile(f('src/m5.ts'), 'utf8')).toBe('agent edit\n');
    expect(await readFile(f('src/agent-new.ts'), 'utf8')).toBe('agent created\n');
  });

  it('does not reuse index blob ids when git converts line endings', async () => {
    const git = (...a: string[]): string => execFileSync('git', a, { cwd: project.root }).toString();
    git('init', '-q', '-b', 'main');
    git('config', 'core.autocrlf', 'true');
    await writeFile(f('crlf.txt'), 'a\r\nb\r\n');
    git('add', '-A');
    const shadow = new ShadowRepo(project.root, project.dataDir);
    const tree = await shadow.readSnapshot(await shadow.snapshot('one'));
    const bytes = await shadow.readBlob(tree.get('crlf.txt')!.oid);
    expect(Buffer.from(bytes).toString()).toBe('a\r\nb\r\n');
  });
});

describe('checkpoints through native git and through the built-in scan', () => {
  it('give the same snapshot: raw bytes whatever the attributes, regular files only, tracked-but-ignored files in, the size policy kept', async () => {
    const { execFileSync: run } = await import('node:child_process');
    const { mkdtempSync, writeFileSync: put, mkdirSync: mk, symlinkSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join: j } = await import('node:path');
    const root = mkdtempSync(j(tmpdir(), 'pl-ckpt-'));
    const g = (...a: string[]) => run('git', a, { cwd: root }).toString();
    g('init', '-q', '-b', 'main');
    put(j(root, '.gitattributes'), '* text=auto eol=crlf\n');
    put(j(root, '.gitignore'), 'build/\n');
    put(j(root, 'crlf.txt'), 'a\r\nb\r\n');
    put(j(root, 'lf.txt'), 'a\nb\n');
    put(j(root, 'run.sh'), '#!/bin/sh\n', { mode: 0o755 });
    mk(j(root, 'build'));
    put(j(root, 'build/forced.js'), 'tracked although ignored\n');
    put(j(root, 'build/out.js'), 'ignored\n');
    put(j(root, 'big.bin'), Buffer.alloc(2 * 1024 * 1024));
    symlinkSync('lf.txt', j(root, 'link'));
    g('add', '-A');
    g('add', '-f', 'build/forced.js');
    const take = async (setting: string) => {
      const before = process.env.PLUMBLINE_GIT;
      process.env.PLUMBLINE_GIT = setting;
      try {
        const data = mkdtempSync(j(tmpdir(), 'pl-ckpt-data-'));
        const shadow = new ShadowRepo(root, data);
        const commit = await shadow.snapshot('one');
        const tree = await shadow.readSnapshot(commit);
        const bytes = Buffer.from(await shadow.readBlob(tree.get('crlf.txt')!.oid)).toString();
        // The tree itself (written by git from the shadow index with native git): the same files, the same id.
        const treeId = run('git', ['--git-dir', shadow.gitdir, 'rev-parse', `${commit}^{tree}`]).toString().trim();
        const fromTrees = [...(await new ShadowRepo(root, data).readSnapshot(commit))];
        expect(fromTrees).toEqual([...tree]);
        rmSync(data, { recursive: true, force: true });
        return { files: [...tree.entries()].map(([p, e]) => `${e.mode} ${e.oid} ${p}`).sort(), bytes, treeId };
      } finally {
        if (before === undefined) delete process.env.PLUMBLINE_GIT;
        else process.env.PLUMBLINE_GIT = before;
      }
    };
    const native = await take('git');
    const embedded = await take('embedded');
    expect(native).toEqual(embedded);
    expect(native.bytes).toBe('a\r\nb\r\n');
    expect(native.files.map((l) => l.split(' ')[2]).sort()).toEqual(['.gitattributes', '.gitignore', 'build/forced.js', 'crlf.txt', 'lf.txt', 'run.sh']);
    expect(native.files.find((l) => l.endsWith(' run.sh'))).toMatch(/^100755 /);
    rmSync(root, { recursive: true, force: true });
  });
});

describe('a native checkpoint', () => {
  const git = (...a: string[]): string => execFileSync('git', a, { cwd: project.root }).toString();
  beforeEach(() => {
    vi.stubEnv('PLUMBLINE_GIT', 'git');
  });
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('lists its files from the shadow index only while that index is the one its tree was written from', async () => {
    git('init', '-q');
    await writeFile(f('a.txt'), 'first\n');
    await writeFile(f('b.txt'), 'b\n');
    const shadow = new ShadowRepo(project.root, project.dataDir);
    const first = await shadow.snapshot('one');
    const firstOid = git('hash-object', 'a.txt').trim();
    // The shadow index moves on (a scan stages the work tree again); the checkpoint stays what it was.
    await writeFile(f('a.txt'), 'second\n');
    await writeFile(f('c.txt'), 'c\n');
    await shadow.scan();
    const files = await shadow.readSnapshot(first);
    expect(files.get('a.txt')?.oid).toBe(firstOid);
    expect([...files.keys()]).toEqual(['a.txt', 'b.txt']);
  });

  it('saves no stat cache (git keeps its own in the shadow index); the built-in scan does', async () => {
    git('init', '-q');
    await writeFile(f('a.txt'), 'a\n');
    const shadow = new ShadowRepo(project.root, project.dataDir);
    await shadow.snapshot('one');
    expect(readdirSync(shadow.gitdir)).not.toContain('plumbline-stat-cache.json');
    vi.stubEnv('PLUMBLINE_GIT', 'embedded');
    await writeFile(f('b.txt'), 'b\n');
    await new ShadowRepo(project.root, project.dataDir).snapshot('two');
    expect(readdirSync(shadow.gitdir)).toContain('plumbline-stat-cache.json');
  });
});

describe('a native checkpoint started from the user index', () => {
  it('stores the bytes on disk, also for a file the user marked assume-unchanged', async () => {
    const { execFileSync: run } = await import('node:child_process');
    const { mkdtempSync, writeFileSync: put, rmSync, utimesSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join: j } = await import('node:path');
    const root = mkdtempSync(j(tmpdir(), 'pl-ckpt-'));
    const g = (...a: string[]) => run('git', a, { cwd: root }).toString();
    g('init', '-q', '-b', 'main');
    put(j(root, 'a.txt'), 'one\n');
    put(j(root, 'b.txt'), 'two\n');
    g('add', '-A');
    g('update-index', '--assume-unchanged', 'a.txt');
    put(j(root, 'a.txt'), 'ONE\n');
    const old = new Date(Date.now() - 60_000);
    utimesSync(j(root, 'b.txt'), old, old);
    const before = process.env.PLUMBLINE_GIT;
    process.env.PLUMBLINE_GIT = 'git';
    const data = mkdtempSync(j(tmpdir(), 'pl-ckpt-data-'));
    try {
      const shadow = new ShadowRepo(root, data);
      const tree = await shadow.readSnapshot(await shadow.snapshot('one'));
      expect(Buffer.from(await shadow.readBlob(tree.get('a.txt')!.oid)).toString()).toBe('ONE\n');
      expect(Buffer.from(await shadow.readBlob(tree.get('b.txt')!.oid)).toString()).toBe('two\n');
    } finally {
      if (before === undefined) delete process.env.PLUMBLINE_GIT;
      else process.env.PLUMBLINE_GIT = before;
      rmSync(data, { recursive: true, force: true });
      rmSync(root, { recursive: true, force: true });
    }
  });
});
