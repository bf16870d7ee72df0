import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from './fixtures';

/** The folder `project.openExample` copied the example to (inside the host's data dir). */
function exampleCopy(dataDir: string): string {
  const [first] = readdirSync(join(dataDir, 'examples'));
  if (!first) throw new Error('no example copy');
  return join(dataDir, 'examples', first);
}

test('Purpose is edited as a text block and the API contract as a table, the rest of spec.md untouched', async ({ page, startHost }) => {
  await page.setViewportSize({ width: 1280, height: 720 });
  const host = await startHost();
  await page.goto(host.url);
  await page.getByRole('button', { name: /Open the example/ }).click();
  const pane = page.getByRole('region', { name: 'Orchestrator', exact: true });
  await expect(pane.getByRole('listitem', { name: /^SEC-3: / })).toBeVisible();
  const file = join(exampleCopy(host.dataDir), '.plumbline/spec.md');
  const before = readFileSync(file, 'utf8');

  // Purpose: one text block, saved exactly as typed (odd spacing, a pipe, two paragraphs).
  const purpose = pane.getByRole('region', { name: 'Purpose' });
  await purpose.getByRole('button', { name: 'Edit Purpose' }).click();
  const text = purpose.getByRole('textbox', { name: 'Text of Purpose' });
  await expect(text).toBeFocused();
  const words = 'Rate-limits API keys  for small teams | on one machine.\n\nCallers ask before they spend.';
  await text.fill(words);
  await page.keyboard.press('Control+Enter');
  await expect(purpose.getByRole('textbox')).toHaveCount(0);
  await expect(purpose.getByRole('button', { name: 'Edit Purpose' })).toBeFocused();
  await expect(purpose).toContainText('Callers ask before they spend.');
  const oldPurpose = before.slice(before.indexOf('A tiny HTTP'), before.indexOf('\n\n## Architecture'));
  await expect.poll(() => readFileSync(file, 'utf8')).toBe(before.replace(oldPurpose, words));

  // API contract: a real table, not pipe text; cells wrap instead of being clipped.
  const api = pane.getByRole('region', { name: 'API contract' });
  const table = api.getByRole('table', { name: 'API contract' });
  await expect(table.getByRole('columnheader')).toHaveText(['Method', 'Path', 'Request', 'Response']);
  await expect(table.getByRole('row')).toHaveCount(3);
  await expect(api).not.toContainText('|---|');
  const wrap = await table.evaluate((el) => {
    const box = el.parentElement!;
    return { scrolls: getComputedStyle(box).overflowX, fits: el.getBoundingClientRect().width <= box.getBoundingClientRect().width + 1 || box.scrollWidth > box.clientWidth };
  });
  expect(wrap).toEqual({ scrolls: 'auto', fits: true });

  // Edit a cell, add a row with a pipe in it, remove the GET row.
  await api.getByRole('button', { name: 'Edit API contract' }).click();
  await expect(api.getByRole('textbox', { name: 'Method, row 1' })).toBeFocused();
  await api.getByRole('textbox', { name: 'Response, row 1' }).fill('`200 {"remaining": n}` or `429`');
  await api.getByRole('button', { name: 'Remove row 2' }).click();
  await api.getByRole('button', { name: '+ Row' }).click();
  await expect(api.getByRole('textbox', { name: 'Method, row 2' })).toBeFocused();
  await page.keyboard.type('DELETE');
  await api.getByRole('textbox', { name: 'Path, row 2' }).fill('`/key`');
  await api.getByRole('textbox', { name: 'Request, row 2' }).fill('a | b');
  await api.getByRole('textbox', { name: 'Response, row 2' }).fill('204');
  await api.getByRole('button', { name: 'Save' }).click();
  await expect(api.getByRole('textbox')).toHaveCount(0);
  await expect(table.getByRole('row')).toHaveCount(3);
  await expect(table.getByRole('row').nth(2)).toContainText('a | b');

  const after = readFileSync(file, 'utf8');
  expect(after).toContain(
    '| Method | Path | Request | Response |\n|---|---|---|---|\n| POST | `/consume` | header `x-api-key` | `200 {"remaining": n}` or `429` |\n| DELETE | `/key` | a \\| b | 204 |\n\n## Failure modes',
  );
  expect(after.slice(after.indexOf('## Failure modes'))).toBe(before.slice(before.indexOf('## Failure modes')));
  expect(after.slice(0, after.indexOf('## API contract'))).toBe(before.replace(oldPurpose, words).slice(0, before.replace(oldPurpose, words).indexOf('## API contract')));
});
