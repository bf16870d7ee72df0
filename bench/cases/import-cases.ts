/**
 * Import benchmark: a spec-kit project of 10 features, each with 100 functional requirements and 50 tasks
 * (1,000 spec items + 500 tasks), imported through the spec module as `import.run` runs it. Two rows: the
 * import's wall time (≤ 5 s) and the longest event-loop stall meanwhile (≤ 50 ms; measured with
 * `monitorEventLoopDelay`, so the host would answer other requests during the import). With `workerPath`
 * (the bundled import worker) reading and parsing run in the worker, as in both hosts.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { detectImports } from '../../electron/core/import/import-service';
import { PlanService } from '../../electron/core/spec/plan-service';
import type { BenchCase } from '../harness';

const FEATURES = 10;
const ITEMS = 100;
const TASKS = 50;

/** Writes the spec-kit project; returns its folder. */
function makeProject(): string {
  const root = mkdtempSync(join(tmpdir(), 'plumbline-bench-import-'));
  for (let f = 1; f <= FEATURES; f++) {
    const dir = join(root, 'specs', `${String(f).padStart(3, '0')}-feature-${f}`);
    mkdirSync(dir, { recursive: true });
    const frs = Array.from({ length: ITEMS }, (_, i) => `- **FR-${String(i + 1).padStart(3, '0')}**: System MUST handle case ${i + 1} of feature ${f} within the documented limits`);
    writeFileSync(join(dir, 'spec.md'), `# Feature Specification: Feature ${f}\n\n**Input**: User description: "feature ${f}"\n\n## Requirements *(mandatory)*\n\n### Functional Requirements\n\n${frs.join('\n')}\n`);
    const tasks = Array.from({ length: TASKS }, (_, i) => `- [ ] T${String(i + 1).padStart(3, '0')} [US1] Implement step ${i + 1} of feature ${f} in src/f${f}/step${i + 1}.ts`);
    writeFileSync(join(dir, 'tasks.md'), `# Tasks: Feature ${f}\n\n## Phase 1: User Story 1\n\n${tasks.join('\n')}\n`);
    writeFileSync(join(dir, 'plan.md'), `# Implementation Plan: Feature ${f}\n\n## Technical Context\n\n**Language/Version**: TypeScript\n**Storage**: files\n`);
  }
  return root;
}

/** The import cases. */
export function importCases(opts: { workerPath?: string } = {}): BenchCase[] {
  let stalls: number[] = [];
  return [
    {
      name: 'import: spec-kit, 10 features, 1,000 spec items + 500 tasks',
      target: '≤ 5 s',
      targetMs: 5000,
      run: async (ctx) => {
        const samples: number[] = [];
        stalls = [];
        for (let i = 0; i < ctx.repeat; i++) {
          const root = makeProject();
          try {
            const service = new PlanService(() => undefined);
            const paths = (await detectImports(root)).map((s) => s.path);
            const h = monitorEventLoopDelay({ resolution: 5 });
            h.enable();
            const t0 = performance.now();
            const summary = await service.importSources(root, paths, { workerPath: opts.workerPath });
            const ms = performance.now() - t0;
            h.disable();
            const items = summary.reduce((n, s) => n + Number(/(\d+) spec items/.exec(s)?.[1] ?? 0), 0);
            const tasks = summary.reduce((n, s) => n + Number(/(\d+) tasks/.exec(s)?.[1] ?? 0), 0);
            if (items < FEATURES * ITEMS || tasks !== FEATURES * TASKS) throw new Error(`imported ${items} items and ${tasks} tasks, expected ${FEATURES * ITEMS}+ and ${FEATURES * TASKS}`);
            ctx.log(`  ${items} items + ${tasks} tasks in ${ms.toFixed(0)} ms; max event-loop stall ${(h.max / 1e6).toFixed(1)} ms`);
            samples.push(ms);
            stalls.push(h.max / 1e6);
          } finally {
            rmSync(root, { recursive: true, force: true });
          }
        }
        return { plumbline: samples, native: null };
      },
    },
    {
      name: 'import: longest event-loop stall during that import',
      target: 'no stall over 50 ms',
      targetMs: 50,
      run: async () => ({ plumbline: stalls.length ? stalls : [Number.NaN], native: null }),
    },
  ];
}
