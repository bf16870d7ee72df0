import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, openWorkspace, test } from './fixtures';
import { git, makeTempDir } from '../helpers/temp-repo';
import { startMockMessagesApi, streamReply, type MockMessagesApi, type RecordedRequest } from '../helpers/mock-messages-api';

const SERVER_LINE = "import { createQuota } from './quota.js';";

type Msg = { role: string; content: unknown };

/** The scripted model: decides by the task in the first message and how many turns came before. */
function scriptedModel(req: RecordedRequest) {
  const messages = (req.body?.messages ?? []) as Msg[];
  const first = JSON.stringify(messages[0]?.content ?? '');
  const turn = messages.filter((m) => m.role === 'assistant').length;
  if (first.includes('T-5')) {
    if (turn === 0) return streamReply([{ type: 'text', text: 'I will add a structured request log to the server. ', chunks: 6 }, { type: 'tool_use', name: 'str_replace_based_edit_tool', input: { command: 'view', path: 'src/server.js' } }]);
    if (turn === 1) return streamReply([{ type: 'tool_use', name: 'str_replace_based_edit_tool', input: { command: 'str_replace', path: 'src/server.js', old_str: SERVER_LINE, new_str: `${SERVER_LINE}\n\n/** One JSON line per request, never the key itself (SEC-1). */\nconst logLine = (status, remaining) => console.log(JSON.stringify({ time: new Date().toISOString(), status, remaining }));` } }]);
    return streamReply([{ type: 'tool_use', name: 'report_outcome', input: { summary: 'Added a structured request log helper.', claims: [{ kind: 'file_changed', path: 'src/server.js', statement: 'request log added', confidence: 0.8 }] } }]);
  }
  if (!first.includes('T-4')) return streamReply([{ type: 'text', text: 'pong' }]);
  if (turn === 0) return streamReply([{ type: 'tool_use', name: 'str_replace_based_edit_tool', input: { command: 'create', path: 'src/redact.js', file_text: 'export const redact = () => "[hidden]";\n' } }]);
  return streamReply([{ type: 'text', text: 'Created the redaction helper.' }]);
}

async function openAgentTab(page: Page): Promise<void> {
  await page.getByRole('region', { name: 'Builder', exact: true }).getByRole('tab', { name: 'Agent', exact: true }).click();
}

let api: MockMessagesApi;
test.beforeEach(async () => {
  api = await startMockMessagesApi();
  api.respondWith(scriptedModel);
});
test.afterEach(async () => {
  await api.close();
});

