/**
 * Parallel building runs (docs/parallel-runs.md): the selected tasks that can start together (run-planner.ts)
 * each run in their own linked worktree (worktrees.ts) on their own branch, at most `parallelRuns` (a setting) at once, the
 * rest queued; the cost ceiling applies to the sum of the runs (no new run starts once it is reached). Accept
 * commits the run's files on its branch and puts it into the merge queue (merge-queue.ts), processed with the
 * task's served checks on the merged tree, recorded as evidence in the project's ledger with the merged commit's
 * tree state; Reject removes the worktree and branch. Native git only. A queue held at a run (stopped, or being
 * resolved in the Builder) is looked at again on every change of git's state (`repo.didChange` with `git`; a change
 * of the work tree alone only while the user's changes hold an entry) and goes on once what held it changed
 * (MergeQueue.recheck); an interrupted step rolled back on the next start resumes. Without a command sandbox a
 * re-check runs no checks: they run when the user asks.
 *
 * A run's worktree is opened in the project registry under the holder `run:<run id>` while it exists, so it
 * has its own project services (shadow checkpoints, ledger): the run works and is verified there while its
 * transcript stays with the project.
 */
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import type { MergeQueueItem, RunLane, TranscriptEvent } from '../../../shared/contract';
import { RpcError } from '../../../shared/rpc';
import type { CoreEvent } from '../events';
import { detectSandboxAsync } from '../commands/sandbox';
import { findNativeGit } from '../git/native/find-git';
import { type NativeGit, runGit } from '../git/native/git-runner';
import { summarise } from '../model/transcript-store';
import { readTasksState } from '../spec/plan-reader';
import { parsePorcelainV2 } from '../git/native/native-status';
import { describeOutcome } from '../verify/checks-runner';
import type { TreeState } from '../verify/evidence';
import { checkTaskOnTree } from '../verify/tree-checks';
import { trustedPlanOf, type TrustedPlan } from '../verify/trusted-plan';
import { ShadowRepo } from '../checkpoints/shadow-repo';
import type { AgentEnv } from './agent-env';
import type { BuildingRuns } from './building-run';
import { type CheckResult, MergeQueue, type ProcessResult, type QueueEntry } from './merge-queue';
import { newRunId, now, type RunRegistry } from './run-registry';
import { planRuns, scopeOverlap } from './run-planner';
import { atomicWrite } from '../util/atomic-write';
import { projectHash, RunWorktrees } from './worktrees';

/** The reason of a lane whose run the app's closing interrupted. */
export const INTERRUPTED = 'interrupted when the app closed — run it again or drop it';

/** The message when native git is missing. */
export const NEEDS_NATIVE_GIT = 'parallel runs need git ≥ 2.30 installed; with the embedded engine tasks run one at a time';

interface Lane {
  readonly taskId: string;
  readonly title: string;
  readonly scope: readonly string[];
  readonly depends: readonly string[];
  runId: string | null;
  branch: string | null;
  path: string | null;
  state: RunLane['state'];
  reason: string | null;
  costUsd: number;
  glance: string | null;
  /** Resolves once the run has ended and its lane shows it. */
  ended: Promise<void>;
  /** When it was queued: queued lanes start first come, first served. */
  queuedAt: number;
  /** Files the run wrote outside its task's scope (its `out_of_scope` notices), in the order written. */
  outside: string[];
  /** The Calibrator's verdict on the run, taken in its worktree, is green: once the run ended the lane is `verified`. */
  green: boolean;
  /** Its worktree and run are being set up: the run has no transcript yet, so the lane offers none to open. */
  starting?: boolean;
}

/** What the lanes journal keeps of a lane (`<dataDir>/lanes/<project hash>.json`). */
type SavedLane = Pick<Lane, 'taskId' | 'title' | 'scope' | 'depends' | 'runId' | 'branch' | 'path' | 'state' | 'reason' | 'costUsd' | 'glance' | 'outside'>;

