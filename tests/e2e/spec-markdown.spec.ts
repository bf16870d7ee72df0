import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';

// Typing hundreds of keys through the browser takes a while on a loaded machine.
test.describe.configure({ timeout: 240_000 });

/** The folder `project.openExample` copied the example to (inside the host's data dir). */
function exampleCopy(dataDir: string): string {
  const [first] = readdirSync(join(dataDir, 'examples'));
  if (!first) throw new Error('no example copy');
  return join(dataDir, 'examples', first);
}

/** Prose without brackets or quotes (Monaco would auto-close them) and without leading spaces (auto-indent). */
const TYPED = [
  '',
  '## Notes typed fast',
  '',
  'The quota service counts requests per key and answers with the remaining budget.',
  'Keys are opaque strings; the service never logs them.',
  'Typing this at five milliseconds per key must leave every character where it was typed.',
  '',
].join('\n');

async function openMarkdown(page: Page, url: string) {
  await page.goto(url);
  await page.getByRole('button', { name: /Open the example/ }).click();
  const pane = page.getByRole('region', { name: 'Orchestrator', exact: true });
  await expect(pane.getByRole('tab', { name: 'Spec' })).toHaveAttribute('aria-selected', 'true');
  await pane.getByRole('radio', { name: 'Markdown' }).click();
  const editor = pane.getByRole('textbox', { name: 'Spec Markdown' });
  await expect(editor).toBeVisible();
  await expect(pane.locator('.view-lines')).toContainText('Spec');
  return { pane, editor };
}

test('fast typing in Spec ▸ Markdown saves exactly what was typed', async ({ page, startHost }) => {
  const host = await startHost();
  const { pane, editor } = await openMarkdown(page, host.url);
  const file = join(exampleCopy(host.dataDir), '.plumbline/spec.md');
  const original = readFileSync(file, 'utf8');

  await editor.focus();
  await page.keyboard.press('Control+End');
  await page.keyboard.type(TYPED, { delay: 5 });
  const save = pane.getByRole('button', { name: 'Save', exact: true });
  await expect(save).toBeEnabled();
  await page.keyboard.press('Control+s');
  await expect(save).toBeDisabled();
  await expect.poll(() => readFileSync(file, 'utf8')).toBe(original + TYPED);
  // The structured view shows what was saved.
  await pane.getByRole('radio', { name: 'Structured' }).click();
  await expect(pane.getByRole('heading', { name: 'Notes typed fast' })).toBeVisible();
});

test('a change on disk is applied when there are no edits and offered, not applied, while typing', async ({ page, startHost }) => {
  const host = await startHost();
  const { pane, editor } = await openMarkdown(page, host.url);
  const file = join(exampleCopy(host.dataDir), '.plumbline/spec.md');
  const original = readFileSync(file, 'utf8');

  // No unsaved edits: the editor shows the file's new content.
  const outside = original.replace('# Spec', '# Spec (edited outside)');
  writeFileSync(file, outside);
  await expect(pane.locator('.view-lines')).toContainText('(edited outside)');
  await expect(pane.getByRole('alert')).toHaveCount(0);

  // Unsaved edits: an outside write while typing is offered and never replaces the typing.
  await editor.focus();
  await page.keyboard.press('Control+End');
  const half = Math.floor(TYPED.length / 2);
  await page.keyboard.type(TYPED.slice(0, half), { delay: 5 });
  const typing = page.keyboard.type(TYPED.slice(half), { delay: 5 });
  writeFileSync(file, `${outside}\nA line added outside.\n`);
  await typing;
  const banner = pane.getByRole('alert');
  await expect(banner).toContainText('changed on disk while you had unsaved edits');
  expect(readFileSync(file, 'utf8')).toBe(`${outside}\nA line added outside.\n`);
  await banner.getByRole('button', { name: 'Keep mine' }).click();
  await editor.focus();
  await page.keyboard.press('Control+s');
  await expect(pane.getByText('● unsaved')).toHaveCount(0);
  await expect.poll(() => readFileSync(file, 'utf8')).toBe(outside + TYPED);

  // Unsaved edits survive switching views.
  await page.keyboard.type('Kept across views.', { delay: 5 });
  await pane.getByRole('radio', { name: 'Structured' }).click();
  await pane.getByRole('radio', { name: 'Markdown' }).click();
  await expect(pane.getByText('● unsaved')).toBeVisible();
  await editor.focus();
  await page.keyboard.press('Control+s');
  await expect(pane.getByText('● unsaved')).toHaveCount(0);
  await expect.poll(() => readFileSync(file, 'utf8')).toBe(`${outside}${TYPED}Kept across views.`);
});
