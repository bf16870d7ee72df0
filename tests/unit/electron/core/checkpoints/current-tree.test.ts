import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, statSync, symlinkSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { changesBetween, type WorkTreeFiles } from '../../../../../electron/core/checkpoints/current-files';
import { ShadowRepo, SIZE_LIMIT } from '../../../../../electron/core/checkpoints/shadow-repo';
import { findNativeGit } from '../../../../../electron/core/git/native/find-git';
import { nativeStatus } from '../../../../../electron/core/git/native/native-status';
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
/** The ledger's own file: never a change of the run's (as the verifier skips it). */
const skip = (path: string): boolean => path === '.plumbline/evidence.jsonl';

/** A repository with one commit and the run's checkpoint (path → blob id, as the verifier reads it). */
async function committed(files: Record<string, string | Buffer>): Promise<{ shadow: ShadowRepo; checkpoint: Map<string, string> }> {
  git('init', '-q');
  for (const [p, c] of Object.entries(files)) write(p, c);
  git('add', '-A');
  git('commit', '-q', '-m', 'one');
  const shadow = new ShadowRepo(project.root, project.dataDir);
  const commit = await shadow.snapshot('checkpoint');
  const checkpoint = new Map([...(await shadow.readSnapshot(commit))].map(([p, e]) => [p, e.oid] as [string, string]));
  return { shadow, checkpoint };
}

/**
 * The files now from the index and git status, and the reference: a real checkpoint taken now, compared with
 * the run's checkpoint by full lists (the computation the walk replaces).
 */
async function compare(shadow: ShadowRepo, checkpoint: ReadonlyMap<string, string>): Promise<{ fast: WorkTreeFiles; via: string; changes: Map<string, unknown> }> {
  const { files: fast, via } = await shadow.currentTree(nativeStatus(native, project.root), 'fast');
  const now = await shadow.readSnapshot(await shadow.snapshot('reference'));
  const changes = await fast.changesFrom(checkpoint, skip);
  expect([...changes]).toEqual([...changesBetween(checkpoint, now, skip)]);
  // Every path either side knows, and one neither does, is looked up as the full list has it.
  for (const p of new Set([...checkpoint.keys(), ...now.keys(), 'no/such/file.txt'])) expect(fast.get(p), p).toEqual(now.get(p));
  expect([...(await fast.list())]).toEqual([...now]);
  return { fast, via, changes };
}

