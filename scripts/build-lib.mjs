// Build steps shared by `npm run build`, `npm start` and the `plumbline` bin: each output is
// rebuilt only when a source it depends on is newer, so commands work right after `npm install`.
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const appRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Newest modification time of the files under the given paths (folders walked, node_modules skipped). */
export function newestMtime(paths) {
  let newest = 0;
  const walk = (p) => {
    let st;
    try {
      st = statSync(p);
    } catch {
      return;
    }
    if (st.isDirectory()) {
      for (const name of readdirSync(p)) if (name !== 'node_modules' && name !== 'dist') walk(join(p, name));
    } else if (st.mtimeMs > newest) newest = st.mtimeMs;
  };
  for (const p of paths) walk(resolve(appRoot, p));
  return newest;
}

/**
 * True when `output` is missing or a source changed since the build that made it. The build
 * records the newest source time it saw *before* it started (a stamp beside the output), so an
 * edit made while a build runs still counts as a change.
 */
export function isStale(output, inputs) {
  const out = resolve(appRoot, output);
  if (!existsSync(out)) return true;
  let built = statSync(out).mtimeMs;
  try {
    built = Number(readFileSync(`${out}.stamp`, 'utf8'));
  } catch {}
  return newestMtime(inputs) > built;
}

/** Records the source time a build started from (see isStale). */
function stamp(output, sourceTime) {
  const out = resolve(appRoot, output);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(`${out}.stamp`, String(sourceTime));
}

const nodeInputs = ['shared', 'electron/core', 'electron/web-host', 'package.json'];
const rendererInputs = ['shared', 'renderer', 'vite.config.ts', 'package.json'];

/** Bundles the Node side of the web host and CLI to dist/node/cli.mjs. */
export async function buildNode({ force = false } = {}) {
  const outfile = join(appRoot, 'dist/node/cli.mjs');
  if (!force && !isStale(outfile, nodeInputs)) return false;
  const sourceTime = newestMtime(nodeInputs);
  const esbuild = await import('esbuild');
  await esbuild.build({
    entryPoints: { cli: join(appRoot, 'electron/web-host/cli.ts'), 'status-worker': join(appRoot, 'electron/core/git/status-worker-entry.ts'), 'import-worker': join(appRoot, 'electron/core/import/import-worker-entry.ts') },
    outdir: dirname(outfile),
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: true,
    logLevel: 'warning',
  });
  stamp(outfile, sourceTime);
  return true;
}

/** Builds the renderer with Vite to dist/renderer. */
export async function buildRenderer({ force = false, quiet = false } = {}) {
  const index = join(appRoot, 'dist/renderer/index.html');
  if (!force && !isStale(index, rendererInputs)) return false;
  if (!quiet) process.stderr.write('Building the Plumbline renderer (first run or sources changed)…\n');
  const sourceTime = newestMtime(rendererInputs);
  const vite = await import('vite');
  await vite.build({ configFile: join(appRoot, 'vite.config.ts'), logLevel: quiet ? 'silent' : 'warn' });
  stamp(index, sourceTime);
  return true;
}

/** Builds the Electron main and preload bundles when that build script is present. */
export async function buildElectronIfPresent({ force = false } = {}) {
  const script = join(appRoot, 'scripts/build-electron.mjs');
  if (!existsSync(script)) return false;
  const mod = await import(script);
  await mod.buildElectron({ force });
  return true;
}
