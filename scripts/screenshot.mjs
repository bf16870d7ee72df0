// Takes a screenshot of the running app (web host + system Chromium): `node scripts/screenshot.mjs OUT.png [FOLDER] [--dark] [--example]`.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { appRoot } from './build-lib.mjs';

const args = process.argv.slice(2);
const out = args.find((a) => a.endsWith('.png')) ?? 'screenshot.png';
const folder = args.find((a) => !a.startsWith('--') && !a.endsWith('.png'));
const dark = args.includes('--dark');
const example = args.includes('--example');
const dataDir = mkdtempSync(join(tmpdir(), 'plumbline-shot-'));
const child = spawn(process.execPath, [join(appRoot, 'bin/plumbline.mjs'), 'serve', '--port', '0', '--data-dir', dataDir, ...(folder ? [folder] : [])], { stdio: ['ignore', 'pipe', 'inherit'] });
const url = await new Promise((resolve, reject) => {
  let text = '';
  child.stdout.on('data', (c) => {
    text += c;
    const m = /Plumbline is serving at (\S+)/.exec(text);
    if (m) resolve(m[1]);
  });
  child.on('exit', (code) => reject(new Error(`web host exited ${code}`)));
});
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'] });
const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, colorScheme: dark ? 'dark' : 'light' });
await page.goto(url);
if (example) await page.getByRole('button', { name: 'Open the example' }).click();
if (folder || example) await page.getByRole('region', { name: 'Calibrator', exact: true }).waitFor();
await page.waitForTimeout(1500);
await page.screenshot({ path: out });
await browser.close();
child.kill();
console.log(`wrote ${out}`);