interface ProjectLanes {
  readonly git: NativeGit;
  /** The lanes journal. */
  readonly file: string;
  /** What was written last (cost aside), so an unchanged lane set is not written again. */
  saved: string;
  writes: Promise<void>;
  /** Counts lanes as they are queued. */
  queued: number;
  readonly lanes: Lane[];
  readonly trees: RunWorktrees;
  readonly queue: MergeQueue;
  ready: Promise<void>;
  pumping: Promise<void>;
  /** Evidence the merge queue's checks appended since the renderer was last told (`evidence.didAppend`). */
  evidence: string[];
  /** The merge queue's re-check going on in the background, if any (see recheck()). */
  rechecking: Promise<void> | null;
  /** A change came while it went on: it runs once more. */
  recheckAgain: boolean;
}

/** Lanes whose scope holds back overlapping tasks. */
const ACTIVE = new Set<RunLane['state']>(['queued', 'running', 'verifying']);
const holder = (runId: string): string => `run:${runId}`;

/** The parallel runs of every project in this session. */
export class ParallelRuns {
  private readonly projects = new Map<string, ProjectLanes>();
  /** Set by dispose(): runs that end now were interrupted, and nothing new starts. */
  private closing = false;

  constructor(
    private readonly env: AgentEnv,
    private readonly registry: RunRegistry,
    private readonly building: BuildingRuns,
  ) {
    // Live cost, and "verifying" once the run's loop has ended and the Calibrator judges it.
    env.ctx.bus.subscribe((e) => {
      if (e.event === 'repo.didChange') {
        // The user committed, resolved, switched or fixed a run's branch: a held merge queue looks again. A change
        // of the work tree alone matters only while the user's uncommitted changes hold an entry.
        const { root, git } = (e as CoreEvent<'repo.didChange'>).payload;
        const p = this.projects.get(root);
        if (p && (git || p.queue.watchesWorkTree())) this.recheck(root, p);
        return;
      }
      if (e.event === 'verify.didVerifyRun') {
        // The run's verification in its worktree (records go to the project): green makes a finished lane verified.
        const { root, run } = (e as CoreEvent<'verify.didVerifyRun'>).payload;
        const p = this.projects.get(root);
        const lane = p?.lanes.find((l) => l.runId === run.runId);
        if (!p || !lane) return;
        lane.green = run.glance === 'green';
        if (lane.state === 'finished' || lane.state === 'verified') lane.state = endState(lane);
        this.emit(root, p);
        return;
      }
      if (e.event === 'agent.didAppend') {
        // A write outside the task's scope shows in the lane at once.
        const { root, runId, event } = (e as CoreEvent<'agent.didAppend'>).payload;
        if (event.type !== 'notice' || event.kind !== 'out_of_scope' || !event.path) return;
        const p = this.projects.get(root);
        const lane = p?.lanes.find((l) => l.runId === runId);
        if (!p || !lane || lane.outside.includes(event.path)) return;
        lane.outside.push(event.path);
        this.emit(root, p);
        return;
      }
      if (e.event !== 'agent.didUpdate') return;
      const { root, summary } = (e as CoreEvent<'agent.didUpdate'>).payload;
      const p = this.projects.get(root);
      const lane = p?.lanes.find((l) => l.runId === summary.runId);
      if (!p || !lane) return;
      lane.costUsd = summary.costUsd;
      if (summary.endedAt && lane.state === 'running') lane.state = 'verifying';
      this.emit(root, p);
    });
  }

  /** The worktree a parallel run of this session works in (null for any other run, or once it was removed). */
  workRoot(root: string, runId: string): string | null {
    return this.projects.get(root)?.lanes.find((l) => l.runId === runId)?.path ?? null;
  }

