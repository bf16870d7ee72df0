/** Bundles dist/electron/main.cjs and preload.cjs when stale (or forced); resolves to the file names built. */
export function buildElectron(opts?: { force?: boolean; quiet?: boolean; outDir?: string }): Promise<string[]>;
