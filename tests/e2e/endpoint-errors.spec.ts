import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { expect, openWorkspace, test } from './fixtures';
import { git, makeTempDir } from '../helpers/temp-repo';
import { closedPortUrl, startMockMessagesApi, streamReply } from '../helpers/mock-messages-api';

test('a refused endpoint fails the run at once with the URL in its row; Test connection tests what is typed in the form', async ({ page, startHost }) => {
  const api = await startMockMessagesApi();
  api.respondWith(() => streamReply([{ type: 'text', text: 'pong' }]));
  try {
    const closed = await closedPortUrl();
    const project = makeTempDir('plumbline-example-');
    cpSync(join(process.cwd(), 'resources/example'), project, { recursive: true });
    git(project, 'init', '-q');
    git(project, 'add', '-A');
    git(project, 'commit', '-q', '-m', 'Example project');
    const home = makeTempDir('plumbline-home-');
    const host = await startHost({ folder: project, env: { ANTHROPIC_BASE_URL: closed, ANTHROPIC_API_KEY: 'test', HOME: home, XDG_CONFIG_HOME: join(home, '.config') } });
    await openWorkspace(page, host);
    await page.getByRole('region', { name: 'Builder', exact: true }).getByRole('tab', { name: 'Agent', exact: true }).click();
    await page.getByLabel('Task', { exact: true }).selectOption('T-5');
    await page.getByRole('button', { name: 'Run task' }).click();

    const runs = page.getByRole('navigation', { name: 'Runs' });
    const row = runs.getByRole('listitem').first();
    await expect(row).toContainText('✘ failed');
    await expect(row).toContainText(`Cannot connect to the Messages API at ${closed}/v1/messages`);
    await expect(row).not.toContainText('pending');
    const review = page.getByRole('region', { name: 'Run diff' });
    await expect(review).toContainText('failed, no files changed');
    await expect(review).not.toContainText('0 file(s) changed');

    await page.getByRole('button', { name: 'Agent settings…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Agent settings' });
    await dialog.getByLabel('builder endpoint').fill(`${api.url}/wrong`);
    await dialog.getByRole('button', { name: 'Test connection' }).nth(1).click();
    await expect(dialog.getByRole('status').first()).toContainText(`No Messages API at ${api.url}/wrong/v1/messages (HTTP 404) — check the endpoint in Settings.`);
    await dialog.getByLabel('builder endpoint').fill(api.url);
    await dialog.getByRole('button', { name: 'Test connection' }).nth(1).click();
    await expect(dialog.getByRole('status').first()).toContainText(`Connected to ${api.url}/v1/messages`);
  } finally {
    await api.close();
  }
});
