import { desktopIpc, isEventName, isMethodName, type BridgeResponse, type PlumblineBridge } from '../../shared/contract';

/** The two pieces of ipcRenderer the bridge uses; injected so the bridge is unit-tested without Electron. */
export interface BridgeIpc {
  invoke(channel: string, message: unknown): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): void;
}

/** True for a response envelope the main process produced. */
function isBridgeResponse(value: unknown): value is BridgeResponse {
  return typeof value === 'object' && value !== null && ('result' in value || 'error' in value);
}

/**
 * Builds the object exposed as `window.plumbline`: `request` for contract methods and `onEvent`
 * for contract events, nothing else. Unknown names are refused here, before any IPC happens;
 * the main process validates the payload again through the contract.
 */
export function createBridge(ipc: BridgeIpc): PlumblineBridge {
  let nextId = 1;
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  ipc.on(desktopIpc.event, (_event, name, payload) => {
    if (typeof name !== 'string') return;
    for (const listener of [...(listeners.get(name) ?? [])]) {
      try {
        listener(payload);
      } catch (error) {
        // One failing subscriber must not starve the others.
        console.error(error);
      }
    }
  });
  return {
    async request(method, params) {
      if (!isMethodName(method)) {
        return { error: { code: 'UNKNOWN_METHOD', message: `Unknown method "${String(method)}".` } };
      }
      const response: unknown = await ipc.invoke(desktopIpc.request, { id: nextId++, method, params: params ?? {} });
      if (!isBridgeResponse(response)) {
        return { error: { code: 'INTERNAL', message: 'The desktop host sent an unreadable response.' } };
      }
      return 'error' in response ? { error: response.error } : { result: response.result };
    },
    onEvent(name, listener) {
      if (!isEventName(name)) throw new Error(`Unknown event "${String(name)}".`);
      if (typeof listener !== 'function') throw new Error('onEvent needs a listener function.');
      let set = listeners.get(name);
      if (!set) {
        set = new Set();
        listeners.set(name, set);
      }
      set.add(listener);
      return () => {
        set.delete(listener);
      };
    },
  };
}
