import { describe, expect, it } from 'vitest';
import type { EventName, EventOf, MergeQueueItem, MethodName, RequestOf, ResponseOf, RunLane, RunSummary, TranscriptEvent } from '../../../../../shared/contract';
import { ApiError, type ApiClient } from '../../../../../renderer/src/api/client';
import { createAppStore } from '../../../../../renderer/src/stores/app-store';
import { useUiPrefs } from '../../../../../renderer/src/stores/ui-prefs';

const at = '2026-01-01T00:00:00.000Z';
const usage = { input: 0, output: 0, cacheWrite5m: 0, cacheWrite1h: 0, cacheRead: 0 };
const project = { root: '/p', name: 'p', git: { isRepo: true, branch: 'main', detached: false, unborn: false, head: null, problem: null } };
const lane = (taskId: string, patch: Partial<RunLane> = {}): RunLane => ({ taskId, runId: `r-${taskId}`, branch: `plumbline/${taskId}-x`, state: 'running', reason: null, costUsd: 0, glance: null, ...patch });
const item = (taskId: string, state: MergeQueueItem['state']): MergeQueueItem => ({ runId: `r-${taskId}`, taskId, branch: `plumbline/${taskId}-x`, depends: [], state, reason: null, merged: null });
const summary = (runId: string): RunSummary => ({ runId, kind: 'task', taskId: 'T-1', title: 'T-1', role: 'builder', model: 'm', status: 'running', review: 'none', startedAt: at, endedAt: null, steps: 0, usage, costUsd: 0, reason: null });
const start = (runId: string): TranscriptEvent => ({ type: 'start', at, runId, kind: 'task', taskId: 'T-1', title: 'T-1', role: 'builder', model: 'm', checkpoint: 'c', resumedFrom: null }) as TranscriptEvent;

type Answer = (params: never) => unknown;

/** A fake client: answers from `answers` by method name, records every request. */
function fakeApi(calls: string[], answers: Partial<Record<MethodName, Answer>>): ApiClient {
  return {
    request: async <M extends MethodName>(method: M, params: RequestOf<M>): Promise<ResponseOf<M>> => {
      calls.push(method);
      const answer = answers[method];
      if (!answer) throw new Error(`unexpected ${method}`);
      return (await answer(params as never)) as ResponseOf<M>;
    },
    onEvent: <E extends EventName>(_e: E, _l: (p: EventOf<E>) => void) => () => {},
  };
}

const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

