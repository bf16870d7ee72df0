import { execFileSync } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CoreContext } from '../../../../../electron/core/core-context';
import { createAgentModule } from '../../../../../electron/core/agent/agent-module';
import { startMockMessagesApi, streamReply, type MockMessagesApi } from '../../../../helpers/mock-messages-api';
import { tempProject, projectContext } from './loop-harness';

let api: MockMessagesApi;
let project: Awaited<ReturnType<typeof tempProject>>;
let ctx: CoreContext;

const git = (...args: string[]): string => execFileSync('git', args, { cwd: project.root }).toString();
const f = (p: string): string => join(project.root, p);

beforeEach(async () => {
  api = await startMockMessagesApi();
  project = await tempProject();
  ctx = projectContext(project);
  git('init', '-q', '-b', 'main');
  git('config', 'user.name', 'Test User');
  git('config', 'user.email', 'test@example.com');
  await mkdir(f('.plumbline'));
  await writeFile(f('.plumbline/tasks.md'), '# Tasks\n\n## T-1: Greet\n\nMake it greet.\n\n- Status: todo\n');
  await mkdir(f('src'));
  await writeFile(f('hello.txt'), 'hello\n');
  await writeFile(f('src/gone.txt'), 'to be deleted\n');
  await writeFile(f('src/keep.txt'), 'kept\n');
  await writeFile(f('notes.txt'), 'notes v1\n');
  git('add', '-A');
  git('commit', '-q', '-m', 'init');
});
afterEach(async () => {
  await api.close();
  await project.cleanup();
});

/** Starts a task run that approves everything it asks for, and waits until it has finished. */
async function run(agent: ReturnType<typeof createAgentModule>, replies: Parameters<typeof api.enqueue>): Promise<string> {
  ctx.bus.subscribe((e) => {
    if (e.event !== 'agent.didAppend') return;
    const p = e.payload as { runId: string; event: { type: string; approvalId?: string } };
    if (p.event.type === 'approval' && p.event.approvalId) queueMicrotask(() => void agent.handlers['agent.approve']({ runId: p.runId, approvalId: p.event.approvalId!, approved: true }, { connectionId: 't' }));
  });
  api.enqueue(...replies);
  const { runId } = await agent.handlers['agent.start']({ root: project.root, taskId: 'T-1' }, { connectionId: 't' });
  await agent.service.settled(runId);
  return runId;
}

describe('accepting a run', () => {
  it("commits only the run's files (edit, create, delete) and leaves the user's staged and unstaged work as it was", async () => {
    // The user's own work before the run: a staged new file, a staged edit, an unstaged edit.
    await writeFile(f('staged-new.txt'), 'staged by the user\n');
    await writeFile(f('notes.txt'), 'notes v2 staged\n');
    git('add', 'staged-new.txt', 'notes.txt');
    await writeFile(f('notes.txt'), 'notes v3 unstaged\n');
    const statusBefore = git('status', '--porcelain');
    const agent = createAgentModule(ctx, { env: { ANTHROPIC_BASE_URL: api.url, ANTHROPIC_API_KEY: 'k', PATH: process.env.PATH }, sleep: async () => {} });
    const runId = await run(agent, [
      streamReply([{ type: 'tool_use', name: 'str_replace_based_edit_tool', input: { command: 'view', path: 'hello.txt' } }]),
      streamReply([{ type: 'tool_use', name: 'str_replace_based_edit_tool', input: { command: 'str_replace', path: 'hello.txt', old_str: 'hello', new_str: 'hello world' } }]),
      streamReply([{ type: 'tool_use', name: 'str_replace_based_edit_tool', input: { command: 'create', path: 'src/new.txt', file_text: 'created by the run\n' } }]),
      streamReply([{ type: 'tool_use', name: 'bash', input: { command: 'rm src/gone.txt' } }]),
      streamReply([{ type: 'text', text: 'Done.' }]),
    ]);
    const { files } = await agent.handlers['agent.diff']({ root: project.root, runId }, { connectionId: 't' });
    expect(files.map((x) => `${x.status} ${x.path}`)).toEqual(['modified hello.txt', 'deleted src/gone.txt', 'added src/new.txt']);
    const accepted = await agent.handlers['agent.accept']({ root: project.root, runId }, { connectionId: 't' });
    expect(git('rev-parse', 'HEAD').trim()).toBe(accepted.commit);
    // The commit holds exactly the run's changes …
    expect(git('show', '--name-status', '--format=', 'HEAD').trim().split('\n').sort()).toEqual(['A\tsrc/new.txt', 'D\tsrc/gone.txt', 'M\thello.txt']);
    expect(git('show', 'HEAD:hello.txt')).toBe('hello world\n');
    expect(git('show', 'HEAD:notes.txt')).toBe('notes v1\n');
    // … the user's staged work is still staged (and not committed), the unstaged edit still unstaged.
    expect(git('diff', '--cached', '--name-only').trim().split('\n').sort()).toEqual(['notes.txt', 'staged-new.txt']);
    expect(git('show', ':notes.txt')).toBe('notes v2 staged\n');
    expect(await readFile(f('notes.txt'), 'utf8')).toBe('notes v3 unstaged\n');
    expect(git('diff', '--name-only').trim()).toBe('notes.txt');
    // The run's files are clean in the index; the rest of the status is what it was before the run,
    // but for the empty evidence ledger the command sandbox creates so it can bind it read-only.
    expect(git('status', '--porcelain').replace('?? .plumbline/evidence.jsonl\n', '')).toBe(statusBefore);
    expect(git('fsck', '--no-progress').trim()).toBe('');
  });

  it('refuses, naming the file, when the run changed a file that already had uncommitted edits of the user, and changes nothing', async () => {
    await writeFile(f('hello.txt'), 'hello from the user\n');
    const headBefore = git('rev-parse', 'HEAD');
    const agent = createAgentModule(ctx, { env: { ANTHROPIC_BASE_URL: api.url, ANTHROPIC_API_KEY: 'k', PATH: process.env.PATH }, sleep: async () => {} });
    const runId = await run(agent, [
      streamReply([{ type: 'tool_use', name: 'str_replace_based_edit_tool', input: { command: 'view', path: 'hello.txt' } }]),
      streamReply([{ type: 'tool_use', name: 'str_replace_based_edit_tool', input: { command: 'str_replace', path: 'hello.txt', old_str: 'from the user', new_str: 'world' } }]),
      streamReply([{ type: 'tool_use', name: 'str_replace_based_edit_tool', input: { command: 'create', path: 'src/new.txt', file_text: 'created by the run\n' } }]),
      streamReply([{ type: 'text', text: 'Done.' }]),
    ]);
    const statusBefore = git('status', '--porcelain');
    await expect(agent.handlers['agent.accept']({ root: project.root, runId }, { connectionId: 't' })).rejects.toThrow(/hello\.txt already had uncommitted changes of yours/);
    expect(git('rev-parse', 'HEAD')).toBe(headBefore);
    expect(git('status', '--porcelain')).toBe(statusBefore);
  });
});
