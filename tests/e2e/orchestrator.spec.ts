import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from './fixtures';

/** The folder `project.openExample` copied the example to (inside the host's data dir). */
function exampleCopy(dataDir: string): string {
  const base = join(dataDir, 'examples');
  const [first] = readdirSync(base);
  if (!first) throw new Error('no example copy');
  return join(base, first);
}

test('the Orchestrator edits the example: add SEC item, answer a question into a decision, move a task, export HTML', async ({ page, startHost }, testInfo) => {
  const host = await startHost();
  await page.goto(host.url);
  await page.getByRole('button', { name: /Open the example/ }).click();
  const pane = page.getByRole('region', { name: 'Orchestrator', exact: true });
  await expect(pane.getByRole('tab', { name: 'Spec' })).toHaveAttribute('aria-selected', 'true');
  await expect(pane.getByRole('listitem', { name: /^SEC-3: / })).toBeVisible();
  const root = exampleCopy(host.dataDir);

  // Add a security requirement: the ID is assigned and the line lands in the file.
  await pane.getByRole('textbox', { name: 'New item for Security requirements' }).fill('Rate-limit responses carry no key material');
  await pane.getByRole('button', { name: 'Add to Security requirements' }).click();
  await expect(pane.getByRole('listitem', { name: 'SEC-4: Rate-limit responses carry no key material' })).toBeVisible();
  expect(readFileSync(join(root, '.plumbline/spec.md'), 'utf8')).toContain(
    "- SEC-3: Keys longer than 128 characters or empty are rejected with 400, so memory per key stays bounded.\n- SEC-4: Rate-limit responses carry no key material\n",
  );

  // Answer an open question; it settles a choice, so a decision record is created.
  const question = 'Should the limit be configurable per key, or one limit for everyone?';
  await pane.getByRole('button', { name: `Answer: ${question}` }).click();
  const form = pane.getByRole('form', { name: `Answer: ${question}` });
  await form.getByRole('textbox', { name: 'Answer' }).fill('One default limit, overridable per key from limits.json');
  await form.getByRole('checkbox', { name: /This settles a decision/ }).check();
  await form.getByRole('textbox', { name: 'Decision title' }).fill('Per-key limit overrides');
  await form.getByRole('button', { name: 'Record answer' }).click();
  await expect(form).toHaveCount(0);
  await expect(pane.getByRole('button', { name: `Answer: ${question}` })).toHaveCount(0);
  expect(readFileSync(join(root, '.plumbline/spec.md'), 'utf8')).toContain(`[RESOLVED: ${question} → One default limit, overridable per key from limits.json (decision 0005)]`);
  await pane.getByRole('tab', { name: 'Decisions' }).click();
  const decisions = pane.getByRole('list', { name: 'Decisions' });
  await expect(decisions.getByRole('listitem').filter({ hasText: 'Per-key limit overrides' })).toContainText('0005');
  await decisions.getByRole('listitem').filter({ hasText: 'Per-key limit overrides' }).click();
  await expect(pane.getByRole('group', { name: 'Decision 0005' })).toContainText('One default limit, overridable per key');
  await pane.screenshot({ path: 'test-results/orchestrator-decisions.png' });
  const decisionFile = readdirSync(join(root, '.plumbline/decisions')).find((f) => f.startsWith('0005-'));
  expect(decisionFile).toBe('0005-per-key-limit-overrides.md');

  // Move T-6 from todo to in progress on the board.
  await pane.getByRole('tab', { name: 'Tasks' }).click();
  const board = pane.getByRole('region', { name: 'Tasks' });
  await expect(board.getByRole('region', { name: 'todo' }).getByRole('listitem', { name: /^T-6: / })).toBeVisible();
  await board.getByRole('combobox', { name: 'Status of T-6' }).selectOption('in progress');
  await expect(board.getByRole('region', { name: 'in progress' }).getByRole('listitem', { name: /^T-6: / })).toBeVisible();
  await expect(board.getByRole('region', { name: 'todo' }).getByRole('listitem', { name: /^T-6: / })).toHaveCount(0);
  expect(readFileSync(join(root, '.plumbline/tasks.md'), 'utf8')).toContain(
    '## T-6: Per-key limits from a config file\n\nRead limits per key from `limits.json`, falling back to the default.\n\n- serves: AC-3\n- scope: src/quota.js, src/config.js\n- checks: `npm test`\n- depends: T-2\n- status: in progress\n',
  );
  // Keyboard: Alt+→ moves the focused card one column on.
  await board.getByRole('listitem', { name: /^T-6: / }).focus();
  await page.keyboard.press('Alt+ArrowRight');
  await expect(board.getByRole('region', { name: 'in review' }).getByRole('listitem', { name: /^T-6: / })).toBeVisible();

  // Export HTML and check the downloaded file.
  await pane.getByRole('button', { name: 'Export' }).click();
  const dialog = page.getByRole('dialog', { name: 'Export spec and decision log' });
  await dialog.getByRole('radio', { name: /^HTML/ }).check();
  await dialog.getByRole('checkbox', { name: 'Tasks' }).check();
  const [download] = await Promise.all([page.waitForEvent('download'), dialog.getByRole('button', { name: 'Save' }).click()]);
  expect(download.suggestedFilename()).toBe('quota-service-spec.html');
  const html = readFileSync((await download.path())!, 'utf8');
  expect(html).toContain('quota-service — spec and decision log');
  expect(html).toContain('SEC-4: Rate-limit responses carry no key material');
  expect(html).toContain('0005 ✔ accepted');
  expect(html).toContain('T-6');
  expect(html).not.toMatch(/https?:/i);
  expect(html).not.toMatch(/\bsrc=/i);
  await expect(dialog).toHaveCount(0);

  await pane.screenshot({ path: testInfo.outputPath('orchestrator-board.png') });
  await pane.getByRole('tab', { name: 'Spec' }).click();
  await expect(pane.getByRole('listitem', { name: /^SEC-4: / })).toBeVisible();
  await pane.screenshot({ path: testInfo.outputPath('orchestrator.png') });
});

