/**
 * Benchmark cases for agent sessions (issue 5): streaming 2,000 text deltas per second through the core,
 * a 5,000-record transcript written and read back, and prompt-cache prefix stability over a 10-turn run.
 * Wire into bench/run.ts with: `cases.push(...agentCases())`.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import type { TranscriptEvent } from '../../shared/contract';
import { AgentService } from '../../electron/core/agent/agent-service';
import { runAgentLoop } from '../../electron/core/agent/agent-loop';
import { makeClient } from '../../electron/core/model/model-stream';
import { TranscriptStore, summarise } from '../../electron/core/model/transcript-store';
import { messageFrames, startMockMessagesApi, streamReply } from '../../tests/helpers/mock-messages-api';
import type { BenchCase } from '../harness';
import { createCoreContext } from '../../electron/core/create-core';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'plumbline-bench-agent-'));
}

/** The agent cases, in the order they run. */
export function agentCases(): BenchCase[] {
  return [
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
