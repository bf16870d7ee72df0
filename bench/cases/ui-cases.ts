/**
 * Benchmark cases for the UI targets of quality.md, measured in Chromium through Playwright against the real
 * web host started as a process:
 *
 * - web host start → three panes shown with the 25,000-file repository open and its status listed (≤ 2 s);
 * - an agent run streaming 2,000 text deltas per second into the "Agent run" view: no main-thread task
 *   over 50 ms (long tasks from `PerformanceObserver({ type: 'longtask' })` in the page);
 * - a run with a transcript of 5,000 events (streamed text and tool calls), scrolled top → bottom: long
 *   tasks while scrolling, and the most transcript rows in the DOM at once (virtualised, so bounded);
 * - three parallel runs (Run selected on three ready tasks of a small project) each streaming 2,000 text
 *   deltas per second while Builder ▸ Agent shows the Runs lane: no main-thread task over 50 ms.
 *
 * Wire into bench/run.ts with: `...uiCases({ projectRoot })` in the `cases` list.
 */
import { cpSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
// `performance` is the global one (Node and page alike): importing it would let the bundler rename it inside page functions.
import { chromium, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { jsonReply, messageFrames, startMockMessagesApi, streamReply, type MockMessagesApi, type MockResponse, type RecordedRequest } from '../../tests/helpers/mock-messages-api';
import { git, makeRepo, makeTempDir } from '../../tests/helpers/temp-repo';
import { startHostProcess, type HostHandle } from '../../tests/helpers/web-host-process';
import { type BenchCase, type BenchContext, type CaseTimes } from '../harness';

/** The file the standard repository's builder modifies (`--dirty 1`): the status must list it. */
const DIRTY_FILE = 'src/mod0/lib/file0.ts';
/** Deltas per second of the streaming case, and how long it streams. */
const DELTAS_PER_SECOND = 2000;
const STREAM_SECONDS = 3;
/** The transcript case: turns × (one streamed text block + tool calls), each call answered by a result record. */
const TX_TURNS = 50;
const TX_CALLS_PER_TURN = 99;
/** Rows the virtualised transcript may have in the DOM at once. */
const MAX_DOM_ROWS = 200;
/** The parallel case: one task per file, each run streaming text at DELTAS_PER_SECOND for LANE_STREAM_SECONDS. */
const LANE_FILES = ['a', 'b', 'c'] as const;
/** Long enough for the three streams to overlap although the runs start one after another (a worktree each). */
const LANE_STREAM_SECONDS = 10;

/** Chromium as playwright.config.ts launches it (the system one; browsers are never downloaded). */
async function launchChromium(): Promise<Browser> {
  const candidates = [process.env.PLUMBLINE_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];
  const executablePath = candidates.find((p) => p && statSync(p, { throwIfNoEntry: false }));
  return chromium.launch({
    headless: true,
    executablePath,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-default-apps'],
  });
}

/** Rebuilds the renderer and CLI bundles when stale, so that no build lands inside a timed host start. */
async function buildBundles(projectRoot: string): Promise<void> {
  // Imported by path at run time: build-lib.mjs locates the app from its own file, which bundling would move.
  const lib = (await import(pathToFileURL(join(projectRoot, 'scripts', 'build-lib.mjs')).href)) as { buildRenderer(o: { quiet: boolean }): Promise<boolean>; buildNode(): Promise<boolean> };
  await lib.buildRenderer({ quiet: true });
  await lib.buildNode();
}

/** The build stamps of both bundles: they change when `plumbline serve` rebuilds one before starting. */
function bundleStamps(projectRoot: string): string {
  return ['dist/renderer/index.html.stamp', 'dist/node/cli.mjs.stamp'].map((f) => statSync(join(projectRoot, f), { throwIfNoEntry: false })?.mtimeMs ?? 0).join(',');
}

/** Installed before any page script: collects every long task (> 50 ms) the page's main thread runs. */
function observeLongTasks(): void {
  const w = window as unknown as { __longTasks: { start: number; duration: number }[]; __frameGap: number };
  w.__longTasks = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) w.__longTasks.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: 'longtask', buffered: true });
  // Long tasks are only those over 50 ms; the longest gap between animation frames shows smaller stalls too.
  w.__frameGap = 0;
  let last = 0;
  const frame = (t: number): void => {
    if (last) w.__frameGap = Math.max(w.__frameGap, t - last);
    last = t;
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
}

/** Reads and resets the longest gap between two animation frames since the last call (ms). */
function takeFrameGap(page: Page): Promise<number> {
  return page.evaluate(() => {
    const w = window as unknown as { __frameGap: number };
    const gap = w.__frameGap;
    w.__frameGap = 0;
    return gap;
  });
}

