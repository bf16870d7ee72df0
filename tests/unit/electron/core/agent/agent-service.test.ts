import { execFileSync } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CoreContext } from '../../../../../electron/core/core-context';
import { createAgentModule } from '../../../../../electron/core/agent/agent-module';
import { createSettingsModule } from '../../../../../electron/core/settings/settings-module';
import { errorReply, jsonReply, startMockMessagesApi, streamReply, type MockMessagesApi } from '../../../../helpers/mock-messages-api';
import { tempProject, projectContext } from './loop-harness';

let api: MockMessagesApi;
let project: Awaited<ReturnType<typeof tempProject>>;
let ctx: CoreContext;
let secrets: Map<string, string>;

beforeEach(async () => {
  api = await startMockMessagesApi();
  project = await tempProject();
  secrets = new Map();
  ctx = projectContext(project, secrets);
  const root = project.root;
  execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: root });
  execFileSync('git', ['config', 'user.name', 'Test User'], { cwd: root });
  execFileSync('git', ['config', 'user.email', 'test@example.com'], { cwd: root });
  await mkdir(join(root, '.plumbline'));
  await writeFile(join(root, '.plumbline/spec.md'), '# Spec\n\n## Acceptance checks\n\n- AC-1: greets the world\n\n## Non-requirements\n\n- NR-1: no GUI\n');
  await writeFile(join(root, '.plumbline/tasks.md'), '# Tasks\n\n## T-1: Greet\n\nMake it greet.\n\n- Serves: AC-1\n- Status: todo\n');
  await writeFile(join(root, 'AGENTS.md'), 'Keep it small.\n');
  await writeFile(join(root, 'hello.txt'), 'hello\n');
  execFileSync('git', ['add', '-A'], { cwd: root });
  execFileSync('git', ['commit', '-q', '-m', 'init'], { cwd: root });
});
afterEach(async () => {
  await api.close();
  await project.cleanup();
});

const env = (): NodeJS.ProcessEnv => ({ ANTHROPIC_BASE_URL: api.url, PATH: process.env.PATH });

