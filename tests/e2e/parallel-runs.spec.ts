import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { expect, openWorkspace, test } from './fixtures';
import { git, makeTempDir } from '../helpers/temp-repo';
import { startMockMessagesApi, streamReply, type MockMessagesApi, type RecordedRequest } from '../helpers/mock-messages-api';

/**
 * Three tasks of the example project at once. Of the example's tasks only T-3 (src/server.js) and T-6
 * (src/quota.js, src/config.js) are ready and not finished; the test reopens T-1 (src/bucket.js,
 * test/bucket.test.js: done in the example) so three ready tasks with disjoint scopes are selected.
 */
const TITLES = { t1: 'Token bucket core', t3: 'HTTP API', t6: 'Per-key limits from a config file' } as const;
const BUCKET_LINE = '// A token bucket: `capacity` tokens, refilled continuously at `refillPerSecond`.';
const SERVER_LINE = "import { createQuota } from './quota.js';";
const ALLOWED = 'return { allowed: true, status: 200,';

type Msg = { role: string; content: unknown };

/** The edit each task's run makes: T-1 and T-3 harmless ones, T-6 one that fails `npm test`. */
function editFor(first: string): { path: string; old_str: string; new_str: string } | null {
  if (first.includes(TITLES.t6)) return { path: 'src/quota.js', old_str: ALLOWED, new_str: 'return { allowed: false, status: 200,' };
  if (first.includes(TITLES.t1)) return { path: 'src/bucket.js', old_str: BUCKET_LINE, new_str: `${BUCKET_LINE}\n// Buckets never go below zero tokens.` };
  if (first.includes(TITLES.t3)) return { path: 'src/server.js', old_str: SERVER_LINE, new_str: `${SERVER_LINE}\n\n/** Replies are JSON, never HTML. */` };
  return null;
}

/** The scripted model: view the file, edit it, then the outcome with a claim about the file. */
function scriptedModel(req: RecordedRequest) {
  const messages = (req.body?.messages ?? []) as Msg[];
  const first = JSON.stringify(messages[0]?.content ?? '');
  const turn = messages.filter((m) => m.role === 'assistant').length;
  const edit = editFor(first);
  if (!edit) return streamReply([{ type: 'text', text: 'pong' }]);
  // The edit tool replaces text only in a file the run has viewed.
  if (turn === 0) return streamReply([{ type: 'text', text: `Reading ${edit.path}. ` }, { type: 'tool_use', name: 'str_replace_based_edit_tool', input: { command: 'view', path: edit.path } }]);
  if (turn === 1) return streamReply([{ type: 'tool_use', name: 'str_replace_based_edit_tool', input: { command: 'str_replace', ...edit } }]);
  return streamReply([{ type: 'tool_use', name: 'report_outcome', input: { summary: `Changed ${edit.path}.`, claims: [{ kind: 'file_changed', path: edit.path, statement: `${edit.path} changed`, confidence: 0.9 }] } }]);
}

const orchestrator = (page: Page): Locator => page.getByRole('region', { name: 'Orchestrator', exact: true });
const builder = (page: Page): Locator => page.getByRole('region', { name: 'Builder', exact: true });
const lanesView = (page: Page): Locator => page.getByRole('region', { name: 'Runs lane' });
const laneRow = (page: Page, taskId: string): Locator => lanesView(page).getByRole('list', { name: 'Parallel runs' }).getByRole('listitem').filter({ hasText: taskId });
const queueEntry = (page: Page, taskId: string): Locator => lanesView(page).getByRole('list', { name: 'Merge queue' }).getByRole('listitem').filter({ hasText: taskId });

/** Opens a lane's run below the lanes and approves its one edit. */
async function approveEdit(page: Page, taskId: string, path: string): Promise<void> {
  await laneRow(page, taskId).getByRole('button', { name: new RegExp(`^${taskId} `) }).click();
  const approval = page.getByRole('region', { name: 'Agent run' }).getByRole('group', { name: `Approval: Edit ${path}` });
  await approval.getByRole('button', { name: 'Approve' }).click();
  await expect(approval).toContainText('✔ approved');
}

