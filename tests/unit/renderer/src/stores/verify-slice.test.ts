import { describe, expect, it } from 'vitest';
import type { EventName, EventOf, MethodName, ProjectInfo, RequestOf, ResponseOf, Review } from '../../../../../shared/contract';
import type { ApiClient } from '../../../../../renderer/src/api/client';
import { createAppStore } from '../../../../../renderer/src/stores/app-store';

const review = (status: Review['status'], findings: Review['findings']): Review => ({ id: 'rv-1', taskId: 'T-6', model: 'm', time: '2026-11-30T00:00:00.000Z', status, findings, accepted: {} });
const finding = { severity: 'high' as const, requirementId: null, title: 'No fallback', evidence: 'probe 42', suggestedFix: 'add one' };

describe('verify slice', () => {
  it('keeps a review an event finished while an older overview was on its way', async () => {
    let answer: (v: unknown) => void = () => {};
    const api: ApiClient = {
      request: <M extends MethodName>(method: M, _params: RequestOf<M>): Promise<ResponseOf<M>> => {
        if (method !== 'verify.overview') throw new Error(`unexpected ${method}`);
        return new Promise((resolve) => (answer = resolve as (v: unknown) => void));
      },
      onEvent: <E extends EventName>(_e: E, _l: (p: EventOf<E>) => void) => () => {},
    };
    const store = createAppStore(api);
    store.setState({ project: { root: '/p' } as ProjectInfo });
    // A refresh goes out while the review is still running …
    const refreshing = store.getState().refreshCalibrator();
    // … the review finishes with its finding (event) …
    store.getState().onReview({ root: '/p', review: review('done', [finding]) });
    // … and the answer, read before the review finished, arrives last.
    answer({ records: [], supersededIds: [], runs: [], groups: [], tasks: [], reviews: [review('running', [])] });
    await refreshing;
    expect(store.getState().reviews.map((r) => [r.status, r.findings.length])).toEqual([['done', 1]]);
  });

  it('coalesces a burst of refreshes: one request in flight, one more after it, every caller answered with fresh data', async () => {
    const answers: ((v: unknown) => void)[] = [];
    const api: ApiClient = {
      request: <M extends MethodName>(method: M, _params: RequestOf<M>): Promise<ResponseOf<M>> => {
        if (method !== 'verify.overview') throw new Error(`unexpected ${method}`);
        return new Promise((resolve) => answers.push(resolve as (v: unknown) => void));
      },
      onEvent: <E extends EventName>(_e: E, _l: (p: EventOf<E>) => void) => () => {},
    };
    const store = createAppStore(api);
    store.setState({ project: { root: '/p' } as ProjectInfo });
    const overview = (tasks: number) => ({ records: [], supersededIds: [], runs: [], groups: [], tasks: Array.from({ length: tasks }, (_, i) => ({ taskId: `T-${i}`, state: 'unverified' })), reviews: [] });
    const first = store.getState().refreshCalibrator();
    // Five more arrive while the first is on its way: they share one request, sent once the first is answered.
    const later = Array.from({ length: 5 }, () => store.getState().refreshCalibrator());
    expect(answers).toHaveLength(1);
    answers[0](overview(1));
    await first;
    await Promise.resolve();
    expect(answers).toHaveLength(2);
    answers[1](overview(2));
    await Promise.all(later);
    expect(answers).toHaveLength(2);
    expect(store.getState().taskStates).toHaveLength(2);
    // Idle again: the next refresh is a request of its own.
    const next = store.getState().refreshCalibrator();
    expect(answers).toHaveLength(3);
    answers[2](overview(2));
    await next;
  });

  it('keeps the lists whose content did not change, so the views showing them do not render again', async () => {
    const same = { records: [], supersededIds: ['E-1'], runs: [], groups: [], tasks: [{ taskId: 'T-1', state: 'verified' }], reviews: [] };
    let tasksNow = same.tasks;
    const api: ApiClient = {
      request: <M extends MethodName>(method: M, _params: RequestOf<M>): Promise<ResponseOf<M>> => {
        if (method !== 'verify.overview') throw new Error(`unexpected ${method}`);
        // A fresh copy each time, as it arrives from the host.
        return Promise.resolve(JSON.parse(JSON.stringify({ ...same, tasks: tasksNow })) as ResponseOf<M>);
      },
      onEvent: <E extends EventName>(_e: E, _l: (p: EventOf<E>) => void) => () => {},
    };
    const store = createAppStore(api);
    store.setState({ project: { root: '/p' } as ProjectInfo });
    await store.getState().refreshCalibrator();
    const before = store.getState();
    await store.getState().refreshCalibrator();
    expect(store.getState().taskStates).toBe(before.taskStates);
    expect(store.getState().supersededIds).toBe(before.supersededIds);
    tasksNow = [{ taskId: 'T-1', state: 'refuted' }];
    await store.getState().refreshCalibrator();
    expect(store.getState().taskStates).not.toBe(before.taskStates);
    expect(store.getState().taskStates[0]?.state).toBe('refuted');
    expect(store.getState().supersededIds).toBe(before.supersededIds);
  });

  it('keeps the evidence when every signed record is the one it had, and takes it when a verdict or a record changed', async () => {
    const rec = (id: string, mac: string | undefined, untrusted?: string) => ({ id, time: '2026-11-30T00:00:00.000Z', commit: null, dirty: false, subject: { kind: 'project' }, what: id, how: 'h', kind: 'command', result: 'passed', excerpt: 'x', hasOutput: false, ...(mac ? { mac } : {}), ...(untrusted ? { untrusted } : {}) });
    let records = [rec('E-1', 'm1'), rec('E-2', undefined)];
    const api: ApiClient = {
      request: <M extends MethodName>(method: M, _params: RequestOf<M>): Promise<ResponseOf<M>> => {
        if (method !== 'verify.overview') throw new Error(`unexpected ${method}`);
        return Promise.resolve(JSON.parse(JSON.stringify({ records, supersededIds: [], runs: [], groups: [], tasks: [], reviews: [] })) as ResponseOf<M>);
      },
      onEvent: <E extends EventName>(_e: E, _l: (p: EventOf<E>) => void) => () => {},
    };
    const store = createAppStore(api);
    store.setState({ project: { root: '/p' } as ProjectInfo });
    await store.getState().refreshCalibrator();
    const first = store.getState().evidence;
    await store.getState().refreshCalibrator();
    expect(store.getState().evidence).toBe(first);
    // A record found untrusted on this read (one before it was removed) is news, though its signature is the same.
    records = [rec('E-1', 'm1', 'a record before it was removed'), rec('E-2', undefined)];
    await store.getState().refreshCalibrator();
    expect(store.getState().evidence).not.toBe(first);
    expect(store.getState().evidence[0]?.untrusted).toBe('a record before it was removed');
    // An unsigned record is compared whole.
    const second = store.getState().evidence;
    records = [rec('E-1', 'm1', 'a record before it was removed'), { ...rec('E-2', undefined), excerpt: 'changed' }];
    await store.getState().refreshCalibrator();
    expect(store.getState().evidence).not.toBe(second);
    expect(store.getState().evidence[1]?.excerpt).toBe('changed');
  });
});
