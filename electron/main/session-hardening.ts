import { session, shell, type App } from 'electron';
import { CONTENT_SECURITY_POLICY, decideNavigation } from './security-policy';

/**
 * Locks down the default session the window uses: every permission request and check is denied,
 * the renderer may not reach the network or the file system directly (it talks to the core
 * through IPC only), and any http(s) response that slips through still gets the strict CSP.
 */
export function hardenDefaultSession(): void {
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  ses.setDevicePermissionHandler(() => false);
  ses.webRequest.onBeforeRequest({ urls: ['http://*/*', 'https://*/*', 'ws://*/*', 'wss://*/*', 'file://*'] }, (_details, callback) => callback({ cancel: true }));
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
  });
}

/**
 * Applies to every web contents the app ever creates (the main window, the PDF printer, anything
 * later): no <webview>, no new windows, no navigation away from the app. An https link the user
 * clicked opens in the system browser instead.
 */
export function hardenAllWebContents(app: App): void {
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      if (decideNavigation(url) === 'openExternal') void shell.openExternal(url);
      return { action: 'deny' };
    });
    const guard = (event: Electron.Event, url: string) => {
      const decision = decideNavigation(url);
      if (decision === 'allow') return;
      event.preventDefault();
      if (decision === 'openExternal') void shell.openExternal(url);
    };
    contents.on('will-navigate', (event) => guard(event, event.url));
    contents.on('will-redirect', (event) => guard(event, event.url));
  });
}