/**
 * Opens a lane's ended run and accepts it (past the "Accept anyway?" dialog when the Calibrator found it red). A run
 * the Calibrator verified in its worktree says so, apart from merged; the state it was in is returned.
 */
async function accept(page: Page, taskId: string): Promise<string> {
  const state = laneRow(page, taskId).locator('[data-state]').first();
  await expect(state).toHaveAttribute('data-state', /^(finished|verified)$/, { timeout: 120_000 });
  const ended = (await state.getAttribute('data-state')) ?? '';
  await expect(state).toHaveText(ended === 'verified' ? '☑ verified in its worktree — review it to merge' : '■ finished: review it');
  await laneRow(page, taskId).getByRole('button', { name: new RegExp(`^${taskId} `) }).click();
  const review = page.getByRole('region', { name: 'Run diff' });
  await expect(review).toContainText('Accept puts it into the merge queue');
  await review.getByRole('button', { name: 'Accept', exact: true }).click();
  const anyway = page.getByRole('alertdialog', { name: 'Accept this run anyway?' });
  await expect(anyway.or(review.getByText('✔ accepted'))).toBeVisible({ timeout: 60_000 });
  if (await anyway.isVisible()) {
    await expect(anyway).toContainText('puts it into the merge queue');
    // Its backdrop covers the window, not only the pane the dialog was opened from (panes contain their paint).
    expect(await anyway.locator('xpath=..').boundingBox()).toEqual({ x: 0, y: 0, ...page.viewportSize()! });
    await anyway.getByRole('button', { name: 'Accept anyway' }).click();
  }
  await expect(review).toContainText('✔ accepted', { timeout: 60_000 });
  return ended;
}

let api: MockMessagesApi;
test.beforeEach(async () => {
  api = await startMockMessagesApi();
  api.respondWith(scriptedModel);
});
test.afterEach(async () => {
  await api.close();
});

test.use({ viewport: { width: 1280, height: 720 }, colorScheme: 'light' });

