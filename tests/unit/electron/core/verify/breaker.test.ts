import { execFileSync } from 'node:child_process';
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Review } from '../../../../../shared/contract/verify';
import type { CoreContext } from '../../../../../electron/core/core-context';
import { dispatch, type Handlers } from '../../../../../shared/rpc';
import { acceptFinding, answerReviewCheck, cancelReviews, listReviews, startReview } from '../../../../../electron/core/verify/breaker';
import { workingTreeLock } from '../../../../../electron/core/verify/tree-lock';
import { createVerifyModule } from '../../../../../electron/core/verify/verify-module';
import { EvidenceLedger } from '../../../../../electron/core/verify/evidence';
import { startMockMessagesApi, streamReply, type MockMessagesApi, type MockResponse, type RecordedRequest } from '../../../../helpers/mock-messages-api';
import { makeRepo, makeTempDir } from '../../../../helpers/temp-repo';
import { testCoreContext } from '../../../../helpers/core-context';

function makeCtx(dataDir: string): CoreContext {
  return testCoreContext({ dataDir, env: process.env });
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

/** Answers every check of a review as it starts waiting for approval. */
function answerChecks(ctx: CoreContext, root: string, answers: Readonly<Record<string, boolean>>): void {
  const answered = new Set<string>();
  ctx.bus.subscribe((e) => {
    if (e.event !== 'verify.didReview') return;
    const review = (e.payload as { review: Review }).review;
    for (const c of review.checks ?? []) {
      if (c.status !== 'waiting' || answered.has(c.id)) continue;
      answered.add(c.id);
      answerReviewCheck(root, review.id, c.id, answers[c.id] ?? false);
    }
  });
}

/** Calls the verify module's handlers through the contract, as the pane does. */
function verifyCalls(ctx: CoreContext, root: string) {
  ctx.projects.add(root);
  const handlers = createVerifyModule(ctx).handlers as unknown as Handlers;
  return async (method: string, params: unknown) => {
    const res = await dispatch(handlers, { id: 1, method, params }, { connectionId: 't' }, { validateResponses: true });
    if ('error' in res) throw new Error(`${res.error.code}: ${res.error.message}`);
    return res.result as Record<string, unknown>;
  };
}

/** Every state a review's first check went through, in order (consecutive repeats dropped). */
function firstCheckStates(ctx: CoreContext): string[] {
  const seen: string[] = [];
  ctx.bus.subscribe((e) => {
    const status = e.event === 'verify.didReview' ? (e.payload as { review: Review }).review.checks?.[0]?.status : undefined;
    if (status && seen[seen.length - 1] !== status) seen.push(status);
  });
  return seen;
}

/** The text of every tool_result in the newest user message of a request. */
function toolResults(req: RecordedRequest): string[] {
  const messages = req.body?.messages as Array<{ role: string; content: unknown }>;
  const last = messages[messages.length - 1]!;
  return Array.isArray(last.content) ? last.content.flatMap((b: { type: string; content?: unknown }) => (b.type === 'tool_result' ? [String(b.content)] : [])) : [];
}

const CHECKED_REPO = {
  'src/limit.js': 'export const limit = () => 0;\n',
  '.plumbline/spec.md': '# S\n\n## Failure modes\n\n- FM-1: limit store down → allow\n\n## Acceptance checks\n\n- AC-1: the fallback exists `test -f src/fallback.js`\n',
  '.plumbline/tasks.md': '# Tasks\n\n## T-1: Limits\n\n- Serves: FM-1\n- Scope: src/\n- Checks: AC-1\n- Status: in review\n',
};

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
    ctx.projects.add(root);
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

  it('runs a named check at once through the checks runner; the result is evidence and the finding cites it', async () => {
    const root = makeRepo(CHECKED_REPO);
    const ctx = makeCtx(makeTempDir('plumbline-data-'));
    ctx.projects.add(root);
    api.enqueue(streamReply([{ type: 'tool_use', name: 'run_check', input: { check: 'AC-1' } }]));
    api.respondWith((req) => {
      const cited = /Evidence (\S+):/.exec(toolResults(req).join('\n'))?.[1] ?? 'none';
      return streamReply([
        {
          type: 'tool_use',
          name: 'report_findings',
          input: { findings: [{ severity: 'high', requirementId: 'FM-1', title: 'No fallback', evidence: `AC-1 fails (${cited})`, suggestedFix: 'Add src/fallback.js.', evidenceIds: [cited, 'ev-invented'] }] },
        },
      ]);
    });
    const started = await startReview(ctx, root, 'T-1');
    const done = await finished(ctx, started.id);
    expect(done.status).toBe('done');

    // The check ran without asking (a configured check) and is an evidence record keyed like any AC-1 run.
    const evidence = await new EvidenceLedger(root, ctx.dataDir).readAll();
    const record = evidence.find((r) => r.key === 'check:AC-1');
    expect(record).toMatchObject({ result: 'failed', exitCode: 1, how: 'test -f src/fallback.js', kind: 'command' });
    expect(done.checks).toEqual([{ id: 'c1', label: 'AC-1: the fallback exists `test -f src/fallback.js`', command: 'test -f src/fallback.js', status: 'failed', auto: true, evidenceId: record!.id, note: 'failed, exit 1' }]);
    // The model saw the result and the list of runnable checks; the finding cites the real evidence only.
    expect(JSON.stringify(api.messageRequests()[0]!.body?.messages)).toContain('AC-1: the fallback exists');
    expect(toolResults(api.messageRequests()[1]!)[0]).toContain(`failed, exit 1.\nEvidence ${record!.id}:`);
    expect(done.findings[0]!.evidenceIds).toEqual([record!.id]);
    expect(evidence.find((r) => r.kind === 'review')!.excerpt).toContain(`(evidence ${record!.id})`);

    await acceptFinding(ctx, root, started.id, 0);
    expect(readFileSync(join(root, '.plumbline/tasks.md'), 'utf8')).toContain(`Cited evidence: ${record!.id} (\`test -f src/fallback.js\` failed, exit 1).`);
  });

  it('asks before any other command: approved runs as evidence, denied never runs, allowlisted runs at once', async () => {
    const root = makeRepo(CHECKED_REPO);
    const ctx = makeCtx(makeTempDir('plumbline-data-'));
    ctx.projects.add(root);
    answerChecks(ctx, root, { c1: true, c2: false });
    api.enqueue(
      streamReply([
        { type: 'tool_use', name: 'run_check', input: { check: 'echo approved-probe > probe.txt' } },
        { type: 'tool_use', name: 'run_check', input: { check: 'echo denied-probe > denied.txt' } },
        { type: 'tool_use', name: 'run_check', input: { check: 'ls src' } },
      ]),
      streamReply([{ type: 'tool_use', name: 'report_findings', input: { findings: [] } }]),
    );
    const started = await startReview(ctx, root, 'T-1');
    const done = await finished(ctx, started.id);
    expect(done.status).toBe('done');
    expect(done.checks!.map((c) => [c.id, c.status, c.auto])).toEqual([
      ['c1', 'passed', false],
      ['c2', 'denied', false],
      ['c3', 'passed', true],
    ]);
    expect(readFileSync(join(root, 'probe.txt'), 'utf8')).toBe('approved-probe\n');
    expect(() => readFileSync(join(root, 'denied.txt'))).toThrow();
    const results = toolResults(api.messageRequests()[1]!);
    expect(results[0]).toContain('passed, exit 0');
    expect(results[1]).toMatch(/denied running `echo denied-probe > denied.txt`/);
    expect(results[2]).toContain('limit.js');
    const evidence = await new EvidenceLedger(root, ctx.dataDir).readAll();
    expect(evidence.filter((r) => r.kind === 'command').map((r) => [r.how, r.result, r.taskId])).toEqual([
      ['echo approved-probe > probe.txt', 'passed', 'T-1'],
      ['ls src', 'passed', 'T-1'],
    ]);
    // A check that is not waiting cannot be answered.
    expect(() => answerReviewCheck(root, started.id, 'c2', true)).toThrow(/no longer waiting/);
  });

  it('stops a review that waits for an approval: the check is denied and never runs', async () => {
    const root = makeRepo(CHECKED_REPO);
    const ctx = makeCtx(makeTempDir('plumbline-data-'));
    ctx.projects.add(root);
    ctx.bus.subscribe((e) => {
      const review = (e.payload as { review?: Review }).review;
      if (e.event === 'verify.didReview' && review?.checks?.[0]?.status === 'waiting') cancelReviews();
    });
    api.enqueue(streamReply([{ type: 'tool_use', name: 'run_check', input: { check: 'touch stopped.txt' } }]));
    const started = await startReview(ctx, root, 'T-1');
    const done = await finished(ctx, started.id);
    expect(done.status).toBe('cancelled');
    expect(done.checks!.map((c) => c.status)).toEqual(['denied']);
    expect(() => readFileSync(join(root, 'stopped.txt'))).toThrow();
    expect(api.messageRequests()).toHaveLength(1);
  });

  it('verify.cancelReview stops a review waiting for an approval: the check is denied, never runs, no findings', async () => {
    const root = makeRepo(CHECKED_REPO);
    const ctx = makeCtx(makeTempDir('plumbline-data-'));
    ctx.projects.add(root);
    const call = verifyCalls(ctx, root);
    let cancelled: Promise<unknown> | null = null;
    ctx.bus.subscribe((e) => {
      const review = (e.payload as { review?: Review }).review;
      if (e.event === 'verify.didReview' && review?.checks?.[0]?.status === 'waiting') cancelled ??= call('verify.cancelReview', { root, reviewId: review.id });
    });
    api.enqueue(streamReply([{ type: 'tool_use', name: 'run_check', input: { check: 'touch stopped.txt' } }]));
    const started = await startReview(ctx, root, 'T-1');
    const done = await finished(ctx, started.id);
    expect(await cancelled).toEqual({ ok: true });
    expect(done).toMatchObject({ status: 'cancelled', findings: [], error: expect.stringMatching(/stopped/) });
    expect(done.checks!.map((c) => c.status)).toEqual(['denied']);
    expect(existsSync(join(root, 'stopped.txt'))).toBe(false);
    expect(api.messageRequests()).toHaveLength(1);
    expect((await listReviews(ctx.dataDir, root))[0]!.status).toBe('cancelled');
    const evidence = await new EvidenceLedger(root, ctx.dataDir).readAll();
    expect(evidence.filter((r) => r.kind === 'command')).toEqual([]);
    expect(evidence.find((r) => r.kind === 'review')).toMatchObject({ result: 'cancelled' });
    // Stopping an ended review is harmless; an unknown one is named.
    expect(await call('verify.cancelReview', { root, reviewId: started.id })).toEqual({ ok: true });
    await expect(call('verify.cancelReview', { root, reviewId: 'rv-none' })).rejects.toThrow(/NOT_FOUND/);
  });

  it('verify.cancelReview aborts the model stream: the review ends cancelled without findings or a next turn', async () => {
    const root = makeRepo(CHECKED_REPO);
    const ctx = makeCtx(makeTempDir('plumbline-data-'));
    ctx.projects.add(root);
    const call = verifyCalls(ctx, root);
    let reviewId = '';
    let cancelled: Promise<unknown> | null = null;
    api.enqueue({
      ...streamReply([
        { type: 'text', text: 'Looking at the diff first.' },
        { type: 'tool_use', name: 'report_findings', input: { findings: [{ severity: 'high', requirementId: 'FM-1', title: 'Invented', evidence: 'x', suggestedFix: 'y' }] } },
      ]),
      pauseAfter: 3,
      release: new Promise<void>(() => {}),
      onPause: () => {
        cancelled = call('verify.cancelReview', { root, reviewId });
      },
    } as MockResponse);
    const started = await startReview(ctx, root, 'T-1');
    reviewId = started.id;
    const done = await finished(ctx, started.id);
    expect(await cancelled).toEqual({ ok: true });
    expect(done).toMatchObject({ status: 'cancelled', findings: [] });
    expect(api.messageRequests()).toHaveLength(1);
  });

  it('verify.cancelReview kills a running check\'s process group; the check ends cancelled', async () => {
    const root = makeRepo(CHECKED_REPO);
    execFileSync('mkfifo', [join(root, 'go.fifo')]);
    const ctx = makeCtx(makeTempDir('plumbline-data-'));
    const call = verifyCalls(ctx, root);
    answerChecks(ctx, root, { c1: true });
    api.enqueue(streamReply([{ type: 'tool_use', name: 'run_check', input: { check: 'echo go > go.fifo; sleep 60; touch late.txt' } }]));
    const started = await startReview(ctx, root, 'T-1');
    // The command has started once it writes to the pipe; then the review is stopped.
    await new Promise<void>((resolve) => createReadStream(join(root, 'go.fifo')).once('data', () => resolve()));
    await call('verify.cancelReview', { root, reviewId: started.id });
    const done = await finished(ctx, started.id);
    expect(done).toMatchObject({ status: 'cancelled', findings: [] });
    expect(done.checks!.map((c) => c.status)).toEqual(['cancelled']);
    expect(existsSync(join(root, 'late.txt'))).toBe(false);
    expect(workingTreeLock.isBusy(root)).toBe(false);
  });

  it('a review check waits while a Verify job holds the working tree, and Verify refuses while a review check runs', async () => {
    const root = makeRepo(CHECKED_REPO);
    const ctx = makeCtx(makeTempDir('plumbline-data-'));
    ctx.projects.add(root);
    const call = verifyCalls(ctx, root);
    const states = firstCheckStates(ctx);
    // A Verify job of the project holds the tree.
    const verifyJob = workingTreeLock.tryAcquire(root)!;
    let verifyWhileRunning: Promise<unknown> | null = null;
    ctx.bus.subscribe((e) => {
      const review = (e.payload as { review?: Review }).review;
      const c = e.event === 'verify.didReview' ? review?.checks?.[0] : undefined;
      if (c?.status === 'queued') {
        expect(c.note).toMatch(/waits for the running verification/i);
        verifyJob();
      }
      if (c?.status === 'running') verifyWhileRunning ??= call('verify.run', { root, taskId: 'T-1' }).catch((error: unknown) => error);
    });
    api.enqueue(streamReply([{ type: 'tool_use', name: 'run_check', input: { check: 'AC-1' } }]), streamReply([{ type: 'tool_use', name: 'report_findings', input: { findings: [] } }]));
    const started = await startReview(ctx, root, 'T-1');
    const done = await finished(ctx, started.id);
    expect(states).toEqual(['queued', 'running', 'failed']);
    expect(done.status).toBe('done');
    expect(String(await verifyWhileRunning)).toMatch(/CONFLICT: A verification or a review check of this project is already running/);
    expect(workingTreeLock.isBusy(root)).toBe(false);
    // With the tree free again, Verify runs.
    expect(await call('verify.run', { root, taskId: 'T-1' })).toMatchObject({ total: 1 });
  });
});
