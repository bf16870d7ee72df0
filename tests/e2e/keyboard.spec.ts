import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { git } from '../helpers/temp-repo';
import { startMockMessagesApi, streamReply, type RecordedRequest } from '../helpers/mock-messages-api';

// Keyboard only: no click, no fill; every step is a key press, as a person without a mouse works.
test.describe.configure({ timeout: 180_000 });

function exampleCopy(dataDir: string): string {
  const [first] = readdirSync(join(dataDir, 'examples'));
  if (!first) throw new Error('no example copy');
  return join(dataDir, 'examples', first);
}

const SERVER_LINE = "import { createQuota } from './quota.js';";

/** The scripted model for T-5: look at the server, add a log helper, report. */
function scriptedModel(req: RecordedRequest) {
  const messages = (req.body?.messages ?? []) as Array<{ role: string }>;
  const turn = messages.filter((m) => m.role === 'assistant').length;
  if (turn === 0) return streamReply([{ type: 'text', text: 'I will add a request log. ' }, { type: 'tool_use', name: 'str_replace_based_edit_tool', input: { command: 'view', path: 'src/server.js' } }]);
  if (turn === 1) return streamReply([{ type: 'tool_use', name: 'str_replace_based_edit_tool', input: { command: 'str_replace', path: 'src/server.js', old_str: SERVER_LINE, new_str: `${SERVER_LINE}\n\nconst logLine = (status) => console.log(JSON.stringify({ status }));` } }]);
  return streamReply([{ type: 'tool_use', name: 'report_outcome', input: { summary: 'Added a request log helper.', claims: [{ kind: 'file_changed', path: 'src/server.js', statement: 'request log added', confidence: 0.8 }] } }]);
}

/** Runs a palette command by typing its name. */
async function command(page: Page, name: string): Promise<void> {
  await page.keyboard.press('Control+Shift+P');
  const palette = page.getByRole('dialog', { name: 'Command palette' });
  await expect(palette.getByRole('combobox', { name: 'Command' })).toBeFocused();
  await page.keyboard.type(name);
  await expect(palette.getByRole('option').first()).toContainText(name);
  await page.keyboard.press('Enter');
  await expect(palette).toHaveCount(0);
}

/** Presses Tab until `target` has focus (at most `max` times). */
async function tabTo(page: Page, target: Locator, max = 30): Promise<number> {
  for (let i = 1; i <= max; i++) {
    await page.keyboard.press('Tab');
    if (await target.evaluate((el) => el === document.activeElement)) return i;
  }
  throw new Error(`focus did not reach the target in ${max} Tabs`);
}

