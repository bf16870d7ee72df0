/**
 * Benchmark cases for agent checkpoints on the standard 25,000-file repository: the first checkpoint of a
 * project (fresh shadow repository, seeded from the user's git index) and the second one (nothing changed),
 * once through native git and once through the built-in engine,
 * each against native git doing the same job (`git add -A` into a copy of the index, then `git write-tree`).
 * The longest event-loop stall during the checkpoints is logged: a checkpoint must never block for long.
 * Wire into bench/run.ts with: `...agentCheckpointCases()` in the `cases` list
 * (import { agentCheckpointCases } from './cases/agent-checkpoint').
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { ShadowRepo } from '../../electron/core/checkpoints/shadow-repo';
import type { BenchCase, BenchContext } from '../harness';

/** Native reference: stage the work tree into a throw-away copy of the index and write its tree. */
function nativeSnapshot(repo: string): number {
  const scratch = mkdtempSync(join(tmpdir(), 'plumbline-bench-index-'));
  try {
    const index = join(scratch, 'index');
    copyFileSync(join(repo, '.git', 'index'), index);
    const env = { ...process.env, GIT_INDEX_FILE: index };
    const t0 = performance.now();
    for (const args of [['add', '-A'], ['write-tree']]) {
      const r = spawnSync('git', args, { cwd: repo, env, stdio: ['ignore', 'pipe', 'pipe'] });
      if (r.status !== 0) throw new Error(`git ${args.join(' ')} failed: ${r.stderr.toString()}`);
    }
    return performance.now() - t0;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

async function measure(ctx: BenchContext, which: 'first' | 'second', engine: 'native' | 'embedded'): Promise<{ plumbline: number[]; native: number[] }> {
  const before = process.env.PLUMBLINE_GIT;
  // The shadow repository follows PLUMBLINE_GIT like the rest of the app: native git, or the built-in engine.
  process.env.PLUMBLINE_GIT = engine === 'native' ? (before && before !== 'embedded' ? before : 'git') : 'embedded';
  try {
    return await measureWith(ctx, which);
  } finally {
    if (before === undefined) delete process.env.PLUMBLINE_GIT;
    else process.env.PLUMBLINE_GIT = before;
  }
}

async function measureWith(ctx: BenchContext, which: 'first' | 'second'): Promise<{ plumbline: number[]; native: number[] }> {
  const repo = ctx.bigRepo();
  const plumbline: number[] = [];
  const native: number[] = [];
  let stall = 0;
  for (let i = 0; i < ctx.repeat; i++) {
    const dataDir = mkdtempSync(join(tmpdir(), 'plumbline-bench-shadow-'));
    try {
      const shadow = new ShadowRepo(repo, dataDir);
      if (which === 'second') await shadow.snapshot('first');
      const h = monitorEventLoopDelay({ resolution: 5 });
      h.enable();
      const t0 = performance.now();
      await shadow.snapshot(which);
      plumbline.push(performance.now() - t0);
      h.disable();
      stall = Math.max(stall, h.max / 1e6);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
    native.push(nativeSnapshot(repo));
  }
  ctx.log(`  longest event-loop stall during the ${which} checkpoint: ${stall.toFixed(1)} ms`);
  return { plumbline, native };
}

/** The checkpoint cases, in the order they run. */
export function agentCheckpointCases(): BenchCase[] {
  return [
    {
      name: 'agent: first checkpoint of the 25,000-file repo (native git)',
      target: '≤ 2× git add -A + write-tree',
      targetRatio: 2,
      run: (ctx) => measure(ctx, 'first', 'native'),
    },
    { name: 'agent: second checkpoint, nothing changed (native git)', target: 'a few × git add -A + write-tree', run: (ctx) => measure(ctx, 'second', 'native') },
    {
      name: 'agent: first checkpoint of the 25,000-file repo (embedded engine)',
      target: 'a few × git add -A + write-tree; never blocks long',
      run: (ctx) => measure(ctx, 'first', 'embedded'),
    },
    { name: 'agent: second checkpoint, nothing changed (embedded engine)', target: 'a few × git add -A + write-tree', run: (ctx) => measure(ctx, 'second', 'embedded') },
  ];
}
