import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fitWindowBounds, loadWindowState, MIN_WINDOW, parseWindowState, saveWindowState, WINDOW_STATE_FILE } from '../../../../electron/main/window-state';

const screen = { x: 0, y: 0, width: 1920, height: 1040 };
const right = { x: 1920, y: 0, width: 2560, height: 1400 };

describe('fitWindowBounds', () => {
  it('keeps remembered bounds that are on a display', () => {
    expect(fitWindowBounds({ x: 100, y: 50, width: 1200, height: 800 }, [screen], { width: 1440, height: 900 })).toEqual({ x: 100, y: 50, width: 1200, height: 800 });
    expect(fitWindowBounds({ x: 2000, y: 100, width: 1600, height: 1000 }, [screen, right], { width: 1440, height: 900 })).toEqual({ x: 2000, y: 100, width: 1600, height: 1000 });
  });

  it('centres on the primary display when the remembered display is gone', () => {
    const fitted = fitWindowBounds({ x: 2000, y: 100, width: 1600, height: 1000 }, [screen], { width: 1440, height: 900 });
    expect(fitted).toEqual({ x: 160, y: 20, width: 1600, height: 1000 });
  });

  it('pulls a window hanging off the edge back inside and clamps its size', () => {
    const fitted = fitWindowBounds({ x: -100, y: -40, width: 3000, height: 600 }, [screen], { width: 1440, height: 900 });
    expect(fitted.width).toBe(1920);
    expect(fitted.x).toBe(0);
    expect(fitted.y).toBe(0);
    const small = fitWindowBounds({ x: 10, y: 10, width: 100, height: 100 }, [screen], { width: 1440, height: 900 });
    expect(small.width).toBe(MIN_WINDOW.width);
    expect(small.height).toBe(MIN_WINDOW.height);
  });

  it('opens the default size centred when nothing is remembered', () => {
    expect(fitWindowBounds(null, [screen], { width: 1440, height: 900 })).toEqual({ x: 240, y: 70, width: 1440, height: 900 });
  });
});

describe('window state file', () => {
  it('round-trips through the data folder and survives garbage', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'plumbline-ws-'));
    expect(await loadWindowState(dir)).toBeNull();
    await saveWindowState(dir, { bounds: { x: 1, y: 2, width: 1000, height: 700 }, maximized: true });
    expect(await loadWindowState(dir)).toEqual({ bounds: { x: 1, y: 2, width: 1000, height: 700 }, maximized: true });
    expect(JSON.parse(readFileSync(join(dir, WINDOW_STATE_FILE), 'utf8')).maximized).toBe(true);
    expect(statSync(join(dir, WINDOW_STATE_FILE)).isFile()).toBe(true);
    writeFileSync(join(dir, WINDOW_STATE_FILE), '{"bounds":{"x":1,');
    expect(await loadWindowState(dir)).toBeNull();
  });

  it('rejects states with missing or non-finite numbers', () => {
    expect(parseWindowState({ bounds: { x: 1, y: 2, width: 3 } })).toBeNull();
    expect(parseWindowState({ bounds: { x: 1, y: 2, width: 3, height: Number.NaN } })).toBeNull();
    expect(parseWindowState(null)).toBeNull();
    expect(parseWindowState({ bounds: { x: 1, y: 2, width: 3, height: 4 }, maximized: 'yes' })).toEqual({ bounds: { x: 1, y: 2, width: 3, height: 4 }, maximized: false });
  });
});
