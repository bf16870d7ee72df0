import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { DraftTask, ReplanDraft } from '../../../../shared/contract';
import { useAppStore } from '../../stores/app-store';

function splitList(text: string): string[] {
  return text.split(',').map((x) => x.trim()).filter(Boolean);
}

/** Title, requirements, scope and checks of one drafted task, editable in place. */
function TaskFields({ label, task, onChange, withDescription }: { readonly label: string; readonly task: DraftTask; readonly onChange: (t: DraftTask) => void; readonly withDescription: boolean }) {
  return (
    <div className="handback-task">
      <input aria-label={`${label} title`} value={task.title} onChange={(e) => onChange({ ...task, title: e.target.value })} />
      {withDescription && <textarea aria-label={`${label} description`} rows={3} value={task.description} onChange={(e) => onChange({ ...task, description: e.target.value })} />}
      <div className="fields">
        <input aria-label={`${label} requirements`} placeholder="requirements" value={task.requirements.join(', ')} onChange={(e) => onChange({ ...task, requirements: splitList(e.target.value) })} />
        <input aria-label={`${label} scope`} placeholder="scope" value={task.scope.join(', ')} onChange={(e) => onChange({ ...task, scope: splitList(e.target.value) })} />
        <input aria-label={`${label} checks`} placeholder="checks" value={task.checks.join(', ')} onChange={(e) => onChange({ ...task, checks: splitList(e.target.value) })} />
      </div>
      {task.dependsOn.length > 0 && <div className="muted">after: {task.dependsOn.join(', ')}</div>}
    </div>
  );
}

/** The thinker's draft for a handed-back task: edited here, written only on Accept. */
function ReplanEditor({ draft: initial, busy, onAccept, onDiscard }: { readonly draft: ReplanDraft; readonly busy: boolean; readonly onAccept: (d: ReplanDraft) => void; readonly onDiscard: () => void }) {
  const [draft, setDraft] = useState<ReplanDraft>(initial);
  const [keep, setKeep] = useState<boolean[]>(initial.tasks.map(() => true));
  const kept = draft.tasks.filter((_, i) => keep[i]);
  const setTask = (i: number, t: DraftTask): void => setDraft({ ...draft, tasks: draft.tasks.map((d, j) => (j === i ? t : d)) });
  return (
    <div className="result" role="group" aria-label="Replan draft">
      <div className="tx-text"><strong>Thinker:</strong> {draft.diagnosis}</div>
      {draft.choice === 'revise' && draft.revised && (
        <>
          <div className="muted">Proposed: revise the task</div>
          <TaskFields label="Revised task" task={draft.revised} withDescription onChange={(t) => setDraft({ ...draft, revised: t })} />
        </>
      )}
      {draft.choice === 'split' && (
        <>
          <div className="muted">Proposed: split into {draft.tasks.length} tasks (the original then depends on them)</div>
          {draft.tasks.map((t, i) => (
            <div key={i} className="handback-split">
              <input type="checkbox" aria-label={`Keep part ${i + 1}`} checked={keep[i]} onChange={(e) => setKeep(keep.map((k, j) => (j === i ? e.target.checked : k)))} />
              <TaskFields label={`Part ${i + 1}`} task={t} withDescription={false} onChange={(next) => setTask(i, next)} />
            </div>
          ))}
        </>
      )}
      <div className="actions">
        <button className="btn btn-primary" disabled={busy || (draft.choice === 'split' && kept.length === 0)} onClick={() => onAccept({ ...draft, tasks: draft.choice === 'split' ? kept : [] })}>
          Accept
        </button>
        <button className="btn" disabled={busy} onClick={onDiscard}>Discard draft</button>
      </div>
    </div>
  );
}

/** Shown by "Run task" when the task failed its checks run after run: hand it back to the thinker, or run anyway. */
export function HandbackPanel() {
  const { handback, root, busy } = useAppStore(useShallow((s) => ({ handback: s.handback, root: s.project?.root ?? null, busy: s.agentBusy })));
  const { replan, accept, close, runTask } = useAppStore(useShallow((s) => ({ replan: s.replanTask, accept: s.acceptReplan, close: s.closeHandback, runTask: s.runTask })));
  const thinkerKey = useAppStore((s) => s.agentSettings?.roles.thinker.keySet ?? true);
  if (!handback || handback.root !== root) return null;
  const { state } = handback;
  return (
    <section className="handback" role="group" aria-label="Hand back to the thinker">
      <div>
        <strong>⚠ {state.taskId} failed its checks in the last {state.runs.length} runs.</strong> Hand it back to the thinker for a revised plan or a split into smaller tasks?
      </div>
      {/* Remounted when the draft arrives, so the failures fold away and the draft is in view. */}
      <details key={handback.replan ? 'draft' : 'offer'}>
        <summary>What failed</summary>
        {state.runs.map((r, i) => (
          <div key={r.runId} className="handback-run">
            <div>
              Run {i + 1} <span className="muted">({r.startedAt.slice(0, 16).replace('T', ' ')})</span>: {r.summary}
            </div>
            <pre>{r.failures.join('\n\n')}</pre>
          </div>
        ))}
      </details>
      {!handback.replan && (
        <div className="actions">
          <button className="btn btn-primary" disabled={busy || !thinkerKey} title={thinkerKey ? 'The thinker gets the task, its requirements and these runs' : 'Set a key for the thinker role in Agent settings.'} onClick={() => void replan()}>
            {busy ? 'Asking the thinker…' : 'Ask the thinker'}
          </button>
          <button className="btn" disabled={busy} onClick={() => void runTask(state.taskId, { runAnyway: true })}>Run anyway</button>
          <button className="btn" disabled={busy} onClick={close}>Cancel</button>
        </div>
      )}
      {handback.replan && <ReplanEditor key={handback.replan.runId} draft={handback.replan.draft} busy={busy} onAccept={(d) => void accept(d)} onDiscard={close} />}
    </section>
  );
}
