import { test as base, expect, type Page } from '@playwright/test';
import { startHostProcess, type HostHandle } from '../helpers/web-host-process';

export { expect };
export type { HostHandle };

/** Fixtures: `startHost` starts a web host process (stopped after the test). */
export const test = base.extend<{ startHost: (opts?: { folder?: string; env?: Record<string, string>; dataDir?: string; args?: string[] }) => Promise<HostHandle> }>({
  // Playwright requires the object pattern for fixtures that use no other fixture.
  // eslint-disable-next-line no-empty-pattern
  startHost: async ({}, use) => {
    const hosts: HostHandle[] = [];
    await use(async (opts) => {
      const host = await startHostProcess(opts);
      hosts.push(host);
      return host;
    });
    await Promise.all(hosts.map((h) => h.stop()));
  },
});

/** Opens the host's URL and waits for the three named panes. */
export async function openWorkspace(page: Page, host: HostHandle): Promise<void> {
  await page.goto(host.url);
  for (const name of ['Orchestrator', 'Builder', 'Calibrator']) {
    await expect(page.getByRole('region', { name, exact: true })).toBeVisible();
  }
}
