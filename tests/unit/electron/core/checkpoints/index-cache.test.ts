import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fileStamp, readIndexCached, readIndexCachedAsync } from '../../../../../electron/core/checkpoints/index-cache';
import { tempProject } from '../agent/loop-harness';

let project: Awaited<ReturnType<typeof tempProject>>;
beforeEach(async () => {
  project = await tempProject();
});
afterEach(() => project.cleanup());

describe('readIndexCached', () => {
  it('parses an index once while it is unchanged, and again once git rewrote it', () => {
    const git = (...a: string[]): string => execFileSync('git', a, { cwd: project.root }).toString();
    const gitdir = join(project.root, '.git');
    git('init', '-q');
    expect(readIndexCached(gitdir)).toBeNull();
    writeFileSync(join(project.root, 'a.txt'), 'a\n');
    git('add', '-A');
    const first = readIndexCached(gitdir);
    expect(first?.entries.map((e) => e.path)).toEqual(['a.txt']);
    expect(readIndexCached(gitdir)).toBe(first);
    writeFileSync(join(project.root, 'b.txt'), 'b\n');
    git('add', '-A');
    const second = readIndexCached(gitdir);
    expect(second).not.toBe(first);
    expect(second?.entries.map((e) => e.path)).toEqual(['a.txt', 'b.txt']);
  });

  it('reads the file asynchronously with the same cache, and gives its stamp', async () => {
    const git = (...a: string[]): string => execFileSync('git', a, { cwd: project.root }).toString();
    const gitdir = join(project.root, '.git');
    git('init', '-q');
    expect(await readIndexCachedAsync(gitdir)).toEqual({ index: null, stamp: 'absent' });
    writeFileSync(join(project.root, 'a.txt'), 'a\n');
    git('add', '-A');
    const first = await readIndexCachedAsync(gitdir);
    expect(first.stamp).toBe(fileStamp(join(gitdir, 'index')));
    expect(first.index?.entries.map((e) => e.path)).toEqual(['a.txt']);
    expect(readIndexCached(gitdir)).toBe(first.index);
    expect((await readIndexCachedAsync(gitdir)).index).toBe(first.index);
    writeFileSync(join(project.root, 'b.txt'), 'b\n');
    git('add', '-A');
    const second = await readIndexCachedAsync(gitdir);
    expect(second.index).not.toBe(first.index);
    expect(second.index?.entries.map((e) => e.path)).toEqual(['a.txt', 'b.txt']);
  });
});