/**
 * Proves the observer sees long tasks in this browser (else every figure would read 0 whatever happened):
 * blocks the main thread for 120 ms and waits for that task to be reported.
 */
async function assertLongTasksObserved(page: Page): Promise<void> {
  // A task of the page's own event loop: work run straight from an evaluate call is not reported as a long task.
  const from = await page.evaluate(
    () =>
      new Promise<number>((resolve) =>
        setTimeout(() => {
          const t = performance.now();
          while (performance.now() - t < 120);
          resolve(t);
        }, 0),
      ),
  );
  await page.waitForFunction((t) => (window as unknown as { __longTasks: LongTask[] }).__longTasks.some((x) => x.start >= t - 5 && x.duration >= 100), from, { timeout: 10_000 }).catch(() => {
    throw new Error('this Chromium reports no long tasks (PerformanceObserver "longtask"), so the figures would mean nothing');
  });
}

interface LongTask {
  readonly start: number;
  readonly duration: number;
}

/** Long tasks that started inside [from, to] (page clock, ms). */
async function longTasksBetween(page: Page, from: number, to: number): Promise<LongTask[]> {
  const all = await page.evaluate(() => (window as unknown as { __longTasks: LongTask[] }).__longTasks);
  return all.filter((t) => t.start + t.duration >= from && t.start <= to);
}

const pageNow = (page: Page): Promise<number> => page.evaluate(() => performance.now());

/** A Chromium trace event (the fields read here). */
interface TraceEvent {
  readonly name: string;
  readonly ph: string;
  readonly ts: number;
  readonly dur?: number;
  /** Thread time: what the task ran on the CPU (its wall time less the time the thread waited for a core). */
  readonly tdur?: number;
  readonly pid: number;
  readonly tid: number;
  readonly args?: { readonly name?: string; readonly fileName?: string; readonly data?: Record<string, unknown> };
}

/** Trace categories that show what a main-thread task did (tasks, scripts, style, layout, paint). */
const TRACE_CATEGORIES = ['toplevel', 'devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8.execute', 'blink.user_timing'];

/** A short label for a trace event: its name and, for script work, the file or function, for events their type. */
function traceLabel(e: TraceEvent): string {
  const d = e.args?.data ?? {};
  const file = (u: unknown): string => (typeof u === 'string' && u ? (u.split('/').pop() ?? u) : '');
  const where = file(d.url) || file(e.args?.fileName) || file(d.scriptName);
  const what = typeof d.functionName === 'string' && d.functionName ? d.functionName : typeof d.type === 'string' ? d.type : '';
  return [e.name, what, where].filter(Boolean).join(' ');
}

/**
 * What each main-thread task over 50 ms in [from, to] (trace clock, µs) spent its time on: self time summed by
 * label, the largest first. For the log only (PLUMBLINE_BENCH_TRACE=1): tracing itself slows the page a little.
 */
