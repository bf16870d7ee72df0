// Screenshots of the keyboard and spec views, taken from the running app:
// `node scripts/view-screenshots.mjs [OUT_DIR]` (default docs/screenshots). Needs `npm run build` first.
// For 1280×720 and 1440×900, light and dark: Spec (structured, API contract table) with Changes (a root file),
// Decisions with History, Spec ▸ Markdown with a change on disk offered, with Branches; the command palette;
// the shortcut sheet.
import { spawn } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { appRoot } from './build-lib.mjs';

const outDir = process.argv[2] ?? join(appRoot, 'docs/screenshots');
mkdirSync(outDir, { recursive: true });
/** A web host on a fresh data folder (each view set starts from a fresh copy of the example). */
async function startHost() {
  const dataDir = mkdtempSync(join(tmpdir(), 'plumbline-shots-'));
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
  return {
    url,
    dataDir,
    stop() {
      child.removeAllListeners('exit');
      child.kill();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
const browser = await chromium.launch({ executablePath: process.env.PLUMBLINE_CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'] });
try {
  for (const [width, height] of [[1280, 720], [1440, 900]]) {
    for (const scheme of ['light', 'dark']) {
      const { url, dataDir, stop } = await startHost();
      const shot = (name) => page.screenshot({ path: join(outDir, `${name}-${width}x${height}-${scheme}.png`) });
      const page = await browser.newPage({ viewport: { width, height }, colorScheme: scheme });
      await page.goto(url);
      const orch = page.getByRole('region', { name: 'Orchestrator', exact: true });
      const builder = page.getByRole('region', { name: 'Builder', exact: true });
      // A fresh copy of the example each time, with a change to a file at the root for the Changes list.
      await page.getByRole('button', { name: /Open the example/ }).click();
      await orch.getByRole('tab', { name: 'Spec' }).click();
      await orch.getByRole('listitem', { name: /^AD-1: / }).waitFor();
      const example = join(dataDir, 'examples', readdirSync(join(dataDir, 'examples'))[0]);
      appendFileSync(join(example, 'README.md'), '\nA line for the Changes list.\n');

      // Spec (structured) scrolled to the API contract, with Changes showing a root file.
      await orch.getByRole('radio', { name: 'Structured' }).click();
      await orch.getByRole('heading', { name: 'API contract' }).scrollIntoViewIfNeeded();
      await builder.getByRole('tab', { name: 'Changes' }).click();
      await builder.getByRole('button', { name: 'README.md, modified' }).click();
      await builder.getByRole('button', { name: /^Stage hunk 1 / }).waitFor();
      await builder.getByText('Loading the diff…').waitFor({ state: 'detached' });
      await page.waitForTimeout(500);
      await shot('spec-changes');

      // Decisions with History.
      await orch.getByRole('tab', { name: 'Decisions' }).click();
      await builder.getByRole('tab', { name: 'History' }).click();
      await builder.locator('.history-row').first().waitFor();
      await page.waitForTimeout(300);
      await shot('decisions-history');

      // Spec ▸ Markdown with unsaved edits and a change on disk offered; Branches.
      await orch.getByRole('tab', { name: 'Spec' }).click();
      await orch.getByRole('radio', { name: 'Markdown' }).click();
      const editor = orch.getByRole('textbox', { name: 'Spec Markdown' });
      await editor.waitFor();
      await editor.focus();
      await page.keyboard.press('Control+End');
      await page.keyboard.type('\nA note not saved yet.');
      const spec = join(example, '.plumbline/spec.md');
      appendFileSync(spec, '\n');
      await orch.getByRole('alert').waitFor();
      await builder.getByRole('tab', { name: 'Branches' }).click();
      await builder.getByRole('list', { name: 'Branches' }).waitFor();
      await shot('spec-markdown-branches');
      await orch.getByRole('alert').getByRole('button', { name: 'Reload from disk' }).click();
      await orch.getByRole('radio', { name: 'Structured' }).click();

      // The command palette and the shortcut sheet.
      await page.keyboard.press('Control+Shift+P');
      await page.keyboard.type('sta');
      await page.waitForTimeout(200);
      await shot('palette');
      await page.keyboard.press('Escape');
      await page.getByRole('region', { name: 'Calibrator', exact: true }).getByRole('tab', { selected: true }).focus();
      await page.keyboard.press('?');
      await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor();
      await shot('shortcuts');
      await page.keyboard.press('Escape');
      await page.close();
      stop();
    }
  }
} finally {
  await browser.close();
}
