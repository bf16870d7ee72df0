import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, statSync, symlinkSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { byteOrder, filesFromStatus, treeFromStatus } from '../../../../../electron/core/checkpoints/current-files';
import { type CurrentFiles, ShadowRepo, SIZE_LIMIT, type SnapshotEntry } from '../../../../../electron/core/checkpoints/shadow-repo';
import { findNativeGit } from '../../../../../electron/core/git/native/find-git';
import { nativeStatus } from '../../../../../electron/core/git/native/native-status';
import type { StatusResult } from '../../../../../electron/core/git/status-engine';
import { tempProject } from '../agent/loop-harness';

let project: Awaited<ReturnType<typeof tempProject>>;
beforeEach(async () => {
  project = await tempProject();
});
afterEach(() => project.cleanup());

const native = findNativeGit().git!;
const f = (p: string): string => join(project.root, p);
const git = (...args: string[]): string => execFileSync('git', ['-c', 'user.name=T', '-c', 'user.email=t@example.com', ...args], { cwd: project.root }).toString();
function write(path: string, content: string | Buffer, mode?: number): void {
  mkdirSync(join(f(path), '..'), { recursive: true });
  writeFileSync(f(path), content);
  if (mode !== undefined) chmodSync(f(path), mode);
}
const status = (): Promise<StatusResult> => nativeStatus(native, project.root);
const LIMITS = { sizeLimit: SIZE_LIMIT, binaryLimit: 1024 * 1024 };

/** The fast path's files now, then a real checkpoint's, in the order each lists them. */
async function both(shadow: ShadowRepo, statusRun: Promise<StatusResult> | null = status()): Promise<{ fast: CurrentFiles; snapshot: Array<[string, SnapshotEntry]> }> {
  const fast = await shadow.currentFiles(statusRun, 'fast');
  const snapshot = [...(await shadow.readSnapshot(await shadow.snapshot('reference')))];
  return { fast, snapshot };
}

/** A repository with one commit and a first checkpoint (so the shadow has an index of its own). */
async function committed(files: Record<string, string>): Promise<ShadowRepo> {
  git('init', '-q');
  for (const [p, c] of Object.entries(files)) write(p, c);
  git('add', '-A');
  git('commit', '-q', '-m', 'one');
  const shadow = new ShadowRepo(project.root, project.dataDir);
  await shadow.snapshot('checkpoint');
  return shadow;
}

