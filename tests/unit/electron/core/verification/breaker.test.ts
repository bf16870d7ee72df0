import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Review } from '../../../../../shared/contract/verify';
import type { CoreContext } from '../../../../../electron/core/core-context';
import { EventBus } from '../../../../../electron/core/events';
import { ProjectRegistry } from '../../../../../electron/core/project/project-registry';
import { acceptFinding, listReviews, startReview } from '../../../../../electron/core/verification/breaker';
import { EvidenceLedger } from '../../../../../electron/core/verification/evidence';
import { startMockMessagesApi, streamReply, type MockMessagesApi } from '../../../../helpers/mock-messages-api';
import { makeRepo, makeTempDir } from '../../../../helpers/temp-repo';

function makeCtx(dataDir: string): CoreContext {
  const secrets = new Map<string, string | null>();
  return {
    dataDir,
    version: 'test',
    bus: new EventBus(),
    projects: new ProjectRegistry(),
    resourcesDir: '',
    host: {
      capabilities: { kind: 'web', nativeFolderDialog: false, printToPdf: false, platform: 'linux' },
      browseRoots: [],
      secrets: { get: async (n) => secrets.get(n) ?? null, set: async (n, v) => void secrets.set(n, v) },
    },
  };
}

/** Resolves when a review reaches a final state. */
function finished(ctx: CoreContext, id: string): Promise<Review> {
  return new Promise((resolve) => {
    const off = ctx.bus.subscribe((e) => {
      if (e.event !== 'verify.didReview') return;
      const review = (e.payload as { review: Review }).review;
      if (review.id === id && review.status !== 'running') {
        off();
        resolve(review);
      }
    });
  });
}

describe('breaker review', () => {
  let api: MockMessagesApi;
  beforeEach(async () => {
    api = await startMockMessagesApi();
    vi.stubEnv('ANTHROPIC_BASE_URL', api.url);
    vi.stubEnv('ANTHROPIC_API_KEY', 'test-key');
  });
  afterEach(async () => {
    vi.unstubAllEnvs();
    await api.close();
  });

  it('reviews a task in a fresh context, reports findings, and turns an accepted finding into a task', async () => {
    const root = makeRepo({
      'src/log.js': 'export const log = (key) => console.log(key);\n',
      '.plumbline/spec.md': '# S\n\n## Security requirements\n\n- SEC-1: never log an API key\n\n## Failure modes\n\n- FM-1: disk full → keep serving\n\n## Non-requirements\n\n- NR-1: no log shipping\n',
      '.plumbline/tasks.md': '# Tasks\n\n## T-1: Request log\n\n- Serves: SEC-1\n- Scope: src/log.js\n- Status: in review\n',
    });
    const ctx = makeCtx(makeTempDir('plumbline-data-'));
    api.enqueue(
      streamReply([{ type: 'tool_use', name: 'read_file', input: { path: 'src/log.js' } }]),
      streamReply([{ type: 'tool_use', name: 'report_findings', input: { findings: [{ severity: 'high', requirementId: 'SEC-1', title: 'The key is logged', evidence: 'src/log.js: console.log(key)', suggestedFix: 'Log a hash of the key.' }] } }]),
    );
    const started = await startReview(ctx, root, 'T-1');
    expect(started.status).toBe('running');
    const done = await finished(ctx, started.id);
    expect(done.status).toBe('done');
    expect(done.findings).toEqual([{ severity: 'high', requirementId: 'SEC-1', title: 'The key is logged', evidence: 'src/log.js: console.log(key)', suggestedFix: 'Log a hash of the key.' }]);

    // Fresh context with the task's requirements, failure modes and non-requirements; read-only tool answered.
    const [first, second] = api.messageRequests();
    const prompt = JSON.stringify(first!.body?.messages);
    expect(prompt).toContain('SEC-1: never log an API key');
    expect(prompt).toContain('FM-1');
    expect(prompt).toContain('NR-1');
    expect((first!.body?.messages as unknown[]).length).toBe(1);
    expect(JSON.stringify(second!.body?.messages)).toContain('console.log(key)');

    const taskId = await acceptFinding(ctx, root, started.id, 0);
    expect(taskId).toBe('T-2');
    const tasks = readFileSync(join(root, '.plumbline/tasks.md'), 'utf8');
    expect(tasks).toContain('T-2: Fix: The key is logged');
    expect(await acceptFinding(ctx, root, started.id, 0)).toBe('T-2');
    expect((await listReviews(ctx.dataDir, root))[0]!.accepted).toEqual({ '0': 'T-2' });
    const evidence = await new EvidenceLedger(root, ctx.dataDir).readAll();
    expect(evidence.some((r) => r.kind === 'review' && r.result === 'flagged' && r.taskId === 'T-1')).toBe(true);
  });

  it('says what to fix when the breaker has no key', async () => {
    vi.stubEnv('ANTHROPIC_API_KEY', '');
    const root = makeRepo({ '.plumbline/tasks.md': '# Tasks\n\n## T-1: X\n' });
    await expect(startReview(makeCtx(makeTempDir()), root, 'T-1')).rejects.toThrow(/key/i);
  });
});
