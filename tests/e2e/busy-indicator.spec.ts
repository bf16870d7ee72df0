import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, openWorkspace, test } from './fixtures';
import { git, makeRepo, makeTempDir } from '../helpers/temp-repo';

/**
 * A git for the host whose `switch` waits until the test opens a gate file: the switch is slow for exactly as
 * long as the test wants, so the busy indicator is seen while it is pending — no sleeps, no timing race.
 */
function gatedGit(): { readonly path: string; readonly gate: string } {
  const dir = makeTempDir('plumbline-gated-git-');
  const gate = join(dir, 'open');
  const real = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
  const path = join(dir, 'git');
  writeFileSync(
    path,
    `#!/bin/sh\nfor a in "$@"; do\n  if [ "$a" = switch ]; then\n    while [ ! -e '${gate}' ]; do sleep 0.05; done\n    break\n  fi\ndone\nexec '${real}' "$@"\n`,
  );
  chmodSync(path, 0o755);
  return { path, gate };
}

test('a branch switch that takes long shows a spinner in place while it runs, and the branch once done', async ({ page, startHost }) => {
  const repo = makeRepo({ 'a.txt': 'a\n' });
  git(repo, 'branch', 'feature');
  const slow = gatedGit();
  const home = makeTempDir('plumbline-home-');
  const host = await startHost({ folder: repo, env: { HOME: home, XDG_CONFIG_HOME: join(home, '.config'), GIT_CONFIG_NOSYSTEM: '1', PLUMBLINE_GIT: slow.path } });
  await openWorkspace(page, host);
  const builder = page.getByRole('region', { name: 'Builder', exact: true });
  await builder.getByRole('tab', { name: 'Branches' }).click();
  const status = builder.locator('.branches').getByRole('status');
  await expect(status).toContainText('On main at');

  await builder.getByRole('list', { name: 'Branches' }).getByRole('button', { name: 'Switch to feature' }).click();
  // Pending: after 300 ms the status says what is going on, with a spinner; the view is marked busy.
  await expect(status).toContainText('Switching to feature…');
  await expect(status.locator('.spinner')).toBeVisible();
  await expect(builder.locator('.branches')).toHaveAttribute('aria-busy', 'true');
  expect(git(repo, 'branch', '--show-current').trim()).toBe('main');

  // Done: the spinner goes and the status names the new branch.
  writeFileSync(slow.gate, '');
  await expect(status).toContainText('On feature at');
  await expect(status.locator('.spinner')).toHaveCount(0);
  await expect(builder.locator('.branches')).toHaveAttribute('aria-busy', 'false');
  expect(git(repo, 'branch', '--show-current').trim()).toBe('feature');
  expect(existsSync(slow.gate)).toBe(true);
});
