// Bundles the Electron main process and the preload with esbuild:
//   dist/electron/main.cjs     everything but `electron` (and the CLI-only playwright-core) bundled in,
//                              so the packaged app needs no node_modules
//   dist/electron/preload.cjs  one CommonJS file: a sandboxed preload can require nothing but 'electron'
// `buildElectron()` is called by scripts/build.mjs and scripts/start.mjs; run directly it always builds.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { appRoot, isStale } from './build-lib.mjs';

const mainInputs = ['shared', 'electron/core', 'electron/main', 'package.json', 'scripts/build-electron.mjs'];
const preloadInputs = ['shared', 'electron/preload', 'package.json', 'scripts/build-electron.mjs'];

/** Syntax targets: Electron 41 ships Chromium 146 and Node 24, so these are safely below both. */
const targets = { node: 'node22', chrome: 'chrome130' };

/**
 * Builds dist/electron/main.cjs and dist/electron/preload.cjs when missing or older than their
 * sources (always with `force`). `outDir` builds elsewhere (tests). Resolves to the bundles it built.
 */
export async function buildElectron({ force = false, quiet = true, outDir = join(appRoot, 'dist/electron') } = {}) {
  const esbuild = await import('esbuild');
  const built = [];
  if (force || isStale(join(outDir, 'main.cjs'), mainInputs)) {
    await esbuild.build({
      // The status and import workers are bundles of their own: walking, hashing and parsing run off the main process's thread.
      entryPoints: { main: join(appRoot, 'electron/main/main.ts'), 'status-worker': join(appRoot, 'electron/core/git/status-worker-entry.ts'), 'import-worker': join(appRoot, 'electron/core/import/import-worker-entry.ts') },
      outdir: outDir,
      outExtension: { '.js': '.cjs' },
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: targets.node,
      // playwright-core is only the CLI's fallback PDF printer (the desktop prints with Chromium
      // itself); it reads its own files at run time, so it is never bundled.
      external: ['electron', 'playwright-core'],
      // ESM dependencies bundled into CommonJS still ask for import.meta.url; give them this file's URL.
      define: { 'import.meta.url': '__plumbline_import_meta_url' },
      banner: { js: "const __plumbline_import_meta_url = require('node:url').pathToFileURL(__filename).href;" },
      sourcemap: 'linked',
      logLevel: quiet ? 'warning' : 'info',
    });
    built.push('main.cjs');
  }
  if (force || isStale(join(outDir, 'preload.cjs'), preloadInputs)) {
    await esbuild.build({
      entryPoints: [join(appRoot, 'electron/preload/preload.ts')],
      outfile: join(outDir, 'preload.cjs'),
      bundle: true,
      platform: 'browser',
      format: 'cjs',
      target: targets.chrome,
      external: ['electron'],
      // It runs on every page load: keep it small (the contract's schemas come along for the name checks).
      minify: true,
      logLevel: quiet ? 'warning' : 'info',
    });
    built.push('preload.cjs');
  }
  return built;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const built = await buildElectron({ force: true, quiet: false });
  console.log(`Built dist/electron/${built.join(', dist/electron/')}`);
}
