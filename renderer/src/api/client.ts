import type { EventName, EventOf, MethodName, PlumblineBridge, RequestOf, ResponseOf } from '../../../shared/contract';
import type { RpcErrorCode } from '../../../shared/rpc';

/** A failed request, as the core described it (the message says what to do). */
export class ApiError extends Error {
  constructor(
    readonly code: RpcErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** The renderer's only way to reach the core, whichever host it runs in. */
export interface ApiClient {
  request<M extends MethodName>(method: M, params: RequestOf<M>): Promise<ResponseOf<M>>;
  onEvent<E extends EventName>(event: E, listener: (payload: EventOf<E>) => void): () => void;
}

declare global {
  interface Window {
    plumbline?: PlumblineBridge;
  }
}

type Listener = (payload: unknown) => void;

/** Client over the desktop preload bridge (IPC). */
export function createDesktopClient(bridge: PlumblineBridge): ApiClient {
  return {
    async request(method, params) {
      const response = await bridge.request(method, params);
      if ('error' in response) throw new ApiError(response.error.code, response.error.message);
      return response.result as never;
    },
    onEvent(event, listener) {
      return bridge.onEvent(event, listener as Listener);
    },
  };
}

/** Client over the web host's WebSocket; reconnects and fails pending calls clearly when the host goes away. */
export function createWebSocketClient(url: string): ApiClient {
  let socket: WebSocket | null = null;
  let opening: Promise<WebSocket> | null = null;
  let nextId = 1;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  const listeners = new Map<string, Set<Listener>>();

  const connect = (): Promise<WebSocket> => {
    if (socket && socket.readyState === WebSocket.OPEN) return Promise.resolve(socket);
    if (opening) return opening;
    opening = new Promise<WebSocket>((resolve, reject) => {
      const ws = new WebSocket(url);
      ws.onopen = () => {
        socket = ws;
        opening = null;
        resolve(ws);
      };
      ws.onerror = () => {
        opening = null;
        reject(new ApiError('UNAVAILABLE', 'Cannot reach the Plumbline web host. Is `plumbline serve` still running?'));
      };
      ws.onclose = () => {
        socket = null;
        for (const [, p] of pending) p.reject(new ApiError('UNAVAILABLE', 'The connection to the Plumbline web host was lost. Reload the page once it runs again.'));
        pending.clear();
      };
      ws.onmessage = (message) => {
        const data = JSON.parse(String(message.data)) as { id?: number; result?: unknown; error?: { code: RpcErrorCode; message: string }; event?: string; payload?: unknown };
        if (data.event) {
          for (const l of listeners.get(data.event) ?? []) l(data.payload);
          return;
        }
        const p = data.id !== undefined ? pending.get(data.id) : undefined;
        if (!p || data.id === undefined) return;
        pending.delete(data.id);
        if (data.error) p.reject(new ApiError(data.error.code, data.error.message));
        else p.resolve(data.result);
      };
    });
    return opening;
  };

  return {
    async request(method, params) {
      const ws = await connect();
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        ws.send(JSON.stringify({ id, method, params }));
      });
    },
    onEvent(event, listener) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener as Listener);
      void connect().catch(() => undefined);
      return () => set.delete(listener as Listener);
    },
  };
}

/** Picks the transport: the preload bridge in the desktop app, the WebSocket in a browser. */
export function createApiClient(): ApiClient {
  if (window.plumbline) return createDesktopClient(window.plumbline);
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  return createWebSocketClient(`${scheme}://${location.host}/api/ws`);
}
