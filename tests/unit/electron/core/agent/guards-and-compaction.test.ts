import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TranscriptEvent } from '../../../../../shared/contract';
import { runAgentLoop, type LoopOptions } from '../../../../../electron/core/agent/agent-loop';
import { makeClient } from '../../../../../electron/core/model/model-stream';
import { startMockMessagesApi, streamReply, type MockMessagesApi } from '../../../../helpers/mock-messages-api';

let api: MockMessagesApi;
beforeEach(async () => {
  api = await startMockMessagesApi();
});
afterEach(() => api.close());

function options(events: TranscriptEvent[], patch: Partial<LoopOptions>): LoopOptions {
  return {
    client: makeClient('k', api.url),
    model: 'mock-model',
    maxTokens: 1024,
    system: 'system',
    memory: null,
    tools: [{ name: 'probe', definition: { name: 'probe', input_schema: { type: 'object', properties: {} } }, run: async () => ({ text: 'y'.repeat(4000), isError: false }) }],
    messages: [{ role: 'user', content: 'start' }],
    stepLimit: 50,
    costCeilingUsd: 100,
    price: { model: 'mock-model', input: 3, output: 15, cacheWrite5m: 3.75, cacheWrite1h: 6, cacheRead: 0.3 },
    signal: new AbortController().signal,
    takeSteer: () => [],
    emit: (e) => events.push(e),
    onDelta: () => {},
    onRetryWait: () => {},
    ...patch,
  };
}

const probe = (): ReturnType<typeof streamReply> => streamReply([{ type: 'tool_use', name: 'probe', input: {} }], { usage: { input_tokens: 100_000, output_tokens: 1 } });

describe('loop guards', () => {
  it('stops at the cost ceiling', async () => {
    api.enqueue(probe(), probe(), probe());
    const events: TranscriptEvent[] = [];
    // 100k input tokens at $3/MTok = $0.30 per turn; the ceiling of $0.50 trips after the second turn.
    const result = await runAgentLoop(options(events, { costCeilingUsd: 0.5 }));
    expect(result.status).toBe('stopped');
    expect(result.reason).toMatch(/Cost ceiling/);
    expect(api.messageRequests()).toHaveLength(2);
    expect(result.usage.input).toBe(200_000);
    expect(result.costUsd).toBeCloseTo(0.6 + result.usage.output * 15e-6, 9);
  });

  it('stops at the step limit', async () => {
    api.enqueue(probe(), probe(), probe());
    const result = await runAgentLoop(options([], { stepLimit: 2 }));
    expect(result.status).toBe('stopped');
    expect(result.reason).toMatch(/Step limit/);
    expect(api.messageRequests()).toHaveLength(2);
  });
});

describe('compaction near the context limit', () => {
  it('trims old tool outputs first, then summarises with the utility model, counting its cost', async () => {
    for (let i = 0; i < 6; i++) api.enqueue(probe());
    api.enqueue(streamReply([{ type: 'text', text: 'done' }]));
    const events: TranscriptEvent[] = [];
    let summarised = 0;
    const result = await runAgentLoop(
      options(events, {
        contextLimit: 3000,
        taskText: 'TASK TEXT',
        summarise: async () => {
          summarised++;
          return { summary: 'SUMMARY OF EARLIER TURNS', usage: { input: 1000, output: 100, cacheWrite5m: 0, cacheWrite1h: 0, cacheRead: 0 }, costUsd: 0.01 };
        },
      }),
    );
    expect(result.status).toBe('completed');
    const compactions = events.filter((e) => e.type === 'compaction');
    expect(compactions.length).toBeGreaterThan(0);
    expect(summarised).toBeGreaterThan(0);
    const last = JSON.stringify(api.messageRequests().at(-1)?.body);
    expect(last).toContain('SUMMARY OF EARLIER TURNS');
    expect(last).toContain('TASK TEXT');
    // The originals stay in the transcript for rewind: every tool output was recorded in full.
    expect(events.filter((e) => e.type === 'tool_result' && e.output.length === 4000)).toHaveLength(6);
    expect(result.costUsd).toBeGreaterThan(0.01);
  });
});
