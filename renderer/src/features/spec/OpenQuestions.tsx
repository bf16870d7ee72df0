import { useState } from 'react';
import type { Clarification } from '../../../../shared/contract';
import { useAppStore } from '../../stores/app-store';
import { itemDomId } from './plan-helpers';

function AnswerForm({ q, onDone }: { readonly q: Clarification; readonly onDone: () => void }) {
  const [answer, setAnswer] = useState('');
  const [settles, setSettles] = useState(false);
  const [title, setTitle] = useState('');
  const submit = useAppStore((s) => s.answerQuestion);
  return (
    <form
      className="answer-form"
      aria-label={`Answer: ${q.question}`}
      onSubmit={(e) => {
        e.preventDefault();
        if (!answer.trim()) return;
        void submit(q.index, q.question, answer, settles, title.trim() || undefined).then((ok) => ok && onDone());
      }}
    >
      <textarea aria-label="Answer" rows={2} value={answer} onChange={(e) => setAnswer(e.target.value)} autoFocus />
      <label className="check">
        <input type="checkbox" checked={settles} onChange={(e) => setSettles(e.target.checked)} /> This settles a decision (record it in the decision log)
      </label>
      {settles && <input aria-label="Decision title" placeholder={q.question} value={title} onChange={(e) => setTitle(e.target.value)} />}
      <div className="form-actions">
        <button type="submit" className="btn btn-primary btn-small" disabled={!answer.trim()}>
          Record answer
        </button>
        <button type="button" className="btn btn-small" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}

/** Every clarification marker of the shown spec: open ones first with an Answer action, then answered ones. */
export function OpenQuestions({ questions, hint }: { readonly questions: readonly Clarification[]; readonly hint?: string | null }) {
  const [answering, setAnswering] = useState<number | null>(null);
  const [showResolved, setShowResolved] = useState(false);
  const open = questions.filter((q) => !q.resolved);
  const resolved = questions.filter((q) => q.resolved);
  return (
    <section className="open-questions" aria-label="Open questions list">
      <div className="section-head">
        <h3>Open questions</h3>
        <span className="badge">{open.length} open</span>
        <span className="spacer" />
        {resolved.length > 0 && (
          <button type="button" className="btn btn-ghost btn-small" onClick={() => setShowResolved(!showResolved)} aria-expanded={showResolved}>
            {showResolved ? 'Hide' : 'Show'} {resolved.length} answered
          </button>
        )}
      </div>
      {hint && questions.length === 0 && <p className="hint muted">{hint.replace(/`/g, '')}</p>}
      {open.length === 0 && <p className="empty-line muted">No open questions.</p>}
      <ul className="list">
        {open.map((q) => (
          <li key={`${q.index}-${q.question}`} className="question">
            <div className="row" id={q.itemId ? undefined : itemDomId(`Q-${q.index}`)} tabIndex={-1}>
              <span className="warn" aria-hidden="true">?</span>
              <span className="grow wrap">
                {q.question}
                {q.itemId && <span className="muted"> — in {q.itemId}</span>}
              </span>
              {answering !== q.index && (
                <button type="button" className="btn btn-small" aria-label={`Answer: ${q.question}`} onClick={() => setAnswering(q.index)}>
                  Answer…
                </button>
              )}
            </div>
            {answering === q.index && <AnswerForm q={q} onDone={() => setAnswering(null)} />}
          </li>
        ))}
        {showResolved &&
          resolved.map((q) => (
            <li key={`r-${q.index}`} className="row">
              <span className="ok" aria-hidden="true">✔</span>
              <span className="grow wrap muted">
                {q.question ? `${q.question} → ` : ''}
                {q.answer}
              </span>
            </li>
          ))}
      </ul>
    </section>
  );
}
