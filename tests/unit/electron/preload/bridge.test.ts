import { describe, expect, it, vi } from 'vitest';
import { createBridge, type BridgeIpc } from '../../../../electron/preload/bridge';
import { desktopIpc } from '../../../../shared/contract';

/** An ipcRenderer stand-in that records invokes and lets the test push events. */
function fakeIpc(reply: (message: unknown) => unknown = (m) => ({ id: (m as { id: number }).id, result: { ok: true } })) {
  const invoked: { channel: string; message: unknown }[] = [];
  const handlers = new Map<string, (event: unknown, ...args: unknown[]) => void>();
  const ipc: BridgeIpc = {
    invoke: async (channel, message) => {
      invoked.push({ channel, message });
      return reply(message);
    },
    on: (channel, listener) => {
      handlers.set(channel, listener);
    },
  };
  const push = (...args: unknown[]) => handlers.get(desktopIpc.event)?.({}, ...args);
  return { ipc, invoked, push };
}

describe('preload bridge', () => {
  it('exposes exactly request and onEvent', () => {
    expect(Object.keys(createBridge(fakeIpc().ipc)).sort()).toEqual(['onEvent', 'request']);
  });

  it('sends contract methods as {id, method, params} on the request channel and unwraps the envelope', async () => {
    const f = fakeIpc();
    const bridge = createBridge(f.ipc);
    await expect(bridge.request('app.info', {})).resolves.toEqual({ result: { ok: true } });
    await bridge.request('recent.list', {});
    expect(f.invoked.map((i) => i.channel)).toEqual([desktopIpc.request, desktopIpc.request]);
    expect(f.invoked[0]?.message).toEqual({ id: 1, method: 'app.info', params: {} });
    expect((f.invoked[1]?.message as { id: number }).id).toBe(2);
  });

  it('refuses methods outside the contract without any IPC', async () => {
    const f = fakeIpc();
    const bridge = createBridge(f.ipc);
    await expect(bridge.request('shell.exec', { cmd: 'rm -rf /' })).resolves.toEqual({ error: { code: 'UNKNOWN_METHOD', message: 'Unknown method "shell.exec".' } });
    await expect(bridge.request('__proto__', {})).resolves.toMatchObject({ error: { code: 'UNKNOWN_METHOD' } });
    expect(f.invoked).toHaveLength(0);
  });

  it('passes error envelopes through and turns a malformed reply into an INTERNAL error', async () => {
    const errorBridge = createBridge(fakeIpc(() => ({ id: 1, error: { code: 'FORBIDDEN', message: 'no' } })).ipc);
    await expect(errorBridge.request('app.info', {})).resolves.toEqual({ error: { code: 'FORBIDDEN', message: 'no' } });
    const brokenBridge = createBridge(fakeIpc(() => 'garbage').ipc);
    await expect(brokenBridge.request('app.info', {})).resolves.toMatchObject({ error: { code: 'INTERNAL' } });
  });

  it('delivers contract events to their subscribers until they unsubscribe', () => {
    const f = fakeIpc();
    const bridge = createBridge(f.ipc);
    const menu = vi.fn();
    const other = vi.fn();
    const off = bridge.onEvent('menu.didInvoke', menu);
    bridge.onEvent('repo.didChange', other);
    f.push('menu.didInvoke', { command: 'openFolder' });
    off();
    f.push('menu.didInvoke', { command: 'palette' });
    expect(menu.mock.calls).toEqual([[{ command: 'openFolder' }]]);
    expect(other).not.toHaveBeenCalled();
  });

  it('keeps delivering when one subscriber throws', () => {
    const f = fakeIpc();
    const bridge = createBridge(f.ipc);
    const spy = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const good = vi.fn();
    bridge.onEvent('host.didRequestOpen', () => {
      throw new Error('boom');
    });
    bridge.onEvent('host.didRequestOpen', good);
    f.push('host.didRequestOpen', { path: '/tmp/x' });
    expect(good).toHaveBeenCalledWith({ path: '/tmp/x' });
    spy.mockRestore();
  });

  it('refuses event names outside the contract', () => {
    const bridge = createBridge(fakeIpc().ipc);
    expect(() => bridge.onEvent('anything.goes', () => undefined)).toThrow(/Unknown event/);
  });
});
