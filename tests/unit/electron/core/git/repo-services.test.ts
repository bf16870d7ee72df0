import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EventBus } from '../../../../../electron/core/events';
import { RepoService, type StatusSource } from '../../../../../electron/core/git/repo-services';
import type { StatusResult } from '../../../../../electron/core/git/status-engine';
import { tempProject } from '../agent/loop-harness';

let project: Awaited<ReturnType<typeof tempProject>>;
beforeEach(async () => {
  project = await tempProject();
  execFileSync('git', ['init', '-q'], { cwd: project.root });
});
afterEach(() => project.cleanup());

const clean: StatusResult = { entries: [], headOid: null, branch: 'main', detached: false, unborn: true };

/** A status source whose runs settle when the test says so; it counts runs and reported changes. */
function manualEngine(): StatusSource & { runs: Array<(s: StatusResult) => void>; notified: string[] } {
  const runs: Array<(s: StatusResult) => void> = [];
  const notified: string[] = [];
  return {
    runs,
    notified,
    status: () => new Promise<StatusResult>((resolve) => runs.push(resolve)),
    notifyChanged: (paths) => notified.push(...paths),
    invalidateAll: () => undefined,
    dispose: () => undefined,
  };
}

/** A few turns of the event loop. */
async function turns(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

describe('RepoService', () => {
  it("reads the watcher's status for its announcement after a fresh status a reader waits for, not beside it", async () => {
    const engine = manualEngine();
    const bus = new EventBus();
    const events: unknown[] = [];
    bus.subscribe((e) => {
      if (e.event === 'repo.didChange') events.push(e.payload);
    });
    const svc = new RepoService(project.root, engine, bus);
    svc.startWatching();
    try {
      const fresh = svc.freshStatus();
      expect(engine.runs).toHaveLength(1);
      writeFileSync(join(project.root, 'a.txt'), 'a\n');
      // The change reaches the engine at once (its cache is dropped), but its status waits for the fresh one.
      await expect.poll(() => engine.notified).toContain('a.txt');
      await turns(5);
      expect(engine.runs).toHaveLength(1);
      engine.runs[0]!(clean);
      expect(await fresh).toBe(clean);
      await expect.poll(() => engine.runs.length).toBe(2);
      engine.runs[1]!(clean);
      await expect.poll(() => events).toEqual([expect.objectContaining({ paths: ['a.txt'] })]);
    } finally {
      await svc.dispose();
    }
  });
});