function traceLongTasks(trace: Buffer): string[] {
  const { traceEvents } = JSON.parse(trace.toString('utf8')) as { traceEvents: TraceEvent[] };
  const main = traceEvents.find((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
  if (!main) return ['no renderer main thread in the trace'];
  const mine = traceEvents.filter((e) => e.pid === main.pid && e.tid === main.tid && e.ph === 'X' && e.dur !== undefined).sort((a, b) => a.ts - b.ts || (b.dur ?? 0) - (a.dur ?? 0));
  const tasks = mine.filter((e) => e.name === 'RunTask' && (e.dur ?? 0) > 50_000);
  const t0 = mine[0]?.ts ?? 0;
  return tasks.map((task) => {
    const end = task.ts + (task.dur ?? 0);
    const inside = mine.filter((e) => e !== task && e.ts >= task.ts && e.ts + (e.dur ?? 0) <= end);
    // Self time: an event's duration minus that of the events nested directly in it.
    const self = new Map<string, number>();
    const stack: { e: TraceEvent; child: number }[] = [{ e: task, child: 0 }];
    const pop = (): void => {
      const top = stack.pop()!;
      const label = top.e === task ? 'RunTask (other)' : traceLabel(top.e);
      self.set(label, (self.get(label) ?? 0) + (top.e.dur ?? 0) - top.child);
      if (stack.length) stack[stack.length - 1].child += top.e.dur ?? 0;
    };
    for (const e of inside) {
      while (stack.length > 1 && e.ts >= stack[stack.length - 1].e.ts + (stack[stack.length - 1].e.dur ?? 0)) pop();
      stack.push({ e, child: 0 });
    }
    while (stack.length) pop();
    const top = [...self].sort((a, b) => b[1] - a[1]).slice(0, 5).map(([l, us]) => `${l} ${(us / 1000).toFixed(0)}`);
    const cpu = task.tdur === undefined ? '' : ` (${(task.tdur / 1000).toFixed(0)} ms on the CPU)`;
    return `at ${((task.ts - t0) / 1000).toFixed(0)} ms of the trace, ${((task.dur ?? 0) / 1000).toFixed(0)} ms${cpu}: ${top.join(', ')}`;
  });
}

/** A copy of the example project as a git repository, plus a HOME with no user configuration. */
function exampleProject(projectRoot: string): { project: string; home: string } {
  const project = makeTempDir('plumbline-bench-example-');
  cpSync(join(projectRoot, 'resources', 'example'), project, { recursive: true });
  writeFileSync(join(project, 'tiny.txt'), 'one small line\n');
  git(project, 'init', '-q');
  git(project, 'add', '-A');
  git(project, 'commit', '-q', '-m', 'Example project');
  return { project, home: makeTempDir('plumbline-bench-home-') };
}

/** A web host on the example project with the mock as the model endpoint and a step limit of `steps`. */
async function startAgentHost(projectRoot: string, api: MockMessagesApi, steps: number): Promise<{ host: HostHandle; project: string; cleanup: () => Promise<void> }> {
  const { project, home } = exampleProject(projectRoot);
  const dataDir = makeTempDir('plumbline-bench-data-');
  writeFileSync(join(dataDir, 'agent-settings.json'), `${JSON.stringify({ stepLimit: steps })}\n`, { mode: 0o600 });
  const host = await startHostProcess({ folder: project, dataDir, env: { ANTHROPIC_BASE_URL: api.url, ANTHROPIC_API_KEY: 'bench', HOME: home, XDG_CONFIG_HOME: join(home, '.config') } });
  return {
    host,
    project,
    cleanup: async () => {
      await host.stop();
      for (const d of [project, home, dataDir]) rmSync(d, { recursive: true, force: true });
    },
  };
}

/** Opens the workspace in a fresh context with long tasks observed, then starts a run of `task` from the Agent tab. */
async function openAndRunTask(browser: Browser, host: HostHandle, task: string): Promise<{ context: BrowserContext; page: Page; clickedAt: number }> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  await context.addInitScript(observeLongTasks);
  const page = await context.newPage();
  await page.goto(host.url);
  const builder = page.getByRole('region', { name: 'Builder', exact: true });
  await builder.getByRole('tab', { name: 'Agent', exact: true }).click();
  await page.getByLabel('Task', { exact: true }).selectOption(task);
  const run = page.getByRole('button', { name: 'Run task' });
  await run.waitFor();
  const clickedAt = await pageNow(page);
  await takeFrameGap(page);
  await run.click();
  return { context, page, clickedAt };
}

/** Waits until the shown run has ended; throws with the run's own reason unless it finished. */
async function waitForFinish(page: Page, dataDir: string, timeoutMs: number): Promise<void> {
  const status = page.getByRole('region', { name: 'Agent run' }).getByText(/^(✔ finished|✘ failed|⚠ stopped by a guard|■ stopped by you|⚠ interrupted)$/).first();
  await status.waitFor({ timeout: timeoutMs });
  const text = await status.innerText();
  if (text !== '✔ finished') throw new Error(`the run ended "${text}": ${lastEndReason(dataDir)}`);
}

/** The transcript files the runs wrote (JSON Lines under the data folder). */
function transcriptFiles(dataDir: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(dir, e.name));
      else if (e.name.endsWith('.jsonl') && dir.includes('transcript')) out.push(join(dir, e.name));
    }
  };
  walk(dataDir);
  return out;
}

/** Transcript records written so far. */
function transcriptRecords(dataDir: string): number {
  return transcriptFiles(dataDir).reduce((n, f) => n + readFileSync(f, 'utf8').split('\n').filter(Boolean).length, 0);
}

/** The reason of the last `end` record, for a run that did not finish. */
function lastEndReason(dataDir: string): string {
  const ends = transcriptFiles(dataDir).flatMap((f) => readFileSync(f, 'utf8').split('\n').filter((l) => l.includes('"type":"end"')));
  return ends.length ? String((JSON.parse(ends[ends.length - 1]) as { reason?: unknown }).reason) : 'no end record';
}

/** Prose-like text cut into deltas of a few words, with a line break now and then, as a model streams it. */
function streamedText(deltas: number): { text: string; chunks: number } {
  const words = ['the ', 'status ', 'engine ', 'reads ', 'index ', 'once, ', 'then ', 'checks ', 'each ', 'file; '];
  let text = '';
  for (let i = 0; i < deltas; i++) text += `${words[i % words.length]}${i % 97 === 96 ? '\n\n' : ''}`;
  // messageFrames cuts the text into `chunks` equal slices; pad to a multiple so each delta is one slice.
  const size = Math.ceil(text.length / deltas);
  return { text: text.padEnd(size * deltas, ' '), chunks: deltas };
}

