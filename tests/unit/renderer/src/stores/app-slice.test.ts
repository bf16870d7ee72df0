import { describe, expect, it } from 'vitest';
import type { EventName, EventOf, MethodName, ProjectInfo, RequestOf, ResponseOf } from '../../../../../shared/contract';
import type { ApiClient } from '../../../../../renderer/src/api/client';
import { createAppStore } from '../../../../../renderer/src/stores/app-store';

const api: ApiClient = {
  request: <M extends MethodName>(method: M, _params: RequestOf<M>): Promise<ResponseOf<M>> => Promise.reject(new Error(`unexpected ${method}`)),
  onEvent: <E extends EventName>(_e: E, _l: (p: EventOf<E>) => void) => () => {},
};
const info = (branch: string): ProjectInfo => ({ root: '/p', name: 'p', git: { isRepo: true, branch, detached: false, unborn: false, head: 'abc1234', problem: null } });

describe('app slice', () => {
  it('takes a changed project announcement and ignores one that changes nothing (no render for it)', () => {
    const store = createAppStore(api);
    store.setState({ project: info('main') });
    const notified: ProjectInfo[] = [];
    const off = store.subscribe((s, prev) => s.project !== prev.project && s.project && notified.push(s.project));
    store.getState().setProject(info('main'));
    expect(notified).toEqual([]);
    store.getState().setProject(info('feature'));
    expect(notified.map((p) => p.git.branch)).toEqual(['feature']);
    // Another project's announcement never replaces the open one.
    store.getState().setProject({ ...info('x'), root: '/other' });
    expect(store.getState().project?.root).toBe('/p');
    off();
  });
});
