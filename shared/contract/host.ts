import { z } from 'zod';
import type { RpcErrorBody } from '../rpc';

/** Commands the desktop application menu sends to the renderer, which owns what they do. */
export const menuCommand = z.enum(['openFolder', 'openRecent', 'openExample', 'closeProject', 'export', 'palette']);
export type MenuCommand = z.infer<typeof menuCommand>;

export const hostEvents = {
  /** The user chose an item of the native application menu (desktop host only). */
  'menu.didInvoke': z.object({ command: menuCommand }),
  /**
   * The host asks the renderer to open a folder: a folder given to a second launch of the app,
   * or dropped on its icon. The first launch's folder arrives as the `open` query parameter instead.
   */
  'host.didRequestOpen': z.object({ path: z.string().min(1).max(4096) }),
} as const;

/** What `window.plumbline.request` resolves to: the result, or the error envelope (never rejects for RPC errors). */
export type BridgeResponse = { readonly result: unknown } | { readonly error: RpcErrorBody };

/**
 * The desktop bridge the preload exposes as `window.plumbline` (absent in the web host).
 * Names outside the contract are refused: `request` resolves to an UNKNOWN_METHOD error, `onEvent` throws.
 */
export interface PlumblineBridge {
  request(method: string, params: unknown): Promise<BridgeResponse>;
  /** Subscribes to one core event; returns the unsubscribe function. */
  onEvent(name: string, listener: (payload: unknown) => void): () => void;
}

/** IPC channel names shared by the Electron main process and the preload. */
export const desktopIpc = {
  request: 'plumbline:request',
  event: 'plumbline:event',
} as const;
