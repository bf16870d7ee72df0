/** Bundles the Node side of the web host and CLI (when stale unless forced). */
export function buildNode(opts?: { force?: boolean }): Promise<boolean>;
/** Builds the renderer with Vite (when stale unless forced). */
export function buildRenderer(opts?: { force?: boolean; quiet?: boolean }): Promise<boolean>;
/** Builds the Electron bundles when that script is present. */
export function buildElectronIfPresent(opts?: { force?: boolean }): Promise<boolean>;
/** True when output is missing or older than any input. */
export function isStale(output: string, inputs: string[]): boolean;
/** Newest mtime under the paths. */
export function newestMtime(paths: string[]): number;
/** The package root. */
export const appRoot: string;
