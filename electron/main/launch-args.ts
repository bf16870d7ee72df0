import { isAbsolute, resolve } from 'node:path';

/** What the command line asks the desktop app to do. */
export interface LaunchRequest {
  /** Absolute path of a folder to open, when one was given. */
  readonly folder: string | null;
}

/**
 * Reads the folder argument from an Electron command line. `electron <app> <folder>` (development,
 * or a test harness) carries the app path as its first positional, a packaged app does not;
 * Chromium and Electron switches (`--x`), which may come anywhere, are skipped. Relative paths
 * resolve against the launching shell's folder.
 */
export function parseLaunchArgs(argv: readonly string[], options: { readonly isDefaultApp: boolean; readonly cwd: string }): LaunchRequest {
  const positionals = argv.slice(1).filter((arg) => arg !== '' && !arg.startsWith('-'));
  const rest = options.isDefaultApp ? positionals.slice(1) : positionals;
  // The last positional wins, like most desktop apps given several paths.
  const last = rest.at(-1);
  if (last === undefined) return { folder: null };
  return { folder: isAbsolute(last) ? resolve(last) : resolve(options.cwd, last) };
}

/** The renderer's entry URL, with the folder to open as the `open` query parameter (as the web host does). */
export function entryUrlFor(base: string, folder: string | null): string {
  if (!folder) return base;
  const url = new URL(base);
  url.searchParams.set('open', folder);
  return url.toString();
}
