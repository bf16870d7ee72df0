import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StatusWorkerClient } from '../../../../../electron/core/git/status-worker';
import { cleanupTemp, git, initRepo, nativeStatus, renderEntries, tempDir, write } from './git-oracle';

afterAll(cleanupTemp);

// The worker needs a JavaScript entry: bundle it the way a host build would.
let workerUrl = '';
beforeAll(async () => {
  const out = join(tempDir('pl-worker-'), 'status-worker.mjs');
  await build({
    entryPoints: [join(__dirname, '../../../../../electron/core/git/status-worker-entry.ts')],
    outfile: out,
    bundle: true,
    platform: 'node',
    format: 'esm',
    absWorkingDir: join(__dirname, '../../../../..'),
    logLevel: 'silent',
  });
  workerUrl = out;
});

describe('StatusWorkerClient', () => {
  it('computes the same status as git in a worker thread, and follows hints', async () => {
    const dir = initRepo();
    write(dir, { 'a.txt': 'a\n', 'b/c.txt': 'c\n' });
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'init');
    write(dir, { 'a.txt': 'changed\n', 'new.txt': 'n\n' });
    const client = new StatusWorkerClient({ dir, workerUrl });
    try {
      expect(renderEntries((await client.status()).entries)).toEqual(nativeStatus(dir));
      write(dir, { 'b/c.txt': 'edited\n' });
      client.notifyChanged(['b/c.txt']);
      expect(renderEntries((await client.status()).entries)).toEqual(nativeStatus(dir));
      git(dir, 'add', '-A');
      client.invalidateAll();
      const result = await client.status({ includeIgnored: true });
      expect(renderEntries(result.entries)).toEqual(nativeStatus(dir, true));
      expect(result.branch).toBe('main');
    } finally {
      client.dispose();
    }
  });

  it('rejects with the engine message for a folder that is not a repository', async () => {
    const client = new StatusWorkerClient({ dir: tempDir(), workerUrl });
    try {
      await expect(client.status()).rejects.toThrow(/not a git repository/);
    } finally {
      client.dispose();
    }
  });
});
