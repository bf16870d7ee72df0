import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import { buildMenuTemplate } from '../../../../electron/main/app-menu';
import type { MenuCommand } from '../../../../shared/contract';

/** Every item of a template, depth first. */
function flatten(items: readonly MenuItemConstructorOptions[]): MenuItemConstructorOptions[] {
  return items.flatMap((i) => [i, ...(Array.isArray(i.submenu) ? flatten(i.submenu) : [])]);
}

function build(isMac: boolean, isDev: boolean) {
  const sent: MenuCommand[] = [];
  let about = 0;
  const template = buildMenuTemplate({ appName: 'Plumbline', isMac, isDev, send: (c) => sent.push(c), showAbout: () => about++ });
  return { items: flatten(template), top: template, sent, about: () => about };
}

/** Invokes an item's click handler as Electron would. */
function click(item: MenuItemConstructorOptions | undefined): void {
  expect(item?.click).toBeTypeOf('function');
  (item?.click as () => void)();
}

describe('application menu', () => {
  it('has File, Edit, View and Help; macOS adds the app and Window menus', () => {
    expect(build(false, false).top.map((i) => i.label ?? i.role)).toEqual(['&File', '&Edit', '&View', '&Help']);
    expect(build(true, false).top.map((i) => i.label ?? i.role)).toEqual(['Plumbline', '&File', '&Edit', '&View', 'windowMenu', '&Help']);
  });

  it('sends Open Folder with Ctrl/Cmd+O to the renderer, which handles the key itself', () => {
    const m = build(false, false);
    const open = m.items.find((i) => i.label === 'Open Folder…');
    expect(open?.accelerator).toBe('CmdOrCtrl+O');
    expect(open?.registerAccelerator).toBe(false);
    click(open);
    click(m.items.find((i) => i.label === 'Close Project'));
    click(m.items.find((i) => i.label === 'Command Palette…'));
    expect(m.sent).toEqual(['openFolder', 'closeProject', 'palette']);
  });

  it('offers developer tools only in development', () => {
    expect(build(false, true).items.some((i) => i.role === 'toggleDevTools')).toBe(true);
    expect(build(false, false).items.some((i) => i.role === 'toggleDevTools')).toBe(false);
  });

  it('has Quit in File (Windows/Linux), edit roles, reload and About', () => {
    const m = build(false, false);
    const roles = m.items.map((i) => i.role).filter(Boolean);
    expect(roles).toEqual(expect.arrayContaining(['quit', 'undo', 'redo', 'cut', 'copy', 'paste', 'selectAll', 'reload']));
    click(m.items.find((i) => i.label === 'About Plumbline'));
    expect(m.about()).toBe(1);
  });
});
