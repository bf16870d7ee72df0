import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildElectron } from '../../../../scripts/build-electron.mjs';
import { desktopIpc } from '../../../../shared/contract';
import type { RpcResponse } from '../../../../shared/rpc';

// The Electron binary cannot run everywhere the tests do, so this loads the real bundled
// dist main.cjs against a recording stand-in for the `electron` module and drives it the way
// Electron would: ready, IPC messages from good and bad senders, menu clicks, a second launch, quit.

type Listener = (...args: unknown[]) => unknown;

/** A minimal emitter with Electron's on/once. */
class Emitter {
  readonly listeners = new Map<string, Listener[]>();
  on(name: string, fn: Listener) {
    this.listeners.set(name, [...(this.listeners.get(name) ?? []), fn]);
    return this;
  }
  once(name: string, fn: Listener) {
    return this.on(name, fn);
  }
  emit(name: string, ...args: unknown[]): unknown[] {
    return (this.listeners.get(name) ?? []).map((fn) => fn(...args));
  }
}

/** The recording stand-in for `require('electron')`. */
function makeFakeElectron(userData: string, appPath: string) {
  const sent: unknown[][] = [];
  const windows: FakeWindow[] = [];
  const ipcHandlers = new Map<string, Listener>();
  const protocolHandlers = new Map<string, (req: Request) => Promise<Response>>();
  const calls = { privileged: [] as unknown[], quit: 0, exit: [] as number[], menus: [] as unknown[], opened: [] as string[], permissionRequest: null as Listener | null, permissionCheck: null as Listener | null, sandboxed: false };
  let readyResolve: () => void = () => undefined;
  const ready = new Promise<void>((r) => (readyResolve = r));
  const app = Object.assign(new Emitter(), {
    isPackaged: false,
    paths: new Map<string, string>([['userData', userData], ['home', tmpdir()]]),
    getPath(name: string) {
      return this.paths.get(name) ?? tmpdir();
    },
    setPath(name: string, value: string) {
      this.paths.set(name, value);
    },
    getAppPath: () => appPath,
    getVersion: () => '0.0.0-test',
    enableSandbox: () => {
      calls.sandboxed = true;
    },
    requestSingleInstanceLock: () => true,
    whenReady: () => ready,
    isReady: () => true,
    quit: () => {
      calls.quit++;
    },
    exit: (code: number) => calls.exit.push(code),
    setAboutPanelOptions: () => undefined,
    showAboutPanel: () => undefined,
  });
  class FakeWebContents extends Emitter {
    readonly id = 7;
    url = '';
    readonly mainFrame = { parent: null };
    send(...args: unknown[]) {
      sent.push(args);
    }
    getURL() {
      return this.url;
    }
    isDestroyed() {
      return false;
    }
  }
  class FakeWindow extends Emitter {
    readonly webContents = new FakeWebContents();
    constructor(readonly options: Record<string, unknown>) {
      super();
      windows.push(this);
    }
    async loadURL(url: string) {
      this.webContents.url = url;
    }
    maximize() {}
    isMaximized() {
      return false;
    }
    isMinimized() {
      return false;
    }
    restore() {}
    show() {}
    focus() {}
    isDestroyed() {
      return false;
    }
    getNormalBounds() {
      return { x: 0, y: 0, width: 1440, height: 900 };
    }
  }
  const fakeSession = {
    setPermissionRequestHandler: (fn: Listener) => (calls.permissionRequest = fn),
    setPermissionCheckHandler: (fn: Listener) => (calls.permissionCheck = fn),
    setDevicePermissionHandler: () => undefined,
    webRequest: { onBeforeRequest: () => undefined, onHeadersReceived: () => undefined },
  };
  const display = { workArea: { x: 0, y: 0, width: 1920, height: 1080 } };
  const electron = {
    app,
    BrowserWindow: FakeWindow,
    Menu: { buildFromTemplate: (t: unknown) => t, setApplicationMenu: (m: unknown) => calls.menus.push(m) },
    protocol: {
      registerSchemesAsPrivileged: (s: unknown) => calls.privileged.push(s),
      handle: (scheme: string, fn: (req: Request) => Promise<Response>) => protocolHandlers.set(scheme, fn),
    },
    ipcMain: { handle: (ch: string, fn: Listener) => ipcHandlers.set(ch, fn), removeHandler: (ch: string) => ipcHandlers.delete(ch) },
    session: { defaultSession: fakeSession, fromPartition: () => fakeSession },
    screen: { getPrimaryDisplay: () => display, getAllDisplays: () => [display] },
    nativeTheme: { shouldUseDarkColors: false },
    dialog: { showMessageBox: async () => ({ response: 0 }), showOpenDialog: async () => ({ canceled: true, filePaths: [] }) },
    safeStorage: { isEncryptionAvailable: () => false, encryptString: () => Buffer.alloc(0), decryptString: () => '' },
    shell: { openExternal: async (url: string) => void calls.opened.push(url) },
  };
  return { electron, ready: () => readyResolve(), sent, windows, ipcHandlers, protocolHandlers, calls, app, FakeWebContents };
}

