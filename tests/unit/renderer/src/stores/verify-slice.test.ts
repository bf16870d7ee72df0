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
});
