import { spawn } from 'node:child_process';
import { detectSandboxAsync, sandboxed } from '../commands/sandbox';
import type { CheckOutcome, CheckResult, EvidenceSubject, PlannedCheck, TestCounts } from '../../../shared/contract/verify';
import { excerptOf, type EvidenceLedger, type NewEvidence, type TreeState } from './evidence';
import { classifyOutcome, parseTestOutput } from './parsers/parse-output';

/** Default time a check may take before its process group is killed. */
export const DEFAULT_CHECK_TIMEOUT_MS = 10 * 60_000;

/** Output kept per command: head and tail, so a flood cannot exhaust memory. */
const OUTPUT_CAP = 4 * 1024 * 1024;

/** Result of running one command. */
export interface CommandRun {
  readonly exitCode: number | null;
  readonly timedOut: boolean;
  readonly cancelled: boolean;
  readonly spawnError?: string;
  readonly output: string;
  readonly durationMs: number;
}

/** Options for runCommand. */
export interface RunCommandOptions {
  readonly cwd: string;
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  /** Receives output in batches (about every 50 ms), never a flood of tiny chunks. */
  readonly onOutput?: (chunk: string) => void;
  /** Network access inside the sandbox (off by default). */
  readonly network?: boolean;
}

/** The environment for check commands: the parent's, without API keys or tokens (they never reach a child). */
export function checkEnvironment(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(base)) {
    if (/^ANTHROPIC_/i.test(k) || /(API_KEY|AUTH_TOKEN|_SECRET)$/i.test(k)) continue;
    env[k] = v;
  }
  env.CI = env.CI ?? '1';
  env.NO_COLOR = '1';
  env.FORCE_COLOR = '0';
  return env;
}

/**
 * Runs a user-configured command string. `/bin/sh -c` is the one deliberate shell here: acceptance
 * checks, decision confirmations and the test command are command lines the user wrote for a shell.
 * The child leads its own process group so cancel and timeout kill everything it started.
 */
export async function runCommand(command: string, options: RunCommandOptions): Promise<CommandRun> {
  // The sandbox is known before the command starts (probed once, without blocking the event loop).
  await detectSandboxAsync();
  return startCommand(command, options);
}