type Fake = ReturnType<typeof makeFakeElectron>;
type ModuleLoader = { _load: (request: string, parent: unknown, isMain: boolean) => unknown };

describe('the bundled Electron main process', () => {
  let fake: Fake;
  let project: string;
  let restore: () => void;
  let out: string;

  beforeAll(async () => {
    out = mkdtempSync(join(tmpdir(), 'plumbline-main-bundle-'));
    await buildElectron({ force: true, outDir: join(out, 'electron') });
    mkdirSync(join(out, 'renderer'), { recursive: true });
    writeFileSync(join(out, 'renderer', 'index.html'), '<!doctype html><title>Plumbline</title>');
    project = realpathSync(mkdtempSync(join(tmpdir(), 'plumbline-project-')));
    writeFileSync(join(project, 'README.md'), '# x\n');
    fake = makeFakeElectron(join(out, 'user-data'), out);

    const loader = Module as unknown as ModuleLoader;
    const originalLoad = loader._load;
    const originalArgv = process.argv;
    const proc = process as { defaultApp?: boolean };
    loader._load = function (request, parent, isMain) {
      return request === 'electron' ? fake.electron : originalLoad.call(this, request, parent, isMain);
    };
    process.argv = ['/fake/electron', '--inspect=0', out, project];
    proc.defaultApp = true;
    restore = () => {
      loader._load = originalLoad;
      process.argv = originalArgv;
      delete proc.defaultApp;
    };
    createRequire(import.meta.url)(join(out, 'electron', 'main.cjs'));
    fake.ready();
    // Start-up is asynchronous (data folder, core, window); wait for the window's page to load.
    await vi.waitFor(() => expect(fake.windows[0]?.webContents.url ?? '').toContain('app://plumbline/'), { timeout: 20_000, interval: 20 });
  });

  afterAll(async () => {
    // Quit: the core is disposed before the app really quits.
    const event = { defaulted: false, preventDefault() { this.defaulted = true; } };
    fake?.app.emit('will-quit', event);
    await vi.waitFor(() => expect(fake.calls.quit).toBe(1), { timeout: 10_000, interval: 20 });
    restore?.();
    rmSync(out, { recursive: true, force: true });
    rmSync(project, { recursive: true, force: true });
  });

  it('registers app:// as a privileged standard, secure scheme and sandboxes every renderer', () => {
    expect(fake.calls.privileged).toEqual([[expect.objectContaining({ scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true }) })]]);
    expect(fake.calls.sandboxed).toBe(true);
  });

  it('opens one window that is isolated, sandboxed and Node-free, on the launch folder', () => {
    expect(fake.windows).toHaveLength(1);
    const prefs = fake.windows[0]?.options.webPreferences as Record<string, unknown>;
    expect(prefs).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, webviewTag: false });
    expect(String(prefs.preload)).toMatch(/preload\.cjs$/);
    const url = new URL(fake.windows[0]?.webContents.url ?? '');
    expect(url.searchParams.get('open')).toBe(project);
  });

  it('serves the renderer with the CSP header and nothing outside it', async () => {
    const handler = fake.protocolHandlers.get('app');
    const ok = await handler?.(new Request('app://plumbline/index.html'));
    expect(ok?.status).toBe(200);
    expect(ok?.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await ok?.text()).toContain('<title>Plumbline</title>');
    expect((await handler?.(new Request('app://plumbline/assets/..%2F..%2Fuser-data%2Fsecrets.json')))?.status).toBe(404);
    expect((await handler?.(new Request('app://plumbline/missing.js')))?.status).toBe(404);
  });

  it('dispatches IPC from our main frame through the contract, and refuses other senders', async () => {
    const handler = fake.ipcHandlers.get(desktopIpc.request);
    const win = fake.windows[0];
    const good = { sender: win?.webContents, senderFrame: { parent: null, url: 'app://plumbline/index.html' } };
    const info = (await handler?.(good, { id: 1, method: 'app.info', params: {} })) as RpcResponse;
    expect(info).toMatchObject({ id: 1, result: { host: { kind: 'desktop', nativeFolderDialog: true, printToPdf: true } } });
    const opened = (await handler?.(good, { id: 2, method: 'project.info', params: { root: project } })) as RpcResponse;
    expect(opened).toMatchObject({ id: 2, result: { root: project } });
    const invalid = (await handler?.(good, { id: 3, method: 'files.list', params: { root: 42 } })) as RpcResponse;
    expect(invalid).toMatchObject({ id: 3, error: { code: 'INVALID_REQUEST' } });
    const unknown = (await handler?.(good, { id: 4, method: 'shell.exec', params: {} })) as RpcResponse;
    expect(unknown).toMatchObject({ error: { code: 'UNKNOWN_METHOD' } });

    const bad = [
      { sender: win?.webContents, senderFrame: { parent: {}, url: 'app://plumbline/index.html' } },
      { sender: win?.webContents, senderFrame: { parent: null, url: 'https://evil.example/' } },
      { sender: win?.webContents, senderFrame: null },
      { sender: new fake.FakeWebContents(), senderFrame: { parent: null, url: 'app://plumbline/index.html' } },
    ];
    for (const event of bad) {
      expect(await handler?.(event, { id: 9, method: 'app.info', params: {} })).toMatchObject({ id: 9, error: { code: 'FORBIDDEN' } });
    }
  });

  it('sends menu commands and second-launch folders to the renderer as contract events', () => {
    const template = fake.calls.menus[0] as { label?: string; submenu?: { label?: string; click?: () => void }[] }[];
    const file = template.find((m) => m.label === '&File');
    file?.submenu?.find((i) => i.label === 'Open Folder…')?.click?.();
    fake.app.emit('second-instance', {}, ['/fake/electron', '.', '/elsewhere/other'], '/', { folder: '/elsewhere/other' });
    return expect
      .poll(() => fake.sent)
      .toEqual([
        [desktopIpc.event, 'menu.didInvoke', { command: 'openFolder' }],
        [desktopIpc.event, 'host.didRequestOpen', { path: '/elsewhere/other' }],
      ]);
  });

  it('denies permissions, new windows and navigation away; https links go to the system browser', () => {
    const granted: boolean[] = [];
    fake.calls.permissionRequest?.({}, 'media', (g: boolean) => granted.push(g));
    expect(granted).toEqual([false]);
    expect(fake.calls.permissionCheck?.({}, 'clipboard-read')).toBe(false);

    const contents = Object.assign(new fake.FakeWebContents(), {
      openHandler: null as Listener | null,
      setWindowOpenHandler(fn: Listener) {
        this.openHandler = fn;
      },
    });
    fake.app.emit('web-contents-created', {}, contents);
    expect(contents.openHandler?.({ url: 'https://example.com/docs' })).toEqual({ action: 'deny' });
    const navigate = (url: string) => {
      const event = { url, prevented: false, preventDefault() { this.prevented = true; } };
      contents.emit('will-navigate', event);
      return event.prevented;
    };
    expect(navigate('file:///etc/passwd')).toBe(true);
    expect(navigate('https://example.com/other')).toBe(true);
    expect(navigate('app://plumbline/index.html')).toBe(false);
    expect(fake.calls.opened).toEqual(['https://example.com/docs', 'https://example.com/other']);
  });

  it('has a preload bundle that requires nothing but electron and exposes only the bridge', async () => {
    const required: string[] = [];
    const exposed: Record<string, unknown> = {};
    const invoked: unknown[] = [];
    const fakeElectron = {
      contextBridge: { exposeInMainWorld: (key: string, api: unknown) => (exposed[key] = api) },
      ipcRenderer: {
        invoke: async (channel: string, message: unknown) => {
          invoked.push([channel, message]);
          return { id: 1, result: 'pong' };
        },
        on: () => undefined,
      },
    };
    const module = { exports: {} };
    // A sandboxed preload gets a `require` that knows only a few modules; give it just 'electron'.
    runInNewContext(readFileSync(join(out, 'electron', 'preload.cjs'), 'utf8'), {
      module,
      exports: module.exports,
      console,
      require: (name: string) => {
        required.push(name);
        if (name !== 'electron') throw new Error(`A sandboxed preload cannot require ${name}`);
        return fakeElectron;
      },
    });
    expect(required).toEqual(['electron']);
    expect(Object.keys(exposed)).toEqual(['plumbline']);
    const bridge = exposed.plumbline as { request(m: string, p: unknown): Promise<unknown> };
    expect(Object.keys(bridge).sort()).toEqual(['onEvent', 'request']);
    await expect(bridge.request('app.info', {})).resolves.toEqual({ result: 'pong' });
    await expect(bridge.request('nope.nope', {})).resolves.toMatchObject({ error: { code: 'UNKNOWN_METHOD' } });
    expect(invoked).toEqual([[desktopIpc.request, { id: 1, method: 'app.info', params: {} }]]);
  });
});