test('hand edits to .plumbline files appear live; delete has undo; items move by keyboard', async ({ page, startHost }) => {
  const host = await startHost();
  await page.goto(host.url);
  await page.getByRole('button', { name: /Open the example/ }).click();
  const pane = page.getByRole('region', { name: 'Orchestrator', exact: true });
  await expect(pane.getByRole('listitem', { name: /^NR-2: / })).toBeVisible();
  const root = exampleCopy(host.dataDir);
  const { writeFileSync } = await import('node:fs');
  const spec = readFileSync(join(root, '.plumbline/spec.md'), 'utf8');
  writeFileSync(join(root, '.plumbline/spec.md'), spec.replace('- NR-2: No distributed or clustered limiting; one process, one machine.', '- NR-2: No distributed limiting, edited by hand.'));
  await expect(pane.getByRole('listitem', { name: 'NR-2: No distributed limiting, edited by hand.' })).toBeVisible();

  // Delete with undo; the keyboard moves an item (Alt+↑).
  const ac4 = pane.getByRole('listitem', { name: /^AC-4: / });
  await ac4.hover();
  await ac4.getByRole('button', { name: 'Delete AC-4' }).click();
  await expect(pane.getByRole('listitem', { name: /^AC-4: / })).toHaveCount(0);
  await page.getByRole('button', { name: 'Undo' }).click();
  await expect(pane.getByRole('listitem', { name: /^AC-4: / })).toBeVisible();
  expect(readFileSync(join(root, '.plumbline/spec.md'), 'utf8')).toBe(spec.replace('- NR-2: No distributed or clustered limiting; one process, one machine.', '- NR-2: No distributed limiting, edited by hand.'));
  await pane.getByRole('listitem', { name: /^AC-3: / }).focus();
  await page.keyboard.press('Alt+ArrowUp');
  await expect.poll(() => readFileSync(join(root, '.plumbline/spec.md'), 'utf8')).toContain('- AC-3: The whole suite passes — `npm test`\n- AC-2:');
});