function startCommand(command: string, options: RunCommandOptions): Promise<CommandRun> {
  const started = Date.now();
  return new Promise((resolve) => {
    let head = '';
    let tail = '';
    let dropped = 0;
    let pending = '';
    let timedOut = false;
    let cancelled = false;
    let settled = false;
    let flushTimer: NodeJS.Timeout | null = null;
    const flush = () => {
      flushTimer = null;
      if (pending && options.onOutput) options.onOutput(pending);
      pending = '';
    };
    const take = (chunk: string) => {
      if (head.length < OUTPUT_CAP / 2) head += chunk;
      else {
        tail += chunk;
        if (tail.length > OUTPUT_CAP / 2) {
          dropped += tail.length - OUTPUT_CAP / 2;
          tail = tail.slice(tail.length - OUTPUT_CAP / 2);
        }
      }
      if (options.onOutput) {
        pending += chunk;
        flushTimer ??= setTimeout(flush, 50);
      }
    };
    // Checks run in the same OS sandbox as agent commands: their output lands in the versioned ledger.
    const run = sandboxed('/bin/sh', ['-c', command], { root: options.cwd, network: options.network });
    const child = spawn(run.file, run.args, {
      cwd: options.cwd,
      env: checkEnvironment(),
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const killGroup = (signal: NodeJS.Signals) => {
      try {
        if (child.pid) process.kill(-child.pid, signal);
      } catch {
        // already gone
      }
    };
    let killTimer: NodeJS.Timeout | null = null;
    const stop = () => {
      killGroup('SIGTERM');
      killTimer ??= setTimeout(() => killGroup('SIGKILL'), 2000);
    };
    const timer = setTimeout(() => {
      timedOut = true;
      stop();
    }, options.timeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS);
    const onAbort = () => {
      cancelled = true;
      stop();
    };
    if (options.signal?.aborted) onAbort();
    else options.signal?.addEventListener('abort', onAbort, { once: true });
    child.stdout.setEncoding('utf8').on('data', take);
    child.stderr.setEncoding('utf8').on('data', take);
    const finish = (exitCode: number | null, spawnError?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (killTimer) clearTimeout(killTimer);
      if (flushTimer) clearTimeout(flushTimer);
      flush();
      options.signal?.removeEventListener('abort', onAbort);
      // Anything the command left running in its group goes with it.
      killGroup('SIGKILL');
      const output = dropped > 0 ? `${head}\n… ${dropped} characters of output omitted …\n${tail}` : head + tail;
      resolve({ exitCode, timedOut, cancelled, spawnError, output, durationMs: Date.now() - started });
    };
    child.on('error', (error) => finish(null, error.message));
    child.on('close', (code) => finish(code));
  });
}

/** A check's result once its outcome is classified. */
export interface CheckRunResult {
  readonly outcome: CheckOutcome;
  readonly counts: TestCounts | null;
  readonly run: CommandRun;
}

/** Runs a command and classifies it: counts where the output allows, exit status always. */
export async function runCheckCommand(command: string, options: RunCommandOptions): Promise<CheckRunResult> {
  const run = await runCommand(command, options);
  const counts = parseTestOutput(run.output)?.counts ?? null;
  return { outcome: classifyOutcome(run, counts), counts, run };
}

/** Words for a check outcome, for summaries and evidence. */
export function describeOutcome(outcome: CheckOutcome, exitCode: number | null, counts: TestCounts | null): string {
  const c = counts ? ` (${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped of ${counts.total})` : '';
  switch (outcome) {
    case 'passed':
      return `passed, exit ${exitCode}${c}`;
    case 'failed':
      return `failed, exit ${exitCode}${c}`;
    case 'no_tests':
      return `no tests executed, exit ${exitCode}`;
    case 'timeout':
      return 'timed out';
    case 'cancelled':
      return 'cancelled';
    case 'error':
      return 'could not start';
  }
}

/** What a check's evidence record is about: its decision, the first requirement it serves, else the project. */
export function checkSubject(check: PlannedCheck): EvidenceSubject {
  return check.kind === 'decision' ? { kind: 'decision', id: check.id } : check.requirementIds[0] ? { kind: 'requirement', id: check.requirementIds[0] } : { kind: 'project', id: check.id };
}

/**
 * The evidence record of one check's run, keyed `check:<id>` so the newest result supersedes older ones. `where`
 * names the tree it ran on when that is not the project's (a merged tree); `runId` ties it to an agent run.
 */
export function checkEvidence(check: PlannedCheck, result: CheckRunResult, context: { readonly taskId: string | undefined; readonly runId?: string; readonly where?: string }): NewEvidence {
  const { outcome, counts, run } = result;
  const note = describeOutcome(outcome, run.exitCode, counts);
  return {
    subject: checkSubject(check),
    taskId: context.taskId,
    requirementIds: check.requirementIds,
    ...(context.runId !== undefined ? { runId: context.runId } : {}),
    what: context.where ? `${check.label} on ${context.where}` : check.label,
    how: check.command,
    kind: 'command',
    result: outcome,
    exitCode: run.exitCode,
    counts,
    durationMs: run.durationMs,
    excerpt: excerptOf(run.spawnError ? `${run.spawnError}\n${run.output}` : run.output),
    output: run.output,
    key: `check:${check.id}`,
    note: context.where ? `${note} on ${context.where}` : note,
  };
}

/** Options for runChecks. */
export interface RunChecksOptions {
  readonly root: string;
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (done: number, total: number, current: PlannedCheck | null) => void;
  readonly onOutput?: (check: PlannedCheck, chunk: string) => void;
  readonly onRecord?: (id: string) => void;
}

/**
 * Runs checks one after another (they share the working tree), appending one evidence record
 * each, keyed `check:<id>` so the newest result supersedes older ones.
 */
export async function runChecks(ledger: EvidenceLedger, checks: readonly PlannedCheck[], options: RunChecksOptions): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  // The tree state before any check: checks should not change it, and reading it once keeps big repos fast.
  ledger.invalidate();
  const state: TreeState = await ledger.state();
  for (const [i, check] of checks.entries()) {
    options.onProgress?.(i, checks.length, check);
    if (options.signal?.aborted) break;
    const { outcome, counts, run } = await runCheckCommand(check.command, {
      cwd: options.root,
      timeoutMs: options.timeoutMs,
      signal: options.signal,
      onOutput: options.onOutput ? (chunk) => options.onOutput?.(check, chunk) : undefined,
    });
    const record = await ledger.append(
      checkEvidence(check, { outcome, counts, run }, { taskId: check.taskIds[0] }),
      state,
    );
    options.onRecord?.(record.id);
    results.push({ check, outcome, exitCode: run.exitCode, counts, durationMs: run.durationMs, evidenceId: record.id });
  }
  options.onProgress?.(results.length, checks.length, null);
  return results;
}
