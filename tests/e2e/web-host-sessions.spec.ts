import { dirname, join } from 'node:path';
import { expect, openWorkspace, test } from './fixtures';
import { makeRepo, makeTempDir } from '../helpers/temp-repo';

test('a host restarted on the same port with a new token: the open tab says so, and the new URL works in the same browser', async ({ page, context, startHost }) => {
  const repo = makeRepo({ 'README.md': '# Demo\n' });
  const first = await startHost({ folder: repo });
  await openWorkspace(page, first);
  await first.stop();
  await expect(page.getByRole('alert').filter({ hasText: 'web host has stopped' })).toBeVisible();

  const second = await startHost({ folder: repo, args: ['--port', String(first.port)] });
  expect(second.port).toBe(first.port);
  expect(second.token).not.toBe(first.token);
  // The old tab still carries the first host's cookie: it is told that the host restarted and what to do.
  await expect(page.getByRole('alert').filter({ hasText: 'restarted with a new token' })).toContainText('Open the new URL it printed');

  // The newly printed URL wins over the stale cookie, in a new tab and in the old one.
  const other = await context.newPage();
  await openWorkspace(other, second);
  await expect(other.getByRole('tree', { name: 'Files' }).getByText('README.md')).toBeVisible();
  await openWorkspace(page, second);
  await expect(page.getByRole('alert').filter({ hasText: 'restarted' })).toHaveCount(0);
  // And the cookie it set carries a reload (the token has left the address bar).
  await page.reload();
  await expect(page.getByRole('tree', { name: 'Files' }).getByText('README.md')).toBeVisible();
});

test('two hosts on different ports work side by side in one browser', async ({ context, startHost }) => {
  const a = await startHost({ folder: makeRepo({ 'alpha.txt': 'a\n' }) });
  const b = await startHost({ folder: makeRepo({ 'beta.txt': 'b\n' }) });
  const pageA = await context.newPage();
  const pageB = await context.newPage();
  await openWorkspace(pageA, a);
  await openWorkspace(pageB, b);
  // Reloading uses only the cookies now: each host's cookie is its own.
  for (const [page, file] of [
    [pageA, 'alpha.txt'],
    [pageB, 'beta.txt'],
  ] as const) {
    await page.reload();
    await expect(page.getByRole('tree', { name: 'Files' }).getByText(file)).toBeVisible();
  }
});

test('with --token-file a restarted host keeps its URL and the open tab reconnects by itself', async ({ page, startHost }) => {
  // Two host starts, a stop noticed and a reconnect on a 3 s retry: 30–60 s on a loaded machine, over the default.
  test.setTimeout(180_000);
  const repo = makeRepo({ 'README.md': '# Demo\n', 'src/index.ts': 'export const answer = 42;\n' });
  const tokenFile = join(makeTempDir(), 'token');
  const first = await startHost({ folder: repo, args: ['--token-file', tokenFile] });
  await openWorkspace(page, first);
  // The editor loads once per page (a large bundle, slow on a busy machine): load it before the restart, so what
  // is checked after it is the file read through the new host, not how long the editor takes to load.
  const tree = page.getByRole('tree', { name: 'Files' });
  await tree.getByText('README.md').click();
  await expect(page.getByTestId('code-editor')).toContainText('# Demo', { timeout: 60_000 });
  await first.stop();
  await expect(page.getByRole('alert').filter({ hasText: 'web host has stopped' })).toBeVisible();
  // Started without the folder (the web host serves only folders under its roots: name the repository's parent).
  const second = await startHost({ args: ['--port', String(first.port), '--token-file', tokenFile, '--root', dirname(repo)] });
  expect(second.token).toBe(first.token);
  // Back means connected, not merely "reconnecting…" (a status, not an alert): a request sent while the tab is
  // still reconnecting may meet the attempt that started before the host was up, and fail.
  await expect(page.getByText(/Plumbline web host/)).toHaveCount(0);
  // The new host never opened the folder itself: the tab opened it again on reconnecting.
  await tree.getByText('src', { exact: true }).click();
  await expect(tree.getByRole('treeitem', { name: 'src' })).toHaveAttribute('aria-expanded', 'true');
  await tree.getByText('index.ts').click();
  await expect(page.getByTestId('code-editor')).toContainText('export const answer = 42;');
});

test('a project stays open in one tab when another tab closes it', async ({ context, startHost }) => {
  const repo = makeRepo({ 'README.md': '# Demo\n', 'src/index.ts': 'export const answer = 42;\n' });
  const host = await startHost({ folder: repo });
  const one = await context.newPage();
  const two = await context.newPage();
  await openWorkspace(one, host);
  await openWorkspace(two, host);
  await one.getByRole('button', { name: 'Back to projects' }).click();
  await expect(one.getByRole('main', { name: 'Welcome' })).toBeVisible();
  await one.close();
  const tree = two.getByRole('tree', { name: 'Files' });
  await tree.getByText('src', { exact: true }).click();
  await tree.getByText('index.ts').click();
  await expect(two.getByTestId('code-editor')).toContainText('export const answer = 42;');
  await expect(two.getByText(/is not open in Plumbline/)).toHaveCount(0);
});

test('malformed and over-long addresses get a clear 400 or 404, not an internal error', async ({ request, startHost }) => {
  const host = await startHost();
  const headers = { Authorization: `Bearer ${host.token}` };
  const malformed = await request.get(`${host.origin}/assets/%E0%A4%A.js`, { headers });
  expect(malformed.status()).toBe(400);
  expect(await malformed.text()).toContain('malformed %-escape');
  const long = await request.get(`${host.origin}/${'a'.repeat(5000)}.js`, { headers });
  expect(long.status()).toBe(404);
  expect(await long.text()).toContain('too long');
  const ping = await request.get(`${host.origin}/api/ping`, { headers });
  expect(ping.status()).toBe(204);
  expect((await request.get(`${host.origin}/api/ping`)).status()).toBe(401);
});
