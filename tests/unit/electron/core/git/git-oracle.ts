/**
 * Test helpers for the git read-side conformance suite: temp repositories built with native git (the
 * oracle), and the engine's output rendered the way `git status --porcelain=v1 -z --no-renames` prints it.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { StatusEntry } from '../../../../../electron/core/git/status-engine';

let clock = 1_700_000_000;

/** Runs native git in `cwd` with a fixed identity and increasing dates; returns stdout. */
export function git(cwd: string, ...args: string[]): string {
  clock += 60;
  return execFileSync('git', ['-c', 'core.quotepath=false', '-c', 'protocol.file.allow=always', ...args], {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'Test Author',
      GIT_AUTHOR_EMAIL: 'author@example.com',
      GIT_COMMITTER_NAME: 'Test Committer',
      GIT_COMMITTER_EMAIL: 'committer@example.com',
      GIT_AUTHOR_DATE: `${clock} +0200`,
      GIT_COMMITTER_DATE: `${clock} +0200`,
    },
  });
}

const made: string[] = [];

/** A new empty folder under the OS temp dir, removed by cleanupTemp(). */
export function tempDir(prefix = 'pl-git-'): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  made.push(d);
  return d;
}

/** Removes every folder made by tempDir(). */
export function cleanupTemp(): void {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** A new repository on branch main. */
export function initRepo(): string {
  const dir = tempDir();
  git(dir, 'init', '-q', '-b', 'main');
  return dir;
}

/** Writes files (creating folders); a string value is UTF-8 text. */
export function write(dir: string, files: Record<string, string | Uint8Array>): void {
  for (const [rel, content] of Object.entries(files)) {
    const abs = join(dir, rel);
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(abs, content);
  }
}

/** Native `git status --porcelain=v1` as sorted "XY path" lines (the index is not refreshed). */
export function nativeStatus(dir: string, ignored = false): string[] {
  // --no-optional-locks: a read never rewrites the index (which would also refresh racily clean entries).
  const out = git(dir, '--no-optional-locks', 'status', '--porcelain=v1', '-z', '--no-renames', ...(ignored ? ['--ignored'] : []));
  return out
    .split('\0')
    .filter((s) => s.length > 0)
    .sort();
}

/** Engine entries in the same form. */
export function renderEntries(entries: readonly StatusEntry[]): string[] {
  return entries
    .map((e) => {
      switch (e.kind) {
        case 'tracked':
          return `${e.conflict ?? e.index + e.worktree} ${e.path}`;
        case 'untracked':
          return `?? ${e.path}`;
        case 'ignored':
          return `!! ${e.path}`;
      }
    })
    .sort();
}
