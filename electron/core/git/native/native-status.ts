/**
 * Status from native git: `git status --porcelain=v2 -z --branch --no-renames`, parsed into the same
 * StatusResult the built-in status engine gives, cached until the watcher reports a change.
 */
import type { ConflictCode, IndexStatus, StatusEntry, StatusResult, WorktreeStatus } from '../status-engine';
import { type NativeGit, runGit } from './git-runner';

function x(c: string): IndexStatus {
  if (c === '.') return ' ';
  if (c === 'R' || c === 'C') return 'A';
  return c as IndexStatus;
}

function y(c: string): WorktreeStatus {
  return c === '.' ? ' ' : (c as WorktreeStatus);
}

/** Parses porcelain v2 `-z` output with `--branch` headers. */
export function parsePorcelainV2(out: Buffer): StatusResult {
  const tracked: StatusEntry[] = [];
  const untracked: StatusEntry[] = [];
  const ignored: StatusEntry[] = [];
  let headOid: string | null = null;
  let branch: string | null = null;
  let detached = false;
  let unborn = false;
  const records = out.toString('utf8').split('\0');
  for (let i = 0; i < records.length; i++) {
    const r = records[i];
    if (!r) continue;
    const t = r[0];
    if (t === '#') {
      const [, key, ...rest] = r.split(' ');
      const value = rest.join(' ');
      if (key === 'branch.oid') {
        if (value === '(initial)') unborn = true;
        else headOid = value;
      } else if (key === 'branch.head') {
        if (value === '(detached)') detached = true;
        else branch = value;
      }
    } else if (t === '1') {
      // 1 XY sub mH mI mW hH hI path
      const parts = r.split(' ');
      const path = parts.slice(8).join(' ');
      tracked.push({ kind: 'tracked', path, index: x(parts[1][0]), worktree: y(parts[1][1]), ...(parts[2] !== 'N...' ? { submodule: true } : {}) });
    } else if (t === '2') {
      // 2 XY sub mH mI mW hH hI Xscore path \0 origPath (only without --no-renames)
      const parts = r.split(' ');
      tracked.push({ kind: 'tracked', path: parts.slice(9).join(' '), index: x(parts[1][0]), worktree: y(parts[1][1]) });
      i++;
    } else if (t === 'u') {
      // u XY sub m1 m2 m3 mW h1 h2 h3 path
      const parts = r.split(' ');
      tracked.push({ kind: 'tracked', path: parts.slice(10).join(' '), index: 'U', worktree: 'U', conflict: parts[1] as ConflictCode });
    } else if (t === '?') untracked.push({ kind: 'untracked', path: r.slice(2) });
    else if (t === '!') ignored.push({ kind: 'ignored', path: r.slice(2) });
  }
  if (detached) branch = null;
  const byPath = (a: StatusEntry, b: StatusEntry) => Buffer.compare(Buffer.from(a.path), Buffer.from(b.path));
  return { entries: [...tracked.sort(byPath), ...untracked.sort(byPath), ...ignored.sort(byPath)], headOid, branch, detached, unborn };
}

/** Runs native status once. */
export async function nativeStatus(git: NativeGit, dir: string, includeIgnored = false): Promise<StatusResult> {
  const args = ['status', '--porcelain=v2', '-z', '--branch', '--no-renames', '--untracked-files=normal'];
  if (includeIgnored) args.push('--ignored');
  const { stdout } = await runGit(git, args, { cwd: dir, read: true, what: 'read the status' });
  return parsePorcelainV2(stdout);
}

/** A status source over native git: one run per change the watcher reports, concurrent callers share it. */
export class NativeStatusSource {
  private cached: StatusResult | null = null;
  private running: Promise<StatusResult> | null = null;
  private generation = 0;

  constructor(
    private readonly git: NativeGit,
    private readonly dir: string,
  ) {}

  async status(options: { includeIgnored?: boolean; signal?: AbortSignal } = {}): Promise<StatusResult> {
    if (options.includeIgnored) return nativeStatus(this.git, this.dir, true);
    if (this.cached) return this.cached;
    if (!this.running) {
      const gen = this.generation;
      const run = nativeStatus(this.git, this.dir);
      this.running = run;
      void run.then(
        (result) => {
          if (this.running === run) this.running = null;
          if (gen === this.generation) this.cached = result;
        },
        () => {
          if (this.running === run) this.running = null;
        },
      );
    }
    return this.running;
  }

  notifyChanged(_paths: readonly string[]): void {
    this.invalidateAll();
  }

  invalidateAll(): void {
    this.generation++;
    this.cached = null;
    this.running = null;
  }

  dispose(): void {
    this.invalidateAll();
  }
}
