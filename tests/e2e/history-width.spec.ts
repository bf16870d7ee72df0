import { execFileSync } from 'node:child_process';
import { expect, openWorkspace, test } from './fixtures';
import { makeRepo } from '../helpers/temp-repo';

test('History at 1280×720 shows a usual author name and a 50-character subject whole', async ({ page, startHost }) => {
  const repo = makeRepo({ 'a.txt': 'a\n' }, { commit: false });
  const subject = 'Explain how the token bucket refills between calls';
  expect(subject).toHaveLength(50);
  execFileSync('git', ['add', '-A'], { cwd: repo });
  execFileSync('git', ['-c', 'user.name=Ada Lovelace', '-c', 'user.email=ada@example.com', 'commit', '-q', '-m', subject], { cwd: repo });
  await page.setViewportSize({ width: 1280, height: 720 });
  const host = await startHost({ folder: repo });
  await openWorkspace(page, host);
  const builder = page.getByRole('region', { name: 'Builder', exact: true });
  await builder.getByRole('tab', { name: 'History' }).click();
  const row = builder.locator('.history-row').filter({ hasText: subject });
  await expect(row).toBeVisible();
  // Neither is cut: each text fits its box (an ellipsis would mean scrollWidth > clientWidth).
  for (const part of [row.locator('.subject'), row.locator('.author')]) {
    await expect(part).toBeVisible();
    expect(await part.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
  }
  await expect(row.locator('.author')).toHaveText('Ada Lovelace');
});
