import { useState } from 'react';
import type { DraftTask, ResponseOf } from '../../../../shared/contract';
import { useApi } from '../../api/api-context';
import { useAppStore } from '../../stores/app-store';
import { messageOf } from '../../stores/app-slice';

type Critique = ResponseOf<'agent.critique'>;

function splitList(text: string): string[] {
  return text.split(',').map((x) => x.trim()).filter(Boolean);
}

/** Editable draft of proposed tasks; nothing is written until "Accept". */
function BreakdownDraft({ tasks, onDone }: { readonly tasks: readonly DraftTask[]; readonly onDone: () => void }) {
  const api = useApi();
  const root = useAppStore((s) => s.project?.root ?? null);
  const notify = useAppStore((s) => s.notify);
  const load = useAppStore((s) => s.loadAgent);
  const [draft, setDraft] = useState<DraftTask[]>([...tasks]);
  const [keep, setKeep] = useState<boolean[]>(tasks.map(() => true));
  const write = async (): Promise<void> => {
    if (!root) return;
    try {
      const ids: string[] = [];
      for (const [i, t] of draft.entries()) {
        if (!keep[i]) continue;
        const res = await api.request('tasks.create', { root, title: t.title, description: t.description, serves: t.requirements, scope: t.scope, checks: t.checks, depends: t.dependsOn.filter((d) => /^T-\d+$/.test(d)) });
        ids.push(res.id);
      }
      notify('info', `Wrote ${ids.length} task(s): ${ids.join(', ')}.`);
      await load();
      onDone();
    } catch (error) {
      notify('error', messageOf(error));
    }
  };
  return (
    <div className="result" role="group" aria-label="Proposed tasks">
      {draft.map((t, i) => (
        <div key={i} style={{ marginBottom: 6 }}>
          <label><input type="checkbox" checked={keep[i]} onChange={(e) => setKeep(keep.map((k, j) => (j === i ? e.target.checked : k)))} /> </label>
          <input aria-label={`Task ${i + 1} title`} value={t.title} style={{ width: '60%' }} onChange={(e) => setDraft(draft.map((d, j) => (j === i ? { ...d, title: e.target.value } : d)))} />{' '}
          <input aria-label={`Task ${i + 1} requirements`} value={t.requirements.join(', ')} onChange={(e) => setDraft(draft.map((d, j) => (j === i ? { ...d, requirements: splitList(e.target.value) } : d)))} />
          <div className="muted">scope: {t.scope.join(', ') || '—'} · checks: {t.checks.join(', ') || '—'} · after: {t.dependsOn.join(', ') || '—'}</div>
        </div>
      ))}
      <button className="btn btn-primary" onClick={() => void write()}>Accept</button> <button className="btn" onClick={onDone}>Discard draft</button>
    </div>
  );
}

