import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { EventName, EventOf, MethodName, RequestOf, ResponseOf } from '../../../../../shared/contract';
import { dispatch } from '../../../../../shared/rpc';
import { createCore, type Core } from '../../../../../electron/core/create-core';
import { ApiError, type ApiClient } from '../../../../../renderer/src/api/client';
import { createAppStore } from '../../../../../renderer/src/stores/app-store';
import { wireEvents } from '../../../../../renderer/src/stores/event-wiring';
import { git, makeRepo, makeTempDir } from '../../../../helpers/temp-repo';
import { startMockMessagesApi, streamReply, type MockMessagesApi } from '../../../../helpers/mock-messages-api';

/**
 * Every user action is followed by at most two requests: its answer or the event it causes
 * refreshes the store, never both, and the watcher's echo of a write already announced is dropped.
 * Counted with the real core, the real store and the real event wiring, over an in-process transport
 * that delivers events and answers in the order the WebSocket transport does.
 */

const cores: Core[] = [];
afterEach(async () => {
  for (const c of cores.splice(0)) await c.dispose();
});

/** The core over dispatch, counting every request after `mark()`. */
function harness(root: string, env: NodeJS.ProcessEnv = {}) {
  const core = createCore({
    dataDir: makeTempDir('plumbline-data-'),
    version: 'test',
    resourcesDir: join(process.cwd(), 'resources'),
    host: { capabilities: { kind: 'web', nativeFolderDialog: false, printToPdf: false, platform: process.platform }, browseRoots: [dirname(root)], secrets: { get: async () => null, set: async () => {} } },
    env: { PATH: process.env.PATH, ...env },
  });
  cores.push(core);
  const log: { method: string; at: number }[] = [];
  let lastActivity = Date.now();
  let id = 0;
  const api: ApiClient = {
    async request<M extends MethodName>(method: M, params: RequestOf<M>): Promise<ResponseOf<M>> {
      log.push({ method, at: Date.now() });
      lastActivity = Date.now();
      const res = await dispatch(core.handlers, { id: ++id, method, params }, { connectionId: 'c1' });
      lastActivity = Date.now();
      if ('error' in res) throw new ApiError(res.error.code, res.error.message);
      return res.result as ResponseOf<M>;
    },
    onEvent<E extends EventName>(event: E, listener: (payload: EventOf<E>) => void) {
      return core.bus.subscribe((e) => {
        if (e.event !== event) return;
        lastActivity = Date.now();
        listener(e.payload as EventOf<E>);
      });
    },
  };
  const store = createAppStore(api);
  wireEvents(api, store);
  /** Waits until neither a request nor an event happened for a while (watchers included). */
  const settle = async (quietMs = 600): Promise<void> => {
    for (;;) {
      await new Promise((r) => setTimeout(r, 100));
      if (Date.now() - lastActivity >= quietMs) return;
    }
  };
  return {
    store,
    settle,
    /** Requests made since `from`, by method. */
    since: (from: number) => log.slice(from).map((l) => l.method),
    mark: () => log.length,
    root,
  };
}

const apis: MockMessagesApi[] = [];
afterEach(async () => {
  for (const a of apis.splice(0)) await a.close();
});

/** A repository with a task, opened in a store whose agent talks to a scripted Messages API. */
async function openAgentRepo() {
  const api = await startMockMessagesApi();
  apis.push(api);
  const root = makeRepo({
    'src/app.js': 'export const app = 1;\n',
    '.plumbline/spec.md': '# Spec: demo\n\n## Purpose\n\nDemo.\n\n## Acceptance checks\n\n- AC-1: it runs — `true`\n',
    '.plumbline/tasks.md': '# Tasks\n\n## T-1: Add a helper\n\nAdd it.\n\n- serves: AC-1\n- scope: src/\n- checks: `true`\n- status: todo\n',
  });
  git(root, 'config', 'user.name', 'Test');
  git(root, 'config', 'user.email', 'test@example.com');
  const turn = (b: Parameters<typeof streamReply>[0][number]) => streamReply([b]);
  api.enqueue(
    turn({ type: 'tool_use', name: 'str_replace_based_edit_tool', input: { command: 'create', path: 'src/helper.js', file_text: 'export const helper = 2;\n' } }),
    turn({ type: 'tool_use', name: 'report_outcome', input: { summary: 'Helper added.', claims: [{ kind: 'file_created', path: 'src/helper.js', statement: 'helper added', confidence: 0.9 }, { kind: 'other', statement: 'it reads well', confidence: 0.7 }] } }),
    turn({ type: 'text', text: 'Done.' }),
  );
  const h = harness(root, { ANTHROPIC_BASE_URL: api.url, ANTHROPIC_API_KEY: 'k' });
  await h.store.getState().openFolder(root);
  await h.settle();
  return h;
}

