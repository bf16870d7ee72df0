/**
 * Benchmark cases for agent sessions (issue 5): streaming 2,000 text deltas per second through the core,
 * a 5,000-record transcript written and read back, and prompt-cache prefix stability over a 10-turn run;
 * parallel runs (issue 13): three scripted runs at once vs the same three in sequence, and the longest
 * event-loop stall of the core while the three stream.
 * Wire into bench/run.ts with: `cases.push(...agentCases())`.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import type { TranscriptEvent } from '../../shared/contract';
import { AgentService } from '../../electron/core/agent/agent-service';
import { runAgentLoop } from '../../electron/core/agent/agent-loop';
import { makeClient } from '../../electron/core/model/model-stream';
import { TranscriptStore, summarise } from '../../electron/core/model/transcript-store';
import { messageFrames, startMockMessagesApi, streamReply, type MockMessagesApi } from '../../tests/helpers/mock-messages-api';
import { createAgentModule } from '../../electron/core/agent/agent-module';
import type { BenchCase } from '../harness';
import { createCoreContext } from '../../electron/core/create-core';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'plumbline-bench-agent-'));
}

/** One measurement of three parallel runs: wall time at once and in sequence, and the longest stall while at once. */
interface ParallelSample {
  readonly parallelMs: number;
  readonly sequenceMs: number;
  readonly stallMs: number;
}

const PARALLEL_TASKS = ['a', 'b', 'c'];

/**
 * Three tasks of a small git project run with Run selected, `parallelRuns` at once (each in its own worktree,
 * baseline, checks and verification as in the app), against the mock Messages API: each run streams about a
 * second of text before it writes its file, then says it is done. Returns the wall time from Run selected until
 * the three lanes are finished, and the longest event-loop stall meanwhile.
 */
