import { useState } from 'react';
import type { TaskItem, TaskStatus } from '../../../../shared/contract';
import type { TaskDraft } from '../../stores/spec-slice';
import { isEvidenceStatus, PICKABLE_STATUSES, splitField } from './plan-helpers';

/** An empty task draft. */
export const EMPTY_TASK: TaskDraft = { title: '', description: '', serves: [], scope: [], checks: [], depends: [], status: 'todo' };

/** A task as a draft for the form. */
export function taskDraft(t: TaskItem): TaskDraft {
  return { title: t.title, description: t.description, serves: t.serves, scope: t.scope, checks: t.checks, depends: t.depends, status: t.status };
}

/**
 * The options of a status picker: what a person may choose. A task already "verified" or "refuted"
 * (from evidence) shows that status, disabled, so the picker does not lie about it.
 */
export function StatusOptions({ current }: { readonly current: TaskStatus }) {
  return (
    <>
      {isEvidenceStatus(current) && (
        <option value={current} disabled>
          {current} (from evidence)
        </option>
      )}
      {PICKABLE_STATUSES.map((s) => (
        <option key={s} value={s}>
          {s}
        </option>
      ))}
    </>
  );
}

/** Create/edit form of a task; lists are typed comma-separated, checks one per line. */
export function TaskEditor({ initial, submitLabel, onSubmit, onCancel }: { readonly initial: TaskDraft; readonly submitLabel: string; readonly onSubmit: (d: TaskDraft) => void; readonly onCancel: () => void }) {
  const [title, setTitle] = useState(initial.title);
  const [description, setDescription] = useState(initial.description);
  const [serves, setServes] = useState(initial.serves.join(', '));
  const [scope, setScope] = useState(initial.scope.join(', '));
  const [checks, setChecks] = useState(initial.checks.join('\n'));
  const [depends, setDepends] = useState(initial.depends.join(', '));
  const [status, setStatus] = useState<TaskStatus>(initial.status);
  return (
    <form
      className="task-form"
      aria-label={submitLabel}
      onSubmit={(e) => {
        e.preventDefault();
        if (!title.trim()) return;
        onSubmit({
          title,
          description,
          serves: splitField(serves),
          scope: splitField(scope),
          checks: checks.split('\n').map((c) => c.trim()).filter(Boolean),
          depends: splitField(depends),
          status,
        });
      }}
    >
      <label className="field">
        <span>Title</span>
        <input value={title} onChange={(e) => setTitle(e.target.value)} autoFocus />
      </label>
      <label className="field">
        <span>Description</span>
        <textarea rows={3} value={description} onChange={(e) => setDescription(e.target.value)} />
      </label>
      <label className="field">
        <span>Serves</span>
        <input value={serves} placeholder="SEC-1, AC-2" onChange={(e) => setServes(e.target.value)} />
      </label>
      <label className="field">
        <span>Scope</span>
        <input className="mono" value={scope} placeholder="src/a.ts, src/b/" onChange={(e) => setScope(e.target.value)} />
      </label>
      <label className="field">
        <span>Checks (one command a line)</span>
        <textarea className="mono" rows={2} value={checks} placeholder="npm test" onChange={(e) => setChecks(e.target.value)} />
      </label>
      <label className="field">
        <span>Depends on</span>
        <input value={depends} placeholder="T-1" onChange={(e) => setDepends(e.target.value)} />
      </label>
      <label className="field">
        <span>Status</span>
        <select value={status} onChange={(e) => setStatus(e.target.value as TaskStatus)} title='"verified" and "refuted" come from evidence: mark the task "done" and run Verify'>
          <StatusOptions current={initial.status} />
        </select>
      </label>
      <div className="form-actions">
        <button type="submit" className="btn btn-primary btn-small" disabled={!title.trim()}>
          {submitLabel}
        </button>
        <button type="button" className="btn btn-small" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
