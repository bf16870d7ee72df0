import { execFileSync } from 'node:child_process';
import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readSide } from '../../../../../electron/core/git/blobs';
import { cleanupTemp, git, initRepo, write } from './git-oracle';

afterAll(cleanupTemp);

const show = (dir: string, spec: string): Buffer => execFileSync('git', ['show', spec], { cwd: dir });

describe('readSide', () => {
  it('reads HEAD, index, work tree and commit sides byte for byte', async () => {
    const dir = initRepo();
    write(dir, { 'a.txt': 'v1\r\n', 'bin.dat': Buffer.from([1, 2, 0, 3]), 'big.txt': 'x'.repeat(3000) });
    symlinkSync('a.txt', join(dir, 'link'));
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'one');
    const first = git(dir, 'rev-parse', 'HEAD').trim();
    write(dir, { 'a.txt': 'v2\r\n' });
    git(dir, 'commit', '-q', '-am', 'two');
    write(dir, { 'a.txt': 'v3 staged\n' });
    git(dir, 'add', 'a.txt');
    write(dir, { 'a.txt': 'v4 worktree\n' });

    const text = (b: Uint8Array | null): string => Buffer.from(b ?? []).toString('utf8');
    expect(text((await readSide(dir, 'a.txt', { kind: 'head' })).bytes)).toBe(show(dir, 'HEAD:a.txt').toString());
    expect(text((await readSide(dir, 'a.txt', { kind: 'index' })).bytes)).toBe(show(dir, ':a.txt').toString());
    expect(text((await readSide(dir, 'a.txt', { kind: 'worktree' })).bytes)).toBe('v4 worktree\n');
    expect(text((await readSide(dir, 'a.txt', { kind: 'commit', oid: first })).bytes)).toBe('v1\r\n');

    const bin = await readSide(dir, 'bin.dat', { kind: 'head' });
    expect(bin).toMatchObject({ exists: true, binary: true, size: 4, tooLarge: false });
    const link = await readSide(dir, 'link', { kind: 'head' });
    expect(link).toMatchObject({ exists: true, mode: 0o120000 });
    expect(text(link.bytes)).toBe('a.txt');
    expect(text((await readSide(dir, 'link', { kind: 'worktree' })).bytes)).toBe('a.txt');

    const big = await readSide(dir, 'big.txt', { kind: 'worktree' }, { maxBytes: 1000 });
    expect(big).toMatchObject({ exists: true, bytes: null, size: 3000, tooLarge: true, binary: false });
    expect(await readSide(dir, 'big.txt', { kind: 'head' }, { maxBytes: 1000 })).toMatchObject({ bytes: null, tooLarge: true, size: 3000 });

    expect(await readSide(dir, 'nope.txt', { kind: 'head' })).toMatchObject({ exists: false, bytes: null });
    expect(await readSide(dir, 'nope.txt', { kind: 'index' })).toMatchObject({ exists: false });
    expect(await readSide(dir, 'nope.txt', { kind: 'worktree' })).toMatchObject({ exists: false });
    await expect(readSide(dir, '../escape', { kind: 'worktree' })).rejects.toThrow(/not a file path inside/);
  });

  it('treats an unborn branch as having no HEAD side', async () => {
    const dir = initRepo();
    write(dir, { 'a.txt': 'a\n' });
    git(dir, 'add', 'a.txt');
    expect(await readSide(dir, 'a.txt', { kind: 'head' })).toMatchObject({ exists: false });
    expect(await readSide(dir, 'a.txt', { kind: 'index' })).toMatchObject({ exists: true, size: 2 });
  });
});