describe('parallel runs in the store', () => {
  it('keeps the answer of Run selected for the selected tasks and opens the Runs lane', async () => {
    const calls: string[] = [];
    const lanes = [lane('T-1'), lane('T-3', { state: 'queued', runId: null, branch: null, reason: 'queued: 2 runs go at once' }), lane('T-9', { state: 'merged' })];
    const store = createAppStore(fakeApi(calls, { 'agent.runSelected': () => ({ lanes }) }));
    store.setState({ project });
    useUiPrefs.getState().setAgentView('runs');
    expect(await store.getState().runSelected(['T-1', 'T-3'])).toBe(true);
    const s = store.getState();
    expect(s.runSelection).toEqual({ root: '/p', taskIds: ['T-1', 'T-3'], lanes: lanes.slice(0, 2), error: null });
    expect(s.lanes).toEqual(lanes);
    expect(useUiPrefs.getState().agentView).toBe('lanes');
    expect(useUiPrefs.getState().builderTab).toBe('agent');
  });

  it("shows the core's refusal where the button is, not as a passing notice", async () => {
    const refusal = 'parallel runs need git ≥ 2.30 installed; with the embedded engine tasks run one at a time';
    const store = createAppStore(fakeApi([], { 'agent.runSelected': () => Promise.reject(new ApiError('UNAVAILABLE', refusal)) }));
    store.setState({ project });
    expect(await store.getState().runSelected(['T-1'])).toBe(false);
    expect(store.getState().runSelection).toMatchObject({ lanes: null, error: refusal });
    expect(store.getState().notices).toEqual([]);
    expect(store.getState().agentBusy).toBe(false);
  });

  it('follows agent.didLanes of its project and reads the queue again only when a lane enters, moves in or leaves it', async () => {
    const calls: string[] = [];
    const queue = [item('T-1', 'merged')];
    const store = createAppStore(fakeApi(calls, { 'agent.lanes': () => ({ lanes: [], queue }) }));
    store.setState({ project });
    store.getState().onLanes({ root: '/other', lanes: [lane('T-7')] });
    expect(store.getState().lanes).toEqual([]);
    store.getState().onLanes({ root: '/p', lanes: [lane('T-1'), lane('T-3')] });
    store.getState().onLanes({ root: '/p', lanes: [lane('T-1', { costUsd: 0.02 }), lane('T-3', { state: 'verifying' })] });
    await settle();
    expect(store.getState().lanes.map((l) => `${l.taskId} ${l.state}`)).toEqual(['T-1 running', 'T-3 verifying']);
    expect(calls).toEqual([]);
    store.getState().onLanes({ root: '/p', lanes: [lane('T-1', { state: 'merging' }), lane('T-3', { state: 'verifying' })] });
    await settle();
    expect(calls).toEqual(['agent.lanes']);
    expect(store.getState().mergeQueue).toEqual(queue);
  });

  it("takes the queue from a queue action's answer, not from the lanes it announces meanwhile, and says why the core refused", async () => {
    const calls: string[] = [];
    let during: (() => void) | null = null;
    const store = createAppStore(
      fakeApi(calls, {
        'agent.queueAction': ({ action }: { action: string }) => {
          during?.();
          if (action === 'resolve') return Promise.reject(new ApiError('UNAVAILABLE', 'Resolving a stopped merge in the Builder is not available yet.'));
          return { lanes: [lane('T-3', { state: 'rejected' })], queue: [] };
        },
        'agent.lanes': () => ({ lanes: [], queue: [item('T-3', 'stopped')] }),
      }),
    );
    store.setState({ project, lanes: [lane('T-3', { state: 'stopped' })], mergeQueue: [item('T-3', 'stopped')], lanesRoot: '/p' });
    during = () => store.getState().onLanes({ root: '/p', lanes: [lane('T-3', { state: 'rejected' })] });
    expect(await store.getState().queueAction('r-T-3', 'drop')).toBeNull();
    await settle();
    expect(calls).toEqual(['agent.queueAction']);
    expect(store.getState().mergeQueue).toEqual([]);
    expect(store.getState().queueBusy).toBeNull();
    during = null;
    expect(await store.getState().queueAction('r-T-3', 'resolve')).toBe('Resolving a stopped merge in the Builder is not available yet.');
    // One action at a time.
    store.setState({ queueBusy: 'r-T-1' });
    expect(await store.getState().queueAction('r-T-3', 'retry')).toMatch(/^Another merge queue action is still running/);
    expect(calls.filter((c) => c === 'agent.queueAction')).toHaveLength(2);
  });

  it('hands a task back only when the thinker has failing runs to read', async () => {
    const failing = { taskId: 'T-6', offer: false, threshold: 3, runs: [{ runId: 'r1', startedAt: at, summary: 'npm test failed', failures: ['x'] }] };
    let state: unknown = { ...failing, runs: [] };
    const store = createAppStore(fakeApi([], { 'agent.handback': () => state }));
    store.setState({ project });
    expect(await store.getState().handBackTask('T-6')).toMatch(/^No run of T-6 failed its checks where the thinker can read them/);
    expect(store.getState().handback).toBeNull();
    state = failing;
    expect(await store.getState().handBackTask('T-6')).toBeNull();
    expect(store.getState().handback).toEqual({ root: '/p', state: failing, replan: null });
  });

  it('rejecting a parallel run offers no undo and reads no diff: its worktree and branch are gone', async () => {
    const calls: string[] = [];
    const store = createAppStore(
      fakeApi(calls, {
        'agent.transcript': () => ({ summary: { ...summary('r-T-1'), status: 'completed', endedAt: at }, events: [start('r-T-1')] }),
        'agent.diff': () => ({ files: [] }),
        'agent.reject': () => ({ restored: [], deleted: [], undoRef: '' }),
      }),
    );
    store.setState({ project, lanes: [lane('T-1', { state: 'finished' })], lanesRoot: '/p' });
    await store.getState().showRun('r-T-1');
    calls.length = 0;
    await store.getState().rejectRun();
    expect(calls).toEqual(['agent.reject']);
    expect(store.getState().canUndoReject).toBe(false);
    expect(store.getState().notices.at(-1)).toMatchObject({ kind: 'info', message: 'Rejected T-1: its worktree and the branch plumbline/T-1-x were deleted. Your work tree was not touched.', action: undefined });
  });

  it('in the Runs lane, a parallel run starting does not replace the run the user opened', async () => {
    const store = createAppStore(fakeApi([], { 'agent.transcript': () => ({ summary: summary('r-T-1'), events: [start('r-T-1')] }), 'agent.diff': () => ({ files: [] }) }));
    store.setState({ project, lanes: [lane('T-1'), lane('T-3')], lanesRoot: '/p' });
    await store.getState().showRun('r-T-1');
    useUiPrefs.getState().setAgentView('lanes');
    store.getState().onAgentAppend({ runId: 'r-T-3', root: '/p', event: start('r-T-3') });
    expect(store.getState().shownRun?.runId).toBe('r-T-1');
    // In the list of runs a run started elsewhere still shows at once.
    useUiPrefs.getState().setAgentView('runs');
    store.getState().onAgentAppend({ runId: 'r-T-3', root: '/p', event: start('r-T-3') });
    expect(store.getState().shownRun?.runId).toBe('r-T-3');
  });
});
