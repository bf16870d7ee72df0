import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { chooseBackend } from '../../../../../electron/core/git/backend';
import { findNativeGit, parseGitVersion, versionSupported } from '../../../../../electron/core/git/native/find-git';
import { filesInOutput, parseGitError } from '../../../../../electron/core/git/native/git-errors';
import { GitCommandError, gitEnv, runGit } from '../../../../../electron/core/git/native/git-runner';
import { parsePorcelainV2 } from '../../../../../electron/core/git/native/native-status';
import { cleanupTemp, initRepo, tempDir } from './git-oracle';

afterAll(cleanupTemp);

describe('finding native git', () => {
  it('parses vendor version strings and accepts 2.30 or newer only', () => {
    expect(parseGitVersion('git version 2.39.5\n')).toBe('2.39.5');
    expect(parseGitVersion('git version 2.39.3 (Apple Git-146)')).toBe('2.39.3');
    expect(parseGitVersion('git version 2.45.1.windows.1')).toBe('2.45.1');
    expect(parseGitVersion('not git')).toBeNull();
    expect(versionSupported('2.30.0')).toBe(true);
    expect(versionSupported('2.29.9')).toBe(false);
    expect(versionSupported('3.0.0')).toBe(true);
  });

  it('uses git from PATH, a configured path, or the built-in engine when asked or when none is usable', () => {
    expect(findNativeGit(undefined).git?.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(findNativeGit('embedded')).toEqual({ git: null, reason: expect.stringContaining('PLUMBLINE_GIT=embedded') });
    const missing = findNativeGit('/nonexistent/git');
    expect(missing.git).toBeNull();
    const dir = tempDir();
    const old = join(dir, 'old-git');
    writeFileSync(old, '#!/bin/sh\necho "git version 2.20.1"\n', { mode: 0o755 });
    expect(findNativeGit(old).reason).toMatch(/older than 2\.30/);
    expect(chooseBackend('auto', old).info).toMatchObject({ kind: 'embedded', reason: expect.stringMatching(/older than 2\.30/) });
    expect(chooseBackend('auto', 'git').info.kind).toBe('native');
  });
});

describe('the git runner', () => {
  it('never lets git wait on a terminal, takes no optional locks on reads, and drops variables that redirect git', () => {
    process.env.GIT_DIR = '/elsewhere';
    try {
      const read = gitEnv(true);
      expect(read).toMatchObject({ GIT_TERMINAL_PROMPT: '0', GIT_EDITOR: 'true', GIT_OPTIONAL_LOCKS: '0', GIT_ASKPASS: '' });
      expect(read.GIT_DIR).toBeUndefined();
      expect(gitEnv(false).GIT_OPTIONAL_LOCKS).toBeUndefined();
    } finally {
      delete process.env.GIT_DIR;
    }
  });

  it('turns known failures into typed errors with a message that says what to do', async () => {
    const git = findNativeGit('git').git!;
    const dir = tempDir();
    const err = await runGit(git, ['status'], { cwd: dir }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GitCommandError);
    expect(err).toMatchObject({ kind: 'NotAGitRepository', code: 'UNAVAILABLE', message: expect.stringMatching(/not a git repository.*Initialise git/) });
    // Expected kinds come back as a result instead.
    const r = await runGit(git, ['status'], { cwd: dir, expected: new Set(['NotAGitRepository']) });
    expect(r.error).toBe('NotAGitRepository');
  });

  it('stops a command that runs past its timeout', async () => {
    const dir = initRepo();
    const git = findNativeGit('git').git!;
    // A shell alias stands in for a hook or filter that hangs; the whole process group is stopped.
    const started = Date.now();
    const err = await runGit(git, ['-c', 'alias.wait=!sleep 30', 'wait'], { cwd: dir, timeoutMs: 200 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'UNAVAILABLE', message: expect.stringMatching(/did not finish/) });
    expect(Date.now() - started).toBeLessThan(25_000);
  });

  it('recognises the messages of the error table', () => {
    const cases: Array<[string, string]> = [
      ["fatal: Unable to create '/r/.git/index.lock': File exists.", 'LockFileExists'],
      ['error: Your local changes to the following files would be overwritten by checkout:\n\ta.txt\n\tb.txt\nPlease commit', 'LocalChangesOverwritten'],
      ['error: The following untracked working tree files would be overwritten by checkout:\n\tnew.txt\nPlease move', 'UntrackedFilesOverwritten'],
      ['error: gpg failed to sign the data\nfatal: failed to write commit object', 'SigningFailed'],
      ["fatal: a branch named 'x' already exists", 'BranchAlreadyExists'],
      ["fatal: detected dubious ownership in repository at '/r'", 'DubiousOwnership'],
      ['error: patch failed: a.txt:1\nerror: a.txt: patch does not apply', 'PatchDoesNotApply'],
    ];
    for (const [text, kind] of cases) expect(parseGitError(text)?.kind, text).toBe(kind);
    expect(parseGitError('some hook said no')).toBeNull();
    expect(filesInOutput(cases[1][0])).toEqual(['a.txt', 'b.txt']);
  });
});

describe('native status', () => {
  it('parses porcelain v2 into the status the UI shows, as git prints it', () => {
    const out = Buffer.from(
      [
        '# branch.oid 1111111111111111111111111111111111111111',
        '# branch.head main',
        '1 MM N... 100644 100644 100644 aaaa bbbb a.txt',
        '1 .A N... 000000 000000 100644 0000 0000 c.txt',
        '1 .M SC.. 160000 160000 160000 aaaa aaaa sub',
        'u UU N... 100644 100644 100644 100644 a b c with space.txt',
        '? new/',
        '',
      ].join('\0'),
    );
    const s = parsePorcelainV2(out);
    expect(s).toMatchObject({ branch: 'main', headOid: '1'.repeat(40), detached: false, unborn: false });
    expect(s.entries).toEqual([
      { kind: 'tracked', path: 'a.txt', index: 'M', worktree: 'M' },
      { kind: 'tracked', path: 'c.txt', index: ' ', worktree: 'A' },
      { kind: 'tracked', path: 'sub', index: ' ', worktree: 'M', submodule: true },
      { kind: 'tracked', path: 'with space.txt', index: 'U', worktree: 'U', conflict: 'UU' },
      { kind: 'untracked', path: 'new/' },
    ]);
    expect(parsePorcelainV2(Buffer.from('# branch.oid (initial)\0# branch.head (detached)\0'))).toMatchObject({ unborn: true, detached: true, branch: null, headOid: null });
  });
});

describe('the built-in engine and commit hooks', () => {
  it('says once that it does not run the hooks, then commits without them', async () => {
    const { EmbeddedGitBackend } = await import('../../../../../electron/core/git/backend');
    const { git } = await import('./git-oracle');
    const { chmodSync } = await import('node:fs');
    const dir = initRepo();
    writeFileSync(join(dir, 'a.txt'), 'a\n');
    git(dir, 'add', 'a.txt');
    writeFileSync(join(dir, '.git/hooks/pre-commit'), '#!/bin/sh\ntouch "$GIT_DIR/../hook-ran"\nexit 1\n');
    chmodSync(join(dir, '.git/hooks/pre-commit'), 0o755);
    const backend = new EmbeddedGitBackend({ kind: 'embedded', version: null, path: null, reason: 'test' });
    const status = await backend.statusSource(dir).status();
    const options = { message: 'first', amend: false, author: { name: 'A', email: 'a@example.com', typed: true } };
    await expect(backend.commit(dir, status, options)).rejects.toThrow(/pre-commit.*does not run.*commit again/);
    expect(git(dir, 'rev-list', '--all').trim()).toBe('');
    const oid = await backend.commit(dir, status, options);
    expect(git(dir, 'rev-parse', 'HEAD').trim()).toBe(oid);
    expect(existsSync(join(dir, 'hook-ran'))).toBe(false);
  });
});