async function threeRuns(api: MockMessagesApi, parallelRuns: number): Promise<{ ms: number; stallMs: number }> {
  const base = tempDir();
  const root = join(base, 'project');
  mkdirSync(join(root, '.plumbline'), { recursive: true });
  const git = (...a: string[]): void => void execFileSync('git', a, { cwd: root, stdio: 'ignore' });
  try {
    git('init', '-q', '-b', 'main');
    const tasks = PARALLEL_TASKS.map((t, i) => `## T-${i + 1}: Write ${t}\n\n- Scope: ${t}.txt\n- Checks: \`node check.js ${t}\`\n- Status: todo`);
    writeFileSync(join(root, '.plumbline/tasks.md'), `# Tasks\n\n${tasks.join('\n\n')}\n`);
    writeFileSync(join(root, 'check.js'), "const fs = require('fs'); const n = process.argv[2]; process.exit(fs.existsSync(n + '.txt') ? 0 : 1);\n");
    git('add', '-A');
    git('-c', 'user.name=Bench', '-c', 'user.email=bench@example.com', 'commit', '-q', '-m', 'init');
    api.respondWith((req) => {
      const messages = (req.body?.messages ?? []) as Array<{ role: string; content: unknown }>;
      const first = JSON.stringify(messages[0]?.content ?? '');
      const t = PARALLEL_TASKS.find((x) => first.includes(`Write ${x}`)) ?? 'a';
      const pace = { framesPerTick: 1, tickMs: 10 };
      if (messages.some((m) => m.role === 'assistant')) return { kind: 'stream', frames: messageFrames([{ type: 'text', text: 'Done. '.repeat(50), chunks: 30 }]), pace };
      return { kind: 'stream', frames: messageFrames([{ type: 'text', text: 'Let me write it. '.repeat(40), chunks: 80 }, { type: 'tool_use', name: 'str_replace_based_edit_tool', input: { command: 'create', path: `${t}.txt`, file_text: `${t}\n` } }]), pace };
    });
    const core = createCoreContext({ dataDir: join(base, '.data'), version: 'bench', resourcesDir: base, host: { capabilities: { kind: 'web', nativeFolderDialog: false, printToPdf: false, platform: process.platform }, browseRoots: [], secrets: { get: async () => null, set: async () => {} } } });
    core.projects.add(root);
    const agent = createAgentModule(core, { env: { ANTHROPIC_BASE_URL: api.url, ANTHROPIC_API_KEY: 'bench', PATH: process.env.PATH ?? '' } });
    const settings = await agent.service.settings.load();
    await agent.service.settings.save({ ...settings, parallelRuns, autoApprove: { ...settings.autoApprove, edits: true } });
    const call = { connectionId: 'bench' };
    const h = monitorEventLoopDelay({ resolution: 5 });
    h.enable();
    const t0 = performance.now();
    const { lanes } = await agent.handlers['agent.runSelected']({ root, taskIds: PARALLEL_TASKS.map((_, i) => `T-${i + 1}`) }, call);
    // Queued lanes get their run once one ends: wait until every lane has finished.
    for (;;) {
      const now = (await agent.handlers['agent.lanes']({ root }, call)).lanes;
      const ended = (state: string): boolean => state === 'finished' || state === 'verified';
      const running = now.find((l) => l.runId && !ended(l.state));
      if (running) await agent.service.parallel.settled(root, running.runId!);
      else if (now.every((l) => ended(l.state))) break;
      else await new Promise((r) => setTimeout(r, 20));
    }
    const ms = performance.now() - t0;
    h.disable();
    if (lanes.length !== PARALLEL_TASKS.length) throw new Error(`expected ${PARALLEL_TASKS.length} lanes, got ${lanes.length}`);
    await agent.dispose?.();
    return { ms, stallMs: h.max / 1e6 };
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
}

/** The agent cases, in the order they run. */
export function agentCases(): BenchCase[] {
  // Both parallel-run rows come from the same runs: the first measures them, the second reads what it measured.
  let parallel: ParallelSample[] | null = null;
  const measureParallel = async (repeat: number, log: (line: string) => void): Promise<ParallelSample[]> => {
    if (parallel) return parallel;
    const api = await startMockMessagesApi();
    const out: ParallelSample[] = [];
    try {
      for (let i = 0; i < repeat; i++) {
        const at = await threeRuns(api, 3);
        const seq = await threeRuns(api, 1);
        log(`  three runs: ${at.ms.toFixed(0)} ms at once, ${seq.ms.toFixed(0)} ms in sequence (${(at.ms / seq.ms).toFixed(2)}×); max event-loop stall at once ${at.stallMs.toFixed(1)} ms`);
        out.push({ parallelMs: at.ms, sequenceMs: seq.ms, stallMs: at.stallMs });
      }
    } finally {
      await api.close();
    }
    return (parallel = out);
  };
  return [
    {
      name: 'agent: three parallel runs at once vs in sequence (wall time; native column = in sequence)',
      target: 'at once ≤ 0.6× in sequence',
      targetRatio: 0.6,
      run: async (ctx) => {
        const samples = await measureParallel(ctx.repeat, ctx.log);
        return { plumbline: samples.map((s) => s.parallelMs), native: samples.map((s) => s.sequenceMs) };
      },
    },
    {
      name: 'agent: three parallel runs streaming (max event-loop stall of the core)',
      target: 'no task over 50 ms',
      targetMs: 50,
      run: async (ctx) => ({ plumbline: (await measureParallel(ctx.repeat, ctx.log)).map((s) => s.stallMs), native: null }),
    },
    {
      name: 'agent: 2,000 text deltas streamed through the core (max event-loop stall)',
      target: 'no task over 50 ms; UI events batched',
      targetMs: 50,
      run: async (ctx) => {
        const api = await startMockMessagesApi();
        const base = tempDir();
        const samples: number[] = [];
        try {
          const ctxBase = createCoreContext({ dataDir: join(base, '.data'), version: 'bench', resourcesDir: base, host: { capabilities: { kind: 'web', nativeFolderDialog: false, printToPdf: false, platform: process.platform }, browseRoots: [], secrets: { get: async () => null, set: async () => {} } } });
          const { bus, projects } = ctxBase;
          projects.add(base);
          let streamEvents = 0;
          bus.subscribe((e) => {
            if (e.event === 'agent.didStream') streamEvents++;
          });
          const service = new AgentService(
            { ...ctxBase, bus, projects },
            { env: { ANTHROPIC_BASE_URL: api.url, ANTHROPIC_API_KEY: 'bench' } },
          );
          for (let i = 0; i < ctx.repeat; i++) {
            const text = 'x'.repeat(2000 * 8);
            // 2,000 deltas per second: 20 frames every 10 ms.
            api.enqueue({ kind: 'stream', frames: messageFrames([{ type: 'text', text, chunks: 2000 }]), pace: { framesPerTick: 20, tickMs: 10 } });
            streamEvents = 0;
            const h = monitorEventLoopDelay({ resolution: 5 });
            h.enable();
            const t0 = performance.now();
            const { runId } = await service.startAsk(base, 'stream please', 'thinker', 'bench');
            await service.settled(runId);
            const ms = performance.now() - t0;
            h.disable();
            const stallMs = h.max / 1e6;
            ctx.log(`  2,000 deltas in ${ms.toFixed(0)} ms → ${streamEvents} batched UI events; max event-loop stall ${stallMs.toFixed(1)} ms`);
            samples.push(stallMs);
          }
          await service.dispose();
        } finally {
          await api.close();
          rmSync(base, { recursive: true, force: true });
        }
        return { plumbline: samples, native: null };
      },
    },
    {
      name: 'agent: transcript of 5,000 records read back and summarised',
      target: 'read + summarise ≤ 200 ms',
      targetMs: 200,
      run: async (ctx) => {
        const base = tempDir();
        const samples: number[] = [];
        try {
          const store = new TranscriptStore(base);
          const at = new Date().toISOString();
          await store.append(base, 'run-bench', { type: 'start', at, runId: 'run-bench', kind: 'task', taskId: 'T-1', title: 'bench', role: 'builder', model: 'm', checkpoint: null, resumedFrom: null });
          // Written once (fsync per line is the crash-safety price); the read side is what the UI waits on.
          const lines: string[] = [];
          for (let i = 0; i < 5000; i++) {
            const e: TranscriptEvent = i % 2 ? { type: 'tool_result', at, toolUseId: `t${i}`, name: 'bash', isError: false, output: `line ${i} `.repeat(20) } : { type: 'assistant', at, turn: i, content: [{ type: 'text', text: `turn ${i}` }], stopReason: 'tool_use', usage: { input: 10, output: 5, cacheWrite5m: 0, cacheWrite1h: 0, cacheRead: 0 }, costUsd: 0.0001 };
            lines.push(JSON.stringify(e));
          }
          const { transcriptDir } = await import('../../electron/core/model/transcript-store');
          mkdirSync(transcriptDir(base, base), { recursive: true });
          writeFileSync(join(transcriptDir(base, base), 'run-bench.jsonl'), `${JSON.stringify({ type: 'start', at, runId: 'run-bench', kind: 'task', taskId: 'T-1', title: 'bench', role: 'builder', model: 'm', checkpoint: null, resumedFrom: null })}\n${lines.join('\n')}\n`);
          for (let i = 0; i < ctx.repeat; i++) {
            const t0 = performance.now();
            const events = await store.read(base, 'run-bench');
            const s = summarise(events, false);
            samples.push(performance.now() - t0);
            if (!s || events.length !== 5001) throw new Error('transcript did not read back whole');
          }
        } finally {
          rmSync(base, { recursive: true, force: true });
        }
        return { plumbline: samples, native: null };
      },
    },
    {
      name: 'agent: prompt-cache prefix reuse over a 10-turn run (run time; fails below 100 %)',
      target: '100 % of requests after the first reuse the previous prefix',
      run: async (ctx) => {
        const samples: number[] = [];
        for (let rep = 0; rep < ctx.repeat; rep++) {
          const api = await startMockMessagesApi();
          const base = tempDir();
          try {
            writeFileSync(join(base, 'f.txt'), 'x\n');
            for (let i = 0; i < 9; i++) api.enqueue(streamReply([{ type: 'tool_use', name: 'probe', input: { i } }]));
            api.enqueue(streamReply([{ type: 'text', text: 'done' }]));
            const t0 = performance.now();
            await runAgentLoop({
              client: makeClient('bench', api.url),
              model: 'mock-model',
              maxTokens: 1024,
              system: 'bench system prompt',
              memory: 'bench memory',
              tools: [{ name: 'probe', definition: { name: 'probe', input_schema: { type: 'object', properties: {} } }, run: async (input) => ({ text: `probe ${JSON.stringify(input)}`, isError: false }) }],
              messages: [{ role: 'user', content: 'start' }],
              stepLimit: 20,
              costCeilingUsd: 0,
              price: null,
              signal: new AbortController().signal,
              takeSteer: () => [],
              emit: () => {},
              onDelta: () => {},
              onRetryWait: () => {},
            });
            samples.push(performance.now() - t0);
            const strip = (v: unknown): string => JSON.stringify(v, (k, val: unknown) => (k === 'cache_control' ? undefined : val));
            const reqs = api.messageRequests().map((r) => r.body as { tools: unknown; system: unknown; messages: unknown[] });
            let reused = 0;
            for (let i = 1; i < reqs.length; i++) {
              const p = reqs[i - 1];
              const c = reqs[i];
              if (strip(p.tools) === strip(c.tools) && strip(p.system) === strip(c.system) && strip(p.messages) === strip(c.messages.slice(0, p.messages.length))) reused++;
            }
            const pct = (100 * reused) / (reqs.length - 1);
            ctx.log(`  prefix reuse: ${reused}/${reqs.length - 1} requests (${pct.toFixed(0)} %)`);
            if (pct < 100) throw new Error(`prefix reused by only ${pct.toFixed(0)} % of requests`);
          } finally {
            await api.close();
            rmSync(base, { recursive: true, force: true });
          }
        }
        return { plumbline: samples, native: null };
      },
    },
  ];
}
