// `npm test`: type-check every folder, lint, unit tests, then the end-to-end specs (web host in
// Chromium; Electron specs run when the Electron binary is present and report skipped otherwise).
// Runs every step, prints a summary, and exits non-zero when any step failed.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { appRoot } from './build-lib.mjs';

const only = process.argv.slice(2);
const bin = (name) => join(appRoot, 'node_modules', '.bin', name);
const out = join(appRoot, 'build', 'test-results');
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

// The Electron specs need a display on Linux; run the end-to-end step under xvfb-run when the
// Electron binary is present, there is no display, and xvfb-run is installed.
const electronPresent = existsSync(join(appRoot, 'node_modules', 'electron', 'path.txt'));
const needsXvfb = process.platform === 'linux' && electronPresent && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY && spawnSync('sh', ['-c', 'command -v xvfb-run']).status === 0;
const e2e = needsXvfb ? { cmd: 'xvfb-run', args: ['-a', bin('playwright'), 'test'] } : { cmd: bin('playwright'), args: ['test'] };

const steps = [
  { name: 'typecheck', cmd: bin('tsc'), args: ['-b'] },
  { name: 'lint', cmd: bin('eslint'), args: ['.', '--max-warnings', '0'] },
  { name: 'unit', cmd: bin('vitest'), args: ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${join(out, 'unit.json')}`] },
  { name: 'e2e', ...e2e, env: { PLAYWRIGHT_JSON_OUTPUT_NAME: join(out, 'e2e.json') } },
].filter((s) => only.length === 0 || only.includes(s.name));

const results = [];
for (const step of steps) {
  console.log(`\n━━ ${step.name} ━━ ${[step.cmd.split('/').pop(), ...step.args].join(' ')}`);
  const started = Date.now();
  const r = spawnSync(step.cmd, step.args, { cwd: appRoot, stdio: 'inherit', env: { ...process.env, ...step.env } });
  results.push({ name: step.name, ok: r.status === 0, seconds: Math.round((Date.now() - started) / 1000) });
}

let passed = 0;
let failed = 0;
let skipped = 0;
const unit = join(out, 'unit.json');
if (existsSync(unit)) {
  const j = JSON.parse(readFileSync(unit, 'utf8'));
  passed += j.numPassedTests ?? 0;
  failed += j.numFailedTests ?? 0;
  skipped += (j.numPendingTests ?? 0) + (j.numTodoTests ?? 0);
}
const e2eJson = join(out, 'e2e.json');
if (existsSync(e2eJson)) {
  const s = JSON.parse(readFileSync(e2eJson, 'utf8')).stats ?? {};
  passed += (s.expected ?? 0) + (s.flaky ?? 0);
  failed += s.unexpected ?? 0;
  skipped += s.skipped ?? 0;
}
for (const r of results) if (!r.ok && (r.name === 'typecheck' || r.name === 'lint')) failed += 1;

console.log('\n━━ summary ━━');
for (const r of results) console.log(`${r.ok ? '✔' : '✘'} ${r.name.padEnd(10)} ${String(r.seconds).padStart(5)} s`);
console.log(`Tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(results.every((r) => r.ok) ? 0 : 1);
