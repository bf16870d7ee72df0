/**
 * `npm run bench` entry: runs every case, prints a table (and, with --json, one JSON object as the last
 * line), and writes bench/results/<timestamp>.json. Options: --json, --repeat N, --only <substring>, --help.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { ensureBigRepo } from './big-repo';
import { agentCases } from './cases/agent-cases';
import { agentCheckpointCases } from './cases/agent-checkpoint';
import { calibratorCases } from './cases/calibrator-cases';
import { importCases } from './cases/import-cases';
import { safetyCases } from './cases/safety-cases';
import { uiCases } from './cases/ui-cases';
import { verifyCases } from './cases/verify-cases';
import { gitCases } from './git-cases';
import { type BenchCase, formatTable, runCases } from './harness';

const args = process.argv.slice(2);
const USAGE = `npm run bench [-- options]
  --only <text>   run only the cases whose name contains <text>
  --repeat <n>    samples per case (default 5; the median is reported)
  --json          print the results as one JSON object on the last line of stdout
  --help          print this and run nothing`;
// An option this harness does not know would otherwise run every case (many minutes): refuse it.
const known = new Set(['--json', '--only', '--repeat', '--help']);
const unknown = args.filter((a, i) => a.startsWith('-') && !known.has(a) && !['--only', '--repeat'].includes(args[i - 1] ?? ''));
if (args.includes('--help') || unknown.length) {
  if (unknown.length) process.stderr.write(`Unknown option ${unknown.join(', ')}; nothing was run.\n`);
  process.stderr.write(`${USAGE}\n`);
  process.exit(unknown.length ? 2 : 0);
}
const json = args.includes('--json');
const opt = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const repeat = Number(opt('--repeat') ?? 5);
const only = opt('--only');
const projectRoot = process.env.PLUMBLINE_ROOT ?? process.cwd();
const coldScript = join(dirname(process.argv[1]), 'cold-status.mjs');
// The import worker, bundled beside the harness by scripts/bench.mjs (as the hosts bundle it beside theirs).
const importWorker = join(dirname(process.argv[1]), 'import-worker.mjs');
// Progress goes to stderr so that stdout ends with exactly one JSON line under --json.
const log = (line: string): void => void process.stderr.write(`${line}\n`);

let bigRepo: string | null = null;
const tempRepos: string[] = [];
function tempRepo(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'plumbline-bench-'));
  tempRepos.push(dir);
  const git = (...a: string[]): void => void execFileSync('git', a, { cwd: dir, stdio: 'ignore' });
  git('init', '-q', '-b', 'main');
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), content);
  }
  git('add', '-A');
  git('-c', 'user.name=Bench', '-c', 'user.email=bench@example.com', 'commit', '-q', '-m', 'bench');
  return dir;
}

/** Every case of the suite; other areas add theirs here. */
const cases: BenchCase[] = [...gitCases({ coldScript, tempRepo }), ...agentCases(), ...agentCheckpointCases(), ...importCases({ workerPath: importWorker }), ...uiCases({ projectRoot }), ...safetyCases(), ...verifyCases(), ...calibratorCases()];

const selected = only ? cases.filter((c) => c.name.includes(only)) : cases;
const rows = await runCases(selected, {
  repeat,
  log,
  bigRepo: () => (bigRepo ??= ensureBigRepo(projectRoot, log)),
});
const machine = `${cpus()[0]?.model ?? 'unknown CPU'} × ${cpus().length}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${process.platform}`;
const gitVersion = (() => {
  try {
    return execFileSync('git', ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    return 'git not found';
  }
})();
const report = { date: new Date().toISOString(), machine, git: gitVersion, repeat, results: rows };
mkdirSync(join(projectRoot, 'bench', 'results'), { recursive: true });
const file = join(projectRoot, 'bench', 'results', `${report.date.replace(/[:.]/g, '-')}.json`);
writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
const table = `${formatTable(rows)}\n\nmachine: ${machine}; ${gitVersion}; median of ${repeat}\nresults: ${file}`;
if (json) {
  log(table);
  process.stdout.write(`${JSON.stringify({ results: rows.map(({ name, plumbline_ms, native_ms, ratio, target_ms }) => ({ name, plumbline_ms, native_ms, ratio, ...(target_ms !== undefined ? { target_ms } : {}) })) })}\n`);
} else {
  process.stdout.write(`${table}\n`);
}