function startCase(projectRoot: string): BenchCase {
  return {
    name: 'ui: web host start → three panes with the 25,000-file repo open and its status listed',
    target: '≤ 2 s from process start',
    targetMs: 2000,
    run: async (ctx) => {
      const repo = ctx.bigRepo();
      const browser = await launchChromium();
      const samples: number[] = [];
      try {
        // A sample during which the bundles were rebuilt (a source edited meanwhile) measures the build, not the start: redone, a few times at most.
        for (let i = 0, redone = 0; i < ctx.repeat; i++) {
          await buildBundles(projectRoot);
          const stamps = bundleStamps(projectRoot);
          const home = makeTempDir('plumbline-bench-home-');
          const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
          // The Builder remembers its last tab; here it is Changes, so the status is what it lists first.
          await context.addInitScript(() => localStorage.setItem('plumbline.ui', JSON.stringify({ state: { paneSizes: [30, 45, 25], builderTab: 'changes' }, version: 1 })));
          const page = await context.newPage();
          let host: HostHandle | null = null;
          try {
            const t0 = performance.now();
            host = await startHostProcess({ folder: repo, env: { HOME: home, XDG_CONFIG_HOME: join(home, '.config') } });
            const listening = performance.now() - t0;
            await page.goto(host.url);
            for (const name of ['Orchestrator', 'Builder', 'Calibrator']) await page.getByRole('region', { name, exact: true }).waitFor({ timeout: 30_000 });
            const panes = performance.now() - t0;
            await page.getByRole('region', { name: 'Builder', exact: true }).getByRole('button', { name: `${DIRTY_FILE}, modified` }).waitFor({ timeout: 30_000 });
            const ms = performance.now() - t0;
            const rebuilt = bundleStamps(projectRoot) !== stamps;
            ctx.log(`  host listening ${listening.toFixed(0)} ms, panes ${panes.toFixed(0)} ms, status listed ${ms.toFixed(0)} ms${rebuilt ? ' — the host rebuilt a bundle first (sources changed); sample redone' : ''}`);
            if (rebuilt && redone++ < 5) i--;
            else samples.push(ms);
          } finally {
            await context.close();
            await host?.stop();
            rmSync(host?.dataDir ?? home, { recursive: true, force: true });
            rmSync(home, { recursive: true, force: true });
          }
        }
      } finally {
        await browser.close();
      }
      return { plumbline: samples, native: null };
    },
  };
}

/** Per repetition: the longest main-thread task while 2,000 deltas/s streamed in, and how many exceeded 50 ms. */
interface StreamSample {
  readonly longest: number;
  readonly over50: number;
  readonly gap: number;
}

async function measureStream(ctx: BenchContext, projectRoot: string): Promise<StreamSample[]> {
  const browser = await launchChromium();
  const out: StreamSample[] = [];
  try {
    for (let i = 0; i < ctx.repeat; i++) {
      await buildBundles(projectRoot);
      const api = await startMockMessagesApi();
      const { text, chunks } = streamedText(DELTAS_PER_SECOND * STREAM_SECONDS);
      let streamStart = 0;
      // The first request of the run streams; anything after it (there should be nothing) gets a short answer.
      api.respondWith((_req: RecordedRequest, index: number) => {
        if (index > 0) return streamReply([{ type: 'text', text: 'done' }]);
        streamStart = performance.now();
        // 2,000 deltas per second: 40 frames every 20 ms (timers overshoot a little; the log shows the rate reached).
        return { kind: 'stream', frames: messageFrames([{ type: 'text', text, chunks }]), pace: { framesPerTick: DELTAS_PER_SECOND / 50, tickMs: 20 } };
      });
      const { host, cleanup } = await startAgentHost(projectRoot, api, 5);
      try {
        const { context, page, clickedAt } = await openAndRunTask(browser, host, 'T-5');
        try {
          await waitForFinish(page, host.dataDir, 120_000);
          const streamMs = performance.now() - streamStart;
          const end = await pageNow(page);
          const tasks = await longTasksBetween(page, clickedAt, end);
          const gap = await takeFrameGap(page);
          const longest = Math.max(0, ...tasks.map((t) => t.duration));
          const over50 = tasks.filter((t) => t.duration > 50).length;
          await assertLongTasksObserved(page);
          const shown = await page.getByRole('region', { name: 'Agent run' }).getByRole('log', { name: 'Transcript' }).innerText();
          if (!shown.includes(text.trim().slice(-40))) throw new Error('the streamed text did not reach the transcript whole');
          ctx.log(`  ${chunks} deltas; ${(streamMs / 1000).toFixed(1)} s from the model request to the run shown finished (≥ ${Math.round(chunks / (streamMs / 1000))} deltas/s); longest main-thread task ${longest.toFixed(0)} ms (0: none over 50 ms); ${over50} over 50 ms; longest gap between frames ${gap.toFixed(0)} ms`);
          out.push({ longest, over50, gap });
        } finally {
          await context.close();
        }
      } finally {
        await cleanup();
        await api.close();
      }
    }
  } finally {
    await browser.close();
  }
  return out;
}

