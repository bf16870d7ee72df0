// The README screenshot, taken from the running app: `node scripts/readme-screenshot.mjs [OUT.png] [--dark]`
// (default docs/screenshot.png, 1440×900, light). It starts the web host on a fresh data folder with
// system Chromium, opens the example project, shows the Spec, opens src/bucket.js in the Builder,
// presses Verify and waits for its evidence in the Calibrator — so the picture is the real app.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { appRoot } from './build-lib.mjs';

const args = process.argv.slice(2);
const out = args.find((a) => a.endsWith('.png')) ?? join(appRoot, 'docs/screenshot.png');
const dark = args.includes('--dark');
const dataDir = mkdtempSync(join(tmpdir(), 'plumbline-readme-'));
const child = spawn(process.execPath, [join(appRoot, 'bin/plumbline.mjs'), 'serve', '--port', '0', '--data-dir', dataDir], { stdio: ['ignore', 'pipe', 'inherit'] });
const url = await new Promise((resolve, reject) => {
  let text = '';
  child.stdout.on('data', (c) => {
    text += c;
    const m = /Plumbline is serving at (\S+)/.exec(text);
    if (m) resolve(m[1]);
  });
  child.on('exit', (code) => reject(new Error(`web host exited ${code}`)));
});
const browser = await chromium.launch({ executablePath: process.env.PLUMBLINE_CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'] });
try {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, colorScheme: dark ? 'dark' : 'light' });
  await page.goto(url);
  await page.getByRole('button', { name: 'Open the example' }).click();
  const orchestrator = page.getByRole('region', { name: 'Orchestrator', exact: true });
  const builder = page.getByRole('region', { name: 'Builder', exact: true });
  const calibrator = page.getByRole('region', { name: 'Calibrator', exact: true });
  await calibrator.waitFor();
  await orchestrator.getByRole('tab', { name: 'Spec' }).click();
  await orchestrator.getByRole('listitem', { name: /^AD-1: / }).waitFor();
  // Builder: src/bucket.js open in the Files tab.
  await builder.getByRole('tab', { name: 'Files' }).click();
  const tree = builder.getByRole('tree', { name: 'Files' });
  await tree.getByText('src', { exact: true }).click();
  await tree.getByText('bucket.js', { exact: true }).click();
  await builder.getByTestId('code-editor').locator('.view-lines').waitFor();
  // Calibrator: Verify, then wait for its result line and the evidence list.
  await calibrator.getByRole('tab', { name: 'Evidence' }).click();
  await calibrator.getByRole('button', { name: 'Verify', exact: true }).click();
  await calibrator.getByRole('status').waitFor({ timeout: 120_000 });
  await calibrator.getByRole('list', { name: 'Evidence' }).waitFor();
  // Nothing focused or hovered in the picture.
  await page.mouse.move(1000, 17);
  await page.locator(':focus').evaluateAll((els) => els.forEach((el) => el.blur()));
  await page.screenshot({ path: out });
  console.log(`wrote ${out}`);
} finally {
  await browser.close();
  child.kill();
  rmSync(dataDir, { recursive: true, force: true });
}
