import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import { desktopIpc, type EventName, type EventOf } from '../../shared/contract';
import { dispatch, type RpcResponse } from '../../shared/rpc';
import type { Core } from '../core/create-core';
import { isAppUrl, isTrustedSender } from './security-policy';

/** Facts about the sender of one IPC message, checked before anything is dispatched. */
function senderIsTrusted(event: IpcMainInvokeEvent, win: BrowserWindow | null): boolean {
  const frame = event.senderFrame;
  const ours = win !== null && !win.isDestroyed() && event.sender === win.webContents;
  return isTrustedSender({
    present: frame !== null,
    isOurMainFrame: ours && frame !== null && frame.parent === null,
    url: frame?.url ?? '',
  });
}

/** The request id of a message, when it has a usable one (for the error envelope). */
function idOf(message: unknown): number | string {
  const id = typeof message === 'object' && message !== null ? (message as { id?: unknown }).id : undefined;
  return typeof id === 'number' || typeof id === 'string' ? id : 0;
}

/** Sends one core event to the window, only while it shows our own app origin. */
export function sendEvent<E extends EventName>(win: BrowserWindow | null, event: E, payload: EventOf<E>): void {
  if (!win || win.isDestroyed()) return;
  const contents = win.webContents;
  if (contents.isDestroyed() || !isAppUrl(contents.getURL())) return;
  contents.send(desktopIpc.event, event, payload);
}

/**
 * Puts the core on IPC: one `invoke` channel whose every message is checked for its sender (the
 * main frame of our window, on the app origin) and then validated by the contract's dispatch; and
 * every core event forwarded to the window. Returns the function that detaches both.
 */
export function attachIpcTransport(options: {
  readonly core: Core;
  readonly getWindow: () => BrowserWindow | null;
  readonly validateResponses: boolean;
  readonly onInternalError: (method: string, error: unknown) => void;
}): () => void {
  ipcMain.handle(desktopIpc.request, async (event, message: unknown): Promise<RpcResponse> => {
    if (!senderIsTrusted(event, options.getWindow())) {
      return { id: idOf(message), error: { code: 'FORBIDDEN', message: 'This request did not come from the Plumbline window and was refused.' } };
    }
    return dispatch(options.core.handlers, message, { connectionId: `desktop:${event.sender.id}` }, {
      validateResponses: options.validateResponses,
      onInternalError: options.onInternalError,
    });
  });
  const unsubscribe = options.core.bus.subscribe((e) => sendEvent(options.getWindow(), e.event, e.payload));
  return () => {
    unsubscribe();
    ipcMain.removeHandler(desktopIpc.request);
  };
}