  /** Starts the selected tasks that can start together; the others wait, queue or are refused, with why. */
  async runSelected(root: string, taskIds: readonly string[]): Promise<RunLane[]> {
    this.env.ctx.projects.require(root);
    const p = await this.project(root);
    const { tasks } = await readTasksState(root);
    const busy = p.lanes.filter((l) => ACTIVE.has(l.state)).map((l) => ({ taskId: l.taskId, scope: l.scope }));
    const queued = new Set((await p.queue.list()).filter((q) => q.state !== 'merged').map((q) => q.runId));
    for (const d of planRuns(tasks, taskIds, busy)) {
      const existing = p.lanes.findIndex((l) => l.taskId === d.taskId);
      const old = existing >= 0 ? p.lanes[existing]! : null;
      if (old && ACTIVE.has(old.state)) continue;
      // A run waiting for review or in the merge queue keeps its lane; a stopped one outside the queue (interrupted,
      // say) is run again from scratch: its worktree goes first.
      if (old?.path && (old.state !== 'stopped' || (old.runId && queued.has(old.runId)))) continue;
      if (old) await this.removeTree(p, old);
      if (existing >= 0) p.lanes.splice(existing, 1);
      const t = tasks.find((x) => x.id === d.taskId);
      const state = d.action === 'start' ? 'queued' : d.action === 'wait' ? 'waiting' : 'stopped';
      p.lanes.push({ taskId: d.taskId, title: t?.title ?? d.taskId, scope: t?.scope ?? [], depends: t?.depends ?? [], runId: null, branch: null, path: null, state, reason: d.reason, costUsd: 0, glance: null, ended: Promise.resolve(), queuedAt: state === 'queued' ? ++p.queued : 0, outside: [], green: false });
    }
    await this.pump(root, p);
    return this.view(p);
  }

  /** The lanes and the merge queue of a project (empty without native git). */
  async lanes(root: string): Promise<{ lanes: RunLane[]; queue: MergeQueueItem[] }> {
    this.env.ctx.projects.require(root);
    if (!findNativeGit(this.gitSetting()).git) return { lanes: [], queue: [] };
    const p = await this.project(root);
    // A held queue looks again (a change the watcher missed); what it finds arrives with agent.didLanes.
    this.recheck(root, p);
    return { lanes: this.view(p), queue: (await p.queue.list()).map((q) => ({ ...q, depends: [...q.depends] })) };
  }

  /** Waits until the merge queue's re-checks in the background are done (tests). */
  async queueIdle(root: string): Promise<void> {
    const p = this.projects.get(root);
    while (p?.rechecking) await p.rechecking;
  }

  /** Waits until a parallel run has finished and its lane was updated (tests, shutdown). */
  async settled(root: string, runId: string): Promise<void> {
    const p = this.projects.get(root);
    await (p?.lanes.find((l) => l.runId === runId)?.ended ?? this.registry.settled(runId));
    if (p) await p.pumping;
  }

  /**
   * Accepts a finished parallel run: commits the files it wrote on its branch (in its worktree), puts it into
   * the merge queue and processes the queue. Null when the run is not a parallel run.
   */
  async accept(root: string, runId: string, message?: string): Promise<{ commit: string; files: string[] } | null> {
    const p = this.projects.get(root);
    const lane = p?.lanes.find((l) => l.runId === runId);
    if (!p || !lane) return null;
    if (lane.state !== 'finished' && lane.state !== 'verified') throw new RpcError('CONFLICT', `${lane.taskId} is ${lane.state}, not finished; accept it once its run has ended.`);
    if (!lane.path || !lane.branch) throw new RpcError('CONFLICT', `${lane.taskId} has no worktree; run it again.`);
    const { events, summary } = await this.registry.transcript(root, runId);
    const files = [...new Set(events.flatMap((e) => (e.type === 'write' ? [e.path] : [])))].sort();
    if (!files.length) throw new RpcError('CONFLICT', 'The run changed no files, so there is nothing to merge. Reject it.');
    await runGit(p.git, ['add', '-A', '--', ...files], { cwd: lane.path, what: `stage ${lane.taskId}'s files` });
    const text = message?.trim() || `${summary.title}\n\nAccepted agent run ${runId} (${summary.model}).`;
    await runGit(p.git, ['commit', '--no-verify', '-q', '-m', text], { cwd: lane.path, what: `commit ${lane.taskId} on ${lane.branch}` });
    const commit = (await runGit(p.git, ['rev-parse', 'HEAD'], { cwd: lane.path, read: true })).stdout.toString('utf8').trim();
    await this.note(root, runId, { type: 'review', at: now(), action: 'accepted', commit, restoreRef: null });
    const was = lane.state;
    lane.state = 'merging';
    lane.reason = null;
    this.emit(root, p);
    try {
      // Added and processed in one step of the queue: a re-check on a repository change cannot take the new entry
      // in between and have its checks run twice.
      await this.processQueue(root, p, { runId, taskId: lane.taskId, branch: lane.branch, depends: [...lane.depends] });
    } catch (error) {
      // Refused before it was queued: the lane is as it was.
      if (!(await p.queue.list()).some((q) => q.runId === runId)) {
        lane.state = was;
        this.emit(root, p);
      }
      throw error;
    }
    return { commit, files };
  }

