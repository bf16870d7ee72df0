import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, openWorkspace, test } from './fixtures';

test('double-clicking Import and retrying the request imports the tasks once', async ({ page, startHost }) => {
  const base = mkdtempSync(join(tmpdir(), 'plumbline-e2e-import-'));
  const folder = join(base, 'albums');
  cpSync(join(process.cwd(), 'tests/fixtures/import/spec-kit'), folder, { recursive: true });
  try {
    const host = await startHost({ folder });
    const sent: Array<{ method: string; params: { importId?: string } }> = [];
    page.on('websocket', (ws) => {
      ws.on('framesent', (f) => {
        try {
          const m = JSON.parse(String(f.payload)) as { method?: string; params?: { importId?: string } };
          if (m.method === 'import.run') sent.push({ method: m.method, params: m.params ?? {} });
        } catch {
          // not a request
        }
      });
    });
    await openWorkspace(page, host);
    const pane = page.getByRole('region', { name: 'Orchestrator', exact: true });
    const offer = pane.getByRole('status', { name: 'Import offer' });
    await expect(offer).toContainText('spec-kit feature 001-photo-albums');
    await offer.getByRole('button', { name: 'Import', exact: true }).dblclick();
    await expect(offer).toHaveCount(0);
    await expect(page.getByText(/spec-kit feature 002-album-sharing: 10 spec items, 3 tasks/)).toBeVisible();
    expect(sent.length).toBeGreaterThanOrEqual(1);
    const importId = sent[0]!.params.importId;
    expect(importId).toBeTruthy();
    // Every request the page sent belongs to the one import.
    expect(sent.every((m) => m.params.importId === importId)).toBe(true);

    // A client that timed out retries the same request: it gets the first run's answer, nothing is imported twice.
    const retry = await page.evaluate(
      async ({ root, importId }) => {
        const r = await fetch('/api/rpc', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id: 9, method: 'import.run', params: { root, paths: ['specs/001-photo-albums', 'specs/002-album-sharing', '.specify/memory/constitution.md'], importId } }) });
        return (await r.json()) as { result?: { summary: string[] }; error?: { code: string } };
      },
      { root: folder, importId },
    );
    expect(retry.error).toBeUndefined();
    expect(retry.result!.summary[0]).toMatch(/15 spec items, 5 tasks/);
    const tasks = readFileSync(join(folder, '.plumbline/tasks.md'), 'utf8');
    expect(tasks.match(/^## T-\d+:/gm)).toHaveLength(8);
  } finally {
    // The host may still be writing in the folder (its watcher, the status engine): retry until it is done.
    rmSync(base, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
  }
});

test('a re-import shows what changed upstream and applies only what the user keeps checked', async ({ page, startHost }) => {
  const base = mkdtempSync(join(tmpdir(), 'plumbline-e2e-reimport-'));
  const folder = join(base, 'albums');
  cpSync(join(process.cwd(), 'tests/fixtures/import/spec-kit'), folder, { recursive: true });
  try {
    const host = await startHost({ folder });
    await openWorkspace(page, host);
    const pane = page.getByRole('region', { name: 'Orchestrator', exact: true });
    await pane.getByRole('status', { name: 'Import offer' }).getByRole('button', { name: 'Import', exact: true }).click();
    await expect(pane.getByRole('status', { name: 'Import offer' })).toHaveCount(0);

    const specPath = join(folder, 'specs/001-photo-albums/spec.md');
    writeFileSync(
      specPath,
      readFileSync(specPath, 'utf8')
        .replace('reorder albums by drag and drop', 'reorder albums by drag and drop or keyboard')
        .replace('- **FR-003**', '- **FR-004**: System MUST export an album as a zip\n- **FR-003**'),
    );
    await page.reload();
    const offer = pane.getByRole('status', { name: 'Import offer' });
    await expect(offer).toContainText('spec-kit feature 001-photo-albums changed since the import.');
    await offer.getByRole('button', { name: 'Review changes' }).click();
    const changes = pane.getByRole('group', { name: 'Upstream changes' });
    await expect(changes.getByRole('checkbox')).toHaveCount(2);
    await changes.getByRole('checkbox', { name: /^New spec item: System MUST export an album as a zip/ }).uncheck();
    await changes.getByRole('button', { name: 'Apply 1 selected' }).click();
    await expect(changes).toHaveCount(0);
    await expect(offer).toHaveCount(0);
    const spec = readFileSync(join(folder, '.plumbline/specs/001-photo-albums.md'), 'utf8');
    expect(spec).toContain('- FR-2: System MUST let users reorder albums by drag and drop or keyboard (FR-002)');
    expect(spec).not.toContain('export an album');
  } finally {
    // The host may still be writing in the folder (its watcher, the status engine): retry until it is done.
    rmSync(base, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
  }
});