/** Waits until the store satisfies a condition (events arrive asynchronously). */
async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (cond()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** The approval the shown run waits for, if any. */
function pendingApproval(h: Awaited<ReturnType<typeof openAgentRepo>>): string | null {
  const events = h.store.getState().shownRun?.events ?? [];
  const answered = new Set(events.flatMap((e) => (e.type === 'decision' ? [e.approvalId] : [])));
  const open = events.find((e) => e.type === 'approval' && !answered.has(e.approvalId));
  return open && open.type === 'approval' ? open.approvalId : null;
}

/** A repository with a spec, a modified two-hunk file and a committed history, opened in a store. */
async function openRepo() {
  const lines = Array.from({ length: 40 }, (_, i) => `line ${i + 1}`);
  const root = makeRepo({
    'src/app.js': `${lines.join('\n')}\n`,
    '.plumbline/spec.md': '# Spec: demo\n\n## Purpose\n\nDemo.\n\n## Acceptance checks\n\n- AC-1: it runs — `true`\n',
  });
  git(root, 'config', 'user.name', 'Test');
  git(root, 'config', 'user.email', 'test@example.com');
  const changed = [...lines];
  changed[1] = 'line 2 changed';
  changed[35] = 'line 36 changed';
  writeFileSync(join(root, 'src/app.js'), `${changed.join('\n')}\n`);
  const h = harness(root);
  await h.store.getState().openFolder(root);
  await h.settle();
  return h;
}

/** The requests an action made after its own first request, once everything settled. */
async function followUps(h: Awaited<ReturnType<typeof openRepo>>, action: () => Promise<unknown>): Promise<string[]> {
  const from = h.mark();
  await action();
  await h.settle();
  return h.since(from).slice(1);
}

describe('one refresh per action', () => {
  it('adding an acceptance check is followed by at most two requests', async () => {
    const h = await openRepo();
    expect(h.store.getState().plan).not.toBeNull();
    const after = await followUps(h, () => h.store.getState().addSpecItem('acceptance', 'it still runs — `true`'));
    expect(after.length, after.join(', ')).toBeLessThanOrEqual(2);
    expect(after).not.toContain('spec.snapshot');
  });

  it('staging one hunk is followed by at most two requests', async () => {
    const h = await openRepo();
    await h.store.getState().selectChange({ path: 'src/app.js', group: 'unstaged' });
    const hunk = h.store.getState().changeDiff;
    expect(hunk?.kind === 'text' ? hunk.hunks.length : 0).toBe(2);
    const header = hunk?.kind === 'text' ? hunk.hunks[0]!.header : '';
    const after = await followUps(h, () => h.store.getState().stageHunk(0, header));
    expect(after.length, after.join(', ')).toBeLessThanOrEqual(2);
    expect(git(h.root, 'status', '--porcelain')).toBe('MM src/app.js\n');
  });

  it('a commit is followed by at most two requests besides the history the Builder shows', async () => {
    const h = await openRepo();
    await h.store.getState().stage(['src/app.js']);
    await h.settle();
    const after = await followUps(h, () => h.store.getState().commit('Change two lines', false));
    // The commit box reads back the new commit (git.log + git.commitDetails) to show it: part of the action.
    const refreshes = after.filter((m) => m !== 'git.log' && m !== 'git.commitDetails');
    expect(refreshes.length, after.join(', ')).toBeLessThanOrEqual(2);
    expect(git(h.root, 'status', '--porcelain')).toBe('');
  });


  it('approving the last step of a run reads each result once; a ruling and Accept are each followed by at most two requests', { timeout: 60_000 }, async () => {
    const h = await openAgentRepo();
    await h.store.getState().runTask('T-1');
    await until(() => pendingApproval(h) !== null, 'the approval');
    // Approving the last step: the run ends, is verified, and the panes learn it from the events.
    const approvalId = pendingApproval(h)!;
    const from = h.mark();
    await h.store.getState().answerApproval(approvalId, true);
    const shown = h.store.getState().shownRun!.runId;
    await until(() => h.store.getState().verifiedRuns.some((r) => r.runId === shown), 'the verification');
    await h.settle();
    const approved = h.since(from).slice(1);
    // The run ends: its review reads its diff once, the Calibrator refreshes once; the Changes list follows
    // each tree state (the run's write, the ledger) from the status the events carry, without asking.
    const counts = (name: string) => approved.filter((m) => m === name).length;
    expect(counts('agent.diff'), approved.join(', ')).toBeLessThanOrEqual(1);
    expect(counts('verify.overview'), approved.join(', ')).toBe(1);
    expect(approved.length, approved.join(', ')).toBeLessThanOrEqual(2);
    expect(h.store.getState().gitStatus?.untracked, 'the Changes list shows the run\'s file').toContain('src/helper.js');
    const runId = shown;
    // A ruling on the claim no machine can check.
    const index = h.store.getState().verifiedRuns.find((r) => r.runId === runId)!.claims.find((c) => c.claim.kind === 'other')!.index;
    const ruled = await followUps(h, () => h.store.getState().ruleClaim(runId, index, true, 'read it'));
    expect(ruled.length, ruled.join(', ')).toBeLessThanOrEqual(2);
    // Accept commits the run's files.
    await h.store.getState().loadRunDiff();
    await h.settle();
    const accepted = await followUps(h, () => h.store.getState().acceptRun());
    expect(accepted.length, accepted.join(', ')).toBeLessThanOrEqual(2);
    expect(git(h.root, 'log', '-1', '--format=%s')).toContain('T-1');
  });
});
