import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { StatusEngine } from '../../../../../electron/core/git/status-engine';
import { type RepoChange, watchRepository } from '../../../../../electron/core/git/watcher';
import { cleanupTemp, git, initRepo, nativeStatus, renderEntries, write } from './git-oracle';

afterAll(cleanupTemp);

/** Collects batches; until() resolves once the batches seen so far satisfy a predicate. */
function collector() {
  const seen: RepoChange[] = [];
  const waiters: { pred: (all: readonly RepoChange[]) => boolean; resolve: () => void }[] = [];
  const onChange = (c: RepoChange): void => {
    seen.push(c);
    for (const w of [...waiters]) {
      if (w.pred(seen)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  };
  const until = (pred: (all: readonly RepoChange[]) => boolean): Promise<void> =>
    new Promise((resolve) => {
      if (pred(seen)) resolve();
      else waiters.push({ pred, resolve });
    });
  const hasPath = (p: string) => (all: readonly RepoChange[]) => all.some((b) => b.paths.includes(p));
  const sawGit = (all: readonly RepoChange[]) => all.some((b) => b.git);
  return { onChange, until, hasPath, sawGit, seen };
}

describe('watchRepository', () => {
  it('reports work-tree changes, new folders, and git metadata changes but not .git noise', async () => {
    const dir = initRepo();
    write(dir, { 'a.txt': 'a\n', 'src/b.ts': 'b\n' });
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'init');
    const c = collector();
    const w = watchRepository(dir, c.onChange, { debounceMs: 20 });
    try {
      // Noise inside .git first, then a real edit: the batch must carry the edit and no git flag.
      writeFileSync(join(dir, '.git/objects/noise'), 'x');
      writeFileSync(join(dir, '.git/ORIG_HEAD'), 'x');
      write(dir, { 'src/b.ts': 'changed\n' });
      await c.until(c.hasPath('src/b.ts'));
      expect(c.seen.some((b) => b.git)).toBe(false);
      expect(c.seen.some((b) => b.paths.some((p) => p.startsWith('.git')))).toBe(false);

      mkdirSync(join(dir, 'newdir'));
      await c.until(c.hasPath('newdir'));
      // The new folder is watched too.
      write(dir, { 'newdir/inner.txt': 'x\n' });
      await c.until(c.hasPath('newdir/inner.txt'));

      git(dir, 'checkout', '-q', '-b', 'other');
      await c.until(c.sawGit);
    } finally {
      await w.close();
    }
  });

  it('feeds the engine: a write reaches a correct status through the watcher', async () => {
    const dir = initRepo();
    write(dir, { 'a.txt': 'a\n', 'deep/x/y.txt': 'y\n' });
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'init');
    const engine = new StatusEngine({ dir });
    await engine.status();
    const c = collector();
    const w = watchRepository(
      dir,
      (e) => {
        if (e.git) engine.invalidateAll();
        else engine.notifyChanged(e.paths);
        c.onChange(e);
      },
      { debounceMs: 20 },
    );
    try {
      write(dir, { 'deep/x/y.txt': 'changed\n', 'deep/x/new.txt': 'n\n' });
      await c.until((all) => c.hasPath('deep/x/y.txt')(all) && c.hasPath('deep/x/new.txt')(all));
      expect(renderEntries((await engine.status()).entries)).toEqual(nativeStatus(dir));
      git(dir, 'add', '-A');
      await c.until(c.sawGit);
      expect(renderEntries((await engine.status()).entries)).toEqual(nativeStatus(dir));
    } finally {
      await w.close();
      engine.dispose();
    }
  });
});