test('run a task of the example: stream shown, edit approved, diff reviewed, accepted into a commit; another run rejected and its files restored', async ({ page, startHost }) => {
  // Two runs, and the diff editor's first load (Monaco: seconds on a busy machine), in one test.
  test.slow();
  const project = makeTempDir('plumbline-example-');
  cpSync(join(process.cwd(), 'resources/example'), project, { recursive: true });
  git(project, 'init', '-q');
  git(project, 'add', '-A');
  git(project, 'commit', '-q', '-m', 'Example project');
  git(project, 'config', 'user.name', 'Ada Builder');
  git(project, 'config', 'user.email', 'ada@example.com');
  writeFileSync(join(project, 'my-notes.txt'), 'untracked user notes\n');
  const home = makeTempDir('plumbline-home-');
  const host = await startHost({ folder: project, env: { ANTHROPIC_BASE_URL: api.url, ANTHROPIC_API_KEY: 'test', HOME: home, XDG_CONFIG_HOME: join(home, '.config') } });
  await openWorkspace(page, host);
  await openAgentTab(page);

  await page.getByLabel('Task', { exact: true }).selectOption('T-5');
  await page.getByRole('button', { name: 'Run task' }).click();
  const run = page.getByRole('region', { name: 'Agent run' });
  await expect(run).toContainText('I will add a structured request log');
  const approval = run.getByRole('group', { name: 'Approval: Edit src/server.js' });
  await expect(approval).toContainText('+ const logLine');
  await page.screenshot({ path: test.info().outputPath('agent-run-approval.png') });
  await approval.getByRole('button', { name: 'Approve' }).click();
  await expect(run).toContainText('✔ finished');
  await expect(run.getByLabel('Cost meter')).toContainText('estimated');

  const review = page.getByRole('region', { name: 'Run diff' });
  await expect(review.getByRole('tab', { name: '~ src/server.js' })).toBeVisible();
  // The changed lines show at once, as text; "Diff editor" opens the same change in the (Monaco) diff editor.
  await expect(review.getByLabel('Diff of src/server.js')).toContainText('+ const logLine');
  await page.screenshot({ path: test.info().outputPath('agent-run-review.png') });
  await review.getByRole('button', { name: 'Diff editor' }).click();
  await expect(review.getByRole('button', { name: 'Diff editor' })).toHaveAttribute('aria-pressed', 'true');
  await expect(review.getByTestId('diff-editor')).toContainText('const logLine');
  await review.getByRole('button', { name: 'Accept' }).click();
  await expect(review).toContainText('✔ accepted');
  expect(git(project, 'log', '-1', '--format=%s|%an').trim()).toBe('T-5 Structured request log|Ada Builder');
  expect(git(project, 'show', '--stat', '--format=', 'HEAD').trim()).toContain('src/server.js');
  expect(readFileSync(join(project, 'src/server.js'), 'utf8')).toContain('const logLine');

  // A second run on another task, rejected: the agent's file goes, the user's untracked file stays.
  await page.getByLabel('Task', { exact: true }).selectOption('T-4');
  await page.getByRole('button', { name: 'Run task' }).click();
  const create = run.getByRole('group', { name: 'Approval: Edit src/redact.js' });
  await create.getByRole('button', { name: 'Approve' }).click();
  await expect(run).toContainText('Created the redaction helper.');
  await expect(review.getByRole('tab', { name: '+ src/redact.js' })).toBeVisible();
  expect(existsSync(join(project, 'src/redact.js'))).toBe(true);
  await review.getByRole('button', { name: 'Reject' }).click();
  await expect(review).toContainText('↩ rejected');
  expect(existsSync(join(project, 'src/redact.js'))).toBe(false);
  expect(readFileSync(join(project, 'my-notes.txt'), 'utf8')).toBe('untracked user notes\n');
  await page.screenshot({ path: test.info().outputPath('agent-run-rejected.png') });

  // The key never reached the renderer.
  expect(await page.content()).not.toContain('ANTHROPIC_API_KEY=test');
  // The builder got the task, not the whole spec.
  const firstBody = JSON.stringify(api.messageRequests()[0].body);
  expect(firstBody).toContain('T-5');
  expect(firstBody).toContain('Never log or return an API key');
});

test('without a key the agent buttons say what to set; a key saved in Agent settings never comes back to the page', async ({ page, startHost }) => {
  const project = makeTempDir('plumbline-example-');
  cpSync(join(process.cwd(), 'resources/example'), project, { recursive: true });
  const home = makeTempDir('plumbline-home-');
  const env: Record<string, string> = { ANTHROPIC_BASE_URL: api.url, HOME: home, XDG_CONFIG_HOME: join(home, '.config'), ANTHROPIC_API_KEY: '' };
  const host = await startHost({ folder: project, env });
  await openWorkspace(page, host);
  await openAgentTab(page);
  await expect(page.getByRole('button', { name: 'Run task' })).toBeDisabled();
  await expect(page.getByRole('note').filter({ hasText: 'No API key for the builder role' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Critique spec' })).toBeDisabled();

  await page.getByRole('button', { name: 'Agent settings…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Agent settings' });
  await dialog.getByLabel('builder key').fill('sk-secret-from-dialog');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(dialog).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Run task' })).toBeEnabled();
  await page.getByRole('button', { name: 'Agent settings…' }).click();
  await expect(dialog.getByLabel('builder key')).toHaveAttribute('placeholder', 'set (app)');
  await expect(dialog.getByLabel('builder key')).toHaveValue('');
  await dialog.getByRole('button', { name: 'Test connection' }).nth(1).click();
  await expect(dialog.getByRole('status').first()).toContainText('Connected');
  await page.screenshot({ path: test.info().outputPath('agent-settings.png') });
  expect(await page.content()).not.toContain('sk-secret-from-dialog');
});