describe('agent module', () => {
  it('says what to set when no key is configured', async () => {
    const agent = createAgentModule(ctx, { env: { PATH: process.env.PATH } });
    await expect(agent.handlers['agent.start']({ root: project.root, taskId: 'T-1' }, { connectionId: 't' })).rejects.toThrow(/No API key for the builder role/);
  });

  it('runs a task with an approved edit, shows the diff, accepts it into a commit, and rejects another run with files restored', async () => {
    const agent = createAgentModule(ctx, { env: env(), sleep: async () => {} });
    const settings = createSettingsModule(agent.service);
    const view = await settings.handlers['settings.setKey']({ role: 'all', key: 'sk-test-secret' }, { connectionId: 't' });
    expect(JSON.stringify(view)).not.toContain('sk-test-secret');
    expect(view.roles.builder).toMatchObject({ keySet: true, keySource: 'app', effectiveBaseURL: api.url });
    const approvals: string[] = [];
    const appended: string[] = [];
    ctx.bus.subscribe((e) => {
      if (e.event === 'agent.didAppend') {
        const p = e.payload as { runId: string; event: { type: string; approvalId?: string } };
        appended.push(JSON.stringify(p.event));
        if (p.event.type === 'approval' && p.event.approvalId) {
          approvals.push(p.event.approvalId);
          queueMicrotask(() => agent.handlers['agent.approve']({ runId: p.runId, approvalId: p.event.approvalId!, approved: true }, { connectionId: 't' }));
        }
      }
    });
    api.enqueue(
      streamReply([{ type: 'tool_use', name: 'str_replace_based_edit_tool', input: { command: 'view', path: 'hello.txt' } }]),
      streamReply([{ type: 'tool_use', name: 'str_replace_based_edit_tool', input: { command: 'str_replace', path: 'hello.txt', old_str: 'hello', new_str: 'hello world' } }]),
      streamReply([{ type: 'tool_use', name: 'report_outcome', input: { summary: 'Greets.', claims: [{ kind: 'file_changed', path: 'hello.txt', statement: 'greets the world', confidence: 0.9 }] } }]),
    );
    const { runId } = await agent.handlers['agent.start']({ root: project.root, taskId: 'T-1' }, { connectionId: 't' });
    await agent.service.settled(runId);
    expect(approvals).toHaveLength(1);
    const first = api.messageRequests()[0].body as { system: Array<{ text: string }>; messages: Array<{ content: Array<{ text: string }> }> };
    expect(first.system.map((s) => s.text).join('\n')).toContain('Keep it small.');
    const taskText = first.messages[0].content[0].text;
    expect(taskText).toContain('T-1: Greet');
    expect(taskText).toContain('AC-1: greets the world');
    expect(taskText).toContain('NR-1: no GUI');
    expect(appended.join('\n')).not.toContain('sk-test-secret');
    const { summary } = await agent.handlers['agent.transcript']({ root: project.root, runId }, { connectionId: 't' });
    expect(summary).toMatchObject({ status: 'completed', review: 'pending', taskId: 'T-1' });
    const { files } = await agent.handlers['agent.diff']({ root: project.root, runId }, { connectionId: 't' });
    expect(files).toEqual([{ path: 'hello.txt', status: 'modified', binary: false, before: 'hello\n', after: 'hello world\n' }]);
    const accepted = await agent.handlers['agent.accept']({ root: project.root, runId }, { connectionId: 't' });
    const log = execFileSync('git', ['log', '--format=%an %s', '-n', '1'], { cwd: project.root }).toString();
    expect(log).toContain('Test User T-1 Greet');
    expect(execFileSync('git', ['rev-parse', 'HEAD'], { cwd: project.root }).toString().trim()).toBe(accepted.commit);
    expect(execFileSync('git', ['status', '--porcelain'], { cwd: project.root }).toString()).not.toContain('hello.txt');

    // Second run: creates a file and edits another; rejected → restored; the user's untracked file stays.
    api.enqueue(
      streamReply([{ type: 'tool_use', name: 'str_replace_based_edit_tool', input: { command: 'create', path: 'extra.txt', file_text: 'agent file\n' } }]),
      streamReply([{ type: 'text', text: 'Done.' }]),
    );
    const second = await agent.handlers['agent.start']({ root: project.root, taskId: 'T-1' }, { connectionId: 't' });
    await writeFile(join(project.root, 'mine.txt'), 'user work\n');
    await agent.service.settled(second.runId);
    const rejected = await agent.handlers['agent.reject']({ root: project.root, runId: second.runId }, { connectionId: 't' });
    expect(rejected.deleted).toEqual(['extra.txt']);
    await expect(readFile(join(project.root, 'extra.txt'))).rejects.toThrow();
    expect(await readFile(join(project.root, 'mine.txt'), 'utf8')).toBe('user work\n');
    const undone = await agent.handlers['agent.undoReject']({ root: project.root, runId: second.runId }, { connectionId: 't' });
    expect(undone.restored).toEqual(['extra.txt']);
    const runs = await agent.handlers['agent.runs']({ root: project.root, taskId: 'T-1' }, { connectionId: 't' });
    expect(runs.runs.map((r) => r.review)).toEqual(['pending', 'accepted']);
  });

  it('shows a run without an end record as interrupted after a restart, and discards it', async () => {
    const agent = createAgentModule(ctx, { env: env() });
    await agent.service.transcripts.append(project.root, 'run-old', { type: 'start', at: new Date().toISOString(), runId: 'run-old', kind: 'task', taskId: 'T-1', title: 'T-1 Greet', role: 'builder', model: 'm', checkpoint: null, resumedFrom: null });
    const { runs } = await agent.handlers['agent.runs']({ root: project.root }, { connectionId: 't' });
    expect(runs[0]).toMatchObject({ runId: 'run-old', status: 'interrupted' });
    await agent.handlers['agent.discard']({ root: project.root, runId: 'run-old' }, { connectionId: 't' });
    const after = await agent.handlers['agent.runs']({ root: project.root }, { connectionId: 't' });
    expect(after.runs[0].status).toBe('stopped');
  });

  it('resumes an interrupted run with every open tool call answered as cancelled', async () => {
    const agent = createAgentModule(ctx, { env: { ...env(), ANTHROPIC_API_KEY: 'k' } });
    const at = new Date().toISOString();
    const store = agent.service.transcripts;
    await store.append(project.root, 'run-int', { type: 'start', at, runId: 'run-int', kind: 'task', taskId: 'T-1', title: 'T-1 Greet', role: 'builder', model: 'm', checkpoint: null, resumedFrom: null });
    await store.append(project.root, 'run-int', { type: 'user', at, text: 'Do T-1', steer: false });
    await store.append(project.root, 'run-int', { type: 'assistant', at, turn: 1, content: [{ type: 'tool_use', id: 'tu1', name: 'bash', input: { command: 'ls' } }], stopReason: 'tool_use', usage: { input: 1, output: 1, cacheWrite5m: 0, cacheWrite1h: 0, cacheRead: 0 }, costUsd: 0 });
    api.enqueue(streamReply([{ type: 'text', text: 'Continuing.' }]));
    const { runId } = await agent.handlers['agent.resume']({ root: project.root, runId: 'run-int' }, { connectionId: 't' });
    await agent.service.settled(runId);
    const body = JSON.stringify(api.messageRequests()[0].body);
    expect(body).toMatch(/"tool_use_id":"tu1".*Cancelled/);
    const { runs } = await agent.handlers['agent.runs']({ root: project.root }, { connectionId: 't' });
    expect(runs.find((r) => r.runId === 'run-int')?.status).toBe('stopped');
    expect(runs.find((r) => r.runId === runId)?.status).toBe('completed');
    await agent.dispose?.();
    // The session ended with a building run: the hand-off note exists.
    expect(await readFile(join(project.root, '.plumbline/handoff.md'), 'utf8')).toContain('## Next steps');
  });

  it("a resumed run of a task whose line allows the network keeps that allowance, and says so", async () => {
    const tasksPath = join(project.root, '.plumbline/tasks.md');
    await writeFile(tasksPath, (await readFile(tasksPath, 'utf8')).replace('## T-1: Greet\n', '## T-1: Greet\n\n- network: allowed\n'));
    const agent = createAgentModule(ctx, { env: { ...env(), ANTHROPIC_API_KEY: 'k' } });
    const at = new Date().toISOString();
    await agent.service.transcripts.append(project.root, 'run-net', { type: 'start', at, runId: 'run-net', kind: 'task', taskId: 'T-1', title: 'T-1 Greet', role: 'builder', model: 'm', checkpoint: null, resumedFrom: null });
    await agent.service.transcripts.append(project.root, 'run-net', { type: 'user', at, text: 'Do T-1', steer: false });
    api.enqueue(streamReply([{ type: 'text', text: 'Continuing.' }]));
    const { runId } = await agent.handlers['agent.resume']({ root: project.root, runId: 'run-net' }, { connectionId: 't' });
    await agent.service.settled(runId);
    const { events } = await agent.handlers['agent.transcript']({ root: project.root, runId }, { connectionId: 't' });
    expect(events.some((e) => e.type === 'notice' && e.text.startsWith('Network allowed for this run (task T-1)'))).toBe(true);
    await agent.dispose?.();
  });

  it('critiques the spec (at most five questions), drafts tasks without writing, and tests the connection', async () => {
    const agent = createAgentModule(ctx, { env: { ...env(), ANTHROPIC_API_KEY: 'k' } });
    const settings = createSettingsModule(agent.service);
    const questions = Array.from({ length: 7 }, (_, i) => ({ question: `Q${i}?`, recommended: `A${i}`, item: 'AC-1' }));
    api.enqueue(streamReply([{ type: 'tool_use', name: 'submit_critique', input: { findings: [{ kind: 'missing_failure_mode', item: 'AC-1', text: 'No failure mode for a full disk.' }], questions } }]));
    const critique = await agent.handlers['agent.critique']({ root: project.root }, { connectionId: 't' });
    expect(critique.findings[0].text).toContain('full disk');
    expect(critique.questions).toHaveLength(5);
    expect(JSON.stringify(api.messageRequests()[0].body)).toContain('AC-1: greets the world');
    const tasksBefore = await readFile(join(project.root, '.plumbline/tasks.md'), 'utf8');
    api.enqueue(streamReply([{ type: 'tool_use', name: 'submit_tasks', input: { tasks: [{ title: 'Add farewell', requirements: ['AC-1'], scope: ['hello.txt'], checks: ['cat hello.txt'] }] } }]));
    const draft = await agent.handlers['agent.breakdown']({ root: project.root }, { connectionId: 't' });
    expect(draft.tasks).toEqual([{ title: 'Add farewell', description: '', requirements: ['AC-1'], scope: ['hello.txt'], checks: ['cat hello.txt'], dependsOn: [] }]);
    expect(await readFile(join(project.root, '.plumbline/tasks.md'), 'utf8')).toBe(tasksBefore);
    api.enqueue(streamReply([{ type: 'text', text: 'pong' }]));
    const test = await settings.handlers['settings.testConnection']({ role: 'utility' }, { connectionId: 't' });
    expect(test.ok).toBe(true);
    expect(test.models.map((m) => m.id)).toContain('mock-model');
    api.enqueue(errorReply(401, 'authentication_error', 'invalid x-api-key'));
    api.setModels([]);
    const bad = await settings.handlers['settings.testConnection']({ role: 'utility' }, { connectionId: 't' });
    expect(bad.ok).toBe(false);
    expect(bad.message).toMatch(/refused the key \(HTTP 401.*check the key in Settings/);
  });

  it('routes a question and answers it in a read-only run', async () => {
    const agent = createAgentModule(ctx, { env: { ...env(), ANTHROPIC_API_KEY: 'k' } });
    api.enqueue(jsonReply('{"route":"concrete","reason":"names a file"}'), streamReply([{ type: 'tool_use', name: 'str_replace_based_edit_tool', input: { command: 'create', path: 'x.txt', file_text: 'no' } }]), streamReply([{ type: 'text', text: 'hello.txt says hello.' }]));
    const res = await agent.handlers['agent.ask']({ root: project.root, question: 'What does hello.txt say?' }, { connectionId: 't' });
    expect(res).toMatchObject({ role: 'builder' });
    expect(res.reason).toContain('names a file');
    await agent.service.settled(res.runId);
    await expect(readFile(join(project.root, 'x.txt'))).rejects.toThrow();
    const { events } = await agent.handlers['agent.transcript']({ root: project.root, runId: res.runId }, { connectionId: 't' });
    expect(JSON.stringify(events)).toContain('read-only');
  });

  it("runs the task's own check commands without asking, and asks for other commands", async () => {
    await writeFile(join(project.root, '.plumbline/tasks.md'), '# Tasks\n\n## T-2: Check\n\n- serves: AC-1\n- checks: `cat hello.txt && echo checked`\n- status: todo\n');
    const agent = createAgentModule(ctx, { env: { ...env(), ANTHROPIC_API_KEY: 'k' } });
    const approvals: string[] = [];
    ctx.bus.subscribe((e) => {
      if (e.event !== 'agent.didAppend') return;
      const p = e.payload as { runId: string; event: { type: string; approvalId?: string; command?: string | null } };
      if (p.event.type === 'approval') {
        approvals.push(p.event.command ?? '');
        queueMicrotask(() => agent.handlers['agent.approve']({ runId: p.runId, approvalId: p.event.approvalId!, approved: false }, { connectionId: 't' }));
      }
    });
    api.enqueue(
      streamReply([{ type: 'tool_use', name: 'bash', input: { command: 'cat hello.txt && echo checked' } }]),
      streamReply([{ type: 'tool_use', name: 'bash', input: { command: 'touch other.txt' } }]),
      streamReply([{ type: 'text', text: 'ok' }]),
    );
    const { runId } = await agent.handlers['agent.start']({ root: project.root, taskId: 'T-2' }, { connectionId: 't' });
    await agent.service.settled(runId);
    expect(approvals).toEqual(['touch other.txt']);
    const results = JSON.stringify(api.messageRequests()[1].body);
    expect(results).toContain('checked');
    await expect(readFile(join(project.root, 'other.txt'))).rejects.toThrow();
  });
});