/** A small project of three ready tasks with disjoint scopes (`a.txt`, `b.txt`, `c.txt`), each with one check. */
function laneProject(): string {
  const tasks = LANE_FILES.map((f, i) => `## T-${i + 1}: Write ${f}.txt\n\nCreate ${f}.txt with one line.\n\n- scope: ${f}.txt\n- checks: \`node check.js ${f}\`\n- status: todo`);
  return makeRepo({
    '.plumbline/tasks.md': `# Tasks\n\n${tasks.join('\n\n')}\n`,
    'check.js': "const fs = require('fs');\nprocess.exit(fs.existsSync(`${process.argv[2]}.txt`) ? 0 : 1);\n",
    'README.md': '# Three files\n',
  });
}

/** Calls a core method from the page over the web host's HTTP endpoint (same origin, the page's token cookie). */
async function pageRpc<T>(page: Page, method: string, params: unknown): Promise<T> {
  const body = await page.evaluate(
    async ({ method, params }) => {
      const res = await fetch('/api/rpc', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id: 1, method, params }) });
      return (await res.json()) as { result?: unknown; error?: { message: string } };
    },
    { method, params },
  );
  if (!('result' in body)) throw new Error(`${method} failed: ${body.error?.message ?? 'no answer'}`);
  return body.result as T;
}

/** When each task's run streamed: from its first model request until its second (sent once the stream and its edit were done). */
interface StreamWindow {
  start: number;
  end: number;
}

/**
 * The scripted model of the parallel case: a task's first request streams `text` at DELTAS_PER_SECOND, then
 * creates the task's file; the next says it is done. Records each task's streaming window in `windows`.
 */
function laneModel(text: string, chunks: number, windows: Map<string, StreamWindow>): (req: RecordedRequest) => MockResponse {
  return (req) => {
    const messages = (req.body?.messages ?? []) as Array<{ role: string; content: unknown }>;
    const first = JSON.stringify(messages[0]?.content ?? '');
    const i = LANE_FILES.findIndex((_, n) => first.includes(`# Task T-${n + 1}:`));
    if (i === -1 || req.body?.stream !== true) return jsonReply('Nothing to do here.');
    const taskId = `T-${i + 1}`;
    const now = performance.now();
    if (messages.some((m) => m.role === 'assistant')) {
      const w = windows.get(taskId);
      if (w && !w.end) w.end = now;
      return streamReply([{ type: 'text', text: `Done: ${LANE_FILES[i]}.txt written.` }]);
    }
    windows.set(taskId, { start: now, end: 0 });
    const frames = messageFrames([{ type: 'text', text, chunks }, { type: 'tool_use', name: 'str_replace_based_edit_tool', input: { command: 'create', path: `${LANE_FILES[i]}.txt`, file_text: `${LANE_FILES[i]}\n` } }]);
    return { kind: 'stream', frames, pace: { framesPerTick: DELTAS_PER_SECOND / 50, tickMs: 20 } };
  };
}

/** How long all three runs streamed at the same time (ms; ≤ 0 when they never did). */
function overlapMs(windows: Map<string, StreamWindow>): number {
  const all = [...windows.values()];
  if (all.length < LANE_FILES.length || all.some((w) => !w.end)) return 0;
  return Math.min(...all.map((w) => w.end)) - Math.max(...all.map((w) => w.start));
}

/** The lanes' states as the Runs lane shows them (`data-state` of each row's badge), by task. */
function laneStates(page: Page): Promise<Record<string, string>> {
  return page.evaluate(() => {
    const out: Record<string, string> = {};
    for (const row of document.querySelectorAll('.lanes-list .lane-row')) {
      const id = row.querySelector('.lane-task .mono')?.textContent ?? '?';
      out[id] = `${row.querySelector('[data-state]')?.getAttribute('data-state') ?? '?'}${row.querySelector('.lane-reason') ? `: ${row.querySelector('.lane-reason')?.textContent ?? ''}` : ''}`;
    }
    return out;
  });
}

