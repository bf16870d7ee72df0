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
  // Its backdrop covers the window, not only the Orchestrator it was opened from (panes contain their paint).
  expect(await dialog.locator('xpath=..').boundingBox()).toEqual({ x: 0, y: 0, ...page.viewportSize()! });
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

test('more specs, decision ↔ spec links both ways, and coverage with the latest evidence after Verify', async ({ page, startHost }, testInfo) => {
  const host = await startHost();
  await page.goto(host.url);
  await page.getByRole('button', { name: /Open the example/ }).click();
  const pane = page.getByRole('region', { name: 'Orchestrator', exact: true });
  await expect(pane.getByRole('listitem', { name: /^SEC-3: / })).toBeVisible();
  const root = exampleCopy(host.dataDir);

  // "New spec…": a skeleton under .plumbline/specs/, named by the slug, shown at once.
  await pane.getByRole('button', { name: 'New spec…' }).click();
  await pane.getByRole('textbox', { name: 'Name of the new spec' }).fill('Billing & Invoices');
  await pane.getByRole('form', { name: 'New spec' }).getByRole('button', { name: 'Create' }).click();
  const switcher = pane.getByRole('combobox', { name: 'Spec' });
  await expect(switcher).toHaveValue('.plumbline/specs/billing-invoices.md');
  await expect(pane.getByRole('listitem', { name: /^SEC-3: / })).toHaveCount(0);
  // IDs are unique across specs: the main spec holds SEC-1..3, so this one gets SEC-4.
  await pane.getByRole('textbox', { name: 'New item for Security requirements' }).fill('Invoices are signed');
  await pane.getByRole('button', { name: 'Add to Security requirements' }).click();
  await expect(pane.getByRole('listitem', { name: 'SEC-4: Invoices are signed' })).toBeVisible();
  const billing = readFileSync(join(root, '.plumbline/specs/billing-invoices.md'), 'utf8');
  expect(billing.startsWith('# Spec: Billing & Invoices\n')).toBe(true);
  expect(billing).toContain('## Security requirements\n\n<!-- hint:');
  expect(billing).toContain('\n\n- SEC-4: Invoices are signed\n');
  expect(readFileSync(join(root, '.plumbline/spec.md'), 'utf8')).not.toContain('SEC-4');

  // Back to the main spec (listed first): its items carry "decided in" chips from the decisions' links.
  await expect(switcher.getByRole('option')).toHaveText(['quota-service (main)', 'Billing & Invoices']);
  await switcher.selectOption({ label: 'quota-service (main)' });
  const ac1 = pane.getByRole('listitem', { name: /^AC-1: / });
  await ac1.getByRole('button', { name: /^Decided in 0003: / }).click();
  await expect(pane.getByRole('tab', { name: 'Decisions' })).toHaveAttribute('aria-selected', 'true');
  const detail = pane.getByRole('group', { name: 'Decision 0003' });
  await expect(detail.getByRole('button', { name: 'Show AC-1 in the spec' })).toBeVisible();

  // Edit the links with the picker: add an item of the other spec, remove one.
  await detail.getByRole('button', { name: 'Edit' }).click();
  const form = pane.getByRole('form', { name: 'Save decision 0003' });
  await form.getByRole('combobox', { name: 'Link a spec item' }).selectOption('SEC-4');
  await form.getByRole('button', { name: 'Remove link AD-2' }).click();
  await pane.screenshot({ path: testInfo.outputPath('orchestrator-decision-links.png') });
  await form.getByRole('button', { name: 'Save decision 0003' }).click();
  await expect(form).toHaveCount(0);
  const file = readdirSync(join(root, '.plumbline/decisions')).find((f) => f.startsWith('0003-'))!;
  expect(readFileSync(join(root, '.plumbline/decisions', file), 'utf8')).toContain('links: [AC-1, SEC-4]');
  await expect(detail.getByRole('button', { name: /^Show AD-2/ })).toHaveCount(0);
  // The link jumps to the item in the spec that holds it.
  await detail.getByRole('button', { name: 'Show SEC-4 in the spec' }).click();
  await expect(switcher).toHaveValue('.plumbline/specs/billing-invoices.md');
  const sec4 = pane.getByRole('listitem', { name: 'SEC-4: Invoices are signed' });
  await expect(sec4).toBeFocused();
  await expect(sec4.getByRole('button', { name: /^Decided in 0003: / })).toBeVisible();
  await pane.screenshot({ path: testInfo.outputPath('orchestrator-more-specs.png') });

  // Coverage: requirement × tasks × latest evidence, across both specs.
  await pane.getByRole('radio', { name: 'Coverage' }).click();
  const matrix = pane.getByRole('table', { name: 'Coverage' });
  await expect(matrix.getByRole('row', { name: 'AC-1' })).toContainText('– no evidence');
  await expect(matrix.getByRole('row', { name: 'SEC-4' })).toContainText('⚠ no task');
  await expect(matrix.getByRole('row', { name: 'SEC-4' })).toContainText('billing-invoices.md');
  await expect(matrix.getByRole('row', { name: 'AC-1' })).toContainText(/T-\d/);

  // Verify in the Calibrator; the matrix follows with the verdicts.
  const cal = page.getByRole('region', { name: 'Calibrator', exact: true });
  await cal.getByRole('button', { name: 'Verify', exact: true }).click();
  await expect(matrix.getByRole('row', { name: 'AC-1' })).toContainText('✔ verified', { timeout: 60_000 });
  await expect(matrix.getByRole('row', { name: 'AC-3' })).toContainText('✔ verified');
  // A manual check has no command to run: still no evidence.
  await expect(matrix.getByRole('row', { name: 'AC-4' })).toContainText('– no evidence');
  await pane.screenshot({ path: testInfo.outputPath('orchestrator-coverage.png') });

  // Export: every spec, each under its own heading.
  await pane.getByRole('button', { name: 'Export' }).click();
  const dialog = page.getByRole('dialog', { name: 'Export spec and decision log' });
  await dialog.getByRole('radio', { name: /^Markdown/ }).check();
  const [download] = await Promise.all([page.waitForEvent('download'), dialog.getByRole('button', { name: 'Save' }).click()]);
  const md = readFileSync((await download.path())!, 'utf8');
  expect(md).toContain('## Spec: Billing & Invoices\n');
  expect(md).toContain('- SEC-4: Invoices are signed');
  expect(md.indexOf('## Spec: Billing & Invoices')).toBeGreaterThan(md.indexOf('SEC-3: Keys longer'));
});