describe('WorkTreeFiles.changesFrom (the files now, walked beside a checkpoint)', () => {
  it('gives what comparing two full lists gives: modified, deleted, new, ignored, exec bit, size policy, same-second writes', async () => {
    const { shadow, checkpoint } = await committed({
      '.gitignore': 'build/\n*.log\n',
      'a.txt': 'a\n',
      'del.txt': 'to delete\n',
      'src/b.ts': 'export const b = 1;\n',
      'run.sh': '#!/bin/sh\n',
      'racy.txt': 'aaaa\n',
      'staged.txt': 'v1\n',
      'big-binary.dat': Buffer.concat([Buffer.from([0]), Buffer.alloc(1024 * 1024 + 10, 1)]),
      'huge.txt': 'y'.repeat(SIZE_LIMIT + 1),
      '.plumbline/evidence.jsonl': '{"id":"e1"}\n',
      'z.txt': 'last\n',
    });
    write('build/keep.js', 'tracked although ignored\n');
    git('add', '-f', 'build/keep.js');
    write('late.tmp', 'in the checkpoints, ignored later\n');
    const withLate = await committedAgain(shadow);

    write('a.txt', 'a changed\n');
    unlinkSync(f('del.txt'));
    write('new.txt', 'new\n');
    write('newdir/x.txt', 'x\n');
    write('newdir/z.log', 'ignored inside a new folder\n');
    write('debug.log', 'ignored\n');
    write('build/out.js', 'ignored output\n');
    write('build/keep.js', 'tracked under an ignored folder, changed\n');
    chmodSync(f('run.sh'), 0o755);
    write('new.sh', '#!/bin/sh\n', 0o755);
    write('staged-gone.txt', 'staged, then deleted from disk\n');
    git('add', 'staged-gone.txt');
    unlinkSync(f('staged-gone.txt'));
    write('staged.txt', 'v2\n');
    git('add', 'staged.txt');
    write('huge.txt', 'z'.repeat(SIZE_LIMIT + 2));
    write('new-huge.txt', 'z'.repeat(SIZE_LIMIT + 1));
    write('.plumbline/evidence.jsonl', '{"id":"e1"}\n{"id":"e2"}\n');
    write('.gitignore', 'build/\n*.log\n*.tmp\n');
    symlinkSync('a.txt', f('link-new'));
    // Same size, same second as the index, mtime put back: only git's content check sees it.
    const before = statSync(f('racy.txt'));
    git('add', 'racy.txt');
    write('racy.txt', 'bbbb\n');
    utimesSync(f('racy.txt'), before.atime, before.mtime);

    const { via, changes } = await compare(shadow, withLate);
    expect(via).toBe('status');
    expect([...changes.keys()]).toEqual(['.gitignore', 'a.txt', 'build/keep.js', 'del.txt', 'racy.txt', 'staged.txt', 'new.sh', 'new.txt', 'newdir/x.txt']);
    // The checkpoint taken before the run is unchanged by what came later.
    expect(checkpoint.has('late.tmp')).toBe(false);
  });

  it('gives the same changes when the checkpoint lists its files in another order', async () => {
    const { shadow, checkpoint } = await committed({ '.plumbline/evidence.jsonl': '{"id":"e1"}\n', 'a.txt': 'a\n', 'b/c.txt': 'c\n', 'b-d.txt': 'd\n', 'e.txt': 'e\n' });
    write('b/c.txt', 'c changed\n');
    unlinkSync(f('e.txt'));
    write('b/new.txt', 'new\n');
    const reversed = new Map([...checkpoint].reverse());
    const { via, changes } = await compare(shadow, reversed);
    expect(via).toBe('status');
    expect([...changes.keys()]).toEqual(['e.txt', 'b/c.txt', 'b/new.txt']);
  });

  it('reads a conflicted file from disk', async () => {
    const { shadow } = await committed({ 'a.txt': 'base\n' });
    git('checkout', '-q', '-b', 'other');
    write('a.txt', 'other\n');
    git('commit', '-q', '-am', 'other');
    git('checkout', '-q', '-');
    write('a.txt', 'mine\n');
    git('commit', '-q', '-am', 'mine');
    const commit = await shadow.snapshot('before the merge');
    const checkpoint = new Map([...(await shadow.readSnapshot(commit))].map(([p, e]) => [p, e.oid] as [string, string]));
    write('.plumbline/evidence.jsonl', '{"id":"e1"}\n');
    try {
      git('merge', '-q', 'other');
    } catch {
      // the conflict is the point
    }
    const { via, changes } = await compare(shadow, checkpoint);
    expect(via).toBe('status');
    expect([...changes.keys()]).toEqual(['a.txt']);
  });

  it('takes a checkpoint instead when git converts line endings (core.autocrlf), with the same answer', async () => {
    const { shadow, checkpoint } = await committed({ 'a.txt': 'a\n' });
    git('config', 'core.autocrlf', 'true');
    write('crlf.txt', 'one\r\ntwo\r\n');
    git('add', 'crlf.txt');
    write('a.txt', 'a\r\nchanged\r\n');
    const { via, changes } = await compare(shadow, checkpoint);
    expect(via).toBe('snapshot');
    expect([...changes.keys()]).toEqual(['a.txt', 'crlf.txt']);
  });
});

/** Commits what is staged and takes the run's checkpoint after it (path → blob id). */
async function committedAgain(shadow: ShadowRepo): Promise<Map<string, string>> {
  git('add', '-A');
  git('commit', '-q', '-m', 'two');
  git('rm', '-q', '--cached', 'late.tmp');
  const commit = await shadow.snapshot('run checkpoint');
  return new Map([...(await shadow.readSnapshot(commit))].map(([p, e]) => [p, e.oid] as [string, string]));
}
