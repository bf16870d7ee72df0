import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { atomicWrite } from '../core/util/atomic-write';

/** A window rectangle in screen coordinates. */
export interface Rect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** What is remembered about the main window between runs. */
export interface WindowState {
  readonly bounds: Rect;
  readonly maximized: boolean;
}

/** File in the app data folder that keeps the window state. */
export const WINDOW_STATE_FILE = 'window-state.json';

/** The smallest window the three panes remain usable in. */
export const MIN_WINDOW = { width: 900, height: 560 } as const;

/** True for a finite number. */
function isNum(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

/** Reads a stored state; anything malformed counts as no state (a fresh window, never a crash). */
export function parseWindowState(raw: unknown): WindowState | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const { bounds, maximized } = raw as { bounds?: unknown; maximized?: unknown };
  if (typeof bounds !== 'object' || bounds === null) return null;
  const { x, y, width, height } = bounds as Record<string, unknown>;
  if (!isNum(x) || !isNum(y) || !isNum(width) || !isNum(height)) return null;
  return { bounds: { x, y, width, height }, maximized: maximized === true };
}

/** Area of the overlap of two rectangles. */
function overlap(a: Rect, b: Rect): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return w > 0 && h > 0 ? w * h : 0;
}

/**
 * Places remembered bounds on the current displays: kept when enough of the window is visible on
 * one display's work area, otherwise (a display was unplugged) centred on the primary one.
 * The size is clamped to the chosen work area and to the minimum.
 */
export function fitWindowBounds(saved: Rect | null, workAreas: readonly Rect[], fallbackSize: { readonly width: number; readonly height: number }): Rect {
  const primary = workAreas[0] ?? { x: 0, y: 0, width: fallbackSize.width, height: fallbackSize.height };
  const clampSize = (area: Rect, w: number, h: number) => ({
    width: Math.max(Math.min(MIN_WINDOW.width, area.width), Math.min(Math.round(w), area.width)),
    height: Math.max(Math.min(MIN_WINDOW.height, area.height), Math.min(Math.round(h), area.height)),
  });
  if (saved) {
    let best: Rect | null = null;
    let bestOverlap = 0;
    for (const area of workAreas) {
      const o = overlap(saved, area);
      if (o > bestOverlap) {
        best = area;
        bestOverlap = o;
      }
    }
    // At least a quarter of the window (and a grabbable strip) must be visible to keep its place.
    if (best && bestOverlap >= (saved.width * saved.height) / 4) {
      const size = clampSize(best, saved.width, saved.height);
      const x = Math.min(Math.max(Math.round(saved.x), best.x), best.x + best.width - size.width);
      const y = Math.min(Math.max(Math.round(saved.y), best.y), best.y + best.height - size.height);
      return { x, y, ...size };
    }
  }
  const size = clampSize(primary, saved?.width ?? fallbackSize.width, saved?.height ?? fallbackSize.height);
  return {
    x: Math.round(primary.x + (primary.width - size.width) / 2),
    y: Math.round(primary.y + (primary.height - size.height) / 2),
    ...size,
  };
}

/** Loads the remembered window state from the app data folder, or null. */
export async function loadWindowState(dataDir: string): Promise<WindowState | null> {
  try {
    return parseWindowState(JSON.parse(await fs.readFile(join(dataDir, WINDOW_STATE_FILE), 'utf8')));
  } catch {
    return null;
  }
}

/** Saves the window state atomically (a crash leaves the old or the new file, never a torn one). */
export async function saveWindowState(dataDir: string, state: WindowState): Promise<void> {
  await fs.mkdir(dataDir, { recursive: true });
  await atomicWrite(join(dataDir, WINDOW_STATE_FILE), `${JSON.stringify(state, null, 2)}\n`);
}
