import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ShadowRepo } from '../../../../../electron/core/checkpoints/shadow-repo';
import { tempProject } from '../agent/loop-harness';

/** When set, `git write-tree` fails as it does on an index it cannot write as a tree. */
const failWriteTree = vi.hoisted(() => ({ on: false }));
vi.mock('../../../../../electron/core/git/native/git-runner', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../../../../electron/core/git/native/git-runner')>();
  return {
    ...real,
    runGit: (git: Parameters<typeof real.runGit>[0], args: readonly string[], opts: Parameters<typeof real.runGit>[2]) =>
      failWriteTree.on && args.includes('write-tree')
        ? Promise.resolve({ stdout: Buffer.alloc(0), stderr: 'fatal: git-write-tree: error building trees', exitCode: 128, error: null })
        : real.runGit(git, args, opts),
  };
});

let project: Awaited<ReturnType<typeof tempProject>>;
beforeEach(async () => {
  project = await tempProject();
  vi.stubEnv('PLUMBLINE_GIT', 'git');
});
afterEach(async () => {
  failWriteTree.on = false;
  vi.unstubAllEnvs();
  await project.cleanup();
});

describe('a native checkpoint whose tree git cannot write', () => {
  it('writes the tree from the shadow index files instead, the same tree git writes', async () => {
    const git = (...a: string[]): string => execFileSync('git', a, { cwd: project.root }).toString();
    git('init', '-q');
    await writeFile(join(project.root, 'a.txt'), 'a\n');
    await writeFile(join(project.root, 'b.txt'), 'b\n');
    const byGit = new ShadowRepo(project.root, join(project.dataDir, 'one'));
    const expected = git('--git-dir', byGit.gitdir, 'rev-parse', `${await byGit.snapshot('by git')}^{tree}`).trim();
    failWriteTree.on = true;
    const shadow = new ShadowRepo(project.root, join(project.dataDir, 'two'));
    const commit = await shadow.snapshot('fallback');
    expect(git('--git-dir', shadow.gitdir, 'rev-parse', `${commit}^{tree}`).trim()).toBe(expected);
    expect([...(await shadow.readSnapshot(commit)).keys()]).toEqual(['a.txt', 'b.txt']);
  });
});