  /** Rejects a parallel run: its worktree and branch are removed (and it leaves the merge queue). False when not a parallel run. */
  async reject(root: string, runId: string): Promise<boolean> {
    const p = this.projects.get(root);
    const lane = p?.lanes.find((l) => l.runId === runId);
    if (!p || !lane) return false;
    if (lane.state === 'running' || lane.state === 'verifying') throw new RpcError('CONFLICT', 'The run is still going; stop it or wait for it to finish first.');
    if (lane.state === 'merged') throw new RpcError('CONFLICT', `${lane.taskId} is merged already; revert its merge commit to undo it.`);
    if ((await p.queue.list()).some((q) => q.runId === runId)) await p.queue.drop(runId);
    await this.removeTree(p, lane);
    lane.state = 'rejected';
    lane.reason = null;
    await this.note(root, runId, { type: 'review', at: now(), action: 'rejected', commit: null, restoreRef: null });
    this.emit(root, p);
    return true;
  }

  /**
   * Retries the merge queue from a stopped run, drops the run (its worktree and branch are removed), or resolves
   * its merge in the Builder: the run's branch is merged into the user's clean work tree, conflicts left for them
   * to resolve and commit; the queue goes on after that commit.
   */
  async queueAction(root: string, runId: string, action: 'retry' | 'drop' | 'resolve'): Promise<{ lanes: RunLane[]; queue: MergeQueueItem[] }> {
    this.env.ctx.projects.require(root);
    const p = await this.project(root);
    if (!(await p.queue.list()).some((q) => q.runId === runId)) {
      // A stopped run outside the queue (interrupted when the app closed) is dropped with its worktree.
      const lane = p.lanes.find((l) => l.runId === runId);
      if (action === 'drop' && lane?.state === 'stopped') {
        await this.removeTree(p, lane);
        lane.state = 'rejected';
        lane.reason = 'dropped';
        this.emit(root, p);
        return this.lanes(root);
      }
      throw new RpcError('NOT_FOUND', `Run ${runId} is not in the merge queue; refresh the Runs lane.`);
    }
    if (action === 'resolve') {
      await p.queue.resolve(runId);
      await this.syncLanes(root, p);
      this.env.ctx.bus.emit('repo.didChange', { root, paths: [], git: true });
      return this.lanes(root);
    }
    if (action === 'drop') {
      await p.queue.drop(runId);
      const lane = p.lanes.find((l) => l.runId === runId);
      if (lane) {
        await this.removeTree(p, lane);
        lane.state = 'rejected';
        lane.reason = 'dropped from the merge queue';
      }
    }
    await this.processQueue(root, p);
    return this.lanes(root);
  }

  // ---- internals -----------------------------------------------------------------------------

  private gitSetting(): string | undefined {
    return (this.env.options.env ?? process.env).PLUMBLINE_GIT;
  }

