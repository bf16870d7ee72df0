import type { MenuItemConstructorOptions } from 'electron';
import type { MenuCommand } from '../../shared/contract';

/** What the menu needs to know and do; kept free of Electron objects so it is unit-tested. */
export interface MenuOptions {
  readonly appName: string;
  readonly isMac: boolean;
  /** Development builds get Toggle Developer Tools; packaged ones do not. */
  readonly isDev: boolean;
  /** Hands a command to the renderer, which owns what it does (the same code path as its own shortcuts). */
  readonly send: (command: MenuCommand) => void;
  readonly showAbout: () => void;
}

/**
 * The application menu. Shortcuts the renderer also handles itself (so they work in the web host)
 * are shown here but not registered, so one key press never triggers the action twice.
 */
export function buildMenuTemplate(o: MenuOptions): MenuItemConstructorOptions[] {
  const command = (label: string, cmd: MenuCommand, accelerator?: string): MenuItemConstructorOptions => ({
    label,
    click: () => o.send(cmd),
    ...(accelerator ? { accelerator, registerAccelerator: false } : {}),
  });
  const file: MenuItemConstructorOptions = {
    label: '&File',
    submenu: [
      command('Open Folder…', 'openFolder', 'CmdOrCtrl+O'),
      command('Open Recent…', 'openRecent'),
      command('Open the Example', 'openExample'),
      { type: 'separator' },
      command('Export…', 'export'),
      { type: 'separator' },
      command('Close Project', 'closeProject'),
      ...(o.isMac ? [] : [{ type: 'separator' } as const, { role: 'quit', label: 'Quit' } as const]),
    ],
  };
  const edit: MenuItemConstructorOptions = {
    label: '&Edit',
    submenu: [{ role: 'undo' }, { role: 'redo' }, { type: 'separator' }, { role: 'cut' }, { role: 'copy' }, { role: 'paste' }, { role: 'selectAll' }],
  };
  const view: MenuItemConstructorOptions = {
    label: '&View',
    submenu: [
      command('Command Palette…', 'palette', 'CmdOrCtrl+Shift+P'),
      { type: 'separator' },
      { role: 'reload' },
      ...(o.isDev ? [{ role: 'toggleDevTools' } as const] : []),
      { type: 'separator' },
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      { type: 'separator' },
      { role: 'togglefullscreen' },
    ],
  };
  const help: MenuItemConstructorOptions = {
    label: '&Help',
    role: 'help',
    submenu: [{ label: `About ${o.appName}`, click: o.showAbout }],
  };
  const appMenu: MenuItemConstructorOptions[] = o.isMac
    ? [
        {
          label: o.appName,
          submenu: [
            { label: `About ${o.appName}`, click: o.showAbout },
            { type: 'separator' },
            { role: 'services' },
            { type: 'separator' },
            { role: 'hide' },
            { role: 'hideOthers' },
            { role: 'unhide' },
            { type: 'separator' },
            { role: 'quit' },
          ],
        },
      ]
    : [];
  const windowMenu: MenuItemConstructorOptions[] = o.isMac ? [{ role: 'windowMenu' }] : [];
  return [...appMenu, file, edit, view, ...windowMenu, help];
}
