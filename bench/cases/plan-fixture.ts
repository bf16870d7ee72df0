/**
 * A private copy of the standard 25,000-file repository with a small plan committed, opened in a core
 * context: the Calibrator's benchmark cases edit it, verify runs in it and append to its ledger, never
 * touching the cached standard repository.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CoreContext } from '../../electron/core/core-context';
import { testCoreContext } from '../../tests/helpers/core-context';
import type { BenchContext } from '../harness';

/** One acceptance check whose command always passes quickly. */
export const BENCH_SPEC = '# Spec: big\n\n## Acceptance checks\n\n- AC-1: The tree is there — `test -d .git`\n';

/** T-1 changes one file under src/ and is judged by AC-1. */
export const BENCH_TASK = '## T-1: Touch one file\n\nChange one file.\n\n- serves: AC-1\n- scope: src/\n- checks: `test -d .git`\n- status: todo\n';

/** The copy, its core context and a tracked file to edit. */
export interface PlanFixture {
  readonly copy: string;
  readonly core: CoreContext;
  /** A tracked file under src/ (the run's edit). */
  readonly target: string;
  /** Runs git in the copy and returns its output. */
  readonly git: (...args: string[]) => string;
  readonly dispose: () => void;
}

/** Copies the standard repository, commits `.plumbline/spec.md` and `.plumbline/tasks.md`, opens it. */
export function planFixture(ctx: BenchContext, name: string, tasks: string): PlanFixture {
  const base = mkdtempSync(join(tmpdir(), `plumbline-bench-${name}-`));
  const copy = join(base, 'repo');
  const cp = spawnSync('cp', ['-a', ctx.bigRepo(), copy]);
  if (cp.status !== 0) throw new Error(`copying the standard repository failed: ${cp.stderr.toString()}`);
  const git = (...args: string[]) => execFileSync('git', args, { cwd: copy, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 28 }).toString();
  mkdirSync(join(copy, '.plumbline'), { recursive: true });
  writeFileSync(join(copy, '.plumbline/spec.md'), BENCH_SPEC);
  writeFileSync(join(copy, '.plumbline/tasks.md'), `# Tasks\n\n${tasks}`);
  git('add', '.plumbline');
  git('-c', 'user.name=Bench', '-c', 'user.email=bench@example.com', 'commit', '-q', '-m', 'plan');
  const target = git('ls-files', 'src').split('\n')[0] || git('ls-files').split('\n')[0]!;
  const dataDir = join(base, 'data');
  mkdirSync(dataDir);
  const core = testCoreContext({ dataDir, roots: [copy] });
  return {
    copy,
    core,
    target,
    git,
    dispose: () => {
      core.services.dispose?.();
      rmSync(base, { recursive: true, force: true });
    },
  };
}
