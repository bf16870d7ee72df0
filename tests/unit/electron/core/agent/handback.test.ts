import { execFileSync } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunSummary, TranscriptEvent } from '../../../../../shared/contract';
import type { CoreContext } from '../../../../../electron/core/core-context';
import { createAgentModule } from '../../../../../electron/core/agent/agent-module';
import { handbackState, runFailures, type RunSource } from '../../../../../electron/core/agent/handback';
import { startMockMessagesApi, streamReply, type MockMessagesApi } from '../../../../helpers/mock-messages-api';
import { tempProject, projectContext } from './loop-harness';

const CHECK = 'grep -q world hello.txt';
const at = '2025-01-01T00:00:00.000Z';
const usage = { input: 0, output: 0, cacheWrite5m: 0, cacheWrite1h: 0, cacheRead: 0 };

describe('failing streak (pure)', () => {
  const run = (runId: string, over: Partial<RunSummary> = {}): RunSummary => ({
    runId,
    kind: 'task',
    taskId: 'T-1',
    title: 'T-1 Greet',
    role: 'builder',
    model: 'm',
    status: 'completed',
    review: 'pending',
    startedAt: at,
    endedAt: at,
    steps: 1,
    usage,
    costUsd: 0,
    reason: null,
    ...over,
  });
  const check = (exitCode: number): TranscriptEvent[] => [
    { type: 'command', at, toolUseId: 'tu', command: `${CHECK}  `, exitCode, timedOut: false, durationMs: 1 },
    { type: 'tool_result', at, toolUseId: 'tu', name: 'bash', isError: exitCode !== 0, output: `exit ${exitCode}\nno world here` },
  ];
  const source = (runs: RunSummary[], events: Record<string, TranscriptEvent[]>): RunSource => ({
    runs: async () => runs,
    transcript: async (_root, id) => ({ events: events[id] ?? [] }),
  });

  it('counts only the last run of each check, and names the failing output', () => {
    expect(runFailures([...check(1), ...check(0)], [CHECK], null)).toEqual([]);
    const failures = runFailures([...check(0), ...check(1)], [CHECK], null);
    expect(failures).toHaveLength(1);
    expect(failures[0]).toContain(`Check \`${CHECK}  \` exited 1`);
    expect(failures[0]).toContain('no world here');
    // A command that is not one of the task's checks is the agent's business.
    expect(runFailures(check(1), ['npm test'], null)).toEqual([]);
  });

  it('offers after three failing runs in a row; runs stopped by the user are skipped; a passing run or an accepted replan ends the streak', async () => {
    const failing = { a: check(1), b: check(1), c: check(1), d: check(1), ok: check(0) };
    const three = [run('a'), run('x', { status: 'cancelled' }), run('b'), run('c')];
    const s1 = await handbackState(source(three, failing), '/nonexistent', '/p', 'T-1', [CHECK]);
    expect(s1).toMatchObject({ offer: true, threshold: 3 });
    expect(s1.runs.map((r) => r.runId)).toEqual(['a', 'b', 'c']);
    const broken = [run('a'), run('ok'), run('b'), run('c')];
    expect((await handbackState(source(broken, failing), '/nonexistent', '/p', 'T-1', [CHECK])).offer).toBe(false);
    const replanned = [run('a'), run('b'), run('r', { kind: 'replan', review: 'accepted' }), run('c'), run('d')];
    const s3 = await handbackState(source(replanned, failing), '/nonexistent', '/p', 'T-1', [CHECK]);
    expect(s3.offer).toBe(false);
    expect(s3.runs).toHaveLength(2);
    const accepted = [run('a'), run('b', { review: 'accepted' }), run('c'), run('d')];
    expect((await handbackState(source(accepted, failing), '/nonexistent', '/p', 'T-1', [CHECK])).offer).toBe(false);
  });
});

