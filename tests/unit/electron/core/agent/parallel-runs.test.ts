import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { agentEvents, agentMethods, type RunLane, type TranscriptEvent } from '../../../../../shared/contract';
import type { CoreContext } from '../../../../../electron/core/core-context';
import { createAgentModule } from '../../../../../electron/core/agent/agent-module';
import { createVerifyModule } from '../../../../../electron/core/verify/verify-module';
import { CHECKS_WHEN_ASKED, MergeQueue } from '../../../../../electron/core/agent/merge-queue';
import { resetSandboxDetection } from '../../../../../electron/core/commands/sandbox';
import { projectHash, RunWorktrees } from '../../../../../electron/core/agent/worktrees';
import { probeGit } from '../../../../../electron/core/git/native/find-git';
import { ShadowRepo, shadowGitdir } from '../../../../../electron/core/checkpoints/shadow-repo';
import { startMockMessagesApi, streamReply, type MockMessagesApi, type MockResponse, type RecordedRequest } from '../../../../helpers/mock-messages-api';
import { tempProject, projectContext } from './loop-harness';

let api: MockMessagesApi;
let project: Awaited<ReturnType<typeof tempProject>>;
let ctx: CoreContext;

const git = (...args: string[]): string => execFileSync('git', args, { cwd: project.root }).toString();
const f = (p: string): string => join(project.root, p);
const c = { connectionId: 't' };

/** Three tasks on three files (T-3's check wants content its run will not write) and T-4 on T-1's file. */
const TASKS = [
  '# Tasks',
  '## T-1: Write alpha\n\n- Scope: a.txt\n- Checks: `node check.js a`\n- Status: todo',
  '## T-2: Write bravo\n\n- Scope: b.txt\n- Checks: `node check.js b`\n- Status: todo',
  '## T-3: Write charlie\n\n- Scope: c.txt\n- Checks: `node check.js c`\n- Status: todo',
  '## T-4: Rewrite alpha\n\n- Scope: a.txt\n- Status: todo',
  '## T-5: After bravo\n\n- Scope: e.txt\n- Depends: T-2\n- Status: todo',
  '## T-6: Stray delta\n\n- Scope: d.txt\n- Status: todo',
].join('\n\n');
const CHECK = "const fs = require('fs'); const n = process.argv[2]; const want = { a: 'A\\n', b: 'B\\n', c: 'C\\n' }[n];\nprocess.exit(fs.existsSync(n + '.txt') && fs.readFileSync(n + '.txt', 'utf8') === want ? 0 : 1);\n";
/** What each task's run writes. */
const WRITES: Record<string, { path: string; text: string }> = {
  'Write alpha': { path: 'a.txt', text: 'A\n' },
  'Write bravo': { path: 'b.txt', text: 'B\n' },
  'Write charlie': { path: 'c.txt', text: 'not C\n' },
  'Rewrite alpha': { path: 'a.txt', text: 'A\n' },
};
/** T-4's run only appends to the Calibrator's ledger, which is never the run's to commit. */
const LEDGER_ONLY = 'Rewrite alpha';

beforeEach(async () => {
  api = await startMockMessagesApi();
  project = await tempProject();
  ctx = projectContext(project);
  git('init', '-q', '-b', 'main');
  git('config', 'user.name', 'Test User');
  git('config', 'user.email', 'test@example.com');
  await mkdir(f('.plumbline'));
  await writeFile(f('.plumbline/tasks.md'), `${TASKS}\n`);
  await writeFile(f('.plumbline/checks.json'), '{ "testCommand": "node check.js none" }\n');
  await writeFile(f('check.js'), CHECK.replace('process.exit(', "if (n === 'none') process.exit(0);\nprocess.exit("));
  await writeFile(f('readme.txt'), 'readme\n');
  git('add', '-A');
  git('commit', '-q', '-m', 'init');
  // The user's own untracked file, which no parallel run may touch.
  await writeFile(f('mine.txt'), 'my notes\n');
});
afterEach(async () => {
  await api.close();
  await project.cleanup();
});

/** Which task a request is for (its title in the first message) and how many turns it had. */
function taskOf(req: RecordedRequest): { title: string; turn: number } {
  const messages = (req.body?.messages ?? []) as Array<{ role: string; content: unknown }>;
  const first = JSON.stringify(messages[0]?.content ?? '');
  const title = Object.keys(WRITES).find((t) => first.includes(t)) ?? '?';
  return { title, turn: messages.filter((m) => m.role === 'assistant').length };
}

/** Each run writes its file, then says it is done; `first` may replace the first turn's answer. */
function script(first?: (title: string, reply: MockResponse) => MockResponse): void {
  api.respondWith((req) => {
    const { title, turn } = taskOf(req);
    if (turn > 0) return streamReply([{ type: 'text', text: 'Done.' }]);
    if (title === LEDGER_ONLY) return streamReply([{ type: 'tool_use', name: 'bash', input: { command: "echo '{}' >> .plumbline/evidence.jsonl" } }]);
    const w = WRITES[title]!;
    const reply = streamReply([{ type: 'tool_use', name: 'str_replace_based_edit_tool', input: { command: 'create', path: w.path, file_text: w.text } }]);
    return first ? first(title, reply) : reply;
  });
}

/** The agent module against the mock; `parallelRuns` is saved as the setting first. */
async function agentModule(extra: { parallelRuns?: number; env?: Record<string, string> } = {}): Promise<ReturnType<typeof createAgentModule>> {
  const agent = createAgentModule(ctx, { env: { ANTHROPIC_BASE_URL: api.url, ANTHROPIC_API_KEY: 'k', PATH: process.env.PATH ?? '', ...extra.env }, sleep: async () => {} });
  if (extra.parallelRuns) await agent.service.settings.save({ ...(await agent.service.settings.load()), parallelRuns: extra.parallelRuns });
  // Approves every edit the runs ask for.
  ctx.bus.subscribe((e) => {
    if (e.event !== 'agent.didAppend') return;
    const p = e.payload as { runId: string; event: { type: string; approvalId?: string } };
    if (p.event.type === 'approval' && p.event.approvalId) queueMicrotask(() => void agent.handlers['agent.approve']({ runId: p.runId, approvalId: p.event.approvalId!, approved: true }, c));
  });
  return agent;
}

const lane = (lanes: readonly RunLane[], taskId: string): RunLane => lanes.find((l) => l.taskId === taskId)!;

/** T-6's run: its own file, then src/x.js with the edit tool and cmd.txt with a command, both outside its scope d.txt. */
function scriptStray(): void {
  api.respondWith((req) => {
    const turn = ((req.body?.messages ?? []) as Array<{ role: string }>).filter((m) => m.role === 'assistant').length;
    const edit = (path: string) => streamReply([{ type: 'tool_use', name: 'str_replace_based_edit_tool', input: { command: 'create', path, file_text: 'x\n' } }]);
    if (turn === 0) return edit('d.txt');
    if (turn === 1) return edit('src/x.js');
    if (turn === 2) return streamReply([{ type: 'tool_use', name: 'bash', input: { command: 'echo hi > cmd.txt' } }]);
    return streamReply([{ type: 'text', text: 'Done.' }]);
  });
}

/**
 * A run left in the merge queue by an earlier session, killed mid-check: T-2's worktree with its checkpoint (the
 * plan before the run, named by the start of its transcript) and b.txt committed on its branch; and a worktree
 * nothing owns. `start`: what the start of its transcript names (or no transcript).
 */
async function crashedQueue(start: 'checkpoint' | 'no checkpoint' | 'no transcript' = 'checkpoint') {
  const native = probeGit('git').git!;
  const options = { git: native, root: project.root, dataDir: project.dataDir };
  const trees = new RunWorktrees(options);
  const queued = await trees.add('run-queued', 'T-2', 'Write bravo');
  const checkpoint = await new ShadowRepo(queued.path, project.dataDir).snapshot('before run run-queued (T-2)');
  if (start !== 'no transcript') await ctx.services.transcripts.append(project.root, 'run-queued', { type: 'start', at: new Date().toISOString(), runId: 'run-queued', kind: 'task', taskId: 'T-2', title: 'T-2 Write bravo', role: 'builder', model: 'm', checkpoint: start === 'checkpoint' ? checkpoint : null, resumedFrom: null });
  await writeFile(join(queued.path, 'b.txt'), 'B\n');
  execFileSync('git', ['add', 'b.txt'], { cwd: queued.path });
  execFileSync('git', ['commit', '-q', '-m', 'T-2'], { cwd: queued.path });
  const stale = await trees.add('run-stale', 'T-1', 'Write alpha');
  const queue = new MergeQueue(options);
  await queue.add({ runId: 'run-queued', taskId: 'T-2', branch: queued.branch, depends: [] });
  return { queued, stale, queue, checkpoint };
}

