/**
 * Benchmark cases for what the Calibrator serves on demand on the standard 25,000-file repository:
 * the task states (evidence, stored runs, the tree's changes since the evidence) and the user's ruling
 * on a claim of a stored run, each against a native `git status --porcelain`. The longest event-loop
 * stall during the calls is logged.
 */
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import type { EventOf } from '../../shared/contract';
import type { CallContext } from '../../shared/rpc';
import { verifyRun } from '../../electron/core/verify/claim-verifier';
import type { VerifiableRun } from '../../electron/core/verify/verifiable-run';
import { createVerifyModule } from '../../electron/core/verify/verify-module';
import { type BenchCase, type BenchContext, timeCommand } from '../harness';
import { BENCH_TASK, planFixture, type PlanFixture } from './plan-fixture';

/** A second task, so task states have more than one to judge. */
const TASK_2 = '## T-2: Another task\n\nAnything.\n\n- serves: AC-1\n- checks: `test -f package.json || true`\n- status: todo\n';
const CALL: CallContext = { connectionId: 'bench' };

type Fixture = PlanFixture;

function fixture(ctx: BenchContext): Fixture {
  return planFixture(ctx, 'calibrator', `${BENCH_TASK}\n${TASK_2}`);
}

/** A finished building run of T-1 that changed one file and claims so (plus a claim only the user can rule on), verified and stored. */
async function storedRun(f: Fixture): Promise<VerifiableRun> {
  const shadow = f.core.services.project(f.copy).shadow;
  const checkpoint = await shadow.snapshot('before the run');
  appendFileSync(join(f.copy, f.target), '\n// changed by the run\n');
  const run: VerifiableRun = {
    runId: 'run-bench-calibrator',
    taskId: 'T-1',
    role: 'builder',
    model: 'bench-model',
    summary: 'Changed one file.',
    claims: [
      { kind: 'file_changed', path: f.target, statement: 'one file changed', confidence: 0.9 },
      { kind: 'command_passes', command: 'test -d .git', statement: 'the check passes', confidence: 0.9 },
      { kind: 'other', statement: 'the change reads well', confidence: 0.8 },
    ],
    reported: true,
    projectRoot: f.copy,
    checkpointCommit: checkpoint,
    shadowGitdir: shadow.gitdir,
    journal: [{ path: f.target, hashBefore: null, hashAfter: null, source: 'edit', flags: [] }],
    commands: [],
    scope: ['src/'],
    endedAt: new Date().toISOString(),
  };
  await verifyRun(f.core, run);
  return run;
}

/** Times `calls` of an async function (one per repetition) and the native status, logging the longest stall. */
async function timeCalls(ctx: BenchContext, f: Fixture, what: string, call: (i: number) => Promise<unknown>): Promise<{ plumbline: number[]; native: number[] }> {
  const plumbline: number[] = [];
  const native: number[] = [];
  let stall = 0;
  for (let i = 0; i < ctx.repeat; i++) {
    // No tree facts cached from the call before: each call reads the project's status, as after an edit.
    f.core.services.project(f.copy).ledger.invalidate();
    const h = monitorEventLoopDelay({ resolution: 5 });
    h.enable();
    const t0 = performance.now();
    await call(i);
    plumbline.push(performance.now() - t0);
    h.disable();
    stall = Math.max(stall, h.max / 1e6);
    native.push(timeCommand('git', ['status', '--porcelain'], f.copy));
  }
  ctx.log(`  longest event-loop stall during ${what}: ${stall.toFixed(1)} ms`);
  return { plumbline, native };
}

async function measureTaskStates(ctx: BenchContext): Promise<{ plumbline: number[]; native: number[] }> {
  const f = fixture(ctx);
  try {
    const { handlers } = createVerifyModule(f.core);
    // Evidence for the plan's checks (a Verify job, as the user runs it) and a stored verified run of T-1.
    const done = new Promise<EventOf<'verify.didFinish'>>((resolve) => f.core.bus.subscribe((e) => e.event === 'verify.didFinish' && resolve(e.payload as EventOf<'verify.didFinish'>)));
    await handlers['verify.run']({ root: f.copy }, CALL);
    await done;
    await storedRun(f);
    let tasks = 0;
    const times = await timeCalls(ctx, f, 'verify.taskStates', async () => {
      tasks = (await handlers['verify.taskStates']({ root: f.copy }, CALL)).tasks.length;
    });
    if (tasks !== 2) throw new Error(`verify.taskStates returned ${tasks} task(s), expected 2`);
    return times;
  } finally {
    f.dispose();
  }
}

async function measureRuling(ctx: BenchContext): Promise<{ plumbline: number[]; native: number[] }> {
  const f = fixture(ctx);
  try {
    const { handlers } = createVerifyModule(f.core);
    const run = await storedRun(f);
    const index = run.claims.findIndex((c) => c.kind === 'other');
    return await timeCalls(ctx, f, 'verify.rule', async (i) => {
      const v = await handlers['verify.rule']({ root: f.copy, runId: run.runId, index, holds: i % 2 === 0, note: `ruling ${i}` }, CALL);
      if (!v.claims.some((c) => c.index === index && c.verdict === (i % 2 === 0 ? 'verified' : 'refuted'))) throw new Error('the ruling did not reach the stored verification');
    });
  } finally {
    f.dispose();
  }
}

/** The Calibrator's on-demand cases: task states and a claim ruling. */
export function calibratorCases(): BenchCase[] {
  return [
    {
      name: 'calibrator: verify.taskStates on the 25,000-file repo',
      target: '≤ 2× git status',
      targetRatio: 2,
      run: (ctx) => measureTaskStates(ctx),
    },
    {
      name: 'calibrator: a claim ruling on the 25,000-file repo',
      target: '≤ 2× git status',
      targetRatio: 2,
      run: (ctx) => measureRuling(ctx),
    },
  ];
}
