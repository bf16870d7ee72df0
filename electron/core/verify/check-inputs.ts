import { posix } from 'node:path';
import { isAssignment, parseShellList, tokenizeShell, type SimpleCommand } from './shell-words';

/**
 * What a check command executes, so the Calibrator can tell when a run changed the check itself
 * (docs/verification.md section 2): the files it names, the package scripts it runs, and whether it runs
 * a test suite (then the test files and test configuration count too). Pure: reads no file.
 */

/** The checkpoint's paths: anything that answers `has` (a set of paths, or the checkpoint's path → blob map). */
export type TreePaths = Pick<ReadonlySet<string>, 'has'>;

/** What a check command executes, as paths of the checkpoint tree. */
export interface CheckInputs {
  readonly files: readonly string[];
  readonly packageScripts: boolean;
  readonly testSuite: boolean;
}

/** Commands that run the command after them (`npx vitest`, `cross-env A=1 jest`, `time node x.js`). */
const WRAPPERS = new Set(['env', 'time', 'nice', 'nohup', 'exec', 'command', 'npx', 'bunx', 'cross-env', 'dotenv', 'nyc', 'c8', 'xvfb-run']);

/** Shells whose `-c` string is read one level down. */
const SHELLS = new Set(['sh', 'bash', 'dash', 'zsh', 'ksh']);

/** Test runners that are a test suite whatever their arguments. */
const RUNNERS = new Set(['vitest', 'jest', 'mocha', 'tape', 'ava', 'tap', 'pytest', 'py.test']);

/** yarn and pnpm commands that are not package scripts. */
const PM_BUILTINS = new Set([
  'install', 'i', 'add', 'remove', 'rm', 'uninstall', 'up', 'upgrade', 'update', 'why', 'info', 'init', 'list', 'ls', 'config', 'cache',
  'global', 'link', 'unlink', 'outdated', 'pack', 'publish', 'version', 'versions', 'workspace', 'workspaces', 'exec', 'dlx', 'create',
  'import', 'audit', 'licenses', 'login', 'logout', 'owner', 'tag', 'team', 'bin', 'dedupe', 'prune', 'store', 'setup', 'patch', 'node',
]);

/** npm's own commands that run a package script of the same name. */
const NPM_SCRIPT_COMMANDS: Readonly<Record<string, string>> = { test: 'test', t: 'test', tst: 'test', start: 'start', stop: 'stop', restart: 'restart' };

/** How deep `npm run y` inside a script is followed. */
const MAX_SCRIPT_DEPTH = 2;

const basename = (word: string): string => word.split('/').pop() ?? word;

/** The command's words from the program it really runs: assignments and wrappers skipped. */
function programWords(command: SimpleCommand): string[] {
  const start = command.words.findIndex((x) => !isAssignment(x));
  if (start < 0) return [];
  const w = command.words.slice(start).map((x) => x.value);
  let i = 0;
  while (i < w.length) {
    const name = basename(w[i]!);
    const exec = (name === 'npm' || name === 'pnpm' || name === 'yarn') && (w[i + 1] === 'exec' || w[i + 1] === 'dlx');
    if (!WRAPPERS.has(name) && !exec) break;
    i += exec ? 2 : 1;
    // The wrapper's own options and assignments (`env -i A=1`, `npx --yes`, `npm exec --`).
    while (i < w.length && (w[i]!.startsWith('-') || /^[A-Za-z_][A-Za-z0-9_]*=/.test(w[i]!))) i++;
  }
  return w.slice(i);
}

/** The package script a command runs (`npm test` → test, `yarn build` → build), or null. */
function scriptName(words: readonly string[]): string | null {
  const name = basename(words[0] ?? '');
  const args = words.slice(1).filter((a) => !a.startsWith('-'));
  const [first, second] = args;
  if (first === undefined) return null;
  if (name === 'npm') {
    if (first === 'run' || first === 'run-script' || first === 'rum' || first === 'urn') return second ?? null;
    return NPM_SCRIPT_COMMANDS[first] ?? null;
  }
  if (name === 'yarn' || name === 'pnpm') {
    if (first === 'run') return second ?? null;
    if (name === 'pnpm' && first === 't') return 'test';
    return PM_BUILTINS.has(first) ? null : first;
  }
  if (name === 'bun' && first === 'run') return second ?? null;
  return null;
}