describe('parallel runs', () => {
  it('runs three tasks at once in their own worktrees, merges two in order with their checks passing, and stops the one whose check fails', async () => {
    // Every first turn holds until all three runs are streaming: only runs going at once get past it.
    let paused = 0;
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    script((_title, reply) => ({ ...(reply as Extract<MockResponse, { kind: 'stream' }>), pauseAfter: 1, release: released, onPause: () => ++paused === 3 && release() }));
    const statusBefore = git('status', '--porcelain');
    const agent = await agentModule({ parallelRuns: 3 });
    const didLanes: RunLane[][] = [];
    ctx.bus.subscribe((e) => e.event === 'agent.didLanes' && didLanes.push((e.payload as { lanes: RunLane[] }).lanes));

    const { lanes } = await agent.handlers['agent.runSelected']({ root: project.root, taskIds: ['T-1', 'T-2', 'T-3'] }, c);
    expect(lanes.map((l) => `${l.taskId} ${l.state}`)).toEqual(['T-1 running', 'T-2 running', 'T-3 running']);
    expect(lanes.map((l) => l.branch)).toEqual(['plumbline/T-1-write-alpha', 'plumbline/T-2-write-bravo', 'plumbline/T-3-write-charlie']);
    const trees = git('worktree', 'list', '--porcelain').split('\n').filter((l) => l.startsWith('worktree ')).map((l) => l.slice('worktree '.length));
    expect(trees).toHaveLength(4);
    for (const l of lanes) await agent.service.parallel.settled(project.root, l.runId!);
    expect(paused).toBe(3);

    // Each run wrote in its own worktree; the user's work tree and untracked file are as they were.
    for (const [i, t] of ['a', 'b', 'c'].entries()) {
      expect(existsSync(join(trees[i + 1]!, `${t}.txt`))).toBe(true);
      expect(existsSync(f(`${t}.txt`))).toBe(false);
    }
    // Only the project's evidence ledger gained the runs' verification records.
    expect(git('status', '--porcelain')).toBe(`?? .plumbline/evidence.jsonl\n${statusBefore}`);
    expect(await readFile(f('mine.txt'), 'utf8')).toBe('my notes\n');
    const finished = (await agent.handlers['agent.lanes']({ root: project.root }, c)).lanes;
    expect(finished.map((l) => l.state)).toEqual(['finished', 'finished', 'finished']);
    expect(didLanes.some((ls) => ls.some((l) => l.state === 'verifying'))).toBe(true);
    // The diff is the run's, read in its worktree.
    const { files } = await agent.handlers['agent.diff']({ root: project.root, runId: lane(finished, 'T-1').runId! }, c);
    expect(files.map((x) => `${x.status} ${x.path} ${x.after}`)).toEqual(['added a.txt A\n']);

    // Accepted: T-1 and T-2 merge in order, each checked on the merged tree; T-3's check fails there.
    await agent.handlers['agent.accept']({ root: project.root, runId: lane(finished, 'T-1').runId! }, c);
    await agent.handlers['agent.accept']({ root: project.root, runId: lane(finished, 'T-2').runId! }, c);
    await agent.handlers['agent.accept']({ root: project.root, runId: lane(finished, 'T-3').runId! }, c);
    const after = await agent.handlers['agent.lanes']({ root: project.root }, c);
    expect(after.lanes.map((l) => `${l.taskId} ${l.state}`)).toEqual(['T-1 merged', 'T-2 merged', 'T-3 stopped']);
    expect(lane(after.lanes, 'T-3').reason).toMatch(/^T-3\/check-1 \(`node check\.js c`\) failed, exit 1 on the merged tree of T-3 and main; nothing was moved\. Fix it on plumbline\/T-3-write-charlie \(the queue tries again by itself\), hand the task back to the thinker, or drop it from the queue\.$/);
    expect(after.queue.map((q) => `${q.taskId} ${q.state}`)).toEqual(['T-1 merged', 'T-2 merged', 'T-3 stopped']);
    // What the core sends is what the contract says.
    expect(agentMethods['agent.lanes'].response.safeParse(after).success).toBe(true);
    expect(didLanes.every((ls) => agentEvents['agent.didLanes'].safeParse({ root: project.root, lanes: ls }).success)).toBe(true);
    expect(git('log', '--format=%s', '--first-parent', 'main').trim().split('\n')).toEqual(["Merge branch 'plumbline/T-2-write-bravo'", "Merge branch 'plumbline/T-1-write-alpha'", 'init'].map((s) => expect.stringContaining(s.slice(0, 5))));
    expect(git('show', 'main:a.txt')).toBe('A\n');
    expect(git('show', 'main:b.txt')).toBe('B\n');
    expect(git('ls-tree', '--name-only', 'main').split('\n')).not.toContain('c.txt');
    // Merged runs' worktrees and branches are gone; the stopped one keeps its own.
    expect(git('branch', '--format=%(refname:short)', '--list', 'plumbline/*').trim()).toBe('plumbline/T-3-write-charlie');
    expect(git('worktree', 'list', '--porcelain').split('\n').filter((l) => l.startsWith('worktree '))).toHaveLength(2);
    expect(await readFile(f('mine.txt'), 'utf8')).toBe('my notes\n');
    expect(git('fsck', '--strict', '--no-dangling', '--no-progress').trim()).toBe('');
    await expect(agent.handlers['agent.reject']({ root: project.root, runId: lane(finished, 'T-1').runId! }, c)).rejects.toThrow(/T-1 is merged already; revert its merge commit/);

    // Dropping the stopped run removes its worktree and branch.
    const dropped = await agent.handlers['agent.queueAction']({ root: project.root, runId: lane(finished, 'T-3').runId!, action: 'drop' }, c);
    expect(lane(dropped.lanes, 'T-3').state).toBe('rejected');
    expect(git('branch', '--format=%(refname:short)', '--list', 'plumbline/*').trim()).toBe('');
    await agent.dispose?.();
  }, 120_000);

  it('names a lane\'s run only once it can be opened: lanes read while the worktree and run are set up show none', async () => {
    script();
    const agent = await agentModule({ parallelRuns: 2 });
    // Read the lanes at the moment the run's worktree is opened in the core (a repository change announces them
    // at any time), then ask for the transcript of every run they name.
    const seen: RunLane[][] = [];
    const add = ctx.projects.add.bind(ctx.projects);
    ctx.projects.add = (root, holder, options) => {
      add(root, holder, options);
      if (holder?.startsWith('run:')) void Promise.resolve(agent.handlers['agent.lanes']({ root: project.root }, c)).then((r) => seen.push(r.lanes));
    };
    const { lanes } = await agent.handlers['agent.runSelected']({ root: project.root, taskIds: ['T-1'] }, c);
    const during = seen[0]!;
    expect(lane(during, 'T-1')).toMatchObject({ state: 'running', runId: null, reason: expect.stringMatching(/^starting/) });
    // Once Run selected has answered, the run is there to open.
    const runId = lane(lanes, 'T-1').runId!;
    expect((await agent.handlers['agent.transcript']({ root: project.root, runId }, c)).summary.taskId).toBe('T-1');
    await agent.service.parallel.settled(project.root, runId);
    await agent.dispose?.();
  }, 60_000);

  it('runs an accepted run\'s checks on the merged tree once when a repository change comes between Accept and the merge', async () => {
    script();
    const agent = await agentModule();
    const appended: string[] = [];
    ctx.bus.subscribe((e) => e.event === 'evidence.didAppend' && appended.push(...(e.payload as { ids: string[] }).ids));
    const { lanes } = await agent.handlers['agent.runSelected']({ root: project.root, taskIds: ['T-3'] }, c);
    const runId = lane(lanes, 'T-3').runId!;
    await agent.service.parallel.settled(project.root, runId);
    // The moment Accept shows the lane as merging, a re-check of the queue (what a watcher report brings) is
    // taken up by the queue at once: it stands for a report that arrives while Accept is adding the run.
    const parallel = agent.service.parallel as unknown as { projects: Map<string, unknown>; processQueue(root: string, p: unknown, how: 'recheck'): Promise<void> };
    let reported = false;
    ctx.bus.subscribe((e) => {
      if (reported || e.event !== 'agent.didLanes' || lane((e.payload as { lanes: RunLane[] }).lanes, 'T-3').state !== 'merging') return;
      reported = true;
      void parallel.processQueue(project.root, parallel.projects.get(project.root), 'recheck');
    });
    await agent.handlers['agent.accept']({ root: project.root, runId }, c);
    await agent.service.parallel.queueIdle(project.root);
    expect(reported).toBe(true);
    const after = await agent.handlers['agent.lanes']({ root: project.root }, c);
    await agent.service.parallel.queueIdle(project.root);
    expect(after.queue.map((q) => `${q.taskId} ${q.state}`)).toEqual(['T-3 stopped']);
    // T-3's check failed on the merged tree once, and was recorded once.
    expect(appended).toHaveLength(1);
    await agent.dispose?.();
  }, 60_000);

  it('lets a task whose scope overlaps a running one wait, queues beyond the limit, and refuses one whose dependency is not done', async () => {
    script();
    const agent = await agentModule({ parallelRuns: 1 });
    const { lanes } = await agent.handlers['agent.runSelected']({ root: project.root, taskIds: ['T-1', 'T-4', 'T-2', 'T-5'] }, c);
    expect(lanes.map((l) => `${l.taskId} ${l.state}`)).toEqual(['T-1 running', 'T-4 waiting', 'T-2 queued', 'T-5 stopped']);
    expect(lane(lanes, 'T-4').reason).toBe('waits for T-1: both may touch a.txt');
    expect(lane(lanes, 'T-2').reason).toBe('queued: 1 run goes at once (Settings ▸ Parallel runs); it starts when one finishes');
    expect(lane(lanes, 'T-5').reason).toBe('T-5 depends on T-2, which is not done; run T-2 first.');
    // Selecting a running task again leaves its lane as it is.
    const again = await agent.handlers['agent.runSelected']({ root: project.root, taskIds: ['T-1'] }, c);
    expect(again.lanes.filter((l) => l.taskId === 'T-1')).toEqual([lane(lanes, 'T-1')].map((l) => expect.objectContaining({ runId: l.runId })));
    // A run still going is neither accepted nor rejected.
    await expect(agent.handlers['agent.accept']({ root: project.root, runId: lane(lanes, 'T-1').runId! }, c)).rejects.toThrow(/T-1 is (running|verifying), not finished; accept it once its run has ended/);
    await expect(agent.handlers['agent.reject']({ root: project.root, runId: lane(lanes, 'T-1').runId! }, c)).rejects.toThrow(/still going/);
    await agent.service.parallel.settled(project.root, lane(lanes, 'T-1').runId!);
    // T-1 finished: T-4 no longer waits, but T-2 was queued first.
    let now = (await agent.handlers['agent.lanes']({ root: project.root }, c)).lanes;
    expect(now.map((l) => `${l.taskId} ${l.state}`)).toEqual(['T-1 finished', 'T-4 queued', 'T-2 running', 'T-5 stopped']);
    await agent.service.parallel.settled(project.root, lane(now, 'T-2').runId!);
    now = (await agent.handlers['agent.lanes']({ root: project.root }, c)).lanes;
    expect(lane(now, 'T-4').state).toBe('running');
    await agent.service.parallel.settled(project.root, lane(now, 'T-4').runId!);
    // T-4 only touched the ledger: nothing of the run to merge.
    await expect(agent.handlers['agent.accept']({ root: project.root, runId: lane(now, 'T-4').runId! }, c)).rejects.toThrow(/The run changed no files, so there is nothing to merge/);
    // Reject removes the run's worktree and branch.
    await agent.handlers['agent.reject']({ root: project.root, runId: lane(now, 'T-4').runId! }, c);
    expect(git('branch', '--format=%(refname:short)', '--list', 'plumbline/T-4*').trim()).toBe('');
    expect(lane((await agent.handlers['agent.lanes']({ root: project.root }, c)).lanes, 'T-4').state).toBe('rejected');
    await agent.dispose?.();
  });

  it('starts no new run once the runs together reached the cost ceiling', async () => {
    script();
    const agent = await agentModule({ parallelRuns: 1 });
    await agent.service.settings.save({ ...(await agent.service.settings.load()), costCeilingUsd: 0.000001 });
    const { lanes } = await agent.handlers['agent.runSelected']({ root: project.root, taskIds: ['T-1', 'T-2'] }, c);
    await agent.service.parallel.settled(project.root, lane(lanes, 'T-1').runId!);
    const now = (await agent.handlers['agent.lanes']({ root: project.root }, c)).lanes;
    expect(lane(now, 'T-1').costUsd).toBeGreaterThan(0);
    expect(lane(now, 'T-2')).toMatchObject({ state: 'stopped', runId: null });
    expect(lane(now, 'T-2').reason).toMatch(/^not started: the parallel runs cost \$0\.00 together, the cost ceiling is \$0\.00; raise the ceiling/);
    await agent.dispose?.();
  });

  it('on first use rolls back a queue step a crash interrupted, resumes the queue and removes worktrees no run owns', async () => {
    const { queued, stale, queue } = await crashedQueue();
    await expect(queue.process(() => Promise.reject(new Error('killed')))).rejects.toThrow('killed');
    expect((await queue.list())[0]!.state).toBe('checking');

    const agent = await agentModule();
    await agent.handlers['agent.lanes']({ root: project.root }, c);
    // The step was rolled back and the queue resumed: merged after its checks passed on the merged tree.
    await agent.service.parallel.queueIdle(project.root);
    const { queue: items } = await agent.handlers['agent.lanes']({ root: project.root }, c);
    expect(items.map((q) => `${q.runId} ${q.state}`)).toEqual(['run-queued merged']);
    expect(git('show', 'main:b.txt')).toBe('B\n');
    expect(await readFile(f('mine.txt'), 'utf8')).toBe('my notes\n');
    // The queued run keeps its worktree; the one nothing owns is gone, with its branch (it held no commit).
    expect(existsSync(queued.path)).toBe(true);
    expect(existsSync(stale.path)).toBe(false);
    expect(git('branch', '--format=%(refname:short)', '--list', 'plumbline/*').trim()).toBe(queued.branch);
    expect(git('fsck', '--strict', '--no-dangling', '--no-progress').trim()).toBe('');
  });

  it.each([
    ['its checkpoint store is gone', 'checkpoint', (cp: string) => `its checkpoint ${cp.slice(0, 7)} is missing from the checkpoint store`],
    ['its transcript names no checkpoint', 'no checkpoint', () => 'it has no checkpoint'],
    ['its transcript is gone', 'no transcript', () => 'its transcript is gone'],
  ] as const)('never runs the merged tree\'s own plan when the plan before the run cannot be read (%s): the queue stops at the run and says to run the task again', async (_case, start, why) => {
    const { queued, queue, checkpoint } = await crashedQueue(start);
    await expect(queue.process(() => Promise.reject(new Error('killed')))).rejects.toThrow('killed');
    const main = git('rev-parse', 'main').trim();
    // The plan before the run cannot be read, and its branch makes T-2's check pass whatever b.txt holds.
    await rm(shadowGitdir(project.dataDir, queued.path), { recursive: true, force: true });
    const tasks = join(queued.path, '.plumbline/tasks.md');
    await writeFile(tasks, (await readFile(tasks, 'utf8')).replace('`node check.js b`', '`true`'));
    await writeFile(join(queued.path, 'b.txt'), 'not B\n');
    execFileSync('git', ['commit', '-q', '-am', 'T-2 again'], { cwd: queued.path });

    const agent = await agentModule();
    await agent.handlers['agent.lanes']({ root: project.root }, c);
    await agent.service.parallel.queueIdle(project.root);
    const { queue: items } = await agent.handlers['agent.lanes']({ root: project.root }, c);
    expect(items.map((q) => `${q.runId} ${q.state}`)).toEqual(['run-queued stopped']);
    expect(items[0]!.reason).toBe(`T-2's checks did not run: the plan as it stood before run run-queued cannot be read (${why(checkpoint)}), and the merged tree's own plan is not run, as the run may have written it. Nothing was moved. Drop this run from the queue and run T-2 again.`);
    // Nothing moved and nothing was recorded for T-2's check.
    expect(git('rev-parse', 'main').trim()).toBe(main);
    const ledger = await readFile(f('.plumbline/evidence.jsonl'), 'utf8').catch(() => '');
    expect(ledger).not.toContain('check:T-2/check-1');
  });

  it('re-checks a held queue on a change of git\'s state, on a change of the work tree only while the user\'s changes hold an entry', async () => {
    const native = probeGit('git').git!;
    const options = { git: native, root: project.root, dataDir: project.dataDir };
    // An entry of an earlier session, stopped by a failing check.
    const trees = new RunWorktrees(options);
    const queued = await trees.add('run-queued', 'T-2', 'Write bravo');
    await writeFile(join(queued.path, 'b.txt'), 'B\n');
    execFileSync('git', ['add', 'b.txt'], { cwd: queued.path });
    execFileSync('git', ['commit', '-q', '-m', 'T-2'], { cwd: queued.path });
    const queue = new MergeQueue(options);
    await queue.add({ runId: 'run-queued', taskId: 'T-2', branch: queued.branch, depends: [] });
    await queue.process(async () => ({ ok: false, reason: 'T-2/check-1 failed' }));

    const rechecks = vi.spyOn(MergeQueue.prototype, 'recheck');
    try {
      const agent = await agentModule();
      await agent.handlers['agent.lanes']({ root: project.root }, c);
      await agent.service.parallel.queueIdle(project.root);
      const changed = async (gitChanged: boolean) => {
        rechecks.mockClear();
        ctx.bus.emit('repo.didChange', { root: project.root, paths: ['readme.txt'], git: gitChanged });
        await agent.service.parallel.queueIdle(project.root);
        return rechecks.mock.calls.length;
      };
      // Held by its checks: a save in the work tree looks at nothing, a commit does.
      expect(await changed(false)).toBe(0);
      expect(await changed(true)).toBe(1);
      await agent.dispose?.();

      // Held by the user's uncommitted change to b.txt: a save there is looked at.
      await writeFile(f('b.txt'), 'mine\n');
      await new MergeQueue(options).process(async () => ({ ok: true, reason: '' }));
      ctx = projectContext(project);
      const next = await agentModule();
      const { queue: items } = await next.handlers['agent.lanes']({ root: project.root }, c);
      expect(items[0]!.reason).toMatch(/Your uncommitted changes to b\.txt overlap/);
      await next.service.parallel.queueIdle(project.root);
      rechecks.mockClear();
      ctx.bus.emit('repo.didChange', { root: project.root, paths: ['b.txt'], git: false });
      await next.service.parallel.queueIdle(project.root);
      expect(rechecks).toHaveBeenCalledTimes(1);
      await next.dispose?.();
    } finally {
      rechecks.mockRestore();
    }
  });

  it('without a command sandbox runs no checks in the background: the resumed entry holds, saying Retry runs them, and Retry merges it', async () => {
    // A run with its checkpoint (the plan before it, which its checks come from), queued in an earlier session.
    const { queue } = await crashedQueue();
    // Killed mid-check: the next start rolls the step back and resumes it in the background.
    await expect(queue.process(() => Promise.reject(new Error('killed')))).rejects.toThrow('killed');

    const before = process.env.PLUMBLINE_SANDBOX;
    process.env.PLUMBLINE_SANDBOX = 'none';
    resetSandboxDetection();
    try {
      const agent = await agentModule();
      const evidence: string[] = [];
      ctx.bus.subscribe((e) => e.event === 'evidence.didAppend' && evidence.push(...(e.payload as { ids: string[] }).ids));
      await agent.handlers['agent.lanes']({ root: project.root }, c);
      await agent.service.parallel.queueIdle(project.root);
      let now = await agent.handlers['agent.lanes']({ root: project.root }, c);
      expect(now.queue).toEqual([expect.objectContaining({ runId: 'run-queued', state: 'stopped', reason: `T-2 can be merged into main once its checks pass on the merged tree. ${CHECKS_WHEN_ASKED}` })]);
      expect(evidence).toEqual([]);
      expect(git('ls-tree', '--name-only', 'main').split('\n')).not.toContain('b.txt');
      // Retry is the user's: the checks run (and are recorded) and it merges.
      now = await agent.handlers['agent.queueAction']({ root: project.root, runId: 'run-queued', action: 'retry' }, c);
      expect(now.queue.map((q) => `${q.runId} ${q.state}`)).toEqual(['run-queued merged']);
      expect(evidence.length).toBeGreaterThan(0);
      expect(git('show', 'main:b.txt')).toBe('B\n');
      await agent.service.parallel.queueIdle(project.root);
      await agent.dispose?.();
    } finally {
      if (before === undefined) delete process.env.PLUMBLINE_SANDBOX;
      else process.env.PLUMBLINE_SANDBOX = before;
      resetSandboxDetection();
    }
  });

  it('stops a lane whose run could not start, saying why, and removes its worktree and branch', async () => {
    const agent = await agentModule({ env: { ANTHROPIC_API_KEY: '' } });
    const { lanes } = await agent.handlers['agent.runSelected']({ root: project.root, taskIds: ['T-1'] }, c);
    expect(lanes[0]).toMatchObject({ taskId: 'T-1', state: 'stopped' });
    expect(lanes[0]!.reason).toMatch(/^could not start: .*key/i);
    expect(git('branch', '--format=%(refname:short)', '--list', 'plumbline/*').trim()).toBe('');
    expect(git('worktree', 'list', '--porcelain').split('\n').filter((l) => l.startsWith('worktree '))).toHaveLength(1);
    await agent.dispose?.();
  });

  it('flags a write outside the task\'s scope when it happens, by the edit tool or a command, in a single run and in a lane', async () => {
    scriptStray();
    const agent = await agentModule();
    const notices = (events: readonly TranscriptEvent[]) => events.flatMap((e) => (e.type === 'notice' && e.kind === 'out_of_scope' ? [e] : []));
    // A single run in the user's tree: each stray file is noted once, at the write; its own file is not.
    const single = await agent.handlers['agent.start']({ root: project.root, taskId: 'T-6' }, c);
    const seen: string[] = [];
    ctx.bus.subscribe((e) => {
      const p = e.payload as { runId?: string; event?: { type: string; kind?: string; path?: string } };
      if (e.event === 'agent.didAppend' && p.runId === single.runId && p.event?.kind === 'out_of_scope') seen.push(p.event.path!);
    });
    await agent.service.settled(single.runId);
    const { events } = await agent.handlers['agent.transcript']({ root: project.root, runId: single.runId }, c);
    expect(notices(events).map((n) => n.path)).toEqual(['src/x.js', 'cmd.txt']);
    expect(notices(events)[0]!.text).toBe('Wrote src/x.js outside the scope of T-6 (d.txt). It was not refused: check it in the diff; verification counts it as drift.');
    // Recorded right after the write, before the run went on.
    const at = (pred: (e: (typeof events)[number]) => boolean) => events.findIndex(pred);
    expect(at((e) => e.type === 'notice' && (e as { path?: string }).path === 'src/x.js')).toBe(at((e) => e.type === 'write' && e.path === 'src/x.js') + 1);
    expect(seen).toEqual(['src/x.js', 'cmd.txt']);
    expect(existsSync(f('src/x.js'))).toBe(true);
    await agent.handlers['agent.reject']({ root: project.root, runId: single.runId }, c);

    // A parallel run: the lane says it as soon as it happens, and keeps it in its glance.
    const reasons: (string | null)[] = [];
    ctx.bus.subscribe((e) => e.event === 'agent.didLanes' && reasons.push(lane((e.payload as { lanes: RunLane[] }).lanes, 'T-6').reason));
    const { lanes } = await agent.handlers['agent.runSelected']({ root: project.root, taskIds: ['T-6'] }, c);
    await agent.service.parallel.settled(project.root, lane(lanes, 'T-6').runId!);
    expect(reasons).toContain('wrote src/x.js outside its scope');
    expect(reasons).toContain('wrote src/x.js, cmd.txt outside its scope');
    const done = lane((await agent.handlers['agent.lanes']({ root: project.root }, c)).lanes, 'T-6');
    expect(done.state).toBe('finished');
    expect(done.glance).toMatch(/; wrote src\/x\.js, cmd\.txt outside its scope$/);
    await agent.dispose?.();
  });

  it('keeps a parallel run\'s verification with the project: its task state, evidence and stored run outlive the worktree', async () => {
    api.respondWith((req) => {
      const turn = ((req.body?.messages ?? []) as Array<{ role: string }>).filter((m) => m.role === 'assistant').length;
      if (turn === 0) return streamReply([{ type: 'tool_use', name: 'str_replace_based_edit_tool', input: { command: 'create', path: 'a.txt', file_text: 'A\n' } }]);
      if (turn === 1) return streamReply([{ type: 'tool_use', name: 'report_outcome', input: { summary: 'Wrote a.txt.', claims: [{ kind: 'file_created', path: 'a.txt', statement: 'a.txt holds A', confidence: 0.9 }] } }]);
      return streamReply([{ type: 'text', text: 'Done.' }]);
    });
    const agent = await agentModule();
    const verify = createVerifyModule(ctx);
    const { lanes } = await agent.handlers['agent.runSelected']({ root: project.root, taskIds: ['T-1'] }, c);
    const runId = lane(lanes, 'T-1').runId!;
    const tree = git('worktree', 'list', '--porcelain').split('\n').filter((l) => l.startsWith('worktree ')).map((l) => l.slice('worktree '.length))[1]!;
    await agent.service.parallel.settled(project.root, runId);

    const seen = async () => {
      const runs = (await verify.handlers['verify.runs']({ root: project.root }, c)).runs;
      const evidence = (await verify.handlers['verify.evidence']({ root: project.root, taskId: 'T-1', limit: 100 }, c)).records;
      const state = (await verify.handlers['verify.taskStates']({ root: project.root }, c)).tasks.find((t) => t.taskId === 'T-1')!;
      return { runs: runs.map((r) => `${r.runId} ${r.glance}`), evidence: evidence.filter((r) => r.runId === runId && r.key === 'check:T-1/check-1').map((r) => r.result), state: state.state };
    };
    const before = await seen();
    expect(before.runs).toEqual([`${runId} green`]);
    expect(before.evidence).toEqual(['passed']);
    expect(before.state).toBe('verified');
    // Nothing went into the worktree's own ledger file (the command sandbox may have created it empty).
    expect(await readFile(join(tree, '.plumbline/evidence.jsonl'), 'utf8').catch(() => '')).toBe('');
    // The worktree goes (reject); the records stay with the project.
    await agent.handlers['agent.reject']({ root: project.root, runId }, c);
    expect(existsSync(tree)).toBe(false);
    const after = await seen();
    expect(after.runs).toEqual(before.runs);
    expect(after.evidence).toEqual(['passed']);
    // Its checks passed in a tree the project never got.
    expect(after.state).toBe('stale');
    await agent.dispose?.();
  });

  it('records the merge queue\'s checks on the merged tree as the project\'s evidence: merged tasks are verified at the new HEAD, a check failing there is recorded as failed', async () => {
    // Each run writes its file and reports it (a run without report_outcome is red, whatever its checks say).
    api.respondWith((req) => {
      const { title, turn } = taskOf(req);
      const w = WRITES[title]!;
      if (turn === 0) return streamReply([{ type: 'tool_use', name: 'str_replace_based_edit_tool', input: { command: 'create', path: w.path, file_text: w.text } }]);
      if (turn === 1) return streamReply([{ type: 'tool_use', name: 'report_outcome', input: { summary: `Wrote ${w.path}.`, claims: [{ kind: 'file_created', path: w.path, statement: `${w.path} exists`, confidence: 0.9 }] } }]);
      return streamReply([{ type: 'text', text: 'Done.' }]);
    });
    const agent = await agentModule({ parallelRuns: 3 });
    const verify = createVerifyModule(ctx);
    const appended: string[] = [];
    ctx.bus.subscribe((e) => e.event === 'evidence.didAppend' && appended.push(...(e.payload as { ids: string[] }).ids));
    const states = async () => new Map((await verify.handlers['verify.taskStates']({ root: project.root }, c)).tasks.map((t) => [t.taskId, t]));
    const { lanes } = await agent.handlers['agent.runSelected']({ root: project.root, taskIds: ['T-1', 'T-2', 'T-3'] }, c);
    for (const l of lanes) await agent.service.parallel.settled(project.root, l.runId!);
    const [t1, t2, t3] = ['T-1', 'T-2', 'T-3'].map((t) => lane(lanes, t).runId!);
    // Verified in their worktrees (green), not merged yet; T-3's check failed there, so it is only finished.
    const ended = (await agent.handlers['agent.lanes']({ root: project.root }, c)).lanes;
    expect(ended.map((l) => `${l.taskId} ${l.state}`)).toEqual(['T-1 verified', 'T-2 verified', 'T-3 finished']);
    // A later verdict (a claim ruled on) that is no longer green makes it finished again, and green verified.
    const verdict = (runId: string, glance: 'green' | 'red') => ctx.bus.emit('verify.didVerifyRun', { root: project.root, run: { runId, glance } as never });
    const laneState = async (taskId: string) => lane((await agent.handlers['agent.lanes']({ root: project.root }, c)).lanes, taskId).state;
    verdict(t2, 'red');
    expect(await laneState('T-2')).toBe('finished');
    verdict(t2, 'green');
    expect(await laneState('T-2')).toBe('verified');

    // Before the merge the checks passed in the runs' worktrees only, and the task says so.
    let now = await states();
    expect(now.get('T-1')).toMatchObject({ state: 'verified', reason: `All 2 check(s) pass in the worktree of run ${t1}, not merged yet: accepting it puts it into the merge queue, which checks the merged tree again.` });
    expect(now.get('T-2')).toMatchObject({ state: 'verified', reason: expect.stringContaining(`in the worktree of run ${t2}, not merged yet`) });
    expect(now.get('T-3')!.state).toBe('failing');

    // Meanwhile the user changed what T-2's and T-3's checks want.
    await writeFile(f('check.js'), (await readFile(f('check.js'), 'utf8')).replace("b: 'B\\n', c: 'C\\n'", "b: 'BB\\n', c: 'not C\\n'"));
    expect(await readFile(f('check.js'), 'utf8')).toContain("c: 'not C\\n'");
    git('add', 'check.js');
    git('commit', '-q', '-m', 'checks changed');
    appended.length = 0;
    // The Calibrator's refresh on the announcement reads the task states at once: they are those of the new HEAD.
    const atAnnouncement: Promise<Awaited<ReturnType<typeof states>>>[] = [];
    ctx.bus.subscribe((e) => e.event === 'evidence.didAppend' && atAnnouncement.push(states()));
    await agent.handlers['agent.accept']({ root: project.root, runId: t1 }, c);
    expect(atAnnouncement).toHaveLength(1);
    // A verdict on a merged run leaves it merged.
    verdict(t1, 'green');
    expect(await laneState('T-1')).toBe('merged');
    expect((await atAnnouncement[0]!).get('T-1')).toMatchObject({ state: 'verified', commit: git('rev-parse', 'HEAD').trim() });
    await agent.handlers['agent.accept']({ root: project.root, runId: t3 }, c);
    await agent.handlers['agent.accept']({ root: project.root, runId: t2 }, c);
    const after = await agent.handlers['agent.lanes']({ root: project.root }, c);
    expect(after.queue.map((q) => `${q.taskId} ${q.state}`)).toEqual(['T-1 merged', 'T-3 merged', 'T-2 stopped']);

    // Both merged tasks are verified for the user's new HEAD from the merged trees' records (T-3 failed in its
    // worktree, passes merged); T-2's check failed on its merged tree, and that is its evidence now.
    const head = git('rev-parse', 'HEAD').trim();
    now = await states();
    expect(now.get('T-1')).toMatchObject({ state: 'verified', reason: `All 2 check(s) pass; run ${t1} accepted with no refuted claim.`, commit: git('rev-parse', 'HEAD^1').trim() });
    expect(now.get('T-3')).toMatchObject({ state: 'verified', reason: `All 2 check(s) pass; run ${t3} accepted with no refuted claim.`, commit: head });
    expect(now.get('T-2')).toMatchObject({ state: 'failing', reason: 'T-2/check-1: failed.' });
    const records = (await verify.handlers['verify.evidence']({ root: project.root, limit: 100 }, c)).records;
    const merged = records.filter((r) => appended.includes(r.id)).reverse();
    expect(merged.map((r) => `${r.taskId} ${r.key} ${r.result} ${r.runId === { 'T-1': t1, 'T-2': t2, 'T-3': t3 }[r.taskId!]} ${r.dirty}`)).toEqual([
      'T-1 check:T-1/check-1 passed true false',
      'T-1 check:tests passed true false',
      'T-3 check:T-3/check-1 passed true false',
      'T-3 check:tests passed true false',
      'T-2 check:T-2/check-1 failed true false',
    ]);
    expect(merged.every((r) => /on the merged tree \([0-9a-f]{7}\)$/.test(r.what))).toBe(true);
    expect(merged[3]!.commit).toBe(head);
    // T-2's merged tree never became the user's branch.
    expect(merged[4]!.commit).not.toBe(head);
    expect(git('branch', '--contains', merged[4]!.commit!).trim()).toBe('');
    await agent.dispose?.();
  }, 180_000);

  it('runs the merged tree\'s checks from the plan before the run: a run that rewrote its check in tasks.md gains nothing by it, and loses nothing', async () => {
    // Each run writes its file, then rewrites its task's check in tasks.md: T-3 (whose c.txt is wrong) to `true`,
    // T-1 (whose a.txt is right) to `false`.
    const REWRITE: Record<string, { was: string; now: string }> = { 'Write alpha': { was: '`node check.js a`', now: '`false`' }, 'Write charlie': { was: '`node check.js c`', now: '`true`' } };
    api.respondWith((req) => {
      const { title, turn } = taskOf(req);
      const w = WRITES[title]!;
      if (turn === 0) return streamReply([{ type: 'tool_use', name: 'str_replace_based_edit_tool', input: { command: 'create', path: w.path, file_text: w.text } }]);
      if (turn === 1) return streamReply([{ type: 'tool_use', name: 'str_replace_based_edit_tool', input: { command: 'view', path: '.plumbline/tasks.md' } }]);
      if (turn === 2) return streamReply([{ type: 'tool_use', name: 'str_replace_based_edit_tool', input: { command: 'str_replace', path: '.plumbline/tasks.md', old_str: REWRITE[title]!.was, new_str: REWRITE[title]!.now } }]);
      return streamReply([{ type: 'text', text: 'Done.' }]);
    });
    const agent = await agentModule({ parallelRuns: 2 });
    const appended: string[] = [];
    ctx.bus.subscribe((e) => e.event === 'evidence.didAppend' && appended.push(...(e.payload as { ids: string[] }).ids));
    const { lanes } = await agent.handlers['agent.runSelected']({ root: project.root, taskIds: ['T-1', 'T-3'] }, c);
    for (const l of lanes) await agent.service.parallel.settled(project.root, l.runId!);
    const [t1, t3] = ['T-1', 'T-3'].map((t) => lane(lanes, t).runId!);
    // The runs did rewrite the plan on their branches (flagged, not refused).
    await agent.handlers['agent.accept']({ root: project.root, runId: t1 }, c);
    await agent.handlers['agent.accept']({ root: project.root, runId: t3 }, c);
    expect(git('show', 'main:.plumbline/tasks.md')).toContain('- Checks: `false`');
    const { queue } = await agent.handlers['agent.lanes']({ root: project.root }, c);
    expect(queue.map((q) => `${q.taskId} ${q.state}`)).toEqual(['T-1 merged', 'T-3 stopped']);
    // T-3 stopped by its real check, and the queue says the merged tree's plan has another one.
    const mergedT1 = git('rev-parse', '--short=7', 'main').trim();
    expect(queue[1]!.reason).toMatch(new RegExp('^The plan on the merged tree \\([0-9a-f]{7}\\) has other checks for T-3 than the plan before its run: T-3/check-1 is `true` there; the checks as planned before the run ran\\. T-3/check-1 \\(`node check\\.js c`\\) failed, exit 1 on the merged tree of T-3 and main; nothing was moved\\.'));
    expect(git('ls-tree', '--name-only', 'main').split('\n')).not.toContain('c.txt');
    expect(git('rev-parse', '--short=7', 'main').trim()).toBe(mergedT1);
    // The records name the commands that ran: the checks as planned before each run.
    const records = (await readFile(f('.plumbline/evidence.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { id: string; taskId: string; key: string; how: string; result: string; note: string; runId: string });
    const queueRecords = records.filter((r) => appended.includes(r.id));
    expect(queueRecords.map((r) => `${r.taskId} ${r.key} ${r.how} ${r.result} ${r.runId === (r.taskId === 'T-1' ? t1 : t3)}`)).toEqual([
      'T-1 check:T-1/check-1 node check.js a passed true',
      'T-1 check:tests node check.js none passed true',
      'T-3 check:T-3/check-1 node check.js c failed true',
    ]);
    expect(queueRecords[0]!.note).toMatch(/; the plan there has `false` for it, the check as planned before the run ran$/);
    expect(queueRecords[2]!.note).toMatch(/; the plan there has `true` for it, the check as planned before the run ran$/);
    await agent.dispose?.();
  }, 180_000);

  it('resolves a conflicting merge in the user\'s work tree and follows the repository: refused while it is dirty, back to stopped when aborted, merged after a commit whose checks pass, stopped when they fail', async () => {
    script();
    const agent = await agentModule();
    // The lanes as last announced, and a change of the repository as the watcher announces it.
    let announced: RunLane[] = [];
    ctx.bus.subscribe((e) => e.event === 'agent.didLanes' && (announced = (e.payload as { lanes: RunLane[] }).lanes));
    const changed = async () => {
      ctx.bus.emit('repo.didChange', { root: project.root, paths: [], git: true });
      await agent.service.parallel.queueIdle(project.root);
    };
    const { lanes } = await agent.handlers['agent.runSelected']({ root: project.root, taskIds: ['T-1', 'T-3'] }, c);
    for (const l of lanes) await agent.service.parallel.settled(project.root, l.runId!);
    const [t1, t3] = [lane(lanes, 'T-1').runId!, lane(lanes, 'T-3').runId!];
    // Meanwhile the user committed their own a.txt and c.txt: both runs conflict.
    await writeFile(f('a.txt'), 'mine A\n');
    await writeFile(f('c.txt'), 'mine C\n');
    git('add', 'a.txt', 'c.txt');
    git('commit', '-q', '-m', 'mine');
    await agent.handlers['agent.accept']({ root: project.root, runId: t1 }, c);
    await agent.handlers['agent.accept']({ root: project.root, runId: t3 }, c);
    let now = await agent.handlers['agent.lanes']({ root: project.root }, c);
    expect(now.queue.map((q) => `${q.taskId} ${q.state}`)).toEqual(['T-1 stopped', 'T-3 waiting']);
    expect(lane(now.lanes, 'T-1').reason).toMatch(/conflicts in a\.txt/);
    const resolve = (runId: string) => agent.handlers['agent.queueAction']({ root: project.root, runId, action: 'resolve' }, c);

    // Refused while a tracked file has uncommitted changes (the untracked mine.txt does not count).
    await writeFile(f('readme.txt'), 'edited\n');
    await expect(resolve(t1)).rejects.toThrow(/Your work tree has uncommitted changes \(readme\.txt\): commit or stash your changes first/);
    git('checkout', '--', 'readme.txt');
    expect(existsSync(join(project.root, '.git/MERGE_HEAD'))).toBe(false);

    // Resolving: the branch merged into the user's tree, the conflict left in a.txt.
    now = await resolve(t1);
    await agent.service.parallel.queueIdle(project.root);
    expect(now.queue.find((q) => q.runId === t1)).toMatchObject({ state: 'resolving', reason: 'resolve the conflicts in a.txt in the Builder and commit; the queue goes on after your commit' });
    expect(lane(now.lanes, 'T-1')).toMatchObject({ state: 'merging', reason: expect.stringContaining('resolve the conflicts in a.txt') });
    expect(await readFile(f('a.txt'), 'utf8')).toMatch(/<<<<<<<[\s\S]*mine A[\s\S]*=======[\s\S]*A\n>>>>>>>/);
    // While it is being resolved, the queue holds (T-3 waits).
    now = await agent.handlers['agent.lanes']({ root: project.root }, c);
    expect(now.queue.map((q) => `${q.taskId} ${q.state}`)).toEqual(['T-1 resolving', 'T-3 waiting']);

    await agent.service.parallel.queueIdle(project.root);

    // The user aborts the merge: the repository's change stops it again, with no request of the renderer.
    git('merge', '--abort');
    await changed();
    expect(lane(announced, 'T-1')).toMatchObject({ state: 'stopped', reason: expect.stringMatching(/^The merge of T-1 \(plumbline\/T-1-write-alpha\) in your work tree was aborted/) });

    // Resolved and committed with what the check wants: merged after its checks on HEAD; the queue goes on to T-3.
    await resolve(t1);
    await agent.service.parallel.queueIdle(project.root);
    await writeFile(f('a.txt'), 'A\n');
    git('add', 'a.txt');
    git('commit', '-q', '--no-edit');
    await changed();
    expect(announced.map((l) => `${l.taskId} ${l.state}`)).toEqual(['T-1 merged', 'T-3 stopped']);
    now = await agent.handlers['agent.lanes']({ root: project.root }, c);
    expect(now.queue.map((q) => `${q.taskId} ${q.state}`)).toEqual(['T-1 merged', 'T-3 stopped']);
    expect(git('branch', '--format=%(refname:short)', '--list', 'plumbline/*').trim()).toBe('plumbline/T-3-write-charlie');

    // T-3 resolved by keeping the run's side, which fails its check: stopped with the check's reason.
    await resolve(t3);
    await agent.service.parallel.queueIdle(project.root);
    await writeFile(f('c.txt'), 'not C\n');
    git('add', 'c.txt');
    git('commit', '-q', '--no-edit');
    await changed();
    now = await agent.handlers['agent.lanes']({ root: project.root }, c);
    expect(now.queue.find((q) => q.runId === t3)).toMatchObject({ state: 'stopped', reason: expect.stringMatching(/^T-3\/check-1 \(`node check\.js c`\) failed, exit 1 on your commit [0-9a-f]{7}, which merged T-3\. Fix it with a new commit/) });
    // Retried as it is: the branch is in HEAD already, and the check still runs (and fails).
    now = await agent.handlers['agent.queueAction']({ root: project.root, runId: t3, action: 'retry' }, c);
    expect(now.queue.find((q) => q.runId === t3)).toMatchObject({ state: 'stopped', reason: expect.stringMatching(/T-3\/check-1 .* failed.* on main, which contains T-3 already/) });
    await agent.service.parallel.queueIdle(project.root);
    expect(await readFile(f('mine.txt'), 'utf8')).toBe('my notes\n');
    expect(git('fsck', '--strict', '--no-dangling', '--no-progress').trim()).toBe('');
    await agent.dispose?.();
  }, 180_000);

  it('goes on by itself once the run\'s branch is fixed: merged after its checks pass on the merged tree; a change that leaves it held runs nothing, and its own announcement brings no loop', async () => {
    script();
    const agent = await agentModule();
    const { lanes } = await agent.handlers['agent.runSelected']({ root: project.root, taskIds: ['T-1'] }, c);
    const t1 = lane(lanes, 'T-1').runId!;
    await agent.service.parallel.settled(project.root, t1);
    const tree = git('worktree', 'list', '--porcelain').split('\n').filter((l) => l.startsWith('worktree ')).map((l) => l.slice('worktree '.length))[1]!;
    // The user committed their own a.txt meanwhile: the merge conflicts.
    await writeFile(f('a.txt'), 'mine A\n');
    git('add', 'a.txt');
    git('commit', '-q', '-m', 'mine');
    await agent.handlers['agent.accept']({ root: project.root, runId: t1 }, c);
    await agent.service.parallel.queueIdle(project.root);
    const stopped = lane((await agent.handlers['agent.lanes']({ root: project.root }, c)).lanes, 'T-1');
    expect(stopped).toMatchObject({ state: 'stopped', reason: expect.stringMatching(/conflicts in a\.txt\. Resolve it in the Builder, or on the run's branch .*; or hand the task back to the thinker, or drop it from the queue\.$/) });
    expect(stopped.reason!.match(/drop it/g)).toHaveLength(1);
    await agent.service.parallel.queueIdle(project.root);

    const repoChanges: string[] = [];
    const evidence: string[] = [];
    ctx.bus.subscribe((e) => {
      // The project's own (a run's worktree announces its changes under its own root).
      if (e.event === 'repo.didChange' && (e.payload as { root: string }).root === project.root) repoChanges.push('changed');
      if (e.event === 'evidence.didAppend') evidence.push(...(e.payload as { ids: string[] }).ids);
    });
    const changed = async () => {
      ctx.bus.emit('repo.didChange', { root: project.root, paths: [], git: true });
      await agent.service.parallel.queueIdle(project.root);
    };
    // A change that does not touch what holds it: nothing runs, nothing more is announced.
    await writeFile(f('scratch.txt'), 'x\n');
    await changed();
    expect(repoChanges).toEqual(['changed']);
    expect(evidence).toEqual([]);

    // Fixed on the run's branch (main merged into it, the conflict resolved as the check wants): the queue goes on.
    const inTree = (...args: string[]) => execFileSync('git', args, { cwd: tree }).toString();
    expect(() => inTree('merge', '-q', 'main')).toThrow();
    await writeFile(join(tree, 'a.txt'), 'A\n');
    inTree('add', 'a.txt');
    inTree('commit', '-q', '--no-edit');
    repoChanges.length = 0;
    await changed();
    const now = await agent.handlers['agent.lanes']({ root: project.root }, c);
    expect(now.queue.map((q) => `${q.taskId} ${q.state}`)).toEqual(['T-1 merged']);
    expect(lane(now.lanes, 'T-1').state).toBe('merged');
    expect(git('show', 'main:a.txt')).toBe('A\n');
    // Checked on the merged tree first (T-1's check and the test command, recorded as evidence).
    expect(evidence).toHaveLength(2);
    // Ours, then the core's once the branch moved; the re-check that one brought found nothing to do.
    expect(repoChanges).toEqual(['changed', 'changed']);
    expect(await readFile(f('mine.txt'), 'utf8')).toBe('my notes\n');
    expect(git('fsck', '--strict', '--no-dangling', '--no-progress').trim()).toBe('');
    await agent.service.parallel.queueIdle(project.root);
    await agent.dispose?.();
  }, 120_000);

  it('starts nothing once the app is closing; the next start sees a blocker gone while it was closed and goes on', async () => {
    script();
    const agent = await agentModule();
    const { lanes } = await agent.handlers['agent.runSelected']({ root: project.root, taskIds: ['T-1'] }, c);
    const t1 = lane(lanes, 'T-1').runId!;
    await agent.service.parallel.settled(project.root, t1);
    const tree = git('worktree', 'list', '--porcelain').split('\n').filter((l) => l.startsWith('worktree ')).map((l) => l.slice('worktree '.length))[1]!;
    await writeFile(f('a.txt'), 'mine A\n');
    git('add', 'a.txt');
    git('commit', '-q', '-m', 'mine');
    await agent.handlers['agent.accept']({ root: project.root, runId: t1 }, c);
    await agent.service.parallel.queueIdle(project.root);
    const closing = ctx;
    await agent.dispose?.();

    // Fixed on the run's branch while the app closes: a change announced then starts nothing.
    const inTree = (...args: string[]) => execFileSync('git', args, { cwd: tree }).toString();
    expect(() => inTree('merge', '-q', 'main')).toThrow();
    await writeFile(join(tree, 'a.txt'), 'A\n');
    inTree('commit', '-qam', 'resolved');
    closing.bus.emit('repo.didChange', { root: project.root, paths: [], git: true });
    await agent.service.parallel.queueIdle(project.root);
    const native = probeGit('git').git!;
    expect((await new MergeQueue({ git: native, root: project.root, dataDir: project.dataDir }).list()).map((q) => q.state)).toEqual(['stopped']);

    // The next start: the queue looks again at once, and goes on after the checks on the merged tree.
    ctx = projectContext(project);
    const next = await agentModule();
    await next.handlers['agent.lanes']({ root: project.root }, c);
    await next.service.parallel.queueIdle(project.root);
    const now = await next.handlers['agent.lanes']({ root: project.root }, c);
    expect(now.queue.map((q) => `${q.taskId} ${q.state}`)).toEqual(['T-1 merged']);
    expect(lane(now.lanes, 'T-1').state).toBe('merged');
    expect(git('show', 'main:a.txt')).toBe('A\n');
    expect(await readFile(f('mine.txt'), 'utf8')).toBe('my notes\n');
    await next.service.parallel.queueIdle(project.root);
    await next.dispose?.();
  }, 120_000);

  it('refuses with what to do when the merge queue\'s journal cannot be read, and a change announced meanwhile looks at nothing', async () => {
    await mkdir(join(project.dataDir, 'queues'), { recursive: true });
    await writeFile(join(project.dataDir, 'queues', `${projectHash(project.root)}.json`), '{ torn');
    const agent = await agentModule();
    const first = agent.handlers['agent.lanes']({ root: project.root }, c);
    ctx.bus.emit('repo.didChange', { root: project.root, paths: [], git: true });
    await expect(first).rejects.toThrow(/The merge queue's journal .* cannot be read .*Move it aside to start with an empty queue\./);
    await agent.service.parallel.queueIdle(project.root);
    await agent.dispose?.();
  });

  it('shows a run the app\'s closing interrupted as stopped on the next start, keeps its worktree and a finished one\'s, and runs it again or drops it', async () => {
    // T-2 finishes; T-1's first turn holds until the app closes.
    let paused!: () => void;
    const pausedNow = new Promise<void>((r) => (paused = r));
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    script((title, reply) => (title === 'Write alpha' ? { ...(reply as Extract<MockResponse, { kind: 'stream' }>), pauseAfter: 1, release: released, onPause: paused } : reply));
    const agent = await agentModule();
    const { lanes } = await agent.handlers['agent.runSelected']({ root: project.root, taskIds: ['T-1', 'T-2'] }, c);
    const [t1, t2] = [lane(lanes, 'T-1').runId!, lane(lanes, 'T-2').runId!];
    await agent.service.parallel.settled(project.root, t2);
    await pausedNow;
    const trees = git('worktree', 'list', '--porcelain').split('\n').filter((l) => l.startsWith('worktree ')).map((l) => l.slice('worktree '.length)).slice(1);
    expect(trees).toHaveLength(2);
    await writeFile(join(trees[0]!, 'a.txt'), 'half\n');
    // The app closes mid-run.
    const closing = agent.dispose?.();
    release();
    await closing;

    // The next start, on the same data folder.
    ctx = projectContext(project);
    script();
    const next = await agentModule();
    let now = await next.handlers['agent.lanes']({ root: project.root }, c);
    expect(now.lanes.map((l) => `${l.taskId} ${l.runId} ${l.state}`)).toEqual([`T-1 ${t1} stopped`, `T-2 ${t2} finished`]);
    expect(lane(now.lanes, 'T-1').reason).toBe('interrupted when the app closed — run it again or drop it');
    // Neither worktree was pruned: the interrupted run's half-written file is still there.
    expect(await readFile(join(trees[0]!, 'a.txt'), 'utf8')).toBe('half\n');
    expect(existsSync(join(trees[1]!, 'b.txt'))).toBe(true);
    // The finished run is still reviewed and accepted from its worktree.
    const { files } = await next.handlers['agent.diff']({ root: project.root, runId: t2 }, c);
    expect(files.map((x) => x.path)).toEqual(['b.txt']);

    // Run again: the interrupted run's worktree goes, a new run starts.
    now = { ...now, lanes: (await next.handlers['agent.runSelected']({ root: project.root, taskIds: ['T-1', 'T-2'] }, c)).lanes };
    const again = lane(now.lanes, 'T-1');
    expect(again.state).toBe('running');
    expect(again.runId).not.toBe(t1);
    expect(existsSync(trees[0]!)).toBe(false);
    // Selecting the finished one again leaves it waiting for review.
    expect(lane(now.lanes, 'T-2')).toMatchObject({ runId: t2, state: 'finished' });
    await next.service.parallel.settled(project.root, again.runId!);

    // A second close, this time dropping the interrupted lane.
    await next.dispose?.();
    const raw = JSON.parse(await readFile(join(project.dataDir, 'lanes', (await readdir(join(project.dataDir, 'lanes')))[0]!), 'utf8')) as { lanes: Array<{ taskId: string; state: string }> };
    raw.lanes = raw.lanes.map((l) => (l.taskId === 'T-2' ? { ...l, state: 'running' } : l));
    await writeFile(join(project.dataDir, 'lanes', (await readdir(join(project.dataDir, 'lanes')))[0]!), JSON.stringify(raw));
    ctx = projectContext(project);
    const third = await agentModule();
    now = await third.handlers['agent.lanes']({ root: project.root }, c);
    expect(lane(now.lanes, 'T-2')).toMatchObject({ state: 'stopped', reason: 'interrupted when the app closed — run it again or drop it' });
    now = await third.handlers['agent.queueAction']({ root: project.root, runId: t2, action: 'drop' }, c);
    expect(lane(now.lanes, 'T-2').state).toBe('rejected');
    expect(existsSync(trees[1]!)).toBe(false);
    expect(git('branch', '--format=%(refname:short)', '--list', 'plumbline/T-2*').trim()).toBe('');
    await third.dispose?.();
  }, 120_000);

  it("announces the run's new summary when a parallel run is accepted or rejected, so the review shows it without a reload", async () => {
    script();
    const agent = await agentModule();
    const reviews: string[] = [];
    ctx.bus.subscribe((e) => {
      if (e.event !== 'agent.didUpdate') return;
      const { summary } = e.payload as { summary: { taskId: string | null; review: string } };
      if (summary.review !== 'none' && summary.review !== 'pending') reviews.push(`${summary.taskId} ${summary.review}`);
    });
    const { lanes } = await agent.handlers['agent.runSelected']({ root: project.root, taskIds: ['T-1', 'T-2'] }, c);
    for (const l of lanes) await agent.service.parallel.settled(project.root, l.runId!);
    await agent.handlers['agent.accept']({ root: project.root, runId: lane(lanes, 'T-1').runId! }, c);
    await agent.handlers['agent.reject']({ root: project.root, runId: lane(lanes, 'T-2').runId! }, c);
    expect(reviews).toEqual(['T-1 accepted', 'T-2 rejected']);
    await agent.dispose?.();
  });

  it('refuses with the embedded git engine, saying why, and creates nothing', async () => {
    const agent = await agentModule({ env: { PLUMBLINE_GIT: 'embedded' } });
    await expect(agent.handlers['agent.runSelected']({ root: project.root, taskIds: ['T-1'] }, c)).rejects.toThrow(/^parallel runs need git ≥ 2\.30 installed; with the embedded engine tasks run one at a time/);
    expect(git('branch', '--format=%(refname:short)', '--list', 'plumbline/*').trim()).toBe('');
    expect(existsSync(join(project.dataDir, 'worktrees'))).toBe(false);
    expect(await agent.handlers['agent.lanes']({ root: project.root }, c)).toEqual({ lanes: [], queue: [] });
  });
});