  /** The project's lanes, worktrees and queue; on first use an interrupted queue step is rolled back and stale worktrees pruned. */
  private async project(root: string): Promise<ProjectLanes> {
    let p = this.projects.get(root);
    if (!p) {
      const probe = findNativeGit(this.gitSetting());
      if (!probe.git) throw new RpcError('UNAVAILABLE', `${NEEDS_NATIVE_GIT} (${probe.reason})`);
      const git = probe.git;
      const options = { git, root, dataDir: this.env.ctx.dataDir };
      const file = join(this.env.ctx.dataDir, 'lanes', `${projectHash(root)}.json`);
      const created: ProjectLanes = { git, file, saved: '', writes: Promise.resolve(), queued: 0, lanes: [], trees: new RunWorktrees(options), queue: new MergeQueue(options), ready: Promise.resolve(), pumping: Promise.resolve(), evidence: [], rechecking: null, recheckAgain: false };
      created.ready = (async () => {
        await created.queue.recover();
        created.lanes.push(...(await this.restore(file)));
        // Runs waiting in the queue keep their worktrees (a stopped one is resolved there), and so do the lanes
        // of an earlier session that still have one (waiting for review, or interrupted).
        const owned = new Set((await created.queue.list()).filter((q) => q.state !== 'merged').map((q) => q.runId));
        for (const l of created.lanes) if (l.runId && l.path) owned.add(l.runId);
        await created.trees.prune(owned);
        // Restored lanes whose worktree is still there have it open again (diff, accept); the others lost it.
        const trees = new Set((await created.trees.list()).filter((t) => t.present).map((t) => t.path));
        for (const l of created.lanes) {
          if (l.runId && l.path && trees.has(l.path)) this.env.ctx.projects.add(l.path, holder(l.runId));
          else l.path = null;
        }
      })();
      // A step rolled back goes on at once, and a stopped run whose blocker went while the app was closed too.
      created.ready.then(() => this.recheck(root, created), () => this.projects.delete(root));
      this.projects.set(root, (p = created));
    }
    await p.ready;
    return p;
  }

  /** Moves waiting lanes whose overlap is gone to the queue and starts queued ones while the limit and the ceiling allow. */
  private pump(root: string, p: ProjectLanes): Promise<void> {
    p.pumping = p.pumping.then(() => this.pumpNow(root, p)).catch(() => {});
    return p.pumping;
  }

  private async pumpNow(root: string, p: ProjectLanes): Promise<void> {
    // The app is closing: nothing starts, and a run cut short keeps its lane as it was (interrupted on the next start).
    if (this.closing) return;
    for (const lane of p.lanes.filter((l) => l.state === 'waiting')) {
      const clash = p.lanes.find((o) => o !== lane && ACTIVE.has(o.state) && scopeOverlap(lane.scope, o.scope) !== null);
      if (clash) lane.reason = `waits for ${clash.taskId}: both may touch ${scopeOverlap(lane.scope, clash.scope)}`;
      else {
        lane.state = 'queued';
        lane.reason = null;
        lane.queuedAt = ++p.queued;
      }
    }
    const settings = await this.env.settings.load();
    for (const lane of p.lanes.filter((l) => l.state === 'queued').sort((a, b) => a.queuedAt - b.queuedAt)) {
      const running = p.lanes.filter((l) => l.state === 'running' || l.state === 'verifying').length;
      if (running >= settings.parallelRuns) {
        lane.reason = `queued: ${settings.parallelRuns} ${settings.parallelRuns === 1 ? 'run goes' : 'runs go'} at once (Settings ▸ Parallel runs); it starts when one finishes`;
        continue;
      }
      const spent = p.lanes.reduce((sum, l) => sum + l.costUsd, 0);
      if (spent >= settings.costCeilingUsd) {
        lane.state = 'stopped';
        lane.reason = `not started: the parallel runs cost $${spent.toFixed(2)} together, the cost ceiling is $${settings.costCeilingUsd.toFixed(2)}; raise the ceiling in Settings or run it later`;
        continue;
      }
      await this.launch(root, p, lane);
    }
    this.emit(root, p);
  }

  /** Creates the run's worktree and starts its building run there. */
  private async launch(root: string, p: ProjectLanes, lane: Lane): Promise<void> {
    const runId = newRunId();
    lane.runId = runId;
    lane.state = 'running';
    lane.reason = null;
    lane.starting = true;
    try {
      const wt = await p.trees.add(runId, lane.taskId, lane.title);
      lane.branch = wt.branch;
      lane.path = wt.path;
      this.env.ctx.projects.add(wt.path, holder(runId));
      await this.building.startTask(root, lane.taskId, undefined, { runId, workRoot: wt.path });
    } catch (error) {
      await this.removeTree(p, lane).catch(() => {});
      lane.state = 'stopped';
      lane.reason = `could not start: ${error instanceof Error ? error.message : String(error)}`;
      return;
    } finally {
      lane.starting = false;
    }
    lane.ended = this.registry.settled(runId).then(() => this.finished(root, p, lane));
  }