/** True when the words run a test runner (`vitest`, `node --test`, `python -m pytest`, `go test`, …). */
function runsTests(words: readonly string[]): boolean {
  const name = basename(words[0] ?? '');
  const args = words.slice(1);
  if (RUNNERS.has(name)) return true;
  if (name === 'playwright') return args[0] === 'test';
  if (name === 'node' || name === 'tsx' || name === 'ts-node') return args.includes('--test');
  if (/^python(\d+(\.\d+)?)?$/.test(name)) {
    const m = args.indexOf('-m');
    return m >= 0 && (args[m + 1] === 'pytest' || args[m + 1] === 'unittest');
  }
  if (name === 'go' || name === 'cargo' || name === 'bun' || name === 'deno') return args[0] === 'test' || (name === 'cargo' && args[0] === 'nextest');
  return false;
}

/** The string of `bash -c '…'` (options before `-c` allowed), or null. */
function shellScript(words: readonly string[]): string | null {
  if (!SHELLS.has(basename(words[0] ?? ''))) return null;
  for (let i = 1; i < words.length - 1; i++) {
    if (/^-[a-z]*c[a-z]*$/.test(words[i]!)) return words[i + 1]!;
    if (words[i] === '-o' || words[i] === '+o') i++; // `-o pipefail`
    else if (!words[i]!.startsWith('-') && !words[i]!.startsWith('+')) return null;
  }
  return null;
}

/** Project-relative paths a word may name: itself, the value of `--opt=value`, a pytest node id's file. */
function candidatePaths(word: string): string[] {
  const out: string[] = [];
  for (const part of [word, word.includes('=') ? word.slice(word.lastIndexOf('=') + 1) : null]) {
    if (!part) continue;
    // Paths outside the project (`/abs`, `../x`) are never in the tree.
    out.push(posix.normalize(part.replace(/::.*$/, '')).replace(/\/$/, ''));
  }
  return out;
}

