import type { StateCreator } from 'zustand';
import type { AgentRole, AgentSettingsView, EventOf, HandbackState, MergeQueueItem, ReplanDraft, RequestOf, RunFileDiff, RunLane, RunSummary, StreamDelta, TaskItem, TranscriptEvent } from '../../../shared/contract';
import { ApiError, type ApiClient } from '../api/client';
import { messageOf } from './app-slice';
import type { AppState } from './app-store';
import { useUiPrefs } from './ui-prefs';

/** Text streaming into the current turn of a run, by content block. */
export interface LiveBlock {
  readonly block: number;
  readonly kind: StreamDelta['kind'];
  readonly text: string;
  readonly toolName?: string;
}

/** The transcript shown in the "Agent run" view. */
export interface ShownRun {
  readonly runId: string;
  readonly summary: RunSummary | null;
  readonly events: readonly TranscriptEvent[];
  readonly live: readonly LiveBlock[];
  readonly retryAt: number | null;
}

/** A task offered back to the thinker after repeated failures, and the thinker's draft once asked. */
export interface HandbackView {
  /** The project it belongs to (an offer never outlives a project switch). */
  readonly root: string;
  readonly state: HandbackState;
  readonly replan: { readonly runId: string; readonly draft: ReplanDraft } | null;
}

/** The answer to the last "Run selected": what became of each selected task, or why the core refused. */
export interface RunSelection {
  readonly root: string;
  readonly taskIds: readonly string[];
  /** The selected tasks' lanes (started, waiting or refused, with why); null when the core refused. */
  readonly lanes: readonly RunLane[] | null;
  /** The core's refusal (for example: the embedded git engine runs tasks one at a time). */
  readonly error: string | null;
}

/** What a merge queue action does: process the queue again, resolve in the Builder, or drop the run. */
export type QueueAction = RequestOf<'agent.queueAction'>['action'];

/** Lane states whose changes can change the merge queue (it is read again then). */
const QUEUE_STATES = new Set<RunLane['state']>(['merging', 'merged', 'stopped', 'rejected']);

/** The lanes' part that the merge queue follows, as one string to compare. */
export function queueSignature(lanes: readonly RunLane[]): string {
  return lanes
    .filter((l) => l.runId && QUEUE_STATES.has(l.state))
    .map((l) => `${l.runId}:${l.state}:${l.reason ?? ''}`)
    .join('|');
}

/** Agent runs, the shown transcript, its review, and the agent settings. */
export interface AgentSlice {
  readonly agentRuns: readonly RunSummary[];
  readonly agentTasks: readonly TaskItem[];
  readonly shownRun: ShownRun | null;
  readonly runDiff: readonly RunFileDiff[] | null;
  readonly agentSettings: AgentSettingsView | null;
  readonly agentBusy: boolean;
  /** The last reject of the shown run can be undone. */
  readonly canUndoReject: boolean;
  /** Set when "Run task" found the task failing its checks run after run: the offer to replan. */
  readonly handback: HandbackView | null;
  /** Parallel runs of the open project, live from `agent.didLanes`. */
  readonly lanes: readonly RunLane[];
  /** The merge queue, in order (read with the lanes, and again when a lane enters or leaves it). */
  readonly mergeQueue: readonly MergeQueueItem[];
  /** The project the lanes and queue belong to; null before they were loaded. */
  readonly lanesRoot: string | null;
  /** The run a merge queue action is working on, or null. */
  readonly queueBusy: string | null;
  readonly runSelection: RunSelection | null;
  loadAgent(): Promise<void>;
  /** Reads the lanes and the merge queue of the open project. */
  loadLanes(): Promise<void>;
  /** Runs the selected tasks at once, each in its own worktree; the answer lands in `runSelection`. True when the core started or planned them. */
  runSelected(taskIds: readonly string[]): Promise<boolean>;
  clearRunSelection(): void;
  /** Retries, resolves or drops a stopped entry of the merge queue; the core's refusal in words, or null when done. */
  queueAction(runId: string, action: QueueAction): Promise<string | null>;
  /** Offers a task back to the thinker (the hand-back panel of the Agent tab); why not, or null when offered. */
  handBackTask(taskId: string): Promise<string | null>;
  onLanes(e: EventOf<'agent.didLanes'>): void;
  loadAgentSettings(): Promise<void>;
  showRun(runId: string | null): Promise<void>;
  /** Starts a building run, or first offers the thinker when the task keeps failing its checks. */
  runTask(taskId: string, options?: { readonly runAnyway?: boolean }): Promise<void>;
  /** Asks the thinker for a revised plan or a split of the offered task (a draft). */
  replanTask(): Promise<void>;
  /** Writes the (edited) replan draft to the tasks file. */
  acceptReplan(draft: ReplanDraft): Promise<void>;
  closeHandback(): void;
  stopRun(): Promise<void>;
  steerRun(text: string): Promise<void>;
  answerApproval(approvalId: string, approved: boolean): Promise<void>;
  loadRunDiff(): Promise<void>;
  acceptRun(): Promise<void>;
  rejectRun(): Promise<void>;
  undoRejectRun(): Promise<void>;
  resumeRun(): Promise<void>;
  discardRun(): Promise<void>;
  updateAgentSettings(patch: RequestOf<'settings.update'>): Promise<void>;
  setAgentKey(role: AgentRole | 'all', key: string | null): Promise<void>;
  onAgentStream(e: EventOf<'agent.didStream'>): void;
  /** Queues a transcript event; queued events land in one store update per animation frame. */
  onAgentAppend(e: EventOf<'agent.didAppend'>): void;
  /** Applies queued transcript events now (otherwise done on the next animation frame). */
  flushAgentAppends(): void;
  onAgentUpdate(e: EventOf<'agent.didUpdate'>): void;
}

