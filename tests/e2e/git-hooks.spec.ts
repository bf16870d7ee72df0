import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, openWorkspace, test } from './fixtures';
import { git, makeRepo, makeTempDir } from '../helpers/temp-repo';

test('a pre-commit hook that rejects the commit: its output is shown and no commit is made (native git)', async ({ page, startHost }) => {
  const repo = makeRepo({ 'a.txt': 'one\n' });
  git(repo, 'config', 'user.name', 'Grace Hopper');
  git(repo, 'config', 'user.email', 'grace@example.com');
  writeFileSync(join(repo, '.git', 'hooks', 'pre-commit'), '#!/bin/sh\necho "lint: a.txt has trailing words" >&2\nexit 1\n');
  chmodSync(join(repo, '.git', 'hooks', 'pre-commit'), 0o755);
  writeFileSync(join(repo, 'a.txt'), 'one, edited\n');
  const head = git(repo, 'rev-parse', 'HEAD').trim();
  const home = makeTempDir('plumbline-home-');
  const host = await startHost({ folder: repo, env: { HOME: home, XDG_CONFIG_HOME: join(home, '.config'), GIT_CONFIG_NOSYSTEM: '1', PLUMBLINE_GIT: 'git' } });
  await openWorkspace(page, host);
  await expect(page.getByLabel('Git backend')).toContainText(/git \d+\.\d+/);

  await page.getByRole('region', { name: 'Builder', exact: true }).getByRole('tab', { name: 'Changes', exact: true }).click();
  const changes = page.getByRole('list', { name: 'Changes' });
  await changes.getByRole('button', { name: 'Stage a.txt' }).click();
  await expect(page.getByRole('list', { name: 'Staged', exact: true }).getByRole('listitem')).toHaveCount(1);

  const box = page.getByRole('textbox', { name: 'Commit message' });
  await box.fill('Edit a');
  await box.press('Control+Enter');
  await expect(page.getByRole('alert')).toContainText('lint: a.txt has trailing words');
  expect(git(repo, 'rev-parse', 'HEAD').trim()).toBe(head);
  expect(git(repo, 'diff', '--cached', '--name-only').trim()).toBe('a.txt');
  await expect(box).toHaveValue('Edit a');
});
