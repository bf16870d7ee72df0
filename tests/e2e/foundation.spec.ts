import { writeFileSync } from 'node:fs';
import WebSocket from 'ws';
import { join } from 'node:path';
import { expect, openWorkspace, test } from './fixtures';
import { makeRepo, makeTempDir, writeFiles } from '../helpers/temp-repo';

test('opening a folder shows the three named panes, the branch and the file tree', async ({ page, startHost }) => {
  const repo = makeRepo({ 'README.md': '# Demo\n', 'src/index.ts': 'export const answer = 42;\n', '.gitignore': 'build/\n', 'build/out.js': 'ignored\n' });
  const host = await startHost({ folder: repo });
  await openWorkspace(page, host);
  await expect(page.getByLabel('Branch')).toContainText('main');
  const tree = page.getByRole('tree', { name: 'Files' });
  await expect(tree.getByText('README.md')).toBeVisible();
  await expect(tree.getByText('src', { exact: true })).toBeVisible();
  await expect(tree.getByText('.git', { exact: true })).toHaveCount(0);
  await expect(tree.getByText('build', { exact: true })).toHaveCount(0);
  // The token left the address bar.
  expect(page.url()).not.toContain('token=');
});

test('a file opens read-only in Monaco; binary files are named, not loaded', async ({ page, startHost }) => {
  const repo = makeRepo({ 'src/index.ts': 'export const answer = 42;\n' });
  writeFileSync(join(repo, 'logo.bin'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 1, 2, 3]));
  const host = await startHost({ folder: repo });
  await openWorkspace(page, host);
  const tree = page.getByRole('tree', { name: 'Files' });
  await tree.getByText('src', { exact: true }).click();
  await tree.getByText('index.ts').click();
  const editor = page.getByTestId('code-editor');
  await expect(editor).toContainText('export const answer = 42;');
  await expect(page.getByText('read-only')).toBeVisible();
  await tree.getByText('logo.bin').click();
  await expect(page.getByRole('note')).toContainText('binary file');
});

test('a folder that is not a git repository opens and can be initialised', async ({ page, startHost }) => {
  const folder = makeTempDir();
  writeFiles(folder, { 'notes.txt': 'hello\n' });
  const host = await startHost({ folder });
  await openWorkspace(page, host);
  await expect(page.getByLabel('Branch')).toContainText('not a git repository');
  await page.getByRole('button', { name: 'Initialise git' }).click();
  await expect(page.getByLabel('Branch')).toContainText('main');
  await expect(page.getByRole('button', { name: 'Initialise git' })).toHaveCount(0);
});

test('the welcome screen explains the panes, opens a folder through the picker and lists it as recent', async ({ page, startHost }) => {
  const parent = makeTempDir();
  const folder = join(parent, 'my-project');
  writeFiles(folder, { 'a.txt': 'a\n' });
  const host = await startHost({ args: ['--root', parent] });
  await page.goto(host.url);
  const welcome = page.getByRole('main', { name: 'Welcome' });
  await expect(welcome.getByRole('heading', { name: 'Orchestrator' })).toBeVisible();
  await expect(welcome.getByRole('button', { name: /Open the example/ })).toBeVisible();
  await page.keyboard.press('Control+O');
  const dialog = page.getByRole('dialog', { name: 'Open folder' });
  await dialog.getByRole('button', { name: /my-project/ }).click();
  await dialog.getByRole('button', { name: 'Open this folder' }).click();
  await expect(page.getByRole('region', { name: 'Builder', exact: true })).toBeVisible();
  await page.getByRole('button', { name: 'Back to projects' }).click();
  const recent = page.getByRole('list', { name: 'Recent projects' });
  await expect(recent.getByText('my-project', { exact: true })).toBeVisible();
  await recent.getByRole('button', { name: 'Remove my-project from recent projects' }).click();
  await expect(page.getByText('No recent projects yet.')).toBeVisible();
});

test('the web host refuses requests without the token, with a wrong Host, or from a foreign Origin', async ({ request, startHost }) => {
  const host = await startHost();
  const rpc = `${host.origin}/api/rpc`;
  const body = { id: 1, method: 'app.info', params: {} };
  const noToken = await request.post(rpc, { data: body });
  expect(noToken.status()).toBe(401);
  const wrongToken = await request.post(rpc, { data: body, headers: { Authorization: 'Bearer nope' } });
  expect(wrongToken.status()).toBe(401);
  const good = await request.post(rpc, { data: body, headers: { Authorization: `Bearer ${host.token}` } });
  expect(good.status()).toBe(200);
  expect((await good.json()).result.host.kind).toBe('web');
  const wrongHost = await request.post(rpc, { data: body, headers: { Authorization: `Bearer ${host.token}`, Host: `evil.example:${host.port}` } });
  expect(wrongHost.status()).toBe(403);
  const foreign = await request.post(rpc, { data: body, headers: { Authorization: `Bearer ${host.token}`, Origin: 'http://evil.example' } });
  expect(foreign.status()).toBe(403);
  const page = await request.get(`${host.origin}/`);
  expect(page.status()).toBe(401);
  const wsStatus = (headers: Record<string, string>) =>
    new Promise<number>((resolve) => {
      const ws = new WebSocket(`ws://127.0.0.1:${host.port}/api/ws`, { headers });
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => {
        ws.close();
        resolve(101);
      });
      ws.on('error', () => undefined);
    });
  expect(await wsStatus({})).toBe(401);
  expect(await wsStatus({ Cookie: `plumbline_token_${host.port}=${host.token}`, Origin: 'http://evil.example' })).toBe(403);
  expect(await wsStatus({ Cookie: `plumbline_token_${host.port}=${host.token}`, Origin: host.origin })).toBe(101);
});

test('an invalid contract payload or unknown method is rejected with a typed error', async ({ request, startHost }) => {
  const host = await startHost();
  const headers = { Authorization: `Bearer ${host.token}` };
  const invalid = await request.post(`${host.origin}/api/rpc`, { data: { id: 2, method: 'files.list', params: { root: 42 } }, headers });
  expect(invalid.status()).toBe(400);
  expect((await invalid.json()).error.code).toBe('INVALID_REQUEST');
  const unknown = await request.post(`${host.origin}/api/rpc`, { data: { id: 3, method: 'shell.exec', params: {} }, headers });
  expect((await unknown.json()).error.code).toBe('UNKNOWN_METHOD');
  const notOpened = await request.post(`${host.origin}/api/rpc`, { data: { id: 4, method: 'files.read', params: { root: '/etc', path: 'passwd' } }, headers });
  expect((await notOpened.json()).error.code).toBe('FORBIDDEN');
});

test('the command palette reaches app actions from the keyboard', async ({ page, startHost }) => {
  const repo = makeRepo({ 'a.txt': 'a\n' });
  const host = await startHost({ folder: repo });
  await openWorkspace(page, host);
  await page.keyboard.press('Control+Shift+P');
  const palette = page.getByRole('dialog', { name: 'Command palette' });
  await palette.getByRole('combobox', { name: 'Command' }).fill('back proj');
  await expect(palette.getByRole('option').first()).toHaveText(/Back to projects/);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('main', { name: 'Welcome' })).toBeVisible();
});
