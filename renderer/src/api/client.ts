import type { EventName, EventOf, MethodName, PlumblineBridge, RequestOf, ResponseOf } from '../../../shared/contract';
import type { RpcErrorCode } from '../../../shared/rpc';

/** A failed request, as the core described it (the message says what to do). */
/** What a request fails with when the web host cannot be reached (the host notice explains it once). */
export const HOST_UNREACHABLE = 'Cannot reach the Plumbline web host. Is `plumbline serve` still running?';
/** What pending requests fail with when the connection to the web host drops. */
export const HOST_CONNECTION_LOST = 'The connection to the Plumbline web host was lost. Reload the page once it runs again.';

/** True for the failures of a lost or unreachable web host, which the host notice reports in their place. */
export function isHostConnectionError(message: string): boolean {
  return message === HOST_UNREACHABLE || message === HOST_CONNECTION_LOST;
}

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
  /** The web host's client only: reports when the host restarted or stopped, and when it is back. */
  onConnection?(listener: (state: HostConnection) => void): () => void;
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

/**
 * The state of the connection to the web host: `restarted` means the host answers but refuses
 * this tab's token (it was started again with a new one), `stopped` means it does not answer.
 */
export type HostConnection = 'connected' | 'reconnecting' | 'restarted' | 'stopped';

/** How often a tab that lost its host tries again. */
const RETRY_MS = 3000;

/**
 * Client over the web host's WebSocket. When the socket closes it reconnects on its own, opens
 * again the projects this tab had open (the host releases a tab's projects when its connection
 * goes away), and reports through `onConnection` whether the host restarted or stopped.
 */
export function createWebSocketClient(url: string, options: { readonly probeUrl?: string } = {}): ApiClient & {
  onConnection(listener: (state: HostConnection) => void): () => void;
} {
  let socket: WebSocket | null = null;
  let opening: Promise<WebSocket> | null = null;
  let everOpened = false;
  let state: HostConnection = 'connected';
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let nextId = 1;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  const listeners = new Map<string, Set<Listener>>();
  const stateListeners = new Set<(state: HostConnection) => void>();
  /** Roots this tab has open, with how many opens are not yet closed. */
  const held = new Map<string, number>();

  const setState = (next: HostConnection) => {
    if (next === state) return;
    state = next;
    for (const l of stateListeners) l(next);
  };

  const send = (ws: WebSocket, method: string, params: unknown) =>
    new Promise<unknown>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      ws.send(JSON.stringify({ id, method, params }));
    });

  /** Tells a restarted host (401) from a stopped one (no answer). */
  const probe = async (): Promise<HostConnection> => {
    if (!options.probeUrl) return 'stopped';
    try {
      const res = await fetch(options.probeUrl, { credentials: 'same-origin', cache: 'no-store' });
      return res.status === 401 ? 'restarted' : 'reconnecting';
    } catch {
      return 'stopped';
    }
  };

  const scheduleRetry = () => {
    if (retryTimer || listeners.size === 0) return;
    retryTimer = setTimeout(() => {
      retryTimer = null;
      void connect().catch(() => undefined);
    }, RETRY_MS);
  };

  const connect = (): Promise<WebSocket> => {
    if (socket && socket.readyState === WebSocket.OPEN) return Promise.resolve(socket);
    if (opening) return opening;
    const attempt = new Promise<WebSocket>((resolve, reject) => {
      const ws = new WebSocket(url);
      const reconnecting = everOpened;
      let opened = false;
      ws.onopen = () => {
        opened = true;
        everOpened = true;
        socket = ws;
        if (!reconnecting) {
          resolve(ws);
          return;
        }
        // The host forgot this tab's projects with its old connection: open them again before
        // anything else is sent, so the tab carries on where it was.
        const reopen = [...held].flatMap(([root, n]) => Array.from({ length: n }, () => send(ws, 'project.open', { path: root }).catch(() => undefined)));
        void Promise.all(reopen).then(() => resolve(ws));
      };
      ws.onerror = () => {
        if (opened) return;
        reject(new ApiError('UNAVAILABLE', HOST_UNREACHABLE));
      };
      ws.onclose = () => {
        if (socket === ws) socket = null;
        for (const [, p] of pending) p.reject(new ApiError('UNAVAILABLE', HOST_CONNECTION_LOST));
        pending.clear();
        if (!opened) return;
        setState('reconnecting');
        scheduleRetry();
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
    opening = attempt.then(
      (ws) => {
        opening = null;
        setState('connected');
        return ws;
      },
      async (error: unknown) => {
        opening = null;
        if (everOpened) {
          setState(await probe());
          scheduleRetry();
        }
        throw error;
      },
    );
    return opening;
  };

  const track = (method: string, params: unknown, result: unknown) => {
    if (method === 'project.open' || method === 'project.openExample') {
      const root = (result as { root: string }).root;
      held.set(root, (held.get(root) ?? 0) + 1);
    } else if (method === 'project.close') {
      const root = (params as { root: string }).root;
      const n = held.get(root) ?? 0;
      if (n > 1) held.set(root, n - 1);
      else held.delete(root);
    }
  };

  return {
    async request(method, params) {
      const ws = await connect();
      const result = await send(ws, method, params);
      track(method, params, result);
      return result as never;
    },
    onEvent(event, listener) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener as Listener);
      void connect().catch(() => undefined);
      return () => set.delete(listener as Listener);
    },
    onConnection(listener) {
      stateListeners.add(listener);
      return () => stateListeners.delete(listener);
    },
  };
}

/** Picks the transport: the preload bridge in the desktop app, the WebSocket in a browser. */
export function createApiClient(): ApiClient {
  if (window.plumbline) return createDesktopClient(window.plumbline);
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  return createWebSocketClient(`${scheme}://${location.host}/api/ws`, { probeUrl: '/api/ping' });
}