async function measureLanes(ctx: BenchContext, projectRoot: string): Promise<StreamSample[]> {
  const browser = await launchChromium();
  const out: StreamSample[] = [];
  try {
    for (let i = 0; i < ctx.repeat; i++) {
      await buildBundles(projectRoot);
      const api = await startMockMessagesApi();
      const { text, chunks } = streamedText(DELTAS_PER_SECOND * LANE_STREAM_SECONDS);
      const windows = new Map<string, StreamWindow>();
      api.respondWith(laneModel(text, chunks, windows));
      const project = laneProject();
      const home = makeTempDir('plumbline-bench-home-');
      const host = await startHostProcess({ folder: project, env: { ANTHROPIC_BASE_URL: api.url, ANTHROPIC_API_KEY: 'bench', HOME: home, XDG_CONFIG_HOME: join(home, '.config') } });
      try {
        const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
        // Builder ▸ Agent shows the Runs lane from the start, as after an earlier Run selected.
        await context.addInitScript(() => localStorage.setItem('plumbline.ui', JSON.stringify({ state: { paneSizes: [30, 45, 25], builderTab: 'agent', agentView: 'lanes' }, version: 1 })));
        await context.addInitScript(observeLongTasks);
        const page = await context.newPage();
        try {
          await page.goto(host.url);
          // Three at once, edits applied without asking (the runs are scripted; nobody approves in a benchmark).
          const settings = await pageRpc<{ autoApprove: { commands: string[] } }>(page, 'settings.get', {});
          await pageRpc(page, 'settings.update', { parallelRuns: LANE_FILES.length, autoApprove: { edits: true, commands: settings.autoApprove.commands } });
          const orchestrator = page.getByRole('region', { name: 'Orchestrator', exact: true });
          await orchestrator.getByRole('tab', { name: 'Tasks' }).click();
          for (let n = 1; n <= LANE_FILES.length; n++) await orchestrator.getByRole('checkbox', { name: `Select T-${n} to run` }).check();
          await page.getByRole('region', { name: 'Runs lane' }).getByText('No parallel runs yet.').waitFor({ timeout: 30_000 });
          const runSelected = orchestrator.getByRole('button', { name: `Run selected (${LANE_FILES.length})` });
          const clickedAt = await pageNow(page);
          const t0 = performance.now();
          await takeFrameGap(page);
          const tracing = process.env.PLUMBLINE_BENCH_TRACE === '1';
          if (tracing) await browser.startTracing(page, { categories: TRACE_CATEGORIES });
          // A CPU profile of the page for a closer look (PLUMBLINE_BENCH_PROFILE=1; DevTools opens it): names read
          // best from an unminified renderer build.
          const profiler = process.env.PLUMBLINE_BENCH_PROFILE === '1' ? await context.newCDPSession(page) : null;
          if (profiler) {
            await profiler.send('Profiler.enable');
            await profiler.send('Profiler.setSamplingInterval', { interval: 250 });
            await profiler.send('Profiler.start');
          }
          await runSelected.click();
          // Until every lane has ended (finished: streamed, wrote its file, verified in its worktree).
          await page.waitForFunction(
            (n) => {
              const states = [...document.querySelectorAll('.lanes-list .lane-row [data-state]')].map((e) => e.getAttribute('data-state'));
              return states.length === n && states.every((s) => s === 'finished' || s === 'verified' || s === 'stopped' || s === 'rejected');
            },
            LANE_FILES.length,
            { timeout: 300_000, polling: 250 },
          );
          const end = await pageNow(page);
          const wallMs = performance.now() - t0;
          if (profiler) {
            const { profile } = await profiler.send('Profiler.stop');
            const file = join(tmpdir(), `plumbline-lanes-${Date.now()}.cpuprofile`);
            writeFileSync(file, JSON.stringify(profile));
            ctx.log(`  CPU profile written to ${file}`);
          }
          if (tracing) {
            const trace = await browser.stopTracing();
            // Kept for a closer look (Chromium's DevTools or Perfetto open it).
            const file = join(tmpdir(), `plumbline-lanes-trace-${Date.now()}.json`);
            writeFileSync(file, trace);
            ctx.log(`  trace written to ${file}`);
            for (const line of traceLongTasks(trace)) ctx.log(`  trace: ${line}`);
          }
          const gap = await takeFrameGap(page);
          const states = await laneStates(page);
          if (Object.values(states).some((s) => s !== 'finished' && s !== 'verified')) throw new Error(`not every lane finished: ${JSON.stringify(states)}`);
          const together = overlapMs(windows);
          // The figures are about three runs streaming at once: a machine too slow to overlap them measures nothing.
          if (together <= 0) throw new Error(`the three runs never streamed at the same time (${JSON.stringify([...windows])}); measure on a less loaded machine`);
          const tasks = await longTasksBetween(page, clickedAt, end);
          const longest = Math.max(0, ...tasks.map((t) => t.duration));
          const over50 = tasks.filter((t) => t.duration > 50).length;
          await assertLongTasksObserved(page);
          const shown = await page.getByRole('region', { name: 'Agent run' }).getByRole('log', { name: 'Transcript' }).innerText();
          if (!shown.includes(text.trim().slice(-40))) throw new Error('the streamed text of the run shown below the lanes did not reach its transcript whole');
          const at = tasks.filter((t) => t.duration > 50).map((t) => `${(t.start - clickedAt).toFixed(0)} ms: ${t.duration.toFixed(0)} ms`);
          // Scripts the page loaded meanwhile (a lazily loaded bundle shows up as a long task of its own).
          const scripts = await page.evaluate((from) => performance.getEntriesByType('resource').filter((r) => r.startTime >= from && /\.js(\?|$)/.test(r.name)).map((r) => `${r.name.split('/').pop() ?? r.name} at ${(r.startTime - from).toFixed(0)} ms`), clickedAt);
          if (scripts.length) ctx.log(`  scripts loaded after the click: ${scripts.join(', ')}`);
          ctx.log(
            `  3 runs × ${chunks} deltas; ${(wallMs / 1000).toFixed(1)} s from Run selected to three lanes finished, the three streaming together for ${(together / 1000).toFixed(1)} s; longest main-thread task ${longest.toFixed(0)} ms (0: none over 50 ms); ${over50} over 50 ms${at.length ? ` (after the click: ${at.join(', ')})` : ''}; longest gap between frames ${gap.toFixed(0)} ms`,
          );
          out.push({ longest, over50, gap });
        } finally {
          await context.close();
        }
      } finally {
        await host.stop();
        await api.close();
        for (const d of [project, home, host.dataDir]) rmSync(d, { recursive: true, force: true });
      }
    }
  } finally {
    await browser.close();
  }
  return out;
}

