/**
 * Benchmark case for the Calibrator on the standard 25,000-file repository: judging a finished
 * building run (trusted plan from the checkpoint, served checks re-run and compared with the
 * baseline, claims, drift), minus the time the check commands themselves take, against a native
 * `git status`. The longest event-loop stall during judging is logged.
 */
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { takeBaseline } from '../../electron/core/verify/baseline';
import { verifyRun } from '../../electron/core/verify/claim-verifier';
import type { VerifiableRun } from '../../electron/core/verify/verifiable-run';
import { type BenchCase, type BenchContext, timeCommand } from '../harness';
import { BENCH_TASK, planFixture } from './plan-fixture';

async function measure(ctx: BenchContext): Promise<{ plumbline: number[]; native: number[] }> {
  const { copy, core, target, git, dispose } = planFixture(ctx, 'verify', BENCH_TASK);
  const plumbline: number[] = [];
  const native: number[] = [];
  let stall = 0;
  try {
    const shadow = core.services.project(copy).shadow;
    // The project is open, as in the app when a run ends: its repository service watches it and has
    // listed its status once (setting up the watcher is the project's opening, not the judging).
    await core.services.repos.get(copy).status();
    for (let i = 0; i < ctx.repeat; i++) {
      git('checkout', '-q', '--', target);
      const checkpoint = await shadow.snapshot(`before run ${i}`);
      const baseline = await takeBaseline(copy, shadow, checkpoint, 'T-1');
      appendFileSync(join(copy, target), `\n// changed by run ${i}\n`);
      const run: VerifiableRun = {
        runId: `run-bench-${i}`,
        taskId: 'T-1',
        role: 'builder',
        model: 'bench-model',
        summary: 'Changed one file.',
        claims: [
          { kind: 'file_changed', path: target, statement: 'one file changed', confidence: 0.9 },
          { kind: 'command_passes', command: 'test -d .git', statement: 'the check passes', confidence: 0.9 },
        ],
        reported: true,
        baseline,
        projectRoot: copy,
        checkpointCommit: checkpoint,
        shadowGitdir: shadow.gitdir,
        journal: [{ path: target, hashBefore: null, hashAfter: null, source: 'edit', flags: [] }],
        commands: [],
        scope: ['src/'],
        endedAt: new Date().toISOString(),
      };
      const h = monitorEventLoopDelay({ resolution: 5 });
      h.enable();
      const t0 = performance.now();
      await verifyRun(core, run);
      const total = performance.now() - t0;
      h.disable();
      stall = Math.max(stall, h.max / 1e6);
      // The check commands' own run time is the user's cost, not the verifier's: subtract it.
      const records = await core.services.project(copy).ledger.readAll();
      // A claim and a served check that run the same command share one run: count each command once.
      const once = new Map<string, number>();
      for (const r of records) if (r.runId === run.runId && typeof r.durationMs === 'number' && !once.has(r.how)) once.set(r.how, r.durationMs);
      const commands = [...once.values()].reduce((sum, ms) => sum + ms, 0);
      plumbline.push(Math.max(0, total - commands));
      native.push(timeCommand('git', ['status', '--porcelain'], copy));
    }
  } finally {
    dispose();
  }
  ctx.log(`  longest event-loop stall while judging a run: ${stall.toFixed(1)} ms`);
  return { plumbline, native };
}

/** The Calibrator cases. */
export function verifyCases(): BenchCase[] {
  return [
    {
      name: 'verify: judging a run on the 25,000-file repo (minus its check commands)',
      target: '≤ 2× git status',
      targetRatio: 2,
      run: (ctx) => measure(ctx),
    },
  ];
}
