import { app, dialog, Menu, type BrowserWindow } from 'electron';
import { promises as fs } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import type { EventName, EventOf, ProjectInfo } from '../../shared/contract';
import { dispatch } from '../../shared/rpc';
import { createCore, type Core } from '../core/create-core';
import { buildMenuTemplate } from './app-menu';
import { handleAppProtocol, registerAppScheme } from './app-protocol';
import { createDesktopHost } from './desktop-host';
import { attachIpcTransport, sendEvent } from './ipc-transport';
import { entryUrlFor, parseLaunchArgs } from './launch-args';
import { createMainWindow } from './main-window';
import { APP_ENTRY_URL } from './security-policy';
import { hardenAllWebContents, hardenDefaultSession } from './session-hardening';

// The Electron main process: app lifecycle, the one window, the menu, and the core on IPC.
// It must stay responsive (it pumps window input), so heavy work belongs to the core's workers.

registerAppScheme();
// Every renderer is sandboxed, including any created later.
app.enableSandbox();
hardenAllWebContents(app);

// A separate app data folder (tests, a second profile); set before the single-instance lock, which is per folder.
if (process.env.PLUMBLINE_DATA_DIR) app.setPath('userData', resolve(process.env.PLUMBLINE_DATA_DIR));

const isDev = !app.isPackaged;
const validateResponses = isDev || process.env.PLUMBLINE_VALIDATE_RESPONSES === '1';
/** Where the bundled main.cjs and preload.cjs live (dist/electron/ in the app path). */
const bundleDir = __dirname;
const appRoot = app.getAppPath();
const launch = parseLaunchArgs(process.argv, { isDefaultApp: Boolean(process.defaultApp), cwd: process.cwd() });

let core: Core | null = null;
let mainWindow: BrowserWindow | null = null;
let windowOpening: Promise<void> | null = null;
/** Folders asked for before the window could take them (macOS open-file at launch). */
const pendingOpens: string[] = [];

/** The window if it is alive. */
function getWindow(): BrowserWindow | null {
  return mainWindow && !mainWindow.isDestroyed() ? mainWindow : null;
}

/** Sends an event to the renderer (menu commands, open requests). */
function emitToRenderer<E extends EventName>(event: E, payload: EventOf<E>): void {
  sendEvent(getWindow(), event, payload);
}

/** Brings the window to the front. */
function focusWindow(): void {
  const win = getWindow();
  if (!win) return;
  if (win.isMinimized()) win.restore();
  win.show();
  win.focus();
}

/** Asks the renderer to open a folder, or remembers it until the window exists. */
function requestOpen(folder: string): void {
  if (getWindow()) {
    emitToRenderer('host.didRequestOpen', { path: folder });
    focusWindow();
  } else {
    pendingOpens.push(folder);
  }
}

/** Opens the workspace window; the first folder to open rides along in its URL. */
async function openWindow(initialFolder: string | null): Promise<void> {
  const win = await createMainWindow({
    dataDir: app.getPath('userData'),
    preloadPath: join(bundleDir, 'preload.cjs'),
    entryUrl: entryUrlFor(APP_ENTRY_URL, initialFolder),
    isDev,
    iconPath: process.platform === 'darwin' ? undefined : join(appRoot, 'resources', 'icons', 'png', '512x512.png'),
  }).catch((error: unknown) => {
    console.error('Plumbline could not load its window:', error);
    return null;
  });
  if (!win) return;
  mainWindow = win;
  // The window's projects are released with it (the connection id the IPC transport gives its requests).
  const holder = `desktop:${win.webContents.id}`;
  win.on('closed', () => {
    if (mainWindow === win) mainWindow = null;
    core?.ctx.projects.releaseHolder(holder);
  });
  for (const folder of pendingOpens.splice(0)) emitToRenderer('host.didRequestOpen', { path: folder });
}

/** Opens the window unless it is open or opening. */
function ensureWindow(initialFolder: string | null): Promise<void> {
  if (getWindow()) return Promise.resolve();
  windowOpening ??= openWindow(initialFolder).finally(() => {
    windowOpening = null;
  });
  return windowOpening;
}

