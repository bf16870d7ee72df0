import { afterEach, describe, expect, it, vi } from 'vitest';
import type { EventName, EventOf, MethodName, RequestOf, ResponseOf, RunSummary, TranscriptEvent } from '../../../../../shared/contract';
import type { ApiClient } from '../../../../../renderer/src/api/client';
import { createAppStore } from '../../../../../renderer/src/stores/app-store';

const at = '2026-01-01T00:00:00.000Z';
const usage = { input: 0, output: 0, cacheWrite5m: 0, cacheWrite1h: 0, cacheRead: 0 };
const summary: RunSummary = { runId: 'r1', kind: 'task', taskId: 'T-1', title: 'T-1 Greet', role: 'builder', model: 'm', status: 'running', review: 'none', startedAt: at, endedAt: null, steps: 0, usage, costUsd: 0, reason: null };

/** A fake client answering only what the slice asks for in this test. */
function fakeApi(calls: string[]): ApiClient {
  return {
    request: async <M extends MethodName>(method: M, params: RequestOf<M>): Promise<ResponseOf<M>> => {
      calls.push(`${method} ${JSON.stringify(params)}`);
      if (method === 'agent.transcript') return { summary, events: [{ type: 'start', at, runId: 'r1', kind: 'task', taskId: 'T-1', title: 'T-1 Greet', role: 'builder', model: 'm', checkpoint: 'c', resumedFrom: null }] } as unknown as ResponseOf<M>;
      if (method === 'agent.approve') return { ok: true } as ResponseOf<M>;
      throw new Error(`unexpected ${method}`);
    },
    onEvent: <E extends EventName>(_e: E, _l: (p: EventOf<E>) => void) => () => {},
  };
}

describe('agent slice', () => {
  it('shows streamed text, replaces it with the finished turn, and answers approvals', async () => {
    const calls: string[] = [];
    const store = createAppStore(fakeApi(calls));
    store.setState({ project: { root: '/p', name: 'p', git: { isRepo: true, branch: 'main', detached: false, unborn: false, head: null, problem: null } } });
    await store.getState().showRun('r1');
    const s = store.getState();
    s.onAgentStream({ runId: 'r1', deltas: [{ block: 0, kind: 'text', text: 'Hel' }] });
    s.onAgentStream({ runId: 'r1', deltas: [{ block: 0, kind: 'text', text: 'lo' }] });
    expect(store.getState().shownRun?.live).toEqual([{ block: 0, kind: 'text', text: 'Hello', toolName: undefined }]);
    const turn: TranscriptEvent = { type: 'assistant', at, turn: 1, content: [{ type: 'text', text: 'Hello' }], stopReason: 'end_turn', usage, costUsd: 0 };
    s.onAgentAppend({ runId: 'r1', root: '/p', event: turn });
    // Appends land on the next frame; streamed text of the next turn first applies what is queued.
    expect(store.getState().shownRun?.events).toHaveLength(1);
    s.flushAgentAppends();
    expect(store.getState().shownRun?.live).toEqual([]);
    expect(store.getState().shownRun?.events.at(-1)).toEqual(turn);
    // Another run's stream does not leak into the shown one.
    s.onAgentStream({ runId: 'other', deltas: [{ block: 0, kind: 'text', text: 'x' }] });
    expect(store.getState().shownRun?.live).toEqual([]);
    await store.getState().answerApproval('ap-1', true);
    expect(calls.at(-1)).toBe('agent.approve {"runId":"r1","approvalId":"ap-1","approved":true}');
    s.onAgentUpdate({ root: '/p', summary: { ...summary, status: 'waiting' }, retryAt: null });
    expect(store.getState().shownRun?.summary?.status).toBe('waiting');
    expect(store.getState().agentRuns.map((r) => r.status)).toEqual(['waiting']);
  });

  describe('coalesced appends', () => {
    afterEach(() => vi.unstubAllGlobals());

    /** Stubs requestAnimationFrame; returns a function running the pending frames. */
    function manualFrames(): () => number {
      let pending: Array<() => void> = [];
      vi.stubGlobal('requestAnimationFrame', (cb: () => void) => pending.push(cb));
      vi.stubGlobal('cancelAnimationFrame', (id: number) => {
        pending[id - 1] = () => {};
      });
      return () => {
        const run = pending;
        pending = [];
        run.forEach((f) => f());
        return run.length;
      };
    }

    const tool = (i: number): TranscriptEvent => ({ type: 'tool_result', at, toolUseId: `tu-${i}`, name: 'read_file', isError: false, output: `result ${i}` });

    it('lands 1,000 appends of one frame in one store update, in order', async () => {
      const runFrames = manualFrames();
      const store = createAppStore(fakeApi([]));
      store.setState({ project: { root: '/p', name: 'p', git: { isRepo: true, branch: 'main', detached: false, unborn: false, head: null, problem: null } } });
      await store.getState().showRun('r1');
      let updates = 0;
      store.subscribe(() => updates++);
      const sent = Array.from({ length: 1000 }, (_, i) => tool(i));
      for (const event of sent) store.getState().onAgentAppend({ runId: 'r1', root: '/p', event });
      expect(updates).toBe(0);
      expect(runFrames()).toBe(1);
      expect(updates).toBe(1);
      const events = store.getState().shownRun!.events;
      expect(events).toHaveLength(1001);
      expect(events.slice(1)).toEqual(sent);
    });

    it('applies a start and an end at once, with what was queued before them, and loads the diff after a task run ends', async () => {
      const runFrames = manualFrames();
      const calls: string[] = [];
      const api = fakeApi(calls);
      const store = createAppStore({
        ...api,
        request: ((m: MethodName, p: never) => {
          if (m !== 'agent.diff') return api.request(m, p);
          calls.push(`${m} ${JSON.stringify(p)}`);
          return Promise.resolve({ files: [] });
        }) as ApiClient['request'],
      });
      store.setState({ project: { root: '/p', name: 'p', git: { isRepo: true, branch: 'main', detached: false, unborn: false, head: null, problem: null } } });
      // A run started elsewhere shows at once.
      const start: TranscriptEvent = { type: 'start', at, runId: 'r2', kind: 'task', taskId: 'T-2', title: 'T-2', role: 'builder', model: 'm', checkpoint: 'c', resumedFrom: null } as TranscriptEvent;
      store.getState().onAgentAppend({ runId: 'r2', root: '/p', event: start });
      expect(store.getState().shownRun?.runId).toBe('r2');
      store.getState().onAgentAppend({ runId: 'r2', root: '/p', event: tool(1) });
      const end = { type: 'end', at, status: 'done', reason: 'finished', usage, costUsd: 0 } as unknown as TranscriptEvent;
      store.getState().onAgentAppend({ runId: 'r2', root: '/p', event: end });
      expect(store.getState().shownRun?.events).toEqual([start, tool(1), end]);
      expect(calls.some((c) => c.startsWith('agent.diff'))).toBe(true);
      // Nothing is left for the frame.
      runFrames();
      expect(store.getState().shownRun?.events).toHaveLength(3);
    });
  });
});
