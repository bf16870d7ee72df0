import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import type { CheckSample, PlannedCheck } from '../../../shared/contract/verify';
import { atomicWrite } from '../util/atomic-write';
import { describeOutcome, runCheckCommand } from './checks-runner';
import { servedChecks } from './plan-facts';
import { runStoreDir } from './run-store';
import type { ShadowRepo } from '../checkpoints/shadow-repo';
import { trustedPlanOf } from './trusted-plan';

/** One served check as it ran at the run's start. */
export interface BaselineCheck {
  readonly id: string;
  readonly command: string;
  readonly sample: CheckSample;
}

/** The served checks' outcomes at a run's start, from the plan at its checkpoint. */
export interface Baseline {
  readonly checkpoint: string;
  readonly taskId: string;
  readonly takenAt: string;
  readonly checks: readonly BaselineCheck[];
}

/** Options of takeBaseline. */
export interface BaselineOptions {
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  /** Called before each check runs, for progress in the transcript. */
  readonly onCheck?: (check: PlannedCheck, index: number, total: number) => void;
}

/** The checks a run on a task is judged by, defined by the plan at the checkpoint. */
export async function servedChecksAt(shadow: ShadowRepo, checkpoint: string, taskId: string): Promise<PlannedCheck[]> {
  const plan = await trustedPlanOf(shadow, checkpoint);
  return servedChecks(plan.facts, plan.testCommand, taskId);
}

/**
 * Runs the task's served checks once before the run touches anything (the commands come from the
 * plan at the checkpoint, as they will after the run), so the verdict after the run can tell "got
 * worse" from "was already failing".
 */
export async function takeBaseline(root: string, shadow: ShadowRepo, checkpoint: string, taskId: string, opts: BaselineOptions = {}): Promise<Baseline> {
  const checks = await servedChecksAt(shadow, checkpoint, taskId);
  const out: BaselineCheck[] = [];
  for (const [i, check] of checks.entries()) {
    if (opts.signal?.aborted) break;
    opts.onCheck?.(check, i, checks.length);
    const r = await runCheckCommand(check.command, { cwd: root, timeoutMs: opts.timeoutMs, signal: opts.signal });
    out.push({ id: check.id, command: check.command, sample: { outcome: r.outcome, exitCode: r.run.exitCode, counts: r.counts } });
  }
  return { checkpoint, taskId, takenAt: new Date().toISOString(), checks: out };
}

/** One line per check: "AC-1 passed (3 passed)". */
export function describeBaseline(b: Baseline): string {
  if (b.checks.length === 0) return 'The task has no runnable check and the project no test command: the run is judged by its claims and drift only.';
  return b.checks.map((c) => `${c.id}: ${describeOutcome(c.sample.outcome, c.sample.exitCode, c.sample.counts)}`).join('; ');
}

function baselineFile(dataDir: string, root: string, runId: string): string {
  return join(runStoreDir(dataDir, root), `${runId}.baseline.json`);
}

/** Keeps a run's baseline in the app data folder (the run cannot reach it). */
export async function saveBaseline(dataDir: string, root: string, runId: string, baseline: Baseline): Promise<void> {
  await fs.mkdir(runStoreDir(dataDir, root), { recursive: true });
  await atomicWrite(baselineFile(dataDir, root, runId), JSON.stringify(baseline));
}

/** A run's baseline, or null when none was taken. */
export async function loadBaseline(dataDir: string, root: string, runId: string): Promise<Baseline | null> {
  if (!/^[A-Za-z0-9._-]{1,120}$/.test(runId)) return null;
  try {
    return JSON.parse(await fs.readFile(baselineFile(dataDir, root, runId), 'utf8')) as Baseline;
  } catch {
    return null;
  }
}