/** Reads the second instance's folder: from the data it sent, else from its command line. */
function folderOfSecondInstance(argv: readonly string[], cwd: string, data: unknown): string | null {
  if (typeof data === 'object' && data !== null && 'folder' in data) {
    const folder = (data as { folder: unknown }).folder;
    if (typeof folder === 'string' && folder.length > 0) return folder;
    if (folder === null) return null;
  }
  return parseLaunchArgs(argv, { isDefaultApp: Boolean(process.defaultApp), cwd }).folder;
}

/** Builds the core and the desktop host around it once Electron is ready. */
async function start(): Promise<void> {
  const dataDir = app.getPath('userData');
  await fs.mkdir(dataDir, { recursive: true });
  hardenDefaultSession();
  handleAppProtocol(join(bundleDir, '..', 'renderer'));
  core = createCore({
    dataDir,
    version: app.getVersion(),
    host: createDesktopHost({ dataDir, getWindow }),
    resourcesDir: app.isPackaged ? process.resourcesPath : join(appRoot, 'resources'),
    // Worker threads cannot load a script from inside the asar archive; it is unpacked beside it.
    statusWorkerPath: join(bundleDir, 'status-worker.cjs').replace(`app.asar${sep}`, `app.asar.unpacked${sep}`),
    importWorkerPath: join(bundleDir, 'import-worker.cjs').replace(`app.asar${sep}`, `app.asar.unpacked${sep}`),
  });
  attachIpcTransport({
    core,
    getWindow,
    validateResponses,
    onInternalError: (method, error) => console.error(`Plumbline: ${method} failed:`, error),
  });
  app.setAboutPanelOptions({
    applicationName: 'Plumbline',
    applicationVersion: app.getVersion(),
    copyright: 'MIT License',
    website: 'https://github.com/plumbline-dev/plumbline',
  });
  Menu.setApplicationMenu(
    Menu.buildFromTemplate(
      buildMenuTemplate({
        appName: 'Plumbline',
        isMac: process.platform === 'darwin',
        isDev,
        send: (command) => emitToRenderer('menu.didInvoke', { command }),
        showAbout: () => app.showAboutPanel(),
      }),
    ),
  );
  const initial = launch.folder ?? pendingOpens.shift() ?? null;
  await ensureWindow(initial ? await openAtLaunch(core, initial) : null);
}

/**
 * Opens the launch folder in the core before the window loads, as the web host does, so the
 * renderer starts on the workspace; a folder that cannot be opened is explained, not fatal.
 */
async function openAtLaunch(running: Core, folder: string): Promise<string | null> {
  const opened = await dispatch(running.handlers, { id: 0, method: 'project.open', params: { path: folder } }, { connectionId: 'launch' });
  if ('result' in opened) return (opened.result as ProjectInfo).root;
  void dialog.showMessageBox({ type: 'warning', title: 'Plumbline', message: `Plumbline could not open ${folder}`, detail: opened.error.message });
  return null;
}

if (!app.requestSingleInstanceLock({ folder: launch.folder })) {
  // Another Plumbline is running: it receives our folder through 'second-instance' and comes forward.
  app.quit();
} else {
  app.on('second-instance', (_event, argv, workingDirectory, additionalData) => {
    const folder = folderOfSecondInstance(argv, workingDirectory, additionalData);
    void ensureWindow(null).then(() => {
      if (folder) requestOpen(folder);
      else focusWindow();
    });
  });
  // macOS: a folder dropped on the Dock icon or opened with "Open With".
  app.on('open-file', (event, path) => {
    event.preventDefault();
    requestOpen(path);
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('activate', () => {
    if (app.isReady() && core) void ensureWindow(null);
  });
  let disposed = false;
  app.on('will-quit', (event) => {
    if (disposed || !core) return;
    // Stop watchers and child processes before the process ends.
    event.preventDefault();
    const running = core;
    core = null;
    void running
      .dispose()
      .catch((error: unknown) => console.error('Plumbline: stopping the core failed:', error))
      .finally(() => {
        disposed = true;
        app.quit();
      });
  });
  app.whenReady().then(start, (error: unknown) => {
    console.error('Plumbline could not start:', error);
    app.exit(1);
  });
}