function upsert(runs: readonly RunSummary[], s: RunSummary): RunSummary[] {
  const i = runs.findIndex((r) => r.runId === s.runId);
  if (i === -1) return [s, ...runs];
  const next = [...runs];
  next[i] = s;
  return next;
}

type AgentAppend = EventOf<'agent.didAppend'>;

/** Schedules work for the next frame; a timer where there are no frames (tests, a hidden host). */
function nextFrame(fn: () => void): () => void {
  if (typeof requestAnimationFrame === 'function') {
    const id = requestAnimationFrame(fn);
    return () => cancelAnimationFrame(id);
  }
  const id = setTimeout(fn, 16);
  return () => clearTimeout(id);
}

/** Creates the agent slice over the API client. */
export function createAgentSlice(api: ApiClient): StateCreator<AppState, [], [], AgentSlice> {
  return (set, get) => {
    const root = (): string | null => get().project?.root ?? null;
    const guard = async (fn: () => Promise<void>): Promise<void> => {
      set({ agentBusy: true });
      try {
        await fn();
      } catch (error) {
        get().notify('error', messageOf(error));
      } finally {
        set({ agentBusy: false });
      }
    };
    // Transcript events arrive in bursts (tool results, replays); copying the event list and
    // rebuilding the rows per event is quadratic, so a frame's events land in one update.
    let appendQueue: AgentAppend[] = [];
    let cancelFrame: (() => void) | null = null;
    const flushAppends = (): void => {
      cancelFrame?.();
      cancelFrame = null;
      const batch = appendQueue;
      appendQueue = [];
      if (batch.length === 0) return;
      const before = get().shownRun;
      let run = before;
      // The event list of `run` when this flush already copied it (appended to in place).
      let events: TranscriptEvent[] | null = null;
      let newRun = false;
      let ended = false;
      for (const e of batch) {
        if (!run || run.runId !== e.runId) {
          // A run started elsewhere (for example "Run task" in the Orchestrator) is shown at once, except over
          // a run the user opened from the Runs lane, where parallel runs start one after another.
          if (e.event.type === 'start' && e.root === root() && !(run && useUiPrefs.getState().agentView === 'lanes' && get().lanes.some((l) => l.runId === run!.runId))) {
            events = [e.event];
            run = { runId: e.runId, summary: null, events, live: [], retryAt: null };
            newRun = true;
            ended = false;
          }
          continue;
        }
        if (!events) {
          events = [...run.events];
          run = { ...run, events };
        }
        events.push(e.event);
        // A complete turn (or a retry) replaces the streamed text of the turn.
        if (e.event.type === 'assistant' || e.event.type === 'retry') run = { ...run, live: [] };
        if (e.event.type === 'end') ended = true;
      }
      if (run === before) return;
      set(newRun ? { shownRun: run, runDiff: null } : { shownRun: run });
      // Only building runs have a checkpoint and so a diff; questions and thinker actions have none.
      const start = run?.events.find((x) => x.type === 'start');
      if (ended && start?.type === 'start' && start.kind === 'task') void get().loadRunDiff();
    };
    // The merge queue is read again when a lane enters, moves in or leaves it; reads in flight coalesce.
    let queueRead: Promise<void> | null = null;
    let queueAgain = false;
    const readQueue = (r: string): void => {
      if (queueRead) {
        queueAgain = true;
        return;
      }
      queueRead = (async () => {
        try {
          do {
            queueAgain = false;
            const { queue } = await api.request('agent.lanes', { root: r });
            if (root() === r) set({ mergeQueue: queue });
          } while (queueAgain && root() === r);
        } catch {
          // The lanes stay; the queue is read again on the next change or when the view opens.
        } finally {
          queueRead = null;
        }
      })();
    };
    return {
      lanes: [],
      mergeQueue: [],
      lanesRoot: null,
      queueBusy: null,
      runSelection: null,
      agentRuns: [],
      agentTasks: [],
      shownRun: null,
      runDiff: null,
      agentSettings: null,
      agentBusy: false,
      canUndoReject: false,
      handback: null,
      async loadAgent() {
        const r = root();
        if (!r) return set({ agentRuns: [], agentTasks: [], shownRun: null, runDiff: null, handback: null, lanes: [], mergeQueue: [], lanesRoot: null, runSelection: null });
        try {
          const before = get().agentRuns;
          const [{ runs }, plan] = await Promise.all([api.request('agent.runs', { root: r }), api.request('spec.snapshot', { root: r }).catch(() => null)]);
          if (root() !== r) return;
          // Runs that started or changed while the list was loading came by event and are newer than the list.
          const fresh = get().agentRuns.filter((x) => !before.includes(x));
          const merged = fresh.reduce<RunSummary[]>((acc, x) => upsert(acc, x), [...runs]);
          set({ agentRuns: merged.sort((a, b) => b.startedAt.localeCompare(a.startedAt)), agentTasks: plan?.tasks.tasks ?? [] });
        } catch (error) {
          get().notify('error', messageOf(error));
        }
        if (!get().agentSettings) await get().loadAgentSettings();
      },
      async loadLanes() {
        const r = root();
        if (!r) return set({ lanes: [], mergeQueue: [], lanesRoot: null });
        try {
          const { lanes, queue } = await api.request('agent.lanes', { root: r });
          if (root() === r) set({ lanes, mergeQueue: queue, lanesRoot: r });
        } catch (error) {
          get().notify('error', messageOf(error));
        }
      },
      async runSelected(taskIds) {
        const r = root();
        if (!r || taskIds.length === 0) return false;
        set({ agentBusy: true, runSelection: null });
        try {
          const { lanes } = await api.request('agent.runSelected', { root: r, taskIds: [...taskIds] });
          if (root() !== r) return false;
          // The lanes of every selected task; other lanes (runs selected before) arrive with agent.didLanes.
          const mine = lanes.filter((l) => taskIds.includes(l.taskId));
          set({ runSelection: { root: r, taskIds, lanes: mine, error: null }, lanes, lanesRoot: r });
          useUiPrefs.getState().setAgentView('lanes');
          useUiPrefs.getState().setBuilderTab('agent');
          return true;
        } catch (error) {
          // Shown where the button is (the embedded git engine's refusal says why), not as a passing notice.
          if (root() === r) set({ runSelection: { root: r, taskIds, lanes: null, error: messageOf(error) } });
          return false;
        } finally {
          set({ agentBusy: false });
        }
      },
      clearRunSelection() {
        set({ runSelection: null });
      },
      async queueAction(runId, action) {
        const r = root();
        if (!r) return null;
        if (get().queueBusy) return 'Another merge queue action is still running; wait for it to finish.';
        set({ queueBusy: runId });
        try {
          const { lanes, queue } = await api.request('agent.queueAction', { root: r, runId, action });
          if (root() === r) set({ lanes, mergeQueue: queue, lanesRoot: r });
          return null;
        } catch (error) {
          return messageOf(error);
        } finally {
          set({ queueBusy: null });
        }
      },
      async handBackTask(taskId) {
        const r = root();
        if (!r) return null;
        try {
          const state = await api.request('agent.handback', { root: r, taskId });
          if (!state.runs.length) return `No run of ${taskId} failed its checks where the thinker can read them, so there is nothing to hand back yet: retry, resolve in the Builder, or drop the run.`;
          if (root() === r) set({ handback: { root: r, state, replan: null } });
          return null;
        } catch (error) {
          return messageOf(error);
        }
      },
      onLanes(e) {
        const r = root();
        if (e.root !== r) return;
        const before = get().lanes;
        set({ lanes: e.lanes, lanesRoot: r });
        // A queue action answers with the queue itself; otherwise a lane entering or leaving the queue reads it.
        if (!get().queueBusy && queueSignature(e.lanes) !== queueSignature(before)) readQueue(r);
      },
      async loadAgentSettings() {
        try {
          set({ agentSettings: await api.request('settings.get', {}) });
        } catch (error) {
          get().notify('error', messageOf(error));
        }
      },
      async showRun(runId) {
        const r = root();
        if (!r || !runId) return set({ shownRun: null, runDiff: null });
        try {
          const { summary, events } = await api.request('agent.transcript', { root: r, runId });
          const last = [...events].reverse().find((e) => e.type === 'review');
          // Queued events belong to the transcript shown before; the fetched one already has its own.
          flushAppends();
          set({ shownRun: { runId, summary, events, live: [], retryAt: null }, runDiff: null, canUndoReject: last?.type === 'review' && last.action === 'rejected' });
          if (summary.kind === 'task' && summary.endedAt) await get().loadRunDiff();
        } catch (error) {
          get().notify('error', messageOf(error));
        }
      },
      async runTask(taskId, options = {}) {
        const r = root();
        if (!r) return;
        await guard(async () => {
          set({ handback: null });
          let started: { runId: string };
          try {
            // The core checks the task's failing streak itself; only when it refuses is the offer read.
            started = await api.request('agent.start', { root: r, taskId, ...(options.runAnyway ? { runAnyway: true } : {}) });
          } catch (error) {
            if (options.runAnyway || !(error instanceof ApiError) || error.code !== 'CONFLICT') throw error;
            const state = await api.request('agent.handback', { root: r, taskId });
            if (!state.offer) throw error;
            // Offered, never done silently: the user picks the thinker or "Run anyway" in the Agent tab.
            set({ handback: { root: r, state, replan: null } });
            get().select({ taskId });
            useUiPrefs.getState().setBuilderTab('agent');
            return;
          }
          const { runId } = started;
          get().select({ taskId });
          // Whoever starts a run (Orchestrator task list, palette, this tab) sees it stream in the Builder.
          useUiPrefs.getState().setBuilderTab('agent');
          if (get().shownRun?.runId !== runId) await get().showRun(runId);
        });
      },
      async replanTask() {
        const r = root();
        const hb = get().handback;
        if (!r || !hb || hb.root !== r) return;
        await guard(async () => {
          const replan = await api.request('agent.replan', { root: r, taskId: hb.state.taskId });
          if (get().handback?.state.taskId === hb.state.taskId) set({ handback: { ...hb, replan } });
        });
      },
      async acceptReplan(draft) {
        const r = root();
        const hb = get().handback;
        if (!r || !hb?.replan) return;
        const replan = hb.replan;
        await guard(async () => {
          const { taskIds } = await api.request('agent.acceptReplan', { root: r, runId: replan.runId, taskId: hb.state.taskId, draft });
          get().notify('info', draft.choice === 'split' ? `Split ${hb.state.taskId} into ${taskIds.join(', ')}.` : `Revised ${hb.state.taskId}.`);
          set({ handback: null });
          await get().loadAgent();
        });
      },
      closeHandback() {
        set({ handback: null });
      },
      async stopRun() {
        const run = get().shownRun;
        if (run) await guard(() => api.request('agent.cancel', { runId: run.runId }).then(() => undefined));
      },
      async steerRun(text) {
        const run = get().shownRun;
        if (run && text.trim()) await guard(() => api.request('agent.steer', { runId: run.runId, text }).then(() => undefined));
      },
      async answerApproval(approvalId, approved) {
        const run = get().shownRun;
        if (run) await guard(() => api.request('agent.approve', { runId: run.runId, approvalId, approved }).then(() => undefined));
      },
      async loadRunDiff() {
        const r = root();
        const run = get().shownRun;
        if (!r || !run) return;
        try {
          const { files } = await api.request('agent.diff', { root: r, runId: run.runId });
          set({ runDiff: files });
        } catch (error) {
          get().notify('error', messageOf(error));
        }
      },
      async acceptRun() {
        const r = root();
        const run = get().shownRun;
        if (!r || !run) return;
        await guard(async () => {
          const lane = get().lanes.find((l) => l.runId === run.runId);
          const res = await api.request('agent.accept', { root: r, runId: run.runId });
          // The review record and the run's new summary arrive as events; the Changes view follows repo.didChange.
          get().notify(
            'info',
            lane
              ? `Committed ${res.files.length} file(s) on ${lane.branch ?? 'its branch'} as ${res.commit.slice(0, 7)} and put it into the merge queue: see Agent ▸ Runs lane.`
              : `Committed ${res.files.length} file(s) as ${res.commit.slice(0, 7)}.`,
          );
          set({ canUndoReject: false });
        });
      },
      async rejectRun() {
        const r = root();
        const run = get().shownRun;
        if (!r || !run) return;
        const lane = get().lanes.find((l) => l.runId === run.runId);
        await guard(async () => {
          const res = await api.request('agent.reject', { root: r, runId: run.runId });
          if (lane) {
            // A parallel run worked in its own worktree: nothing of the user's was restored, and there is no undo.
            get().notify('info', `Rejected ${lane.taskId}: its worktree and the branch ${lane.branch ?? ''} were deleted. Your work tree was not touched.`);
            set({ canUndoReject: false });
            return;
          }
          get().notify('info', `Restored ${res.restored.length} file(s), removed ${res.deleted.length} the agent created. Untracked and ignored files were kept.`, {
            label: 'Undo',
            run: () => void get().undoRejectRun(),
          });
          // The review record and summary come as events; the diff is read again (the files were restored).
          set({ canUndoReject: true });
          await get().loadRunDiff();
        });
      },
      async undoRejectRun() {
        const r = root();
        const run = get().shownRun;
        if (!r || !run) return;
        await guard(async () => {
          await api.request('agent.undoReject', { root: r, runId: run.runId });
          set({ canUndoReject: false });
          await get().loadRunDiff();
        });
      },
      async resumeRun() {
        const r = root();
        const run = get().shownRun;
        if (!r || !run) return;
        await guard(async () => {
          const { runId } = await api.request('agent.resume', { root: r, runId: run.runId });
          await get().loadAgent();
          await get().showRun(runId);
        });
      },
      async discardRun() {
        const r = root();
        const run = get().shownRun;
        if (!r || !run) return;
        await guard(async () => {
          await api.request('agent.discard', { root: r, runId: run.runId });
          await get().loadAgent();
          await get().showRun(run.runId);
        });
      },
      async updateAgentSettings(patch) {
        await guard(async () => set({ agentSettings: await api.request('settings.update', patch) }));
      },
      async setAgentKey(role, key) {
        await guard(async () => set({ agentSettings: await api.request('settings.setKey', { role, key }) }));
      },
      onAgentStream(e) {
        flushAppends();
        const run = get().shownRun;
        if (!run || run.runId !== e.runId) return;
        const live = [...run.live];
        for (const d of e.deltas) {
          const i = live.findIndex((b) => b.block === d.block && b.kind === d.kind);
          if (i === -1) live.push({ block: d.block, kind: d.kind, text: d.text, toolName: d.toolName });
          else live[i] = { ...live[i], text: live[i].text + d.text };
        }
        set({ shownRun: { ...run, live } });
      },
      onAgentAppend(e) {
        // Another run's event, a start or an end is applied at once: a new run shows immediately, an
        // ended run loads its diff, and events of different runs never share a batch.
        const last = appendQueue[appendQueue.length - 1];
        if (last && last.runId !== e.runId) flushAppends();
        appendQueue.push(e);
        if (e.event.type === 'start' || e.event.type === 'end') flushAppends();
        else cancelFrame ??= nextFrame(flushAppends);
      },
      flushAgentAppends: flushAppends,
      onAgentUpdate(e) {
        if (e.root !== root()) return;
        flushAppends();
        set({ agentRuns: upsert(get().agentRuns, e.summary) });
        const run = get().shownRun;
        if (run && run.runId === e.summary.runId) set({ shownRun: { ...run, summary: e.summary, retryAt: e.retryAt } });
      },
    };
  };
}
