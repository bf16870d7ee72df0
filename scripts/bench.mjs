#!/usr/bin/env node
// `npm run bench [-- --json] [-- --repeat N] [-- --only <name part>]`
// Bundles the TypeScript harness in bench/ with esbuild (dependencies stay external), then runs it in a
// fresh Node process. Results: a table on stdout (or one JSON line last with --json) and
// bench/results/<timestamp>.json.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'build', 'bench');
await build({
  entryPoints: { run: join(root, 'bench', 'run.ts'), 'cold-status': join(root, 'bench', 'cold-status.ts'), 'import-worker': join(root, 'electron', 'core', 'import', 'import-worker-entry.ts') },
  outdir,
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: 'inline',
  logLevel: 'warning',
});
const r = spawnSync(process.execPath, [join(outdir, 'run.mjs'), ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, PLUMBLINE_ROOT: root },
});
process.exit(r.status ?? 1);
