import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** A fresh empty folder under the system temp folder. */
export function makeTempDir(prefix = 'plumbline-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Runs native git in a folder (test oracle and fixture builder only; the product never needs it). */
export function git(dir: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', '-c', 'init.defaultBranch=main', '-c', 'core.quotepath=false', ...args], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_AUTHOR_DATE: '2026-01-01T00:00:00Z', GIT_COMMITTER_DATE: '2026-01-01T00:00:00Z' },
  });
}

/** Writes files (path → content) into a folder, creating parents. */
export function writeFiles(dir: string, files: Readonly<Record<string, string | Uint8Array>>): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
}

/** A git repository in a temp folder with the given files committed on main. */
export function makeRepo(files: Readonly<Record<string, string | Uint8Array>>, opts: { commit?: boolean } = {}): string {
  const dir = makeTempDir();
  git(dir, 'init', '-q');
  writeFiles(dir, files);
  if (opts.commit !== false && Object.keys(files).length > 0) {
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'initial');
  }
  return dir;
}
