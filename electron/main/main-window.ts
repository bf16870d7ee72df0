import { BrowserWindow, nativeTheme, screen } from 'electron';
import { fitWindowBounds, loadWindowState, saveWindowState, type WindowState } from './window-state';

/** What the main window is made from. */
export interface MainWindowOptions {
  readonly dataDir: string;
  readonly preloadPath: string;
  readonly entryUrl: string;
  readonly isDev: boolean;
  /** Window icon (Linux and Windows; macOS takes the bundle's). */
  readonly iconPath?: string;
}

/** How long window moves and resizes settle before the bounds are written. */
const SAVE_DELAY_MS = 500;

/**
 * Opens the workspace window with the renderer sandboxed and isolated (no Node, no remote content,
 * only the preload's two functions), at the size and place it had last time.
 */
export async function createMainWindow(o: MainWindowOptions): Promise<BrowserWindow> {
  const saved = await loadWindowState(o.dataDir);
  const workAreas = [screen.getPrimaryDisplay(), ...screen.getAllDisplays()].map((d) => d.workArea);
  const bounds = fitWindowBounds(saved?.bounds ?? null, workAreas, { width: 1440, height: 900 });
  const win = new BrowserWindow({
    ...bounds,
    minWidth: 900,
    minHeight: 560,
    show: false,
    title: 'Plumbline',
    backgroundColor: nativeTheme.shouldUseDarkColors ? '#1e1f22' : '#ffffff',
    ...(o.iconPath ? { icon: o.iconPath } : {}),
    webPreferences: {
      preload: o.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      devTools: o.isDev,
    },
  });
  if (saved?.maximized) win.maximize();
  win.once('ready-to-show', () => win.show());

  let timer: NodeJS.Timeout | undefined;
  const snapshot = (): WindowState => ({ bounds: win.getNormalBounds(), maximized: win.isMaximized() });
  const persist = (state: WindowState) => {
    // Losing a window position is harmless; never let it disturb the app.
    saveWindowState(o.dataDir, state).catch(() => undefined);
  };
  const schedule = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      if (!win.isDestroyed()) persist(snapshot());
    }, SAVE_DELAY_MS);
  };
  win.on('resize', schedule);
  win.on('move', schedule);
  win.on('maximize', schedule);
  win.on('unmaximize', schedule);
  win.on('close', () => {
    clearTimeout(timer);
    persist(snapshot());
  });

  await win.loadURL(o.entryUrl);
  return win;
}
