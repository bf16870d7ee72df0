import { describe, expect, it, vi } from 'vitest';
import { dispatch, RpcError, type Handlers } from '../../../shared/rpc';

const ctx = { connectionId: 'test' };

function handlersWith(overrides: Partial<Record<string, (req: unknown) => unknown>>): Handlers {
  return new Proxy({} as Handlers, {
    get: (_t, name: string) => overrides[name] ?? (() => { throw new Error(`unexpected call to ${name}`); }),
  });
}

describe('dispatch', () => {
  it('refuses an unknown method without calling any handler', async () => {
    const spy = vi.fn();
    const res = await dispatch(handlersWith({ 'shell.exec': spy }), { id: 1, method: 'shell.exec', params: {} }, ctx);
    expect(res).toEqual({ id: 1, error: { code: 'UNKNOWN_METHOD', message: 'Unknown method "shell.exec".' } });
    expect(spy).not.toHaveBeenCalled();
  });

  it('refuses an invalid payload before the handler runs', async () => {
    const spy = vi.fn();
    const res = await dispatch(handlersWith({ 'files.list': spy }), { id: 2, method: 'files.list', params: { root: 7 } }, ctx);
    expect('error' in res && res.error.code).toBe('INVALID_REQUEST');
    expect(spy).not.toHaveBeenCalled();
  });

  it('refuses a message that is not an envelope', async () => {
    const res = await dispatch(handlersWith({}), 'hello', ctx);
    expect('error' in res && res.error.code).toBe('INVALID_REQUEST');
  });

  it('passes the parsed request (defaults applied) and returns the result', async () => {
    const spy = vi.fn(async (req: unknown) => ({ entries: [], seen: req }));
    const res = await dispatch(handlersWith({ 'files.list': spy }), { id: 3, method: 'files.list', params: { root: '/p' } }, ctx);
    expect(spy).toHaveBeenCalledWith({ root: '/p', dir: '', showIgnored: false }, ctx);
    expect('result' in res).toBe(true);
  });

  it('turns RpcError into its envelope and other errors into INTERNAL', async () => {
    const typed = await dispatch(handlersWith({ 'project.info': () => { throw new RpcError('FORBIDDEN', 'no'); } }), { id: 4, method: 'project.info', params: { root: '/x' } }, ctx);
    expect(typed).toEqual({ id: 4, error: { code: 'FORBIDDEN', message: 'no', details: undefined } });
    const onInternalError = vi.fn();
    const internal = await dispatch(handlersWith({ 'project.info': () => { throw new Error('boom'); } }), { id: 5, method: 'project.info', params: { root: '/x' } }, ctx, { onInternalError });
    expect('error' in internal && internal.error.code).toBe('INTERNAL');
    expect(onInternalError).toHaveBeenCalled();
  });

  it('validates responses when asked', async () => {
    const res = await dispatch(handlersWith({ 'recent.list': () => ({ projects: 'nope' }) }), { id: 6, method: 'recent.list', params: {} }, ctx, { validateResponses: true });
    expect('error' in res && res.error.code).toBe('INVALID_RESPONSE');
  });
});
