import { useEffect, useMemo, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { MergeQueueItem, RunLane } from '../../../../shared/contract';
import { useAppStore } from '../../stores/app-store';
import { RunGlanceMark } from '../verify/RunGlance';
import { formatCost } from './format';
import { laneMark, queueMark } from './lane-format';

/**
 * One lane: task and title (opens its run), state, verdict at a glance, cost; branch and why below. A run verified
 * in its worktree ("verified in its worktree — review it to merge") reads apart from one merged with its checks
 * passing on the merged tree.
 */
function LaneRow({ lane, title, shown }: { readonly lane: RunLane; readonly title: string; readonly shown: boolean }) {
  const showRun = useAppStore((s) => s.showRun);
  const verified = useAppStore((s) => (lane.runId ? s.verifiedRuns.find((v) => v.runId === lane.runId) : undefined));
  const mark = laneMark(lane.state);
  const reasonTone = lane.state === 'stopped' ? 'danger' : lane.state === 'waiting' ? 'warn' : 'muted';
  return (
    <li className="lane-row" aria-current={shown ? 'true' : undefined} aria-label={`${lane.taskId} ${title}: ${mark.word}`}>
      <div className="lane-line">
        {lane.runId ? (
          <button type="button" className="btn-link lane-task" title="Open this run: transcript, approvals, review" onClick={() => void showRun(lane.runId)}>
            <span className="mono">{lane.taskId}</span> {title}
          </button>
        ) : (
          <span className="lane-task">
            <span className="mono">{lane.taskId}</span> {title}
          </span>
        )}
        <span className={`badge lane-state ${mark.tone}`} data-state={lane.state} title={mark.word}>
          {mark.symbol} {mark.word}
        </span>
        {verified ? <RunGlanceMark run={verified} /> : lane.glance && <span className="muted small lane-glance" title={lane.glance}>{lane.glance}</span>}
        <span className="num lane-cost" title="Estimated cost of this run">{formatCost(lane.costUsd)}</span>
      </div>
      {(lane.branch || lane.reason) && (
        <div className="lane-line small">
          {lane.branch && <span className="mono muted lane-branch">⎇ {lane.branch}</span>}
          {lane.reason && <span className={`lane-reason ${reasonTone}`}>{lane.reason}</span>}
        </div>
      )}
    </li>
  );
}

/** One merge queue entry; a stopped one offers Retry, Resolve in the Builder, Hand back to the thinker and Drop. */
function QueueEntry({ item, position, title, onDone }: { readonly item: MergeQueueItem; readonly position: number; readonly title: string; readonly onDone: () => void }) {
  const { busy, act, handBack } = useAppStore(useShallow((s) => ({ busy: s.queueBusy, act: s.queueAction, handBack: s.handBackTask })));
  const [error, setError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const cancel = useRef<HTMLButtonElement>(null);
  const drop = useRef<HTMLButtonElement>(null);
  // Cancel takes the focus when Drop asks; once the question is gone without dropping, Drop… has it back.
  const asked = useRef(false);
  useEffect(() => {
    if (confirming) cancel.current?.focus();
    else if (asked.current) drop.current?.focus();
    asked.current = confirming;
  }, [confirming]);
  const mine = busy === item.runId;
  const working = mine || item.state === 'merging' || item.state === 'checking';
  const mark = queueMark(item.state);
  const run = async (action: 'retry' | 'resolve' | 'drop'): Promise<void> => {
    setConfirming(false);
    setError(null);
    const refused = await act(item.runId, action);
    setError(refused);
    onDone();
  };
  return (
    <li className={`queue-entry queue-${item.state}`} aria-label={`${position}. ${item.taskId} ${title}: ${mark.word}`} aria-busy={working}>
      <div className="lane-line">
        <span className="num muted queue-pos">{position}.</span>
        <span className="lane-task">
          <span className="mono">{item.taskId}</span> {title}
        </span>
        <span className={`badge ${mark.tone}`} data-state={item.state}>
          {mark.symbol} {mark.word}
        </span>
        {working && (
          <span className="muted small" role="status">
            <span className="spinner" aria-hidden="true" /> {mine ? 'working…' : 'checks running…'}
          </span>
        )}
        {item.merged && <span className="mono muted small" title="The merge commit on your branch">{item.merged.slice(0, 7)}</span>}
      </div>
      <div className="lane-line small">
        <span className="mono muted lane-branch">⎇ {item.branch}</span>
        {item.depends.length > 0 && <span className="muted">after {item.depends.join(', ')}</span>}
      </div>
      {item.reason && <div className={`queue-reason small ${item.state === 'stopped' ? 'danger' : 'muted'}`}>{item.reason}</div>}
      {error && (
        <div className="queue-error small danger" role="alert">
          ⚠ {error}
        </div>
      )}
      {item.state === 'stopped' && !confirming && (
        <div className="queue-actions" role="group" aria-label={`What to do with ${item.taskId}`}>
          <button type="button" className="btn btn-small btn-primary" disabled={!!busy} title="Merge and check again now (the queue also looks again by itself when your branch, your merge or the run's branch changes)" onClick={() => void run('retry')}>
            Retry
          </button>
          <button type="button" className="btn btn-small" disabled={!!busy} title="Merge the run's branch into your clean work tree, so you resolve and commit it in the Builder" onClick={() => void run('resolve')}>
            Resolve in the Builder
          </button>
          <button
            type="button"
            className="btn btn-small"
            disabled={!!busy}
            title="Ask the thinker for a revised plan or a split of the task"
            onClick={() =>
              void handBack(item.taskId).then((why) => {
                setError(why);
                if (!why) onDone();
              })
            }
          >
            Hand back to the thinker
          </button>
          <button ref={drop} type="button" className="btn btn-small btn-danger" disabled={!!busy} onClick={() => setConfirming(true)}>
            Drop…
          </button>
        </div>
      )}
      {confirming && (
        <div className="queue-confirm" role="alertdialog" aria-label={`Drop ${item.taskId}?`} aria-describedby={`drop-why-${item.runId}`} onKeyDown={(e) => e.key === 'Escape' && setConfirming(false)}>
          <span id={`drop-why-${item.runId}`} className="small">
            Drop {item.taskId}? Its worktree and the branch <span className="mono">{item.branch}</span> are deleted; nothing of it is merged.
          </span>
          <button type="button" className="btn btn-small btn-danger" onClick={() => void run('drop')}>
            Drop run
          </button>
          <button ref={cancel} type="button" className="btn btn-small" onClick={() => setConfirming(false)}>
            Cancel
          </button>
        </div>
      )}
    </li>
  );
}

/**
 * Builder ▸ Agent ▸ Runs lane: one row per parallel run, live from `agent.didLanes` (state, verdict at a
 * glance, cost, branch, why), each opening its run below; then the merge queue in order with what to do
 * about a stopped entry.
 */
export function LanesView() {
  const { root, lanes, lanesRoot, queue, shown, tasks } = useAppStore(
    useShallow((s) => ({ root: s.project?.root ?? null, lanes: s.lanes, lanesRoot: s.lanesRoot, queue: s.mergeQueue, shown: s.shownRun?.runId ?? null, tasks: s.plan?.tasks.tasks })),
  );
  const load = useAppStore((s) => s.loadLanes);
  const queueHead = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    void load();
  }, [root, load]);
  const titles = useMemo(() => new Map((tasks ?? []).map((t) => [t.id, t.title] as const)), [tasks]);
  const title = (taskId: string): string => titles.get(taskId) ?? '';
  const ours = lanesRoot === root;
  const shownLanes = ours ? lanes : [];
  const shownQueue = ours ? queue : [];
  const total = shownLanes.reduce((sum, l) => sum + l.costUsd, 0);
  return (
    <section className="lanes" aria-label="Runs lane">
      <div className="toolbar">
        <strong>Runs lane</strong>
        {shownLanes.length > 0 && (
          <span className="muted small">
            {shownLanes.length} {shownLanes.length === 1 ? 'task' : 'tasks'} · <span className="num">≈ {formatCost(total)}</span> together
          </span>
        )}
        <span className="spacer" />
        <button type="button" className="btn btn-small btn-ghost" onClick={() => void load()} title="Read the lanes and the merge queue again">
          Refresh
        </button>
      </div>
      {!ours ? (
        <div className="empty">Loading the runs…</div>
      ) : shownLanes.length === 0 && shownQueue.length === 0 ? (
        <div className="empty">
          <p>No parallel runs yet.</p>
          <p>
            On the Orchestrator's Tasks board, tick the ready tasks (Space on a focused card) and choose <strong>Run selected</strong>. Each runs in its own worktree on its own branch,
            a few at a time, and is verified there; your work tree is not touched. Accepting a run puts it into the merge queue, which merges it into your branch only when its checks pass on the
            merged tree.
          </p>
          <p className="muted">Needs git 2.30 or later installed; with the embedded git engine tasks run one at a time.</p>
        </div>
      ) : (
        <>
          <ul className="list lanes-list" aria-label="Parallel runs">
            {shownLanes.map((l) => (
              <LaneRow key={l.taskId} lane={l} title={title(l.taskId)} shown={!!l.runId && l.runId === shown} />
            ))}
          </ul>
          <h3 className="queue-head" ref={queueHead} tabIndex={-1}>
            Merge queue <span className="badge">{shownQueue.length}</span>
          </h3>
          {shownQueue.length === 0 ? (
            <div className="empty small">Empty. Accept a finished run to queue it: runs merge into your branch in dependency order, each after its checks pass on the merged tree.</div>
          ) : (
            <ol className="list queue-list" aria-label="Merge queue">
              {shownQueue.map((q, i) => (
                <QueueEntry key={q.runId} item={q} position={i + 1} title={title(q.taskId)} onDone={() => queueHead.current?.focus()} />
              ))}
            </ol>
          )}
        </>
      )}
    </section>
  );
}