  /** A run ended: its lane shows the outcome, and the next queued run may start. */
  private async finished(root: string, p: ProjectLanes, lane: Lane): Promise<void> {
    if (lane.runId) {
      const { summary } = await this.registry.transcript(root, lane.runId).catch(() => ({ summary: null }));
      if (summary) {
        lane.costUsd = summary.costUsd;
        lane.glance = summary.reason ? `${summary.status}: ${summary.reason}` : summary.status;
      }
    }
    lane.state = endState(lane);
    await this.pump(root, p);
  }

  /**
   * Runs the queue and brings the lanes up to date; merged runs' worktrees and branches are removed. `recheck`:
   * only when the queue may move (MergeQueue.recheck), and the repository change is announced only when it did —
   * so the announcement, which brings the next re-check, ends in one that finds nothing to do.
   */
  private async processQueue(root: string, p: ProjectLanes, how: 'process' | 'recheck' | QueueEntry = 'process'): Promise<void> {
    let result: ProcessResult | null = null;
    let threw = false;
    try {
      const check = (tree: string, entry: QueueEntry) => this.runChecks(root, p, tree, entry);
      if (how === 'recheck') {
        // Without a command sandbox the checks run only when the user asks (Accept, Retry): a re-check runs none.
        const sandboxed = (await detectSandboxAsync()).kind !== 'none';
        result = await p.queue.recheck(sandboxed ? check : null);
      } else result = how === 'process' ? await p.queue.process(check) : await p.queue.addAndProcess(how, check);
    } catch (error) {
      threw = true;
      throw error;
    } finally {
      if (how !== 'recheck' || result || threw) await this.syncLanes(root, p);
      if (how !== 'recheck' || result) this.env.ctx.bus.emit('repo.didChange', { root, paths: [], git: true });
      // After repo.didChange (which drops the ledger's cached tree state), so a refresh reads the new HEAD.
      const ids = p.evidence.splice(0);
      if (ids.length) this.env.ctx.bus.emit('evidence.didAppend', { root, ids });
    }
  }

  /** Re-checks the merge queue in the background, one at a time per project; a call meanwhile makes it run once more. */
  private recheck(root: string, p: ProjectLanes): void {
    if (this.closing) return;
    if (p.rechecking) {
      p.recheckAgain = true;
      return;
    }
    p.rechecking = (async () => {
      // A project whose start failed has nothing to look at (its next use starts again).
      if (!(await p.ready.then(() => true, () => false))) return;
      do {
        p.recheckAgain = false;
        await this.processQueue(root, p, 'recheck').catch(() => {});
      } while (p.recheckAgain && !this.closing);
    })().finally(() => {
      p.rechecking = null;
    });
  }

  /** Brings the lanes up to the queue's states (a merge being resolved shows as merging, with what to do) and sends them. */
  private async syncLanes(root: string, p: ProjectLanes): Promise<void> {
    for (const item of await p.queue.list()) {
      const lane = p.lanes.find((l) => l.runId === item.runId);
      if (!lane) continue;
      if (item.state === 'merged' && lane.state !== 'merged') {
        lane.state = 'merged';
        lane.reason = null;
        await this.removeTree(p, lane).catch(() => {});
      } else if (item.state === 'stopped' || item.state === 'resolving') {
        lane.state = item.state === 'stopped' ? 'stopped' : 'merging';
        lane.reason = item.reason;
      } else if (item.state !== 'merged') {
        lane.state = 'merging';
        lane.reason = null;
      }
    }
    this.emit(root, p);
  }

