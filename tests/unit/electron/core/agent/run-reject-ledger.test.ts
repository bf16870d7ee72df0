import { execFileSync } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CoreContext } from '../../../../../electron/core/core-context';
import { createAgentModule } from '../../../../../electron/core/agent/agent-module';
import { EvidenceLedger, type NewEvidence } from '../../../../../electron/core/verify/evidence';
import { startMockMessagesApi, streamReply, type MockMessagesApi } from '../../../../helpers/mock-messages-api';
import { tempProject, projectContext } from './loop-harness';

let api: MockMessagesApi;
let project: Awaited<ReturnType<typeof tempProject>>;
let ctx: CoreContext;

const git = (...args: string[]): string => execFileSync('git', args, { cwd: project.root }).toString();
const f = (p: string): string => join(project.root, p);
const record = (id: string, result: NewEvidence['result']): NewEvidence => ({ subject: { kind: 'requirement', id }, what: id, how: 'npm test', kind: 'command', result, excerpt: '' });
const NO_TREE = { commit: null, dirty: false };

beforeEach(async () => {
  api = await startMockMessagesApi();
  project = await tempProject();
  ctx = projectContext(project);
  git('init', '-q', '-b', 'main');
  git('config', 'user.name', 'Test User');
  git('config', 'user.email', 'test@example.com');
  await mkdir(f('.plumbline'));
  await writeFile(f('.plumbline/tasks.md'), '# Tasks\n\n## T-1: Greet\n\nMake it greet.\n\n- Status: todo\n');
  await writeFile(f('hello.txt'), 'hello\n');
  git('add', '-A');
  git('commit', '-q', '-m', 'init');
});
afterEach(async () => {
  await api.close();
  await project.cleanup();
});

describe('rejecting a run', () => {
  it("restores the run's files but never the ledger: Calibrator records survive Reject and its undo", async () => {
    const ledger = new EvidenceLedger(project.root, ctx.dataDir);
    // A record from before the run: the ledger is in the run's checkpoint.
    const before = await ledger.append(record('AC-1', 'passed'), NO_TREE);
    const agent = createAgentModule(ctx, { env: { ANTHROPIC_BASE_URL: api.url, ANTHROPIC_API_KEY: 'k', PATH: process.env.PATH }, sleep: async () => {} });
    // Approve every edit the run asks for.
    ctx.bus.subscribe((e) => {
      if (e.event !== 'agent.didAppend') return;
      const p = e.payload as { runId: string; event: { type: string; approvalId?: string } };
      if (p.event.type === 'approval' && p.event.approvalId) queueMicrotask(() => void agent.handlers['agent.approve']({ runId: p.runId, approvalId: p.event.approvalId!, approved: true }, { connectionId: 't' }));
    });
    api.enqueue(
      streamReply([{ type: 'tool_use', name: 'str_replace_based_edit_tool', input: { command: 'view', path: 'hello.txt' } }]),
      streamReply([{ type: 'tool_use', name: 'str_replace_based_edit_tool', input: { command: 'str_replace', path: 'hello.txt', old_str: 'hello', new_str: 'hello world' } }]),
      streamReply([{ type: 'text', text: 'Done.' }]),
    );
    const { runId } = await agent.handlers['agent.start']({ root: project.root, taskId: 'T-1' }, { connectionId: 't' });
    await agent.service.settled(runId);
    expect(await readFile(f('hello.txt'), 'utf8')).toBe('hello world\n');
    // The Calibrator refutes the run after it finished.
    const refuted = await ledger.append(record('AC-1', 'refuted'), NO_TREE);

    const rejected = await agent.handlers['agent.reject']({ root: project.root, runId }, { connectionId: 't' });
    expect(rejected.restored).toEqual(['hello.txt']);
    expect(await readFile(f('hello.txt'), 'utf8')).toBe('hello\n');
    let ids = (await ledger.readAll()).map((r) => r.id);
    expect(ids).toEqual(expect.arrayContaining([before.id, refuted.id]));

    // A record appended after the reject survives its undo too.
    const later = await ledger.append(record('AC-2', 'failed'), NO_TREE);
    await agent.handlers['agent.undoReject']({ root: project.root, runId }, { connectionId: 't' });
    expect(await readFile(f('hello.txt'), 'utf8')).toBe('hello world\n');
    const all = await ledger.readAll();
    ids = all.map((r) => r.id);
    expect(ids).toEqual(expect.arrayContaining([before.id, refuted.id, later.id]));
    // Every record still verifies and the chain is whole: nothing was rewritten under the Calibrator.
    expect(all.filter((r) => r.untrusted)).toEqual([]);
    expect(await ledger.integrity()).toEqual({ forged: [], gaps: 0 });
  });
});
