import { useMemo, useRef, useState, type KeyboardEvent, type MouseEvent } from 'react';
import type { TaskItem, TaskStatus } from '../../../../shared/contract';
import { useAppStore } from '../../stores/app-store';
import { useAgentBlocker } from '../agent/AgentTab';
import { FindingBadge } from './FindingBadge';
import { findingsByItem, focusItem, itemDomId, notReadyReason, readyPicked, statusLabel, stepStatus, TASK_STATUSES, toggleRunPick, withoutSameStatus } from './plan-helpers';
import { RunSelectedAnswer } from './RunSelectedAnswer';
import { EMPTY_TASK, StatusOptions, TaskEditor, taskDraft } from './TaskEditor';
import { TaskStateBadge, useTaskRed } from './TaskStateBadge';

/** The run selection of the board and the list: which tasks are ticked, why others cannot be, and the toggle. */
interface RunPick {
  readonly picked: ReadonlySet<string>;
  /** Why a task cannot be ticked, or null when it is ready. */
  readonly why: (id: string) => string | null;
  /** Toggles a task; `range` (Shift) ticks or clears every ready task since the last one clicked. */
  readonly toggle: (id: string, range: boolean) => void;
}

/** The checkbox that selects a task for "Run selected"; a task that is not ready says why on hover and to screen readers. */
function PickBox({ id, pick }: { readonly id: string; readonly pick: RunPick }) {
  const why = pick.why(id);
  return (
    <label className="run-pick" title={why ?? `Select ${id} to run at once with other tasks (Space)`} onClick={(e) => e.stopPropagation()}>
      <input
        type="checkbox"
        aria-label={`Select ${id} to run`}
        aria-description={why ?? undefined}
        checked={pick.picked.has(id)}
        disabled={!!why}
        onClick={(e: MouseEvent<HTMLInputElement>) => {
          e.stopPropagation();
          if (e.shiftKey) {
            e.preventDefault();
            pick.toggle(id, true);
          }
        }}
        onChange={() => pick.toggle(id, false)}
      />
    </label>
  );
}

function TaskCard({ task, next, pick }: { readonly task: TaskItem; readonly next: boolean; readonly pick: RunPick }) {
  const plan = useAppStore((s) => s.plan);
  const byItem = useMemo(() => findingsByItem(plan), [plan]);
  const selected = useAppStore((s) => s.selection.taskId === task.id);
  const highlighted = useAppStore((s) => !!s.selection.requirementId && task.serves.includes(s.selection.requirementId));
  const select = useAppStore((s) => s.select);
  const update = useAppStore((s) => s.updateTask);
  const red = useTaskRed(task.id);
  const move = (status: TaskStatus) => void update(task.id, { status }).then(() => focusItem(task.id));
  const onKey = (e: KeyboardEvent<HTMLLIElement>) => {
    if (e.target !== e.currentTarget) return;
    // Only statuses a person may choose: "verified" and "refuted" come from evidence.
    const step = e.altKey && (e.key === 'ArrowRight' || e.key === 'ArrowLeft') ? stepStatus(task.status, e.key === 'ArrowRight' ? 1 : -1) : null;
    if (step) {
      e.preventDefault();
      move(step);
    } else if (e.key === ' ') {
      // Space ticks the task for "Run selected" (when it is ready); Enter opens it.
      e.preventDefault();
      if (!pick.why(task.id)) pick.toggle(task.id, e.shiftKey);
    } else if (e.key === 'Enter') {
      e.preventDefault();
      select({ taskId: task.id });
    }
  };
  return (
    <li
      id={itemDomId(task.id)}
      className={`task-card${selected || highlighted ? ' selected' : ''}${red ? ' red' : ''}`}
      tabIndex={0}
      aria-label={`${task.id}: ${task.title}`}
      aria-selected={selected}
      aria-description={pick.picked.has(task.id) ? 'selected to run' : undefined}
      onClick={() => select({ taskId: task.id })}
      onKeyDown={onKey}
    >
      <div className="card-top">
        <PickBox id={task.id} pick={pick} />
        <span className="mono item-id">{task.id}</span>
        {next && <span className="badge next">▸ next</span>}
        <FindingBadge findings={byItem.get(task.id)} />
      </div>
      <div className="card-title">{task.title}</div>
      {task.serves.length > 0 && <div className="muted small mono">{task.serves.join(' ')}</div>}
      {task.depends.length > 0 && <div className="muted small">after {task.depends.join(', ')}</div>}
      <TaskStateBadge taskId={task.id} />
      <select
        className="card-status"
        aria-label={`Status of ${task.id}`}
        value={task.status}
        onClick={(e) => e.stopPropagation()}
        onChange={(e) => move(e.target.value as TaskStatus)}
      >
        <StatusOptions current={task.status} />
      </select>
    </li>
  );
}