/**
 * The scripted model of the transcript case: each turn streams a text block, then views a tiny file many
 * times. The history outgrows the context window on the way, so the run compacts: the summary request
 * (not streamed) gets a plain answer, and turns are counted by streamed requests, not by the history.
 */
function transcriptModel(): (req: RecordedRequest) => MockResponse {
  let turn = 0;
  return (req) => {
    if (req.body?.stream !== true) return jsonReply('Viewed tiny.txt many times; it has not changed. Next: keep viewing it.');
    turn++;
    if (turn > TX_TURNS) return streamReply([{ type: 'text', text: 'All files viewed.' }]);
    const calls = Array.from({ length: TX_CALLS_PER_TURN }, () => ({ type: 'tool_use' as const, name: 'str_replace_based_edit_tool', input: { command: 'view', path: 'tiny.txt' } }));
    return streamReply([{ type: 'text', text: `Turn ${turn}: looking at the file again to be sure nothing changed since the last look.`, chunks: 20 }, ...calls]);
  };
}

/** Per scroll pass: the longest main-thread task, the longest frame, and the most transcript rows in the DOM. */
interface ScrollSample {
  readonly longest: number;
  readonly longestFrame: number;
  readonly maxRows: number;
  readonly steps: number;
}

async function measureTranscript(ctx: BenchContext, projectRoot: string): Promise<ScrollSample[]> {
  await buildBundles(projectRoot);
  const browser = await launchChromium();
  const api = await startMockMessagesApi();
  api.respondWith(transcriptModel());
  const { host, cleanup } = await startAgentHost(projectRoot, api, TX_TURNS + 5);
  const out: ScrollSample[] = [];
  try {
    const t0 = performance.now();
    const { context, page, clickedAt } = await openAndRunTask(browser, host, 'T-5');
    try {
      // Progress every 15 s: building the run takes a while (every record is fsynced).
      const progress = setInterval(() => ctx.log(`  … ${transcriptRecords(host.dataDir)} transcript records, ${api.messageRequests().length} model requests`), 15_000);
      try {
        await waitForFinish(page, host.dataDir, 600_000);
      } finally {
        clearInterval(progress);
      }
      const built = await pageNow(page);
      const records = transcriptRecords(host.dataDir);
      const during = await longTasksBetween(page, clickedAt, built);
      ctx.log(`  run with ${records} transcript records in ${((performance.now() - t0) / 1000).toFixed(1)} s; while it ran: longest main-thread task ${Math.max(0, ...during.map((t) => t.duration)).toFixed(0)} ms, ${during.filter((t) => t.duration > 50).length} over 50 ms`);
      if (records < 5000) throw new Error(`the run wrote only ${records} transcript records (5,000 wanted)`);
      const log = page.getByRole('region', { name: 'Agent run' }).getByRole('log', { name: 'Transcript' });
      await log.waitFor();
      await assertLongTasksObserved(page);
      for (let i = 0; i < ctx.repeat; i++) {
        const from = await pageNow(page);
        await takeFrameGap(page);
        // Page-down steps, each given two frames to render, as a user paging through holds the key.
        const pass = await log.evaluate(async (el) => {
          const frames = (): Promise<number> => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
          el.scrollTop = 0;
          await frames();
          let maxRows = el.querySelectorAll('.tx-item').length;
          let steps = 0;
          while (el.scrollTop + el.clientHeight < el.scrollHeight - 1 && steps < 20_000) {
            el.scrollTop += Math.max(100, el.clientHeight * 0.9);
            await frames();
            maxRows = Math.max(maxRows, el.querySelectorAll('.tx-item').length);
            steps++;
          }
          return { maxRows, steps, total: el.scrollHeight };
        });
        const to = await pageNow(page);
        const longestFrame = await takeFrameGap(page);
        const tasks = await longTasksBetween(page, from, to);
        const longest = Math.max(0, ...tasks.map((t) => t.duration));
        ctx.log(`  scroll pass ${i + 1}: ${pass.steps} steps over ${pass.total} px; longest task ${longest.toFixed(0)} ms (${tasks.filter((t) => t.duration > 50).length} over 50 ms); longest gap between frames ${longestFrame.toFixed(0)} ms; at most ${pass.maxRows} rows in the DOM`);
        out.push({ longest, longestFrame, maxRows: pass.maxRows, steps: pass.steps });
      }
    } finally {
      await context.close();
    }
  } finally {
    await cleanup();
    await api.close();
    await browser.close();
  }
  return out;
}

