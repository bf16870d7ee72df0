import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { atomicWrite } from '../util/atomic-write';

/** Where the project's check settings live (versioned with the project). */
export const CHECKS_FILE = '.plumbline/checks.json';

/** A test command and where it came from. */
export interface TestCommand {
  readonly command: string;
  /** e.g. "package.json scripts.test", "configured". */
  readonly source: string;
}

async function readText(path: string): Promise<string | null> {
  try {
    return await fs.readFile(path, 'utf8');
  } catch {
    return null;
  }
}

/** npm's placeholder test script, which only fails: not a real test command. */
const NPM_PLACEHOLDER = /no test specified/;

/**
 * Detects the project's test command from its manifests, most specific first: package.json
 * scripts.test, pyproject.toml (pytest), go.mod, Cargo.toml, a Makefile `test:` target.
 */
export async function detectTestCommand(root: string): Promise<TestCommand | null> {
  const pkg = await readText(join(root, 'package.json'));
  if (pkg) {
    try {
      const parsed = JSON.parse(pkg) as { scripts?: Record<string, unknown> };
      const test = parsed.scripts?.test;
      if (typeof test === 'string' && test.trim() && !NPM_PLACEHOLDER.test(test)) return { command: 'npm test', source: 'package.json scripts.test' };
    } catch {
      // A broken package.json is reported by npm itself; look for other manifests.
    }
  }
  const pyproject = await readText(join(root, 'pyproject.toml'));
  if (pyproject !== null) return { command: 'python -m pytest', source: 'pyproject.toml' };
  if ((await readText(join(root, 'go.mod'))) !== null) return { command: 'go test ./...', source: 'go.mod' };
  if ((await readText(join(root, 'Cargo.toml'))) !== null) return { command: 'cargo test', source: 'Cargo.toml' };
  for (const name of ['Makefile', 'makefile', 'GNUmakefile']) {
    const make = await readText(join(root, name));
    if (make !== null && /^test\s*:/m.test(make)) return { command: 'make test', source: `${name} test target` };
  }
  return null;
}

/** The project's check settings. */
export interface ChecksConfig {
  readonly testCommand?: string | null;
}

/** Reads `.plumbline/checks.json`; missing or malformed → empty settings. */
export async function readChecksConfig(root: string): Promise<ChecksConfig> {
  const text = await readText(join(root, CHECKS_FILE));
  if (!text) return {};
  try {
    const parsed = JSON.parse(text) as unknown;
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
      const t = (parsed as { testCommand?: unknown }).testCommand;
      return { testCommand: typeof t === 'string' && t.trim() ? t : null };
    }
  } catch {
    // fall through: a malformed file must not stop verification
  }
  return {};
}

/** Stores the configured test command (null clears it, falling back to detection). */
export async function writeTestCommand(root: string, command: string | null): Promise<void> {
  const path = join(root, CHECKS_FILE);
  let existing: Record<string, unknown> = {};
  const text = await readText(path);
  if (text) {
    try {
      const parsed = JSON.parse(text) as unknown;
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) existing = parsed as Record<string, unknown>;
    } catch {
      // replaced below; the old bytes were not JSON
    }
  }
  const next = { ...existing, testCommand: command && command.trim() ? command.trim() : null };
  await fs.mkdir(join(root, '.plumbline'), { recursive: true });
  const eol = text?.includes('\r\n') ? '\r\n' : '\n';
  await atomicWrite(path, JSON.stringify(next, null, 2).replace(/\n/g, eol) + eol);
}

/** The test command to run: configured, else detected. */
export async function resolveTestCommand(root: string): Promise<TestCommand | null> {
  const config = await readChecksConfig(root);
  if (config.testCommand) return { command: config.testCommand, source: 'configured' };
  return detectTestCommand(root);
}