/** Tasks by status in columns; Alt+←/→ or the status menu moves a card. */
function Board({ tasks, next, pick }: { readonly tasks: readonly TaskItem[]; readonly next: string | null; readonly pick: RunPick }) {
  return (
    <div className="board" role="region" aria-label="Tasks">
      {TASK_STATUSES.map((status) => {
        const column = tasks.filter((t) => t.status === status);
        return (
          <section key={status} className={`board-column col-${status.replace(' ', '-')}`} aria-label={status}>
            <h3>
              {statusLabel(status)} <span className="badge">{column.length}</span>
            </h3>
            <ul className="list">
              {column.map((t) => (
                <TaskCard key={t.id} task={t} next={t.id === next} pick={pick} />
              ))}
            </ul>
          </section>
        );
      })}
    </div>
  );
}

function TaskList({ tasks, next, pick }: { readonly tasks: readonly TaskItem[]; readonly next: string | null; readonly pick: RunPick }) {
  const select = useAppStore((s) => s.select);
  const selectedId = useAppStore((s) => s.selection.taskId);
  return (
    <table className="task-table" aria-label="Task list">
      <thead>
        <tr>
          <th aria-label="Select to run" />
          <th>ID</th>
          <th>Title</th>
          <th>Status</th>
          <th>Verification</th>
          <th>Serves</th>
          <th>Depends</th>
        </tr>
      </thead>
      <tbody>
        {tasks.map((t) => (
          <tr key={t.id} id={itemDomId(t.id)} tabIndex={0} aria-selected={selectedId === t.id} className={selectedId === t.id ? 'selected' : undefined} onClick={() => select({ taskId: t.id })} onKeyDown={(e) => {
              if (e.target !== e.currentTarget) return;
              if (e.key === 'Enter') select({ taskId: t.id });
              else if (e.key === ' ') {
                e.preventDefault();
                if (!pick.why(t.id)) pick.toggle(t.id, e.shiftKey);
              }
            }}>
            <td>
              <PickBox id={t.id} pick={pick} />
            </td>
            <td className="mono nowrap">{t.id}</td>
            <td>
              {t.title} {t.id === next && <span className="badge next">▸ next</span>}
            </td>
            <td className="nowrap">{statusLabel(t.status)}</td>
            <td>
              <TaskStateBadge taskId={t.id} />
            </td>
            <td className="mono">{t.serves.join(', ')}</td>
            <td className="mono">{t.depends.join(', ')}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function TaskDetail({ task }: { readonly task: TaskItem }) {
  const [editing, setEditing] = useState(false);
  const update = useAppStore((s) => s.updateTask);
  const remove = useAppStore((s) => s.deleteTask);
  const runTask = useAppStore((s) => s.runTask);
  const blocker = useAgentBlocker('builder');
  if (editing) {
    return <TaskEditor key={task.id} initial={taskDraft(task)} submitLabel={`Save ${task.id}`} onCancel={() => setEditing(false)} onSubmit={(d) => void update(task.id, withoutSameStatus(d, task.status)).then((ok) => ok && setEditing(false))} />;
  }
  return (
    <div className="task-detail" role="group" aria-label={`Task ${task.id}`}>
      <div className="section-head">
        <h3>
          {task.id}: {task.title}
        </h3>
        <span className="spacer" />
        <button type="button" className="btn btn-small btn-primary" disabled={!!blocker} title={blocker ?? 'Run the building agent on this task'} onClick={() => void runTask(task.id)}>
          Run task
        </button>
        <button type="button" className="btn btn-small" onClick={() => setEditing(true)}>
          Edit
        </button>
        <button type="button" className="btn btn-small btn-danger" aria-label={`Delete ${task.id}`} onClick={() => void remove(task.id)}>
          Delete
        </button>
      </div>
      {task.description && <div className="prose">{task.description}</div>}
      <dl className="fields">
        <dt>Status</dt>
        <dd>{statusLabel(task.status)}</dd>
        <dt>Verification</dt>
        <dd>
          <TaskStateBadge taskId={task.id} full />
        </dd>
        <dt>Serves</dt>
        <dd className="mono">{task.serves.join(', ') || '—'}</dd>
        <dt>Scope</dt>
        <dd className="mono">{task.scope.join(', ') || '—'}</dd>
        <dt>Checks</dt>
        <dd>{task.checks.length ? task.checks.map((c) => <code key={c}>{c}</code>) : '—'}</dd>
        <dt>Depends on</dt>
        <dd className="mono">{task.depends.join(', ') || '—'}</dd>
      </dl>
    </div>
  );
}

/** The Tasks tab: board (accessible name "Tasks") or list, the next task, create and edit. */
export function TasksView() {
  const tasks = useAppStore((s) => s.plan?.tasks);
  const selectedId = useAppStore((s) => s.selection.taskId);
  const select = useAppStore((s) => s.select);
  const create = useAppStore((s) => s.createTask);
  const [view, setView] = useState<'board' | 'list'>('board');
  const [creating, setCreating] = useState(false);
  const [picked, setPicked] = useState<ReadonlySet<string>>(new Set());
  // The task clicked last: a Shift-click ticks the range from it.
  const [anchor, setAnchor] = useState<string | null>(null);
  const answer = useRef<HTMLDivElement>(null);
  const runSelected = useAppStore((s) => s.runSelected);
  const busy = useAppStore((s) => s.agentBusy);
  const blocker = useAgentBlocker('builder');
  const all = tasks?.tasks;
  const pick = useMemo<RunPick>(() => {
    const list = all ?? [];
    const why = (id: string): string | null => {
      const t = list.find((x) => x.id === id);
      return t ? notReadyReason(t, list) : `${id} is not in the plan.`;
    };
    // Board order: column by column, as the cards are shown (list order in the list view).
    const order = view === 'board' ? TASK_STATUSES.flatMap((st) => list.filter((t) => t.status === st).map((t) => t.id)) : list.map((t) => t.id);
    return {
      picked,
      why,
      toggle: (id, range) => {
        setPicked((cur) => toggleRunPick(cur, id, { order, ready: (x) => !why(x), anchor, range }));
        setAnchor(id);
      },
    };
  }, [all, picked, view, anchor]);
  if (!tasks) return null;
  const selected = tasks.tasks.find((t) => t.id === selectedId) ?? null;
  const chosen = readyPicked(tasks.tasks, picked);
  const onRunSelected = (): void => {
    void runSelected(chosen).then((ok) => {
      if (ok) setPicked(new Set());
      // The answer (started, waiting, refused, or why nothing started) takes the focus, so it is read out.
      requestAnimationFrame(() => answer.current?.focus());
    });
  };
  return (
    <div className="tasks-view">
      <div className="toolbar">
        <div role="radiogroup" aria-label="Task view" className="segmented">
          <button type="button" role="radio" aria-checked={view === 'board'} className="btn btn-small" onClick={() => setView('board')}>
            Board
          </button>
          <button type="button" role="radio" aria-checked={view === 'list'} className="btn btn-small" onClick={() => setView('list')}>
            List
          </button>
        </div>
        {tasks.next ? (
          <button type="button" className="btn btn-ghost btn-small" onClick={() => { select({ taskId: tasks.next! }); focusItem(tasks.next!); }}>
            Next: <span className="mono">{tasks.next}</span>
          </button>
        ) : (
          <span className="muted small">No task is ready.</span>
        )}
        <span className="spacer" />
        {chosen.length > 0 && (
          <button type="button" className="btn btn-small btn-ghost" onClick={() => setPicked(new Set())}>
            Clear selection
          </button>
        )}
        <button
          type="button"
          className="btn btn-small btn-primary"
          disabled={chosen.length === 0 || !!blocker || busy}
          title={blocker ?? (chosen.length ? `Run ${chosen.join(', ')} at once, each in its own worktree and branch` : 'Tick ready tasks (Space on a focused card) to run them at once')}
          onClick={onRunSelected}
        >
          Run selected{chosen.length ? ` (${chosen.length})` : ''}
        </button>
        <button type="button" className="btn btn-small" onClick={() => setCreating(true)}>
          New task
        </button>
      </div>
      <RunSelectedAnswer ref={answer} />
      <div className="scroll">
        {creating && (
          <TaskEditor
            initial={EMPTY_TASK}
            submitLabel="Create task"
            onCancel={() => setCreating(false)}
            onSubmit={(d) =>
              void create(d).then((id) => {
                if (id) {
                  setCreating(false);
                  select({ taskId: id });
                }
              })
            }
          />
        )}
        {tasks.tasks.length === 0 && !creating ? (
          <p className="empty">No tasks yet. Break the spec into small tasks an agent can finish in one run, each serving requirement IDs.</p>
        ) : view === 'board' ? (
          <Board tasks={tasks.tasks} next={tasks.next} pick={pick} />
        ) : (
          <TaskList tasks={tasks.tasks} next={tasks.next} pick={pick} />
        )}
        {selected && !creating && <TaskDetail key={selected.id} task={selected} />}
      </div>
    </div>
  );
}
