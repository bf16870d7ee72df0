/**
 * Benchmark cases for the git read side (issue 3): status cold/warm/after a change, history, commit
 * details and a 1 MB diff — each against the native git command doing the same work.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { structuredPatch } from 'diff';
import { readSide } from '../electron/core/git/blobs';
import { commitChanges, readCommit, readLog } from '../electron/core/git/history';
import { closeRepo } from '../electron/core/git/repo-cache';
import { StatusEngine } from '../electron/core/git/status-engine';
import { findNativeGit } from '../electron/core/git/native/find-git';
import { NativeStatusSource, nativeStatus as nativeBackendStatus } from '../electron/core/git/native/native-status';
import { watchRepository } from '../electron/core/git/watcher';
import { type BenchCase, time, timeCommand } from './harness';

/** A tracked file the change case edits (and restores); not the file make-big-repo leaves modified. */
const EDITED = 'src/mod5/file502.ts';

function coldChild(script: string, repo: string): { inner: number; wall: number } {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [script, repo], { stdio: ['ignore', 'pipe', 'pipe'] });
  const wall = performance.now() - t0;
  if (r.status !== 0) throw new Error(`cold status child failed: ${r.stderr.toString()}`);
  const lastLine = r.stdout.toString().trim().split('\n').pop() ?? '{}';
  return { inner: (JSON.parse(lastLine) as { ms: number }).ms, wall };
}