/** Thinker actions: Critique spec, Break into tasks, Ask (routed), Save state. */
export function ThinkerActions() {
  const api = useApi();
  const root = useAppStore((s) => s.project?.root ?? null);
  const settings = useAppStore((s) => s.agentSettings);
  const notify = useAppStore((s) => s.notify);
  const showRun = useAppStore((s) => s.showRun);
  const selected = useAppStore((s) => s.selection.taskId);
  const [busy, setBusy] = useState<string | null>(null);
  const [critique, setCritique] = useState<Critique | null>(null);
  const [answers, setAnswers] = useState<Record<number, string>>({});
  const [breakdown, setBreakdown] = useState<readonly DraftTask[] | null>(null);
  const [question, setQuestion] = useState('');
  const [route, setRoute] = useState<string | null>(null);
  if (!root) return null;
  const thinkerBlocked = settings && !settings.roles.thinker.keySet ? 'Set a key for the thinker role in Agent settings.' : null;
  const run = async (name: string, fn: () => Promise<void>): Promise<void> => {
    setBusy(name);
    try {
      await fn();
    } catch (error) {
      notify('error', messageOf(error));
    } finally {
      setBusy(null);
    }
  };
  const ask = (role?: 'thinker' | 'builder'): Promise<void> =>
    run('ask', async () => {
      const res = await api.request('agent.ask', { root, question, ...(role ? { role } : {}) });
      setRoute(`${res.role} · ${res.model} — ${res.reason}`);
      await showRun(res.runId);
    });
  const recordAnswer = (i: number): Promise<void> =>
    run('answer', async () => {
      const q = critique!.questions[i];
      const answer = answers[i] ?? q.recommended;
      await api.request('decisions.create', { root, title: q.question.slice(0, 200), status: 'accepted', context: `Clarifying question from the spec critique${q.item ? ` on ${q.item}` : ''}.`, options: `Recommended: ${q.recommended}`, decision: answer, consequences: '', confirmation: null, links: q.item ? [q.item] : [] });
      notify('info', 'Answer recorded as a decision.');
      setCritique({ ...critique!, questions: critique!.questions.filter((_, j) => j !== i) });
    });
  return (
    <div className="thinker" aria-label="Thinker actions" role="group">
      <div className="bar">
        <button className="btn" disabled={!!busy || !!thinkerBlocked} title={thinkerBlocked ?? 'Findings and clarifying questions on the spec'} onClick={() => void run('critique', async () => setCritique(await api.request('agent.critique', { root })))}>
          {busy === 'critique' ? 'Critiquing…' : 'Critique spec'}
        </button>
        <button className="btn" disabled={!!busy || !!thinkerBlocked} title={thinkerBlocked ?? 'Propose tasks as an editable draft'} onClick={() => void run('breakdown', async () => setBreakdown((await api.request('agent.breakdown', { root })).tasks))}>
          {busy === 'breakdown' ? 'Proposing…' : 'Break into tasks'}
        </button>
        <button className="btn" disabled={!!busy} title="Write the hand-off note (.plumbline/handoff.md)" onClick={() => void run('save', async () => { const r = await api.request('agent.saveState', { root, ...(selected ? { taskId: selected } : {}) }); notify('info', `Hand-off note written to ${r.path}.`); })}>
          Save state
        </button>
        {/* The question, its button and the route stay together on one line when the bar wraps. */}
        <span className="ask-group">
          <input aria-label="Ask a question" placeholder="Ask… (routed to the thinker or the builder)" value={question} onChange={(e) => setQuestion(e.target.value)} onKeyDown={(e) => e.key === 'Enter' && question.trim() && void ask()} style={{ flex: 1, minWidth: 120 }} />
          <button className="btn" disabled={!question.trim() || !!busy} onClick={() => void ask()}>Ask</button>
          <select aria-label="Route override" value="" onChange={(e) => e.target.value && question.trim() && void ask(e.target.value as 'thinker' | 'builder')}>
            <option value="">Ask the…</option>
            <option value="thinker">thinker</option>
            <option value="builder">builder (read-only)</option>
          </select>
        </span>
      </div>
      {thinkerBlocked && <div className="warn" role="note">⚠ {thinkerBlocked}</div>}
      {route && <div className="muted" role="status">Routed to {route}</div>}
      {critique && (
        <div className="result" role="group" aria-label="Critique">
          {critique.findings.map((f, i) => (
            <div key={i}>⚠ {f.item ? <strong>{f.item} </strong> : null}{f.text} <span className="muted">({f.kind})</span></div>
          ))}
          {critique.questions.map((q, i) => (
            <div key={i} style={{ marginTop: 4 }}>
              ? {q.question}
              <div>
                <input aria-label={`Answer ${i + 1}`} defaultValue={q.recommended} onChange={(e) => setAnswers({ ...answers, [i]: e.target.value })} style={{ width: '70%' }} />{' '}
                <button className="btn btn-small" onClick={() => void recordAnswer(i)}>Record answer</button>
              </div>
            </div>
          ))}
          <button className="btn btn-small" onClick={() => setCritique(null)}>Close</button>
        </div>
      )}
      {breakdown && <BreakdownDraft tasks={breakdown} onDone={() => setBreakdown(null)} />}
    </div>
  );
}