  /**
   * The task's served checks — from the plan as it stood before the run (its checkpoint), never the merged tree's
   * plan, which holds whatever the run wrote into it — run in the merge worktree through the Calibrator, which
   * records each in the project's ledger with the merged commit's tree state: once the user's branch is there,
   * the task's state rests on them (a failure is recorded as failed). When that plan cannot be read nothing runs
   * and the queue stops at the run, saying to run the task again.
   */
  private async runChecks(root: string, p: ProjectLanes, tree: string, entry: QueueEntry): Promise<CheckResult> {
    const trusted = await this.planBefore(root, p, entry);
    if ('missing' in trusted) {
      // Nothing ran, so nothing to fix on the run's branch: the whole reason, what to do included.
      return {
        ok: false,
        whole: true,
        reason: `${entry.taskId}'s checks did not run: the plan as it stood before run ${entry.runId} cannot be read (${trusted.missing}), and the merged tree's own plan is not run, as the run may have written it. Nothing was moved. Drop this run from the queue and run ${entry.taskId} again.`,
      };
    }
    const settings = await this.env.settings.load();
    const state = await treeState(p.git, tree);
    const { recordIds, failed, differs } = await checkTaskOnTree(this.env.ctx.services.project(root).ledger, {
      tree,
      plan: trusted.plan,
      state,
      taskId: entry.taskId,
      runId: entry.runId,
      where: `the merged tree (${(state.commit ?? '').slice(0, 7)})`,
      timeoutMs: settings.commandTimeoutSec * 1000,
    });
    p.evidence.push(...recordIds);
    if (failed) {
      // What failed (and that the merged tree's plan has other checks, which did not run); the queue says where and what to do.
      const c = failed.check;
      return { ok: false, reason: `${differs ? `${differs} ` : ''}${c.id} (\`${c.command}\`) ${describeOutcome(failed.outcome, failed.exitCode, failed.counts)}` };
    }
    return { ok: true, reason: '' };
  }

  /**
   * The plan as it stood before a queued run: its checkpoint (the `start` record of its transcript) read from the
   * shadow repository of the worktree it ran in — the one its verification judged it against (trusted-plan.ts).
   */
  private async planBefore(root: string, p: ProjectLanes, entry: QueueEntry): Promise<{ plan: TrustedPlan } | { missing: string }> {
    // Only the first record: a long run's transcript is not read whole for it.
    const start = await this.env.transcripts.start(root, entry.runId);
    if (!start) return { missing: 'its transcript is gone' };
    const checkpoint = start.checkpoint;
    if (!checkpoint) return { missing: 'it has no checkpoint' };
    // The worktree's shadow repository outlives the worktree (it is kept by the worktree's path in the app data).
    const path = p.lanes.find((l) => l.runId === entry.runId)?.path ?? (await p.trees.list()).find((t) => t.runId === entry.runId)?.path ?? null;
    if (!path) return { missing: 'its worktree is unknown' };
    const shadow = this.env.ctx.projects.list().includes(path) ? this.env.shadow(path) : new ShadowRepo(path, this.env.ctx.dataDir);
    try {
      return { plan: await trustedPlanOf(shadow, checkpoint) };
    } catch {
      return { missing: `its checkpoint ${checkpoint.slice(0, 7)} is missing from the checkpoint store` };
    }
  }

  /** Removes the lane's worktree and branch and closes the worktree in the project registry. */
  private async removeTree(p: ProjectLanes, lane: Lane): Promise<void> {
    if (!lane.runId) return;
    if (lane.path) this.env.ctx.projects.release(lane.path, holder(lane.runId));
    await p.trees.remove(lane.runId, { deleteBranch: true });
    lane.path = null;
  }

  /** Appends a review record to the run's transcript (kept with the project) and announces it and the run's new summary. */
  private async note(root: string, runId: string, event: TranscriptEvent): Promise<void> {
    await this.env.transcripts.append(root, runId, event);
    this.env.ctx.bus.emit('agent.didAppend', { runId, root, event });
    const summary = summarise(await this.env.transcripts.read(root, runId), false);
    if (summary) this.env.ctx.bus.emit('agent.didUpdate', { root, summary, retryAt: null });
  }

  /** The lanes as the contract shows them; writes outside the scope are in the reason (while nothing else is) and the glance. */
  private view(p: ProjectLanes): RunLane[] {
    return p.lanes.map((l) => {
      const outside = l.outside.length ? `wrote ${listPaths(l.outside)} outside its scope` : null;
      const glance = l.glance && outside ? `${l.glance}; ${outside}` : l.glance;
      // A lane announced while its run is set up (a repository change brings an announcement at any time) shows no
      // run yet: there is no transcript to open until the run has started.
      if (l.starting) return { taskId: l.taskId, runId: null, branch: l.branch, state: l.state, reason: 'starting: creating its worktree and run', costUsd: l.costUsd, glance };
      return { taskId: l.taskId, runId: l.runId, branch: l.branch, state: l.state, reason: l.reason ?? outside, costUsd: l.costUsd, glance };
    });
  }