describe('ShadowRepo.currentFiles', () => {
  it('gives the files a checkpoint records, in its order, from the index and git status', async () => {
    git('init', '-q');
    write('.gitignore', 'build/\n*.log\n');
    write('a.txt', 'a\n');
    write('del.txt', 'to delete\n');
    write('src/b.ts', 'export const b = 1;\n');
    write('run.sh', '#!/bin/sh\n');
    write('staged.txt', 'v1\n');
    write('restaged.txt', 'v1\n');
    write('racy.txt', 'aaaa\n');
    write('big-text.txt', 'x'.repeat(1024 * 1024 + 10));
    write('big-binary.dat', Buffer.concat([Buffer.from([0]), Buffer.alloc(1024 * 1024 + 10, 1)]));
    write('huge.txt', 'y'.repeat(SIZE_LIMIT + 1));
    write('z.txt', 'last\n');
    write('late.tmp', 'untracked, later ignored\n');
    symlinkSync('a.txt', f('link-tracked'));
    git('add', '-A');
    write('build/keep.js', 'tracked although ignored\n');
    git('add', '-f', 'build/keep.js');
    git('commit', '-q', '-m', 'one');
    git('rm', '-q', '--cached', 'late.tmp');
    const shadow = new ShadowRepo(project.root, project.dataDir);
    await shadow.snapshot('checkpoint');

    // What a run and the user do afterwards.
    write('a.txt', 'a changed\n');
    unlinkSync(f('del.txt'));
    write('new.txt', 'new\n');
    write('newdir/x.txt', 'x\n');
    write('newdir/sub/y.txt', 'y\n');
    write('newdir/z.log', 'ignored inside a new folder\n');
    write('newdir/inner/file.txt', 'in a repository of its own\n');
    execFileSync('git', ['init', '-q'], { cwd: f('newdir/inner') });
    write('debug.log', 'ignored\n');
    write('Notes.LOG', 'git shows it: .gitignore matches case\n');
    write('build/out.js', 'ignored output\n');
    write('build/keep.js', 'tracked under an ignored folder, changed\n');
    chmodSync(f('run.sh'), 0o755);
    write('new.sh', '#!/bin/sh\n', 0o755);
    write('group-exec.sh', '#!/bin/sh\n', 0o654);
    write('staged.txt', 'v2\n');
    git('add', 'staged.txt');
    write('restaged.txt', 'v2\n');
    git('add', 'restaged.txt');
    write('restaged.txt', 'v3\n');
    write('new-big.bin', Buffer.concat([Buffer.from([0]), Buffer.alloc(1024 * 1024 + 10, 2)]));
    write('new-huge.txt', 'z'.repeat(SIZE_LIMIT + 1));
    write('é.txt', 'accent\n');
    write('😀.txt', 'astral\n');
    write('\uE000.txt', 'private use\n');
    symlinkSync('a.txt', f('link-new'));
    write('.gitignore', 'build/\n*.log\n*.tmp\n');
    write('late.tmp', 'ignored now, still in the checkpoints\n');
    // Racy: same size, same second as the index, mtime put back: only a content check sees it.
    const before = statSync(f('racy.txt'));
    git('add', 'racy.txt');
    write('racy.txt', 'bbbb\n');
    utimesSync(f('racy.txt'), before.atime, before.mtime);

    const { fast, snapshot } = await both(shadow);
    expect(fast.via).toBe('status');
    expect([...fast.files]).toEqual(snapshot);
    const paths = [...fast.files.keys()];
    expect(paths).toEqual(expect.arrayContaining(['a.txt', 'new.txt', 'newdir/x.txt', 'newdir/sub/y.txt', 'Notes.LOG', 'build/keep.js', 'late.tmp', 'big-text.txt', 'é.txt', '😀.txt']));
    for (const p of ['del.txt', 'newdir/z.log', 'newdir/inner/file.txt', 'debug.log', 'build/out.js', 'huge.txt', 'big-binary.dat', 'new-big.bin', 'new-huge.txt', 'link-tracked', 'link-new']) expect(paths).not.toContain(p);
    expect(fast.files.get('run.sh')?.mode).toBe('100755');
    expect(fast.files.get('new.sh')?.mode).toBe('100755');
    expect(fast.files.get('group-exec.sh')?.mode).toBe('100644');
    expect(fast.files.get('racy.txt')?.oid).toBe(git('hash-object', 'racy.txt').trim());
  });

  it('checkpoints a file whose name differs from an ignore pattern only in case (git matches case here)', async () => {
    const shadow = await committed({ '.gitignore': '*.log\n', 'a.txt': 'a\n' });
    write('Notes.LOG', 'shown by git status\n');
    write('debug.log', 'ignored\n');
    const files = await shadow.readSnapshot(await shadow.snapshot('after'));
    expect(files.has('Notes.LOG')).toBe(true);
    expect(files.has('debug.log')).toBe(false);
  });

  it('leaves ignored files out when the status lists them too', async () => {
    const shadow = await committed({ '.gitignore': '*.log\nbuild/\n', 'a.txt': 'a\n' });
    write('debug.log', 'ignored\n');
    write('build/out.js', 'ignored\n');
    write('new.txt', 'new\n');
    const { fast, snapshot } = await both(shadow, nativeStatus(native, project.root, true));
    expect(fast.via).toBe('status');
    expect([...fast.files]).toEqual(snapshot);
    expect(fast.files.has('debug.log')).toBe(false);
  });

  it('sorts paths by their UTF-8 bytes, as git does', () => {
    const paths = ['😀', '\uE000', 'é', 'z', 'a/b', 'a-b', 'a'];
    const bytes = [...paths].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    expect([...paths].sort(byteOrder)).toEqual(bytes);
  });

  describe('takes a checkpoint instead when the index and status cannot say what it records', () => {
    it('line endings converted (core.autocrlf)', async () => {
      const shadow = await committed({ 'a.txt': 'a\n' });
      git('config', 'core.autocrlf', 'true');
      write('crlf.txt', 'one\r\ntwo\r\n');
      git('add', 'crlf.txt');
      const { fast, snapshot } = await both(shadow);
      expect(fast).toMatchObject({ via: 'snapshot', why: expect.stringContaining('converts') });
      expect([...fast.files]).toEqual(snapshot);
      expect(fast.files.get('crlf.txt')?.oid).toBe(git('hash-object', '--no-filters', 'crlf.txt').trim());
    });

    it('core.fileMode off', async () => {
      const shadow = await committed({ 'run.sh': '#!/bin/sh\n' });
      git('config', 'core.fileMode', 'false');
      chmodSync(f('run.sh'), 0o755);
      const { fast, snapshot } = await both(shadow);
      expect(fast).toMatchObject({ via: 'snapshot', why: 'core.fileMode is off' });
      expect([...fast.files]).toEqual(snapshot);
      expect(fast.files.get('run.sh')?.mode).toBe('100755');
    });

    it('core.symlinks off', async () => {
      git('init', '-q');
      write('a.txt', 'a\n');
      symlinkSync('a.txt', f('link'));
      git('add', '-A');
      git('commit', '-q', '-m', 'one');
      const shadow = new ShadowRepo(project.root, project.dataDir);
      await shadow.snapshot('checkpoint');
      git('config', 'core.symlinks', 'false');
      unlinkSync(f('link'));
      write('link', 'a.txt');
      const { fast, snapshot } = await both(shadow);
      expect(fast).toMatchObject({ via: 'snapshot', why: 'core.symlinks is off' });
      expect([...fast.files]).toEqual(snapshot);
      expect(fast.files.has('link')).toBe(true);
    });

    it('patterns in .git/info/exclude', async () => {
      const shadow = await committed({ 'a.txt': 'a\n' });
      write('.git/info/exclude', '# comment\nprivate.txt\n');
      write('private.txt', 'excluded for the user only\n');
      const { fast, snapshot } = await both(shadow);
      expect(fast).toMatchObject({ via: 'snapshot', why: '.git/info/exclude has patterns' });
      expect([...fast.files]).toEqual(snapshot);
    });

    it("the repository's own core.excludesFile", async () => {
      const shadow = await committed({ 'a.txt': 'a\n' });
      write('.excludes', 'private.txt\n');
      git('config', 'core.excludesFile', '.excludes');
      write('private.txt', 'excluded for the user only\n');
      const { fast, snapshot } = await both(shadow);
      expect(fast).toMatchObject({ via: 'snapshot', why: 'the repository sets core.excludesFile' });
      expect([...fast.files]).toEqual(snapshot);
    });

    it('exclude patterns in the shadow repository', async () => {
      const shadow = await committed({ 'a.txt': 'a\n' });
      write('b.txt', 'b\n');
      writeFileSync(join(shadow.gitdir, 'info', 'exclude'), 'b.txt\n');
      const { fast, snapshot } = await both(shadow);
      expect(fast).toMatchObject({ via: 'snapshot', why: 'the shadow repository has exclude patterns' });
      expect([...fast.files]).toEqual(snapshot);
    });

    it('the user matches case and the shadow does not', async () => {
      const shadow = await committed({ '.gitignore': '*.log\n', 'a.txt': 'a\n' });
      git('config', 'core.ignorecase', 'true');
      write('Notes.LOG', 'ignored by the user only\n');
      const { fast, snapshot } = await both(shadow);
      expect(fast).toMatchObject({ via: 'snapshot', why: 'the shadow repository matches case differently' });
      expect([...fast.files]).toEqual(snapshot);
    });

    it('an assume-unchanged entry', async () => {
      const shadow = await committed({ 'a.txt': 'a\n' });
      git('update-index', '--assume-unchanged', 'a.txt');
      write('a.txt', 'changed, git status does not look\n');
      const { fast, snapshot } = await both(shadow);
      expect(fast).toMatchObject({ via: 'snapshot', why: expect.stringContaining('assume-unchanged') });
      expect([...fast.files]).toEqual(snapshot);
    });

    it('no index yet', async () => {
      git('init', '-q');
      write('a.txt', 'a\n');
      const shadow = new ShadowRepo(project.root, project.dataDir);
      const { fast, snapshot } = await both(shadow);
      expect(fast).toMatchObject({ via: 'snapshot', why: 'the repository has no (readable) index' });
      expect([...fast.files]).toEqual(snapshot);
    });

    it('git status failed', async () => {
      const shadow = await committed({ 'a.txt': 'a\n' });
      write('a.txt', 'changed\n');
      const { fast, snapshot } = await both(shadow, Promise.reject(new Error('no git')));
      expect(fast).toMatchObject({ via: 'snapshot', why: 'git status failed (no git)' });
      expect([...fast.files]).toEqual(snapshot);
    });

    it('no native git', async () => {
      const shadow = await committed({ 'a.txt': 'a\n' });
      vi.stubEnv('PLUMBLINE_GIT', 'embedded');
      try {
        expect(await shadow.currentFiles(status(), 'fast')).toMatchObject({ via: 'snapshot', why: 'no native git' });
      } finally {
        vi.unstubAllEnvs();
      }
    });

    it('the index turned untrustworthy while git status ran', async () => {
      const shadow = await committed({ 'a.txt': 'a\n' });
      const racing = status().then((result) => {
        git('update-index', '--assume-unchanged', 'a.txt');
        write('a.txt', 'changed, git status does not look\n');
        return result;
      });
      const { fast, snapshot } = await both(shadow, racing);
      expect(fast).toMatchObject({ via: 'snapshot', why: expect.stringContaining('while git status ran') });
      expect([...fast.files]).toEqual(snapshot);
    });

    it('an unreadable shadow index', async () => {
      const shadow = await committed({ 'a.txt': 'a\n' });
      writeFileSync(join(shadow.gitdir, 'index'), 'not an index');
      const result = await filesFromStatus(native, project.root, shadow.gitdir, status(), LIMITS);
      expect(result).toMatchObject({ files: null, why: expect.stringContaining('the shadow index is unreadable') });
    });

    it('listing the files of a new folder failed', async () => {
      const shadow = await committed({ 'a.txt': 'a\n' });
      write('newdir/x.txt', 'x\n');
      const result = await filesFromStatus({ path: join(project.root, 'no-such-git'), version: '2.39.5' }, project.root, shadow.gitdir, status(), LIMITS);
      expect(result).toMatchObject({ files: null, why: expect.stringContaining('listing new files failed') });
    });

    it('no git status given', async () => {
      const shadow = await committed({ 'a.txt': 'a\n' });
      const { fast } = await both(shadow, null);
      expect(fast).toMatchObject({ via: 'snapshot', why: 'no live git status' });
    });
  });

  it('reads the index again when it was rewritten while git status ran', async () => {
    const shadow = await committed({ 'a.txt': 'a\n', 'b.txt': 'b\n', 'c.txt': 'c\n' });
    // Status sees b.txt and c.txt unchanged; then the user stages an edit of b.txt and stops tracking c.txt
    // (which the checkpoints still hold) before the index is compared.
    const racing = status().then((result) => {
      write('b.txt', 'b edited and staged\n');
      git('add', 'b.txt');
      git('rm', '-q', '--cached', 'c.txt');
      return result;
    });
    const { fast, snapshot } = await both(shadow, racing);
    expect(fast.via).toBe('status');
    expect([...fast.files]).toEqual(snapshot);
    expect(fast.files.has('c.txt')).toBe(true);
  });

  it('answers for the moment the files were gathered, though a command rewrites a large tracked file later', async () => {
    const limits = { sizeLimit: SIZE_LIMIT, binaryLimit: 64 };
    const text = 'x'.repeat(100);
    const binary = Buffer.concat([Buffer.from([0]), Buffer.alloc(99, 1)]);
    const shadow = await committed({ 'big.txt': text, 'small.txt': 's\n' });
    write('big.dat', binary);
    git('add', 'big.dat');
    git('commit', '-q', '-m', 'two');
    const tree = await treeFromStatus(native, project.root, shadow.gitdir, status(), limits);
    expect(tree.why).toBeNull();
    const files = tree.files!;
    const at = { 'big.txt': git('rev-parse', ':big.txt').trim(), 'small.txt': git('rev-parse', ':small.txt').trim() };
    // A check run afterwards swaps them: the text file becomes binary, the binary one text.
    write('big.txt', binary);
    write('big.dat', text);
    expect(files.get('big.txt')?.oid).toBe(at['big.txt']);
    expect(files.get('big.dat')).toBeUndefined();
    expect([...(await files.list()).keys()]).toEqual(['big.txt', 'small.txt']);
    expect([...(await files.changesFrom(new Map([['big.dat', 'f'.repeat(40)], ['small.txt', at['small.txt']]]), () => false))]).toEqual([
      ['big.dat', { before: 'f'.repeat(40), after: null }],
      ['big.txt', { before: null, after: at['big.txt'] }],
    ]);
  });
});