/** Measures once and shares the samples between the rows that report them (each row may run alone via --only). */
function shared<T>(measure: (ctx: BenchContext) => Promise<T>): (ctx: BenchContext) => Promise<T> {
  let pending: Promise<T> | null = null;
  return (ctx) => (pending ??= measure(ctx));
}

const times = (xs: readonly number[]): CaseTimes => ({ plumbline: xs, native: null });

/** The UI cases, in the order they run. */
export function uiCases({ projectRoot }: { readonly projectRoot: string }): BenchCase[] {
  const stream = shared((ctx) => measureStream(ctx, projectRoot));
  const transcript = shared((ctx) => measureTranscript(ctx, projectRoot));
  const lanes = shared((ctx) => measureLanes(ctx, projectRoot));
  return [
    startCase(projectRoot),
    {
      name: 'ui: agent stream of 2,000 text deltas/s into the Agent run view — longest main-thread task',
      target: 'no main-thread task over 50 ms',
      targetMs: 50,
      run: async (ctx) => times((await stream(ctx)).map((s) => s.longest)),
    },
    {
      name: 'ui: agent stream of 2,000 text deltas/s — main-thread tasks over 50 ms (a count, not ms)',
      target: '0',
      targetMs: 0,
      run: async (ctx) => times((await stream(ctx)).map((s) => s.over50)),
    },
    {
      name: 'ui: agent stream of 2,000 text deltas/s — longest gap between two frames',
      target: 'informative (16.7 ms = every frame drawn)',
      run: async (ctx) => times((await stream(ctx)).map((s) => s.gap)),
    },
    {
      name: 'ui: transcript of 5,000 events scrolled top → bottom — longest main-thread task',
      target: 'no main-thread task over 50 ms',
      targetMs: 50,
      run: async (ctx) => times((await transcript(ctx)).map((s) => s.longest)),
    },
    {
      name: 'ui: transcript of 5,000 events scrolled top → bottom — most rows in the DOM (a count, not ms)',
      target: `< ${MAX_DOM_ROWS} (virtualised)`,
      targetMs: MAX_DOM_ROWS - 1,
      run: async (ctx) => times((await transcript(ctx)).map((s) => s.maxRows)),
    },
    {
      name: 'ui: transcript of 5,000 events scrolled top → bottom — longest gap between two frames',
      target: 'informative (16.7 ms = every frame drawn)',
      run: async (ctx) => times((await transcript(ctx)).map((s) => s.longestFrame)),
    },
    {
      name: 'ui: three parallel runs streaming 2,000 text deltas/s each, Runs lane shown — longest main-thread task',
      target: 'no main-thread task over 50 ms',
      targetMs: 50,
      run: async (ctx) => times((await lanes(ctx)).map((s) => s.longest)),
    },
    {
      name: 'ui: three parallel runs streaming 2,000 text deltas/s each — main-thread tasks over 50 ms (a count, not ms)',
      target: '0',
      targetMs: 0,
      run: async (ctx) => times((await lanes(ctx)).map((s) => s.over50)),
    },
    {
      name: 'ui: three parallel runs streaming 2,000 text deltas/s each — longest gap between two frames',
      target: 'informative (16.7 ms = every frame drawn)',
      run: async (ctx) => times((await lanes(ctx)).map((s) => s.gap)),
    },
  ];
}
