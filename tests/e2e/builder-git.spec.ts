import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, openWorkspace, test } from './fixtures';
import { git, makeRepo, makeTempDir } from '../helpers/temp-repo';

/** A HOME without ~/.gitconfig, so the app must ask for the author (and the machine's config never leaks in). */
function isolatedEnv(): Record<string, string> {
  const home = makeTempDir('plumbline-home-');
  return { HOME: home, XDG_CONFIG_HOME: join(home, '.config'), GIT_CONFIG_NOSYSTEM: '1' };
}

async function openTab(page: Page, name: string): Promise<void> {
  await page.getByRole('region', { name: 'Builder', exact: true }).getByRole('tab', { name, exact: true }).click();
}

test('stage → commit (asking for the author once) → the commit is in History with its files', async ({ page, startHost }) => {
  const repo = makeRepo({ 'a.txt': 'one\n', 'b.txt': 'two\n' });
  writeFileSync(join(repo, 'a.txt'), 'one, edited\n');
  writeFileSync(join(repo, 'new.txt'), 'brand new\n');
  const host = await startHost({ folder: repo, env: isolatedEnv() });
  await openWorkspace(page, host);
  await openTab(page, 'Changes');

  const changes = page.getByRole('list', { name: 'Changes' });
  await expect(changes.getByRole('button', { name: 'a.txt, modified' })).toBeVisible();
  await expect(changes.getByRole('button', { name: 'new.txt, untracked' })).toBeVisible();
  await changes.getByRole('button', { name: 'Stage a.txt' }).click();
  await changes.getByRole('button', { name: 'Stage new.txt' }).click();
  await expect(page.getByRole('list', { name: 'Staged', exact: true }).getByRole('listitem')).toHaveCount(2);
  expect(git(repo, 'diff', '--cached', '--name-status').trim()).toBe('M\ta.txt\nA\tnew.txt');

  // No author in any git config: asked once, saved to the repository.
  const form = page.getByRole('form', { name: 'Commit author' });
  await form.getByLabel('Name').fill('Grace Hopper');
  await form.getByLabel('Email').fill('grace@example.com');
  await form.getByRole('button', { name: 'Use this author' }).click();
  await expect(form).toHaveCount(0);
  expect(git(repo, 'config', '--local', 'user.name').trim()).toBe('Grace Hopper');

  const box = page.getByRole('textbox', { name: 'Commit message' });
  await box.fill('Edit a and add new');
  await box.press('Control+Enter');
  await expect(changes.getByRole('button', { name: 'a.txt, modified' })).toHaveCount(0);
  expect(git(repo, 'log', '-1', '--format=%s|%an|%ae').trim()).toBe('Edit a and add new|Grace Hopper|grace@example.com');
  expect(git(repo, 'status', '--porcelain').trim()).toBe('');

  await openTab(page, 'History');
  const history = page.getByRole('listbox', { name: 'History' });
  await history.getByRole('option', { name: /Edit a and add new/ }).click();
  const details = page.getByRole('region', { name: /^Commit [0-9a-f]{7}$/ });
  await expect(details).toContainText('Grace Hopper <grace@example.com>');
  const files = details.getByRole('list', { name: 'Changed files' });
  await expect(files.getByRole('button', { name: 'a.txt, modified' })).toBeVisible();
  await expect(files.getByRole('button', { name: 'new.txt, added' })).toBeVisible();
  await files.getByRole('button', { name: 'a.txt, modified' }).click();
  await expect(page.getByTestId('diff-editor')).toContainText('one, edited');
  await expect(history.getByRole('option', { name: /initial/ })).toBeVisible();
});

test('a branch switch that would overwrite local changes is refused, naming the file', async ({ page, startHost }) => {
  const repo = makeRepo({ 'config.json': '{"v":1}\n', 'other.txt': 'x\n' });
  git(repo, 'checkout', '-q', '-b', 'feature');
  writeFileSync(join(repo, 'config.json'), '{"v":2}\n');
  git(repo, 'commit', '-q', '-am', 'feature config');
  git(repo, 'checkout', '-q', 'main');
  writeFileSync(join(repo, 'config.json'), '{"v":"mine"}\n');
  const host = await startHost({ folder: repo, env: isolatedEnv() });
  await openWorkspace(page, host);
  await openTab(page, 'Branches');
  await expect(page.getByRole('status').filter({ hasText: 'On main' })).toBeVisible();
  await page.getByRole('list', { name: 'Branches' }).getByRole('button', { name: 'Switch to feature' }).click();
  await expect(page.getByRole('alert')).toContainText('config.json');
  expect(git(repo, 'symbolic-ref', '--short', 'HEAD').trim()).toBe('main');
  expect(readFileSync(join(repo, 'config.json'), 'utf8')).toBe('{"v":"mine"}\n');

  // Without the conflicting change the switch goes through and the header follows.
  writeFileSync(join(repo, 'config.json'), '{"v":1}\n');
  await openTab(page, 'Changes');
  await expect(page.getByRole('list', { name: 'Changes' }).getByRole('button', { name: 'config.json, modified' })).toHaveCount(0);
  await openTab(page, 'Branches');
  await page.getByRole('list', { name: 'Branches' }).getByRole('button', { name: 'Switch to feature' }).click();
  await expect(page.getByLabel('Branch', { exact: true })).toContainText('feature');
  expect(git(repo, 'symbolic-ref', '--short', 'HEAD').trim()).toBe('feature');
});