test('three tasks of the example run at once: two merge in order with their checks passing on the merged tree, the failing one stays stopped with its reason', async ({ page, startHost }) => {
  test.setTimeout(360_000);
  const project = makeTempDir('plumbline-parallel-');
  cpSync(join(process.cwd(), 'resources/example'), project, { recursive: true });
  const tasksFile = join(project, '.plumbline/tasks.md');
  writeFileSync(tasksFile, readFileSync(tasksFile, 'utf8').replace('- status: done', '- status: todo'));
  git(project, 'init', '-q');
  git(project, 'config', 'user.name', 'Ada Builder');
  git(project, 'config', 'user.email', 'ada@example.com');
  git(project, 'add', '-A');
  git(project, 'commit', '-q', '-m', 'Example project');
  const branch = git(project, 'symbolic-ref', '--short', 'HEAD').trim();
  const notes = Buffer.from('untracked user notes\r\nwith bytes \u00e9\u0000 kept\n', 'utf8');
  writeFileSync(join(project, 'my-notes.txt'), notes);
  const home = makeTempDir('plumbline-home-');
  const host = await startHost({ folder: project, env: { ANTHROPIC_BASE_URL: api.url, ANTHROPIC_API_KEY: 'test', HOME: home, XDG_CONFIG_HOME: join(home, '.config') } });
  await openWorkspace(page, host);

  // The board: tick three ready tasks (one with Space on its focused card); a task that is not ready says why.
  await orchestrator(page).getByRole('tab', { name: 'Tasks' }).click();
  const board = orchestrator(page).getByRole('region', { name: 'Tasks' });
  const t4 = board.getByRole('checkbox', { name: 'Select T-4 to run' });
  await expect(t4).toBeDisabled();
  await expect(t4).toHaveAttribute('aria-description', 'T-4 depends on T-3, which is not done; run T-3 first.');
  await expect(board.getByRole('checkbox', { name: 'Select T-2 to run' })).toBeDisabled();
  const runSelected = orchestrator(page).getByRole('button', { name: /^Run selected/ });
  await expect(runSelected).toBeDisabled();
  await board.getByRole('checkbox', { name: 'Select T-1 to run' }).check();
  await board.getByRole('checkbox', { name: 'Select T-3 to run' }).check();
  await board.getByRole('listitem', { name: `T-6: ${TITLES.t6}` }).focus();
  await page.keyboard.press('Space');
  await expect(board.getByRole('checkbox', { name: 'Select T-6 to run' })).toBeChecked();
  await expect(runSelected).toHaveText('Run selected (3)');
  await page.screenshot({ path: test.info().outputPath('parallel-runs-board-1280x720-light.png') });

  // Run selected: two start (two at once by default), the third is queued; the answer is shown where the button is.
  await runSelected.click();
  const answer = orchestrator(page).getByRole('status', { name: 'Run selected' });
  // Both worktrees and runs are set up before the answer comes: slow on a loaded machine.
  await expect(answer).toContainText('T-1 started on plumbline/T-1-', { timeout: 90_000 });
  await expect(answer).toContainText('T-3 started on plumbline/T-3-');
  await expect(answer).toContainText('T-6 queued');
  await expect(answer).toBeFocused();

  // The Builder shows the Runs lane; each run is opened below it and its edit approved there.
  await expect(builder(page).getByRole('radio', { name: 'Runs lane' })).toHaveAttribute('aria-checked', 'true');
  await expect(laneRow(page, 'T-1')).toContainText('plumbline/T-1-');
  await approveEdit(page, 'T-1', 'src/bucket.js');
  await approveEdit(page, 'T-3', 'src/server.js');
  // T-6 starts once one of the two finished.
  await expect(laneRow(page, 'T-6').getByRole('button', { name: /^T-6 / })).toBeVisible({ timeout: 120_000 });
  await approveEdit(page, 'T-6', 'src/quota.js');
  // The user's work tree is not touched by the runs: besides the user's own file only the Calibrator's ledger, where
  // the runs' verification records go (docs/verification.md §4), may be new.
  const untouched = git(project, 'status', '--porcelain').trim().split('\n').filter((l) => l !== '?? .plumbline/evidence.jsonl');
  expect(untouched).toEqual(['?? my-notes.txt']);

  // Accepted in turn: T-1 and T-3 merge in order, T-6's `npm test` fails on the merged tree and stops it.
  // T-1 only adds a comment: its checks pass in its worktree, and the Calibrator verifies it there.
  expect(await accept(page, 'T-1')).toBe('verified');
  await expect(queueEntry(page, 'T-1').locator('[data-state]')).toHaveAttribute('data-state', 'merged', { timeout: 120_000 });
  await expect(laneRow(page, 'T-1').locator('[data-state]').first()).toHaveText('✔ merged — checks pass on the merged tree');
  await accept(page, 'T-3');
  await expect(queueEntry(page, 'T-3').locator('[data-state]')).toHaveAttribute('data-state', 'merged', { timeout: 120_000 });
  await accept(page, 'T-6');
  const stopped = queueEntry(page, 'T-6');
  await expect(stopped.locator('[data-state]')).toHaveAttribute('data-state', 'stopped', { timeout: 120_000 });
  await expect(stopped).toContainText(/`npm test`\) failed.* on the merged tree/);
  // What to do is said once.
  await expect(stopped.locator('.queue-reason')).toHaveText(/^[^]*hand the task back to the thinker, or drop it from the queue\.$/);
  expect((await stopped.locator('.queue-reason').textContent())?.match(/drop it/g)).toHaveLength(1);
  await expect(laneRow(page, 'T-6')).toContainText('on the merged tree');
  await expect(laneRow(page, 'T-1').locator('[data-state]').first()).toHaveAttribute('data-state', 'merged');
  await expect(laneRow(page, 'T-3').locator('[data-state]').first()).toHaveAttribute('data-state', 'merged');
  await expect(lanesView(page).getByRole('list', { name: 'Merge queue' }).getByRole('listitem')).toHaveText([/^1\.\s*T-1/, /^2\.\s*T-3/, /^3\.\s*T-6/]);

  // Drop asks first (the run's worktree and branch would be deleted); Cancel keeps it stopped in the queue.
  await stopped.getByRole('button', { name: 'Drop…' }).click();
  const confirm = stopped.getByRole('alertdialog', { name: 'Drop T-6?' });
  await expect(confirm).toContainText('worktree and the branch');
  await expect(confirm.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(confirm).toHaveCount(0);
  await expect(stopped.getByRole('button', { name: 'Drop…' })).toBeFocused();
  await expect(stopped.getByRole('group', { name: 'What to do with T-6' })).toBeVisible();
  // The screenshot of the Runs lane: the Builder maximised (double-click its title), notices dismissed.
  await builder(page).getByText('Builder', { exact: true }).dblclick();
  // Notices can also go by themselves meanwhile: dismiss the first one left until none is.
  const dismiss = page.getByRole('button', { name: 'Dismiss', exact: true });
  await expect(async () => {
    if ((await dismiss.count()) > 0) await dismiss.first().click({ timeout: 2_000 });
    await expect(dismiss).toHaveCount(0, { timeout: 500 });
  }).toPass({ timeout: 30_000 });
  await laneRow(page, 'T-1').scrollIntoViewIfNeeded();
  await page.screenshot({ path: test.info().outputPath('parallel-runs-lanes-1280x720-light.png') });
  await stopped.scrollIntoViewIfNeeded();
  await page.screenshot({ path: test.info().outputPath('parallel-runs-queue-1280x720-light.png') });

  // The user's branch has both merge commits, in order, and their files; not T-6's change.
  const merges = git(project, 'log', '--merges', '--first-parent', '--format=%s', branch).trim().split('\n');
  expect(merges).toHaveLength(2);
  expect(merges[0]).toContain('plumbline/T-3-');
  expect(merges[1]).toContain('plumbline/T-1-');
  expect(git(project, 'show', `${branch}:src/bucket.js`)).toContain('Buckets never go below zero tokens.');
  expect(git(project, 'show', `${branch}:src/server.js`)).toContain('Replies are JSON, never HTML.');
  expect(git(project, 'show', `${branch}:src/quota.js`)).toContain(ALLOWED);
  expect(git(project, 'branch', '--format=%(refname:short)', '--list', 'plumbline/*').trim()).toMatch(/^plumbline\/T-6-/);
  expect(git(project, 'fsck', '--strict', '--no-dangling', '--no-progress').trim()).toBe('');
  expect(readFileSync(join(project, 'my-notes.txt')).equals(notes)).toBe(true);
});

