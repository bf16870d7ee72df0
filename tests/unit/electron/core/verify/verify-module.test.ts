import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dispatch, type Handlers } from '../../../../../shared/rpc';
import type { EventOf } from '../../../../../shared/contract';
import { createVerifyModule } from '../../../../../electron/core/verify/verify-module';
import { makeRepo, makeTempDir } from '../../../../helpers/temp-repo';
import { testCoreContext } from '../../../../helpers/core-context';

function setup(acCommand: string) {
  const root = makeRepo({
    '.plumbline/spec.md': `# S\n\n## Acceptance checks\n\n- AC-1: prints \`${acCommand}\`\n`,
    '.plumbline/tasks.md': '# Tasks\n\n## T-1: A\n\n- Checks: AC-1\n',
  });
  const ctx = testCoreContext({ dataDir: makeTempDir('plumbline-data-'), roots: [root] });
  const bus = ctx.bus;
  const handlers = createVerifyModule(ctx).handlers as unknown as Handlers;
  const call = async (method: string, params: unknown) => {
    const res = await dispatch(handlers, { id: 1, method, params }, { connectionId: 't' }, { validateResponses: true });
    if ('error' in res) throw new Error(`${res.error.code}: ${res.error.message}`);
    return res.result as Record<string, unknown>;
  };
  const finished = (jobId: string) =>
    new Promise<EventOf<'verify.didFinish'>>((resolve) => {
      bus.subscribe((e) => {
        if (e.event === 'verify.didFinish' && (e.payload as EventOf<'verify.didFinish'>).jobId === jobId) resolve(e.payload as EventOf<'verify.didFinish'>);
      });
    });
  const events: string[] = [];
  bus.subscribe((e) => events.push(e.event));
  return { root, call, finished, events, bus };
}

describe('verify module through the contract', () => {
  it('runs checks as a job with streamed output, then serves the evidence and its full output', async () => {
    const { root, call, finished, events } = setup('echo hello-check');
    const plan = await call('verify.plan', { root });
    expect((plan.checks as { id: string }[]).map((c) => c.id)).toEqual(['AC-1']);
    const { jobId } = (await call('verify.run', { root })) as { jobId: string };
    const done = await finished(jobId);
    expect(done.results[0]).toMatchObject({ outcome: 'passed', exitCode: 0 });
    expect(events).toContain('verify.didOutput');
    expect(events).toContain('verify.didProgress');
    const { records } = (await call('verify.evidence', { root, taskId: 'T-1' })) as { records: { id: string; result: string }[] };
    expect(records).toHaveLength(1);
    const out = await call('verify.output', { root, id: records[0]!.id });
    expect(out).toMatchObject({ found: true });
    expect(out.text).toContain('hello-check');
    expect(await call('verify.taskStates', { root })).toMatchObject({ tasks: [{ taskId: 'T-1', state: 'verified' }] });
    expect(await call('verify.calibration', { root })).toEqual({ groups: [] });
  });

  it('cancels a running job', async () => {
    const { root, call, finished } = setup('sleep 30');
    const { jobId } = (await call('verify.run', { root })) as { jobId: string };
    const done = finished(jobId);
    await call('verify.cancel', { jobId });
    const result = await done;
    expect(result.cancelled).toBe(true);
    expect(result.results[0]?.outcome ?? 'cancelled').toBe('cancelled');
  });

  it('refuses a folder that is not open', async () => {
    const { call } = setup('true');
    await expect(call('verify.evidence', { root: makeTempDir() })).rejects.toThrow(/FORBIDDEN/);
  });

  it('stores a configured test command', async () => {
    const { root, call } = setup('true');
    writeFileSync(join(root, 'package.json'), JSON.stringify({ scripts: { test: 'vitest run' } }));
    expect(await call('verify.plan', { root })).toMatchObject({ configuredTestCommand: null, testCommand: { command: 'npm test' }, detectedTestCommand: { command: 'npm test', source: 'package.json scripts.test' } });
    await call('verify.setTestCommand', { root, command: 'node --test' });
    // The detected command stays visible (the pane shows it as the placeholder) while another is configured.
    expect(await call('verify.plan', { root })).toMatchObject({
      configuredTestCommand: 'node --test',
      testCommand: { command: 'node --test', source: 'configured' },
      detectedTestCommand: { command: 'npm test', source: 'package.json scripts.test' },
    });
    await call('verify.setTestCommand', { root, command: null });
    expect(await call('verify.plan', { root })).toMatchObject({ configuredTestCommand: null, testCommand: { command: 'npm test' } });
  });

  it('says a verified task has no agent run, and refuses an answer to a check nobody asked', async () => {
    const { root, call, finished } = setup('true');
    const { jobId } = (await call('verify.run', { root })) as { jobId: string };
    await finished(jobId);
    expect(await call('verify.taskStates', { root })).toEqual({ tasks: [expect.objectContaining({ taskId: 'T-1', state: 'verified', acceptedRunId: null, reason: 'All 1 check(s) pass; no agent run.' })] });
    await expect(call('verify.answerReviewCheck', { root, reviewId: 'rv-x', checkId: 'c1', approved: true })).rejects.toThrow(/NOT_FOUND: That check is no longer waiting/);
  });
});
