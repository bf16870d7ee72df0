import { promises as fs } from 'node:fs';
import { homedir, platform } from 'node:os';
import { join, resolve } from 'node:path';
import type { CheckResult } from '../../../shared/contract/verify';
import { hideFromCommands } from '../commands/sandbox';
import { runChecks } from './checks-runner';
import { EvidenceLedger, trustedRecords } from './evidence';
import { planChecks, readPlanFacts } from './plan-facts';
import { resolveTestCommand } from './test-command';

/** Usage of `plumbline verify`. */
export const VERIFY_USAGE = `Usage: plumbline verify [FOLDER] [--task T-n] [--json] [--no-tests] [--timeout SECONDS] [--data-dir DIR]

Runs every acceptance check (AC items with a command), every accepted decision's confirmation
command and the project's test command; appends the results to .plumbline/evidence.jsonl and
prints a summary. Exit status: 0 when everything passed, 1 when anything failed, timed out, could
not start or ran no tests, 2 for a usage error.`;

interface VerifyArgs {
  readonly folder: string;
  readonly task?: string;
  readonly json: boolean;
  readonly tests: boolean;
  readonly timeoutMs?: number;
  readonly dataDir: string;
}

/** The app data folder used when no --data-dir is given (the same place the hosts use). */
export function defaultDataDir(): string {
  if (process.env.PLUMBLINE_DATA_DIR) return process.env.PLUMBLINE_DATA_DIR;
  const home = homedir();
  if (platform() === 'darwin') return join(home, 'Library', 'Application Support', 'Plumbline');
  if (platform() === 'win32') return join(process.env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'Plumbline');
  return join(process.env.XDG_CONFIG_HOME ?? join(home, '.config'), 'Plumbline');
}

/** Parses the arguments; a string is a usage error to print. */
export function parseVerifyArgs(argv: readonly string[]): VerifyArgs | string {
  let folder: string | undefined;
  let task: string | undefined;
  let json = false;
  let tests = true;
  let timeoutMs: number | undefined;
  let dataDir = defaultDataDir();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value.`);
      return v;
    };
    try {
      if (a === '--json') json = true;
      else if (a === '--no-tests') tests = false;
      else if (a === '--task') task = value();
      else if (a.startsWith('--task=')) task = a.slice(7);
      else if (a === '--timeout') timeoutMs = Number(value()) * 1000;
      else if (a === '--data-dir') dataDir = value();
      else if (a === '--help' || a === '-h') return VERIFY_USAGE;
      else if (a.startsWith('-')) return `Unknown option ${a}.\n\n${VERIFY_USAGE}`;
      else if (folder === undefined) folder = a;
      else return `Only one folder may be given.\n\n${VERIFY_USAGE}`;
    } catch (error) {
      return `${(error as Error).message}\n\n${VERIFY_USAGE}`;
    }
  }
  if (task !== undefined && !/^T-\d+$/.test(task)) return `--task takes a task ID such as T-3, not "${task}".`;
  if (timeoutMs !== undefined && !(timeoutMs > 0)) return '--timeout takes a positive number of seconds.';
  return { folder: resolve(folder ?? '.'), task, json, tests, timeoutMs, dataDir };
}

const MARK: Record<CheckResult['outcome'], string> = { passed: '✔ passed', failed: '✘ failed', no_tests: '⚠ no tests', timeout: '✘ timeout', cancelled: '? cancelled', error: '✘ error' };

/** The summary table printed at the end. */
export function formatSummary(results: readonly CheckResult[]): string {
  const rows = results.map((r) => [
    r.check.id,
    r.check.kind,
    MARK[r.outcome],
    r.exitCode === null ? '—' : String(r.exitCode),
    r.counts ? `${r.counts.passed}/${r.counts.total}${r.counts.failed ? ` (${r.counts.failed} failed)` : ''}` : '—',
    `${(r.durationMs / 1000).toFixed(1)}s`,
  ]);
  const header = ['check', 'kind', 'result', 'exit', 'tests', 'time'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i >= 3 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/**
 * `plumbline verify`: runs the project's checks headless, appends evidence and returns the exit
 * code (0 all passed, 1 anything failed, 2 usage error). Made for CI.
 */
export async function runVerifyCommand(argv: string[]): Promise<number> {
  const args = parseVerifyArgs(argv);
  if (typeof args === 'string') {
    (args === VERIFY_USAGE ? console.log : console.error)(args);
    return args === VERIFY_USAGE ? 0 : 2;
  }
  let root: string;
  try {
    root = await fs.realpath(args.folder);
    if (!(await fs.stat(root)).isDirectory()) throw new Error('not a folder');
  } catch {
    console.error(`plumbline verify: ${args.folder} is not a readable folder.`);
    return 2;
  }
  const facts = await readPlanFacts(root);
  if (args.task && !facts.tasks.some((t) => t.id === args.task)) {
    console.error(`plumbline verify: there is no task ${args.task} in .plumbline/tasks.md.`);
    return 2;
  }
  const include = args.tests ? undefined : (['acceptance', 'decision'] as const);
  const checks = planChecks(facts, await resolveTestCommand(root), args.task, include);
  // The checks run sandboxed and must not see the app data folder: it holds the key that signs evidence.
  hideFromCommands(args.dataDir);
  const ledger = new EvidenceLedger(root, args.dataDir);
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let results: CheckResult[];
  try {
    results = await runChecks(ledger, checks, {
      root,
      timeoutMs: args.timeoutMs,
      signal: controller.signal,
      onProgress: (done, total, current) => {
        if (!args.json && current) console.error(`[${done + 1}/${total}] ${current.label} — ${current.command}`);
      },
    });
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  const tree = await ledger.state();
  const ok = results.every((r) => r.outcome === 'passed') && !controller.signal.aborted;
  if (args.json) {
    console.log(JSON.stringify({ root, commit: tree.commit, dirty: tree.dirty, ok, results }, null, 2));
  } else if (results.length === 0) {
    console.log('No checks to run: add commands to acceptance checks (AC-n: … `command`), decision confirmations, or a test command.');
  } else {
    const failed = results.filter((r) => r.outcome !== 'passed');
    for (const r of failed) {
      const record = trustedRecords(await ledger.readAll()).find((x) => x.id === r.evidenceId);
      if (record?.excerpt) console.log(`\n── ${r.check.id} (${r.check.command}) ──\n${record.excerpt.split('\n').slice(-30).join('\n')}`);
    }
    console.log(`\n${formatSummary(results)}\n`);
    console.log(`${results.length - failed.length} of ${results.length} checks passed at ${tree.commit ? tree.commit.slice(0, 10) : 'no commit'}${tree.dirty ? ' (uncommitted changes)' : ''}. Evidence appended to .plumbline/evidence.jsonl.`);
  }
  return ok ? 0 : 1;
}