test('with the embedded git engine Run selected starts nothing and says why where the button is', async ({ page, startHost }) => {
  const project = makeTempDir('plumbline-parallel-embedded-');
  cpSync(join(process.cwd(), 'resources/example'), project, { recursive: true });
  git(project, 'init', '-q');
  git(project, 'add', '-A');
  git(project, 'commit', '-q', '-m', 'Example project');
  const home = makeTempDir('plumbline-home-');
  const host = await startHost({ folder: project, env: { PLUMBLINE_GIT: 'embedded', ANTHROPIC_BASE_URL: api.url, ANTHROPIC_API_KEY: 'test', HOME: home, XDG_CONFIG_HOME: join(home, '.config') } });
  await openWorkspace(page, host);
  await orchestrator(page).getByRole('tab', { name: 'Tasks' }).click();
  await orchestrator(page).getByRole('checkbox', { name: 'Select T-3 to run' }).check();
  await orchestrator(page).getByRole('button', { name: 'Run selected (1)' }).click();
  const refusal = orchestrator(page).getByRole('alert', { name: 'Run selected' });
  await expect(refusal).toContainText('Nothing started. Parallel runs need git ≥ 2.30 installed; with the embedded engine tasks run one at a time');
  await expect(refusal).toContainText('Run the tasks one by one with “Run task”.');
  await expect(refusal).toBeFocused();
  expect(git(project, 'branch', '--list', 'plumbline/*').trim()).toBe('');
  expect(api.messageRequests()).toHaveLength(0);
});