describe('hand a task back to the thinker (mock server)', () => {
  let api: MockMessagesApi;
  let project: Awaited<ReturnType<typeof tempProject>>;
  let ctx: CoreContext;

  beforeEach(async () => {
    api = await startMockMessagesApi();
    project = await tempProject();
    ctx = projectContext(project);
    const root = project.root;
    execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: root });
    execFileSync('git', ['config', 'user.name', 'Test User'], { cwd: root });
    execFileSync('git', ['config', 'user.email', 'test@example.com'], { cwd: root });
    await mkdir(join(root, '.plumbline'));
    await writeFile(join(root, '.plumbline/spec.md'), '# Spec\n\n## Acceptance checks\n\n- AC-1: greets the world\n\n## Non-requirements\n\n- NR-1: no GUI\n');
    await writeFile(join(root, '.plumbline/tasks.md'), `# Tasks\n\n## T-1: Greet\n\nMake it greet the world.\n\n- serves: AC-1\n- checks: \`${CHECK}\`\n- status: todo\n`);
    await writeFile(join(root, 'hello.txt'), 'hello\n');
    execFileSync('git', ['add', '-A'], { cwd: root });
    execFileSync('git', ['commit', '-q', '-m', 'init'], { cwd: root });
  });
  afterEach(async () => {
    await api.close();
    await project.cleanup();
  });

  it('after three runs fail their checks, Run task offers the thinker, who gets the task, its requirements and the failures, and whose split is written only when accepted', async () => {
    const agent = createAgentModule(ctx, { env: { ANTHROPIC_BASE_URL: api.url, ANTHROPIC_API_KEY: 'k', PATH: process.env.PATH } });
    const call = <M extends keyof typeof agent.handlers>(m: M, req: Parameters<(typeof agent.handlers)[M]>[0]) =>
      (agent.handlers[m] as (r: typeof req, c: { connectionId: string }) => ReturnType<(typeof agent.handlers)[M]>)(req, { connectionId: 't' });
    const root = project.root;
    for (let i = 1; i <= 3; i++) {
      expect((await call('agent.handback', { root, taskId: 'T-1' })).offer).toBe(false);
      api.enqueue(
        streamReply([{ type: 'tool_use', name: 'bash', input: { command: CHECK } }]),
        streamReply([{ type: 'tool_use', name: 'report_outcome', input: { summary: `Attempt ${i} at greeting.`, claims: [{ kind: 'command_passes', command: CHECK, statement: 'the check passes', confidence: 0.9 }] } }]),
      );
      const { runId } = await call('agent.start', { root, taskId: 'T-1' });
      await agent.service.settled(runId);
    }
    const state = await call('agent.handback', { root, taskId: 'T-1' });
    expect(state.offer).toBe(true);
    expect(state.runs.map((r) => r.summary)).toEqual(['Attempt 3 at greeting.', 'Attempt 2 at greeting.', 'Attempt 1 at greeting.']);
    expect(state.runs[0].failures.join('\n')).toContain(`Check \`${CHECK}\` exited 1`);

    // Not silently: a plain start is refused with what to do; "Run anyway" is the user's choice.
    const before = api.messageRequests().length;
    await expect(call('agent.start', { root, taskId: 'T-1' })).rejects.toThrow(/failed its checks in the last 3 runs.*Run anyway/);
    expect(api.messageRequests()).toHaveLength(before);

    const tasksBefore = await readFile(join(root, '.plumbline/tasks.md'), 'utf8');
    api.enqueue(
      streamReply([
        {
          type: 'tool_use',
          name: 'submit_replan',
          input: {
            diagnosis: 'The check looks for "world" but no run ever wrote it.',
            choice: 'split',
            tasks: [
              { title: 'Write the greeting text', requirements: ['AC-1'], scope: ['hello.txt'], checks: [CHECK] },
              { title: 'Print the greeting', requirements: ['AC-1'], scope: ['greet.sh'], checks: ['sh greet.sh'], dependsOn: ['#1'] },
            ],
          },
        },
      ]),
    );
    const { runId: replanRun, draft } = await call('agent.replan', { root, taskId: 'T-1' });
    expect(draft.choice).toBe('split');
    expect(draft.tasks.map((t) => t.title)).toEqual(['Write the greeting text', 'Print the greeting']);
    const prompt = JSON.stringify(api.messageRequests().at(-1)?.body);
    expect(prompt).toContain('T-1: Greet');
    expect(prompt).toContain('Make it greet the world.');
    expect(prompt).toContain('AC-1: greets the world');
    for (let i = 1; i <= 3; i++) expect(prompt).toContain(`Attempt ${i} at greeting.`);
    expect(prompt).toContain('exited 1');
    expect(prompt).toContain('submit_replan');
    // A draft only: nothing written yet, and the offer stands.
    expect(await readFile(join(root, '.plumbline/tasks.md'), 'utf8')).toBe(tasksBefore);
    expect((await call('agent.handback', { root, taskId: 'T-1' })).offer).toBe(true);

    const edited = { ...draft, tasks: [{ ...draft.tasks[0], title: 'Write "hello world"' }, draft.tasks[1]] };
    const { taskIds } = await call('agent.acceptReplan', { root, runId: replanRun, taskId: 'T-1', draft: edited });
    expect(taskIds).toEqual(['T-2', 'T-3']);
    const tasksAfter = await readFile(join(root, '.plumbline/tasks.md'), 'utf8');
    expect(tasksAfter).toContain('## T-2: Write "hello world"');
    expect(tasksAfter).toMatch(/## T-3: Print the greeting[\s\S]*depends: T-2/);
    expect(tasksAfter).toMatch(/## T-1: Greet[\s\S]*Split into T-2, T-3[\s\S]*depends: T-2, T-3/);
    // The accepted replan ends the streak: the next Run task runs.
    expect((await call('agent.handback', { root, taskId: 'T-1' })).offer).toBe(false);
    await expect(call('agent.acceptReplan', { root, runId: replanRun, taskId: 'T-1', draft: edited })).rejects.toThrow(/already accepted/);
  });

  it('"Run anyway" starts the run despite the streak', async () => {
    const agent = createAgentModule(ctx, { env: { ANTHROPIC_BASE_URL: api.url, ANTHROPIC_API_KEY: 'k', PATH: process.env.PATH } });
    for (let i = 0; i < 3; i++) {
      api.enqueue(streamReply([{ type: 'tool_use', name: 'bash', input: { command: CHECK } }]), streamReply([{ type: 'text', text: 'Could not make it pass.' }]));
      const { runId } = await agent.handlers['agent.start']({ root: project.root, taskId: 'T-1' }, { connectionId: 't' });
      await agent.service.settled(runId);
    }
    await expect(agent.handlers['agent.start']({ root: project.root, taskId: 'T-1' }, { connectionId: 't' })).rejects.toThrow(/Ask the thinker/);
    api.enqueue(streamReply([{ type: 'text', text: 'Trying once more.' }]));
    const { runId } = await agent.handlers['agent.start']({ root: project.root, taskId: 'T-1', runAnyway: true }, { connectionId: 't' });
    await agent.service.settled(runId);
    const { summary } = await agent.handlers['agent.transcript']({ root: project.root, runId }, { connectionId: 't' });
    expect(summary.status).toBe('completed');
  });
});