test('the main flow with the keyboard alone: open the example, edit and save, stage a hunk, commit, verify, run a task and accept it', async ({ page, startHost }) => {
  // The run takes a baseline of the task's checks first (the whole suite): slow on a loaded machine.
  test.setTimeout(360_000);
  const api = await startMockMessagesApi();
  api.respondWith(scriptedModel);
  const host = await startHost({ env: { ANTHROPIC_BASE_URL: api.url, ANTHROPIC_API_KEY: 'test' } });
  await page.goto(host.url);
  await expect(page.getByRole('button', { name: /Open the example/ })).toBeVisible();

  // Open the example from the palette.
  await command(page, 'Open the example project');
  const builder = page.getByRole('region', { name: 'Builder', exact: true });
  await expect(builder.getByRole('tab', { name: 'Files' })).toBeVisible();
  const root = exampleCopy(host.dataDir);

  // The palette lists the commands with their shortcuts.
  await page.keyboard.press('Control+Shift+P');
  const palette = page.getByRole('dialog', { name: 'Command palette' });
  for (const name of ['Stage all changes', 'Commit staged changes…', 'Create branch…', 'Switch branch…', 'Verify: Run every check', 'New task…', 'New decision…', 'Add spec item…', 'Export spec and decision log…', 'Settings…', 'Open folder…', 'Keyboard shortcuts']) {
    await expect(palette.getByRole('option', { name: new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`) })).toBeVisible();
  }
  await expect(palette.getByRole('option', { name: /^Focus Builder/ })).toContainText('Ctrl+2');
  await expect(palette.getByRole('option', { name: /^Keyboard shortcuts/ })).toContainText('?');
  await page.keyboard.press('Escape');

  // Ctrl+2 focuses the Builder's active tab.
  await page.keyboard.press('Control+2');
  await expect(builder.getByRole('tab', { name: 'Files' })).toBeFocused();

  // Choose README.md in the tree (one Tab stop; End is its last item), then edit it from the palette: focus lands in its editor.
  await tabTo(page, builder.getByRole('treeitem', { name: '.plumbline' }));
  await page.keyboard.press('End');
  await expect(builder.getByRole('treeitem', { name: 'README.md' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(builder.getByText('read-only')).toBeVisible();
  await command(page, 'Edit file shown in Files');
  const editor = builder.getByRole('textbox', { name: 'Edit README.md' });
  await expect(editor).toBeFocused();
  await page.keyboard.press('Control+End');
  await page.keyboard.type('\nEdited with the keyboard alone.\n');
  await page.keyboard.press('Control+s');
  await expect(builder.getByRole('tab', { name: 'README.md', exact: true })).toBeVisible();
  await expect.poll(() => readFileSync(join(root, 'README.md'), 'utf8')).toContain('Edited with the keyboard alone.');

  // Changes: the row has focus; Enter shows the diff; Tab reaches "Stage hunk"; after it, focus stays on the file.
  await command(page, 'Show changes');
  const row = builder.getByRole('button', { name: 'README.md, modified' });
  await expect(row).toBeFocused();
  // A file at the root shows no folder beside its name.
  await expect(row).toHaveText('MREADME.md');
  await expect(row.locator('.change-dir')).toHaveCount(0);
  await page.keyboard.press('Enter');
  const stageHunk = builder.getByRole('button', { name: /^Stage hunk 1 / });
  await expect(stageHunk).toBeVisible();
  await tabTo(page, stageHunk);
  await page.keyboard.press('Enter');
  // Focus moves to the hunk now in its place, or to the file's row when no hunk is left: never to the page.
  await expect(builder.getByRole('list', { name: 'Staged', exact: true }).getByRole('button', { name: 'README.md, modified' })).toBeVisible();
  await expect(page.locator(':focus')).toHaveAttribute('aria-label', /^(Stage hunk 1 |README\.md, modified$)/);
  if (await stageHunk.isVisible()) {
    await page.keyboard.press('Enter');
    await expect(builder.getByRole('list', { name: 'Unstaged' })).toHaveCount(0);
    await expect(builder.getByRole('list', { name: 'Staged', exact: true }).getByRole('button', { name: 'README.md, modified' })).toBeFocused();
  }

  // Ctrl+2 focuses the Builder's active tab (Changes now), not its first tab.
  await page.keyboard.press('Control+2');
  await expect(builder.getByRole('tab', { name: 'Changes' })).toBeFocused();

  // Commit from the palette: focus goes to the message; Ctrl+Enter commits.
  await command(page, 'Commit staged changes…');
  await expect(builder.getByRole('textbox', { name: 'Commit message' })).toBeFocused();
  await page.keyboard.type('docs: note the keyboard path');
  await page.keyboard.press('Control+Enter');
  await expect.poll(() => git(root, 'log', '-1', '--format=%s').trim()).toBe('docs: note the keyboard path');

  // Verify from the palette; the result shows in the Calibrator.
  await command(page, 'Verify: Run every check');
  const cal = page.getByRole('region', { name: 'Calibrator', exact: true });
  await expect(cal.getByRole('status')).toContainText(/passed|failed/, { timeout: 90_000 });

  // Ctrl+3 focuses the Calibrator's active tab; `?` opens the shortcut sheet there, Escape closes it.
  await page.keyboard.press('Control+3');
  await expect(cal.getByRole('tab', { selected: true })).toBeFocused();
  await page.keyboard.press('?');
  const sheet = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(sheet).toContainText('Ctrl+Shift+P');
  await page.keyboard.press('Escape');
  await expect(sheet).toHaveCount(0);

  // In a text field `?` is a character, not a shortcut.
  await command(page, 'Create branch…');
  await expect(builder.getByRole('textbox', { name: 'New branch name' })).toBeFocused();
  await page.keyboard.type('what?');
  await expect(sheet).toHaveCount(0);
  await expect(builder.getByRole('textbox', { name: 'New branch name' })).toHaveValue('what?');

  // Run a task: choose it from the palette (focus lands on the task list, typing picks one), run it from the palette.
  await command(page, 'Agent: Choose a task to run…');
  const taskList = builder.getByRole('combobox', { name: 'Task' });
  await expect(taskList).toBeFocused();
  await page.keyboard.type('T-5');
  await expect(taskList).toHaveValue('T-5');
  await command(page, 'Agent: Run task');
  const run = page.getByRole('region', { name: 'Agent run' });
  const approve = run.getByRole('group', { name: 'Approval: Edit src/server.js' }).getByRole('button', { name: 'Approve' });
  await expect(approve).toBeVisible({ timeout: 120_000 });
  await tabTo(page, approve, 60);
  await page.keyboard.press('Enter');
  await expect(run).toContainText('✔ finished', { timeout: 60_000 });

  // Accept it: Tab reaches Accept; when the Calibrator has concerns, "Cancel" has focus and Tab reaches "Accept anyway".
  const review = page.getByRole('region', { name: 'Run diff' });
  const accept = review.getByRole('button', { name: 'Accept', exact: true });
  await expect(accept).toBeEnabled({ timeout: 60_000 });
  await tabTo(page, accept, 60);
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog');
  await expect(review.getByText('✔ accepted').or(dialog.getByRole('button', { name: 'Cancel' }))).toBeVisible({ timeout: 30_000 });
  if (await dialog.count()) {
    await expect(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused();
    await page.keyboard.press('Shift+Tab');
    await expect(dialog.getByRole('button', { name: 'Accept anyway' })).toBeFocused();
    await page.keyboard.press('Enter');
  }
  await expect(review).toContainText('✔ accepted');
  await expect.poll(() => git(root, 'log', '-1', '--format=%s').trim()).toMatch(/^T-5 /);
  expect(readFileSync(join(root, 'src/server.js'), 'utf8')).toContain('const logLine');
  // The Accept button is gone: focus stays in the review (never lost to the page), so Tab goes on from there.
  await expect.poll(() => review.evaluate((el) => el.contains(document.activeElement))).toBe(true);
  await api.close();
});

test('the file tree moves with the arrow keys: one Tab stop, folders open and close, Enter opens a file', async ({ page, startHost }) => {
  const host = await startHost();
  await page.goto(host.url);
  await command(page, 'Open the example project');
  const builder = page.getByRole('region', { name: 'Builder', exact: true });
  const tree = builder.getByRole('tree', { name: 'Files' });
  const item = (name: string) => tree.getByRole('treeitem', { name, exact: true });
  await expect(item('src')).toBeVisible();

  // One item of the tree is in the Tab order: Tab from the Files tab lands on the first item.
  await page.keyboard.press('Control+2');
  await expect(builder.getByRole('tab', { name: 'Files' })).toBeFocused();
  await tabTo(page, item('.plumbline'));
  await expect(tree.locator('[role="treeitem"][tabindex="0"]')).toHaveCount(1);

  // ↓ moves; → opens a folder, → again moves into it; ← from a file goes to its folder, ← again closes it.
  await page.keyboard.press('ArrowDown');
  await expect(item('src')).toBeFocused();
  await expect(item('src')).toHaveAttribute('aria-expanded', 'false');
  await page.keyboard.press('ArrowRight');
  await expect(item('src')).toHaveAttribute('aria-expanded', 'true');
  await expect(item('src')).toBeFocused();
  await expect(item('bucket.js')).toBeVisible();
  await page.keyboard.press('ArrowRight');
  await expect(item('bucket.js')).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await expect(item('quota.js')).toBeFocused();
  await page.keyboard.press('ArrowUp');
  await expect(item('bucket.js')).toBeFocused();
  await page.keyboard.press('ArrowLeft');
  await expect(item('src')).toBeFocused();
  await page.keyboard.press('ArrowLeft');
  await expect(item('src')).toHaveAttribute('aria-expanded', 'false');
  await expect(item('bucket.js')).toHaveCount(0);

  // Home and End; Enter opens the file and the tree keeps it as its Tab stop.
  await page.keyboard.press('End');
  await expect(item('README.md')).toBeFocused();
  await page.keyboard.press('Home');
  await expect(item('.plumbline')).toBeFocused();
  await page.keyboard.press('End');
  await page.keyboard.press('Enter');
  await expect(builder.getByText('read-only')).toBeVisible();
  await expect(item('README.md')).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('Shift+Tab');
  await expect(item('README.md')).not.toBeFocused();
  await page.keyboard.press('Tab');
  await expect(item('README.md')).toBeFocused();
});