/** The git read-side cases, in the order they run. */
export function gitCases(opts: { coldScript: string; tempRepo: (files: Record<string, string>) => string }): BenchCase[] {
  const nativeStatus = (repo: string): number => timeCommand('git', ['status', '--porcelain'], repo);
  return [
    {
      name: 'status (cold)',
      target: '≤ 2× git status --porcelain',
      targetRatio: 2,
      run: async (ctx) => {
        const repo = ctx.bigRepo();
        nativeStatus(repo); // let git refresh its index once, as any first run would
        const plumbline: number[] = [];
        const native: number[] = [];
        for (let i = 0; i < ctx.repeat; i++) {
          plumbline.push(coldChild(opts.coldScript, repo).inner);
          native.push(nativeStatus(repo));
        }
        return { plumbline, native };
      },
    },
    {
      name: 'status (cold, native backend: git status --porcelain=v2 through the runner)',
      target: '≤ 1.2× git status --porcelain',
      targetRatio: 1.2,
      run: async (ctx) => {
        const git = findNativeGit().git;
        if (!git) throw new Error('no native git ≥ 2.30 found; the native backend rows need one');
        const repo = ctx.bigRepo();
        nativeStatus(repo);
        const plumbline: number[] = [];
        const native: number[] = [];
        for (let i = 0; i < ctx.repeat; i++) {
          plumbline.push(await time(() => nativeBackendStatus(git, repo)));
          native.push(nativeStatus(repo));
        }
        return { plumbline, native };
      },
    },
    {
      name: 'status after a one-file change, native backend (write → status)',
      target: '≤ 150 ms from the write',
      targetMs: 150,
      run: async (ctx) => {
        const git = findNativeGit().git;
        if (!git) throw new Error('no native git ≥ 2.30 found; the native backend rows need one');
        const repo = ctx.bigRepo();
        const file = join(repo, EDITED);
        const original = Buffer.from((await readSide(repo, EDITED, { kind: 'index' })).bytes ?? readFileSync(file));
        const source = new NativeStatusSource(git, repo);
        await source.status();
        const plumbline: number[] = [];
        try {
          for (let i = 0; i < ctx.repeat; i++) {
            const t0 = performance.now();
            writeFileSync(file, Buffer.concat([original, Buffer.from(`// bench edit ${i}\n`)]));
            source.notifyChanged([EDITED]);
            const r = await source.status();
            plumbline.push(performance.now() - t0);
            if (!r.entries.some((x) => x.path === EDITED)) throw new Error('the native status missed the edit');
          }
        } finally {
          writeFileSync(file, original);
          source.dispose();
        }
        return { plumbline, native: null };
      },
    },
    {
      name: 'status (cold, whole process incl. Node start)',
      target: 'informative',
      run: async (ctx) => {
        const repo = ctx.bigRepo();
        const plumbline: number[] = [];
        const native: number[] = [];
        for (let i = 0; i < ctx.repeat; i++) {
          plumbline.push(coldChild(opts.coldScript, repo).wall);
          native.push(nativeStatus(repo));
        }
        return { plumbline, native };
      },
    },
    {
      name: 'status (warm, full re-check after invalidateAll)',
      target: '≤ 2× git status --porcelain',
      targetRatio: 2,
      run: async (ctx) => {
        const repo = ctx.bigRepo();
        const engine = new StatusEngine({ dir: repo });
        await engine.status();
        const plumbline: number[] = [];
        const native: number[] = [];
        for (let i = 0; i < ctx.repeat; i++) {
          engine.invalidateAll();
          plumbline.push(await time(() => engine.status()));
          native.push(nativeStatus(repo));
        }
        engine.dispose();
        return { plumbline, native };
      },
    },
    {
      name: 'status (warm, watcher-fed cache, nothing changed)',
      target: '≤ 2× git status --porcelain',
      targetRatio: 2,
      run: async (ctx) => {
        const repo = ctx.bigRepo();
        const engine = new StatusEngine({ dir: repo });
        await engine.status();
        const plumbline: number[] = [];
        const native: number[] = [];
        for (let i = 0; i < ctx.repeat; i++) {
          plumbline.push(await time(() => engine.status()));
          native.push(nativeStatus(repo));
        }
        engine.dispose();
        return { plumbline, native };
      },
    },
    {
      name: 'status after a one-file change (write → watcher → result)',
      target: '≤ 150 ms from the write',
      targetMs: 150,
      run: async (ctx) => {
        const repo = ctx.bigRepo();
        const file = join(repo, EDITED);
        // The index copy, not the file: a run killed mid-case may have left the file edited.
        const original = Buffer.from((await readSide(repo, EDITED, { kind: 'index' })).bytes ?? readFileSync(file));
        writeFileSync(file, original);
        const engine = new StatusEngine({ dir: repo });
        await engine.status();
        let onResult: ((changed: boolean) => void) | null = null;
        const watchStart = performance.now();
        const watcher = watchRepository(repo, (e) => {
          if (e.git) engine.invalidateAll();
          else engine.notifyChanged(e.paths);
          void engine.status().then((r) => {
            const changed = r.entries.some((x) => x.path === EDITED);
            onResult?.(changed);
          });
        });
        ctx.log(`  watcher on ${repo} ready in ${(performance.now() - watchStart).toFixed(0)} ms`);
        // The watcher does not keep the process alive (the host does); this timer does, and bounds a miss.
        const waitFor = (want: boolean): Promise<void> =>
          new Promise((resolve, reject) => {
            const timer = setTimeout(() => reject(new Error('no status update within 10 s of the write')), 10_000);
            onResult = (changed) => {
              if (changed === want) {
                onResult = null;
                clearTimeout(timer);
                resolve();
              }
            };
          });
        const plumbline: number[] = [];
        try {
          for (let i = 0; i < ctx.repeat; i++) {
            const done = waitFor(true);
            const t0 = performance.now();
            writeFileSync(file, Buffer.concat([original, Buffer.from(`// bench edit ${i}\n`)]));
            await done;
            plumbline.push(performance.now() - t0);
            const back = waitFor(false);
            writeFileSync(file, original);
            await back;
          }
        } finally {
          await watcher.close();
          writeFileSync(file, original);
          engine.dispose();
        }
        const native: number[] = [];
        for (let i = 0; i < ctx.repeat; i++) {
          writeFileSync(file, Buffer.concat([original, Buffer.from(`// bench edit ${i}\n`)]));
          native.push(nativeStatus(repo));
          writeFileSync(file, original);
        }
        nativeStatus(repo);
        return { plumbline, native };
      },
    },
    {
      name: 'history: first 100 commits (repository opened fresh)',
      target: '≤ 50 ms',
      targetMs: 50,
      run: async (ctx) => {
        const repo = ctx.bigRepo();
        const plumbline: number[] = [];
        const native: number[] = [];
        for (let i = 0; i < ctx.repeat; i++) {
          closeRepo(repo);
          plumbline.push(await time(() => readLog(repo, { limit: 100 })));
          native.push(timeCommand('git', ['log', '-n', '100'], repo));
        }
        return { plumbline, native };
      },
    },
    {
      name: 'history: 1,000 commits (repository opened fresh)',
      target: '≤ 5× git log -n 1000',
      targetRatio: 5,
      run: async (ctx) => {
        const repo = ctx.bigRepo();
        const plumbline: number[] = [];
        const native: number[] = [];
        for (let i = 0; i < ctx.repeat; i++) {
          closeRepo(repo);
          const log = await time(() => readLog(repo, { limit: 1000 }));
          plumbline.push(log);
          native.push(timeCommand('git', ['log', '-n', '1000'], repo));
        }
        return { plumbline, native };
      },
    },
    {
      name: 'commit details: message + changed files of HEAD',
      target: 'informative',
      run: async (ctx) => {
        const repo = ctx.bigRepo();
        const plumbline: number[] = [];
        const native: number[] = [];
        for (let i = 0; i < ctx.repeat; i++) {
          closeRepo(repo);
          plumbline.push(
            await time(async () => {
              const [head] = await readLog(repo, { limit: 1 });
              await readCommit(repo, head.oid);
              await commitChanges(repo, head.oid);
            }),
          );
          native.push(timeCommand('git', ['show', '--no-renames', '--name-status', 'HEAD'], repo));
        }
        return { plumbline, native };
      },
    },
    {
      name: 'diff of one modified 1 MB text file (index ↔ work tree, hunks)',
      target: '≤ 100 ms',
      targetMs: 100,
      run: async (ctx) => {
        const lines: string[] = [];
        for (let i = 0; lines.join('').length < 1_000_000; i++) lines.push(`line ${i}: ${'lorem ipsum dolor sit amet '.repeat(2)}\n`);
        const repo = opts.tempRepo({ 'big.txt': lines.join('') });
        const edited = [...lines];
        edited[Math.floor(lines.length / 2)] = 'a changed line in the middle\n';
        writeFileSync(join(repo, 'big.txt'), edited.join(''));
        const plumbline: number[] = [];
        const native: number[] = [];
        for (let i = 0; i < ctx.repeat; i++) {
          closeRepo(repo);
          plumbline.push(
            await time(async () => {
              const before = await readSide(repo, 'big.txt', { kind: 'index' });
              const after = await readSide(repo, 'big.txt', { kind: 'worktree' });
              const a = Buffer.from(before.bytes ?? []).toString('utf8');
              const b = Buffer.from(after.bytes ?? []).toString('utf8');
              const patch = structuredPatch('big.txt', 'big.txt', a, b, '', '', { context: 3 });
              if (patch.hunks.length !== 1) throw new Error(`expected one hunk, got ${patch.hunks.length}`);
            }),
          );
          native.push(timeCommand('git', ['diff', '--', 'big.txt'], repo));
        }
        return { plumbline, native };
      },
    },
  ];
}