/** The package.json `scripts`, or null when there is none or it cannot be read. */
function readScripts(packageJson: string | null): Record<string, unknown> | null {
  if (packageJson === null) return null;
  try {
    const parsed = JSON.parse(packageJson) as unknown;
    const scripts = parsed && typeof parsed === 'object' ? (parsed as { scripts?: unknown }).scripts : undefined;
    return scripts && typeof scripts === 'object' ? (scripts as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

interface Collected {
  files: Set<string>;
  packageScripts: boolean;
  testSuite: boolean;
}

function collect(command: string, tree: TreePaths, scripts: Record<string, unknown> | null, depth: number, inShell: boolean, out: Collected): void {
  const tokens = tokenizeShell(command);
  if (!tokens) return;
  for (const item of parseShellList(tokens)) {
    for (const c of item.pipeline.commands) {
      const addFile = (word: string): void => {
        for (const path of candidatePaths(word)) if (tree.has(path)) out.files.add(path);
      };
      for (const w of c.words) addFile(w.value);
      for (const r of c.redirects) if (r.op.endsWith('<')) addFile(r.target);
      const words = programWords(c);
      if (words.length === 0) continue;
      if (runsTests(words)) out.testSuite = true;
      const name = basename(words[0]!);
      if (name === 'make') for (const f of ['Makefile', 'makefile', 'GNUmakefile']) if (tree.has(f)) out.files.add(f);
      if (/^python(\d+(\.\d+)?)?$/.test(name)) {
        // `python -m pkg.mod` runs pkg/mod.py or pkg/mod/__main__.py.
        const m = words.indexOf('-m');
        const mod = m >= 0 ? words[m + 1] : undefined;
        if (mod) for (const f of [`${mod.replace(/\./g, '/')}.py`, `${mod.replace(/\./g, '/')}/__main__.py`]) if (tree.has(f)) out.files.add(f);
      }
      const inner = inShell ? null : shellScript(words);
      if (inner !== null) collect(inner, tree, scripts, depth, true, out);
      const script = scriptName(words);
      if (script === null) continue;
      out.packageScripts = true;
      if (script === 'test') out.testSuite = true;
      if (!scripts || depth >= MAX_SCRIPT_DEPTH) continue;
      for (const key of [`pre${script}`, script, `post${script}`]) {
        const text = scripts[key];
        if (typeof text === 'string') collect(text, tree, scripts, depth + 1, false, out);
      }
    }
  }
}

/**
 * What a check command executes: files of `tree` (project-relative paths) named by its words — inside
 * `sh -c '…'` too — and, for `npm test`, `npm run x`, `yarn x`, `pnpm x`, the package scripts it runs
 * (`x`, `prex`, `postx`, and `npm run y` inside them, two levels deep) with the files they name.
 */
export function checkInputs(command: string, tree: TreePaths, packageJson: string | null): CheckInputs {
  const out: Collected = { files: new Set(), packageScripts: false, testSuite: false };
  collect(command, tree, readScripts(packageJson), 0, false, out);
  return { files: [...out.files], packageScripts: out.packageScripts, testSuite: out.testSuite };
}

const TEST_DIRS = new Set(['test', 'tests', '__tests__', 'spec']);

/** A test file: `*.test.*`, `*.spec.*`, anything under `test/`, `tests/`, `__tests__/`, `spec/`, `test_*.py`, `*_test.py`, `*_test.go`. */
export function isTestFile(path: string): boolean {
  const parts = path.replace(/^\.\//, '').split('/');
  const base = parts[parts.length - 1]!;
  if (/\.(test|spec)\./.test(base)) return true;
  if (parts.slice(0, -1).some((d) => TEST_DIRS.has(d))) return true;
  return /^test_.*\.py$/.test(base) || /_test\.(py|go)$/.test(base);
}

const TOOL_CONFIG = /^(vitest|jest|playwright|playwright-ct|ava|karma|babel)\.([\w-]+\.)*(config|conf|workspace|setup)(\.[\w-]+)*\.([cm]?[jt]sx?|json)$/;
const RC_FILE = /^\.(mocharc|nycrc|c8rc|babelrc|taprc)(\..+)?$/;
const CONFIG_NAMES = new Set(['pytest.ini', 'conftest.py', 'tox.ini', 'setup.cfg']);

/**
 * Test configuration at any depth: vitest/jest/playwright/mocha/karma/ava configs, `.mocharc*`, `pytest.ini`,
 * `conftest.py`, `tox.ini`, `setup.cfg`, `tsconfig*.json`, babel config, `.nycrc`. Not package.json: its
 * scripts are compared on their own (scriptsChanged).
 */
export function isTestConfig(path: string): boolean {
  const base = path.split('/').pop() ?? path;
  return TOOL_CONFIG.test(base) || RC_FILE.test(base) || CONFIG_NAMES.has(base) || /^tsconfig([.-][\w.-]*)?\.json$/.test(base);
}

/** The scripts as a comparable text (keys sorted), '' when there are none, null when unreadable. */
function scriptsKey(text: string | null): string | null {
  if (text === null) return '';
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return null;
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return null;
  const scripts = (parsed as { scripts?: unknown }).scripts;
  if (scripts === undefined) return '';
  if (!scripts || typeof scripts !== 'object' || Array.isArray(scripts)) return JSON.stringify(scripts);
  const entries = Object.entries(scripts as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return entries.length === 0 ? '' : JSON.stringify(entries);
}

/** True when two package.json texts differ in their `scripts` object (or one is unparseable). */
export function scriptsChanged(before: string | null, after: string | null): boolean {
  if (before === after) return false;
  const a = scriptsKey(before);
  const b = scriptsKey(after);
  return a === null || b === null || a !== b;
}