  private emit(root: string, p: ProjectLanes): void {
    this.env.ctx.bus.emit('agent.didLanes', { root, lanes: this.view(p) });
    void this.save(p);
  }

  /**
   * The app is closing: nothing new starts, and the lanes whose runs are cut short are kept as they are, so the
   * next start shows them interrupted with their worktrees. `stopRuns` stops the runs (the registry's dispose).
   */
  async dispose(stopRuns: () => Promise<void>): Promise<void> {
    this.closing = true;
    for (const p of this.projects.values()) await this.save(p);
    await stopRuns();
    for (const p of this.projects.values()) {
      await Promise.all(p.lanes.map((l) => l.ended.catch(() => {})));
      await p.writes;
    }
  }

  /** Writes the lanes journal when a lane changed (its cost aside); writes go in order. */
  private save(p: ProjectLanes): Promise<void> {
    const lanes: SavedLane[] = p.lanes.map((l) => ({ taskId: l.taskId, title: l.title, scope: l.scope, depends: l.depends, runId: l.runId, branch: l.branch, path: l.path, state: l.state, reason: l.reason, costUsd: l.costUsd, glance: l.glance, outside: l.outside }));
    const key = JSON.stringify(lanes.map((l) => ({ ...l, costUsd: 0 })));
    if (key === p.saved) return p.writes;
    p.saved = key;
    const text = `${JSON.stringify({ version: 1, lanes }, null, 2)}\n`;
    p.writes = p.writes.then(async () => {
      await fs.mkdir(join(p.file, '..'), { recursive: true });
      await atomicWrite(p.file, text);
    }).catch(() => {});
    return p.writes;
  }

  /**
   * The lanes of an earlier session that still matter: those with a worktree (waiting for review, in the merge
   * queue, stopped) and those whose run was going when the app closed (stopped: interrupted). A run that never
   * started is forgotten.
   */
  private async restore(file: string): Promise<Lane[]> {
    let saved: SavedLane[] = [];
    try {
      const data = JSON.parse(await fs.readFile(file, 'utf8')) as { version?: number; lanes?: SavedLane[] };
      if (data.version === 1 && Array.isArray(data.lanes)) saved = data.lanes;
    } catch {
      return [];
    }
    const out: Lane[] = [];
    for (const l of saved) {
      if (!l.runId || !l.path || l.state === 'merged' || l.state === 'rejected') continue;
      const cut = l.state === 'running' || l.state === 'verifying';
      const state = cut ? 'stopped' : l.state;
      out.push({ ...l, scope: [...l.scope], depends: [...l.depends], outside: [...(l.outside ?? [])], state, reason: cut ? INTERRUPTED : l.reason, ended: Promise.resolve(), queuedAt: 0, green: l.state === 'verified' });
    }
    return out;
  }
}

/** The tree state of a merge (or check) worktree for its records, read before its checks run: its HEAD, dirty when git shows any change. */
async function treeState(git: NativeGit, tree: string): Promise<TreeState> {
  const head = await runGit(git, ['rev-parse', 'HEAD'], { cwd: tree, read: true, what: 'read the merged commit' });
  const status = await runGit(git, ['status', '--porcelain=v2', '-z', '--untracked-files=all'], { cwd: tree, read: true, what: 'read the status of the merged tree' });
  return { commit: head.stdout.toString('utf8').trim(), dirty: parsePorcelainV2(status.stdout).entries.length > 0 };
}

/** The state of a lane whose run has ended: verified when the Calibrator found it green in its worktree, else finished (to review). */
function endState(lane: Pick<Lane, 'green'>): RunLane['state'] {
  return lane.green ? 'verified' : 'finished';
}

/** Up to three paths, then how many more. */
function listPaths(paths: readonly string[]): string {
  return paths.slice(0, 3).join(', ') + (paths.length > 3 ? ` and ${paths.length - 3} more` : '');
}
