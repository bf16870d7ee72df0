/**
 * The benchmark harness: a list of cases, each measured several times against the native command that
 * does the same work, reported as medians and ratios.
 *
 *   const c: BenchCase = { name: 'history: 1,000 commits', target: '≤ 5× native', run: async (ctx) => ({ plumbline: [...], native: [...] }) };
 *   await runCases([c, …], { repeat: 5 }) → BenchRow[]
 *
 * To add a row (agent stream, transcript, …), write a BenchCase and add it to the list in run.ts.
 */
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';

/** What a case measured: one time per repetition, in ms; `native` null when there is no reference. */
export interface CaseTimes {
  readonly plumbline: readonly number[];
  readonly native: readonly number[] | null;
}

/** Context passed to every case. */
export interface BenchContext {
  readonly repeat: number;
  /** The standard 25,000-file repository (built on first use, then cached). */
  readonly bigRepo: () => string;
  readonly log: (line: string) => void;
}

/** One benchmark case. */
export interface BenchCase {
  readonly name: string;
  /** Human description of the target (quality.md), shown in the table. */
  readonly target?: string;
  /** Absolute target in ms, for rows without a native reference. */
  readonly targetMs?: number;
  /** Ratio target against native, e.g. 2 for "≤ 2× native". */
  readonly targetRatio?: number;
  readonly run: (ctx: BenchContext) => Promise<CaseTimes>;
}

/** One row of the results, as printed and written to JSON. */
export interface BenchRow {
  readonly name: string;
  readonly plumbline_ms: number;
  readonly native_ms: number | null;
  readonly ratio: number | null;
  readonly target_ms?: number;
  readonly target_ratio?: number;
  readonly target?: string;
  readonly met: boolean | null;
  readonly samples: { readonly plumbline: readonly number[]; readonly native: readonly number[] | null };
}

/** The median of some numbers. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Times an async function once, in ms. */
export async function time(fn: () => Promise<unknown> | unknown): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

/** Times a native command (a child process, start to exit), in ms; throws when it fails. */
export function timeCommand(cmd: string, args: readonly string[], cwd: string): number {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 28 });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr.toString()}`);
  return ms;
}

const round = (x: number): number => Math.round(x * 100) / 100;

/** Runs the cases in order; a failing case is reported and skipped, never fatal to the others. */
export async function runCases(cases: readonly BenchCase[], ctx: BenchContext): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const c of cases) {
    ctx.log(`… ${c.name}`);
    let times: CaseTimes;
    try {
      times = await c.run(ctx);
    } catch (error) {
      ctx.log(`  ${c.name} failed: ${(error as Error).message}`);
      continue;
    }
    const p = round(median(times.plumbline));
    const n = times.native ? round(median(times.native)) : null;
    const ratio = n ? round(p / n) : null;
    let met: boolean | null = null;
    if (c.targetRatio !== undefined && ratio !== null) met = ratio <= c.targetRatio;
    else if (c.targetMs !== undefined) met = p <= c.targetMs;
    rows.push({
      name: c.name,
      plumbline_ms: p,
      native_ms: n,
      ratio,
      ...(c.targetMs !== undefined ? { target_ms: c.targetMs } : {}),
      ...(c.targetRatio !== undefined ? { target_ratio: c.targetRatio } : {}),
      ...(c.target ? { target: c.target } : {}),
      met,
      samples: { plumbline: times.plumbline.map(round), native: times.native ? times.native.map(round) : null },
    });
  }
  return rows;
}

/** Renders rows as a Markdown table. */
export function formatTable(rows: readonly BenchRow[]): string {
  const head = '| case | Plumbline ms | native ms | ratio | target | met |\n|---|---:|---:|---:|---|---|';
  const body = rows.map((r) => {
    const met = r.met === null ? '–' : r.met ? '✔ yes' : '✘ no';
    return `| ${r.name} | ${r.plumbline_ms.toFixed(1)} | ${r.native_ms === null ? '–' : r.native_ms.toFixed(1)} | ${r.ratio === null ? '–' : `${r.ratio.toFixed(2)}×`} | ${r.target ?? '–'} | ${met} |`;
  });
  return [head, ...body].join('\n');
}