test('a discarded change can be brought back', async ({ page, startHost }) => {
  const repo = makeRepo({ 'notes.md': 'original\n' });
  writeFileSync(join(repo, 'notes.md'), 'precious unsaved work\n');
  const host = await startHost({ folder: repo, env: isolatedEnv() });
  await openWorkspace(page, host);
  await openTab(page, 'Changes');
  const changes = page.getByRole('list', { name: 'Changes' });
  page.once('dialog', (d) => void d.accept());
  await changes.getByRole('button', { name: 'Discard notes.md' }).click();
  await expect(changes.getByRole('button', { name: 'notes.md, modified' })).toHaveCount(0);
  expect(readFileSync(join(repo, 'notes.md'), 'utf8')).toBe('original\n');

  await page.getByRole('list', { name: 'Recently discarded' }).getByRole('button', { name: 'Bring back notes.md' }).click();
  await expect(changes.getByRole('button', { name: 'notes.md, modified' })).toBeVisible();
  expect(readFileSync(join(repo, 'notes.md'), 'utf8')).toBe('precious unsaved work\n');
});

test('the editor saves keeping CRLF, and detects an external edit of an open file', async ({ page, startHost }) => {
  const repo = makeRepo({ 'doc.txt': 'line one\r\nline two\r\n' });
  writeFileSync(join(repo, 'doc.txt'), 'line one\r\nline two\r\nline three\r\n');
  const host = await startHost({ folder: repo, env: isolatedEnv() });
  await openWorkspace(page, host);
  await openTab(page, 'Changes');
  await page.getByRole('list', { name: 'Changes' }).getByRole('button', { name: 'Edit doc.txt' }).click();
  await expect(page.getByRole('tab', { name: 'doc.txt', exact: true })).toBeVisible();
  const editor = page.getByTestId('code-editor');
  await expect(editor).toContainText('line three');

  // Type at the very start of the file, then save with Ctrl+S.
  await editor.locator('.view-lines').click();
  await page.keyboard.press('Control+Home');
  await page.keyboard.type('> ');
  await expect(page.getByRole('tab', { name: 'doc.txt (unsaved)' })).toBeVisible();
  await page.keyboard.press('Control+S');
  await expect(page.getByRole('tab', { name: 'doc.txt', exact: true })).toBeVisible();
  expect(readFileSync(join(repo, 'doc.txt'), 'latin1')).toBe('> line one\r\nline two\r\nline three\r\n');

  // Unsaved edits, then someone else writes the file.
  await page.keyboard.type('mine ');
  await expect(page.getByRole('tab', { name: 'doc.txt (unsaved)' })).toBeVisible();
  writeFileSync(join(repo, 'doc.txt'), 'written elsewhere\n');
  const banner = page.getByRole('alert').filter({ hasText: 'changed on disk' });
  await expect(banner).toBeVisible();
  await banner.getByRole('button', { name: 'Compare' }).click();
  await expect(page.getByTestId('diff-editor')).toContainText('written elsewhere');
  await banner.getByRole('button', { name: 'Reload' }).click();
  await expect(page.getByTestId('code-editor')).toContainText('written elsewhere');
  await expect(page.getByRole('tab', { name: 'doc.txt', exact: true })).toBeVisible();
  expect(readFileSync(join(repo, 'doc.txt'), 'utf8')).toBe('written elsewhere\n');
});

test('one hunk is staged from the diff view, the other stays unstaged', async ({ page, startHost }) => {
  const lines = Array.from({ length: 30 }, (_, i) => `line ${i + 1}`);
  const repo = makeRepo({ 'f.txt': `${lines.join('\n')}\n` });
  const edited = [...lines];
  edited[1] = 'LINE 2';
  edited[25] = 'LINE 26';
  writeFileSync(join(repo, 'f.txt'), `${edited.join('\n')}\n`);
  const host = await startHost({ folder: repo, env: isolatedEnv() });
  await openWorkspace(page, host);
  await openTab(page, 'Changes');
  await page.getByRole('list', { name: 'Changes' }).getByRole('button', { name: 'f.txt, modified' }).click();
  const hunks = page.getByRole('list', { name: 'Hunks' });
  await expect(hunks.getByRole('listitem')).toHaveCount(2);
  await hunks.getByRole('button', { name: /^Stage hunk 2 / }).click();
  await expect(page.getByRole('list', { name: 'Staged', exact: true }).getByRole('button', { name: 'f.txt, modified' })).toBeVisible();
  await expect(page.getByRole('list', { name: 'Unstaged' }).getByRole('button', { name: 'f.txt, modified' })).toBeVisible();
  const staged = [...lines];
  staged[25] = 'LINE 26';
  expect(git(repo, 'show', ':f.txt')).toBe(`${staged.join('\n')}\n`);
  await expect(hunks.getByRole('listitem')).toHaveCount(1);
});
