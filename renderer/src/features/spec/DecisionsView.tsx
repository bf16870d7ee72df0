import { useMemo, useState } from 'react';
import type { DecisionRecord, DecisionStatus, PlanSnapshot } from '../../../../shared/contract';
import { useAppStore } from '../../stores/app-store';
import type { DecisionDraft } from '../../stores/spec-slice';
import { FindingBadge } from './FindingBadge';
import { Prose } from './InlineText';
import { findingsByItem, itemDomId, specLabel } from './plan-helpers';
import { useJumpToItem } from './use-jump';

const STATUSES: readonly DecisionStatus[] = ['proposed', 'accepted', 'rejected', 'deprecated', 'superseded'];
const MARK: Readonly<Record<DecisionStatus, string>> = { proposed: '?', accepted: '✔', rejected: '✘', deprecated: '⌀', superseded: '↷' };

const EMPTY: DecisionDraft = { title: '', status: 'proposed', context: '', options: '', decision: '', consequences: '', confirmation: null, links: [] };

/** Linked spec items as removable chips, plus a picker of the items of every spec (IDs not typed by hand). */
function LinkPicker({ links, onChange, plan }: { readonly links: readonly string[]; readonly onChange: (links: string[]) => void; readonly plan: PlanSnapshot | null }) {
  const specs = plan?.specs ?? [];
  const known = new Set(specs.flatMap((s) => s.items.map((i) => i.id)));
  return (
    <div className="field">
      <span id="decision-links-label">Linked spec items</span>
      <div className="link-picker" role="group" aria-labelledby="decision-links-label">
        {links.length === 0 && <span className="muted small">none</span>}
        {links.map((l) => (
          <span key={l} className={`chip mono${known.has(l) ? '' : ' dangling'}`} title={known.has(l) ? undefined : `${l} is not in any spec`}>
            {known.has(l) ? '' : '⚠ '}
            {l}
            <button type="button" className="chip-x" aria-label={`Remove link ${l}`} onClick={() => onChange(links.filter((x) => x !== l))}>
              ✕
            </button>
          </span>
        ))}
        <select
          aria-label="Link a spec item"
          value=""
          onChange={(e) => {
            if (e.target.value && !links.includes(e.target.value)) onChange([...links, e.target.value]);
          }}
        >
          <option value="">Link an item…</option>
          {specs.map((s, i) => {
            const free = s.items.filter((it) => !links.includes(it.id));
            if (!free.length) return null;
            return (
              <optgroup key={s.path} label={specLabel(s, i === 0)}>
                {free.map((it) => (
                  <option key={`${s.path}-${it.id}-${it.line}`} value={it.id}>
                    {it.id}: {it.text.length > 60 ? `${it.text.slice(0, 60)}…` : it.text}
                  </option>
                ))}
              </optgroup>
            );
          })}
        </select>
      </div>
    </div>
  );
}

function DecisionForm({ initial, onSubmit, onCancel, submitLabel }: { readonly initial: DecisionDraft; readonly onSubmit: (d: DecisionDraft) => void; readonly onCancel: () => void; readonly submitLabel: string }) {
  const [d, setD] = useState(initial);
  const plan = useAppStore((s) => s.plan);
  const field = (key: 'context' | 'options' | 'decision' | 'consequences', label: string, rows = 3) => (
    <label className="field">
      <span>{label}</span>
      <textarea rows={rows} value={d[key]} onChange={(e) => setD({ ...d, [key]: e.target.value })} />
    </label>
  );
  return (
    <form
      className="decision-form"
      aria-label={submitLabel}
      onSubmit={(e) => {
        e.preventDefault();
        if (d.title.trim()) onSubmit(d);
      }}
    >
      <label className="field">
        <span>Title</span>
        <input value={d.title} onChange={(e) => setD({ ...d, title: e.target.value })} autoFocus />
      </label>
      <label className="field">
        <span>Status</span>
        <select value={d.status} onChange={(e) => setD({ ...d, status: e.target.value as DecisionStatus })}>
          {STATUSES.filter((s) => s !== 'superseded' || initial.status === 'superseded').map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </label>
      {field('context', 'Context')}
      {field('options', 'Considered options')}
      {field('decision', 'Decision (and why)')}
      {field('consequences', 'Consequences', 2)}
      <label className="field">
        <span>Confirmation command</span>
        <input className="mono" value={d.confirmation ?? ''} placeholder="npm test" onChange={(e) => setD({ ...d, confirmation: e.target.value || null })} />
      </label>
      <LinkPicker links={d.links} plan={plan} onChange={(links) => setD({ ...d, links })} />
      <div className="form-actions">
        <button type="submit" className="btn btn-primary btn-small" disabled={!d.title.trim()}>
          {submitLabel}
        </button>
        <button type="button" className="btn btn-small" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function toDraft(d: DecisionRecord): DecisionDraft {
  return { title: d.title, status: d.status, context: d.context, options: d.options, decision: d.decision, consequences: d.consequences, confirmation: d.confirmation, links: d.links };
}

function DecisionDetail({ d, all }: { readonly d: DecisionRecord; readonly all: readonly DecisionRecord[] }) {
  const [editing, setEditing] = useState(false);
  const update = useAppStore((s) => s.updateDecision);
  const supersede = useAppStore((s) => s.supersedeDecision);
  const plan = useAppStore((s) => s.plan);
  const jump = useJumpToItem();
  const [open, setOpen] = useState<number | null>(null);
  if (editing) {
    return (
      <DecisionForm
        key={d.number}
        initial={toDraft(d)}
        submitLabel={`Save decision ${d.id}`}
        onCancel={() => setEditing(false)}
        onSubmit={(draft) => void update(d.number, draft).then((ok) => ok && setEditing(false))}
      />
    );
  }
  const ref = (n: number | null) => {
    const other = all.find((x) => x.number === n);
    return other ? `${other.id} ${other.title}` : n !== null ? String(n).padStart(4, '0') : '';
  };
  const block = (label: string, text: string) =>
    text.trim() ? (
      <div className="detail-block">
        <h4>{label}</h4>
        <Prose text={text.replace(/<!--[\s\S]*?-->/g, '').trim() || '—'} />
      </div>
    ) : null;
  return (
    <div className="decision-detail" aria-label={`Decision ${d.id}`} role="group">
      <div className="section-head">
        <h3>
          {d.id}: {d.title}
        </h3>
        <span className="spacer" />
        <button type="button" className="btn btn-small" onClick={() => setEditing(true)}>
          Edit
        </button>
        {d.status !== 'superseded' && (
          <button
            type="button"
            className="btn btn-small"
            onClick={() =>
              void supersede(d.number).then((n) => {
                if (n !== null) setOpen(n);
              })
            }
          >
            Supersede…
          </button>
        )}
      </div>
      <p className="meta">
        <span className={`status status-${d.status}`}>
          {MARK[d.status]} {d.status}
          {d.supersededBy !== null ? ` by ${ref(d.supersededBy)}` : ''}
        </span>
        {d.date && <span className="muted"> · {d.date}</span>}
        {d.supersedes !== null && <span className="muted"> · supersedes {ref(d.supersedes)}</span>}
        {d.source && <span className="muted"> · imported from {d.source}</span>}
      </p>
      {d.links.length > 0 && (
        <p className="meta decision-links" aria-label={`Spec items linked to ${d.id}`}>
          <span className="muted">Linked:</span>
          {d.links.map((l) => {
            const item = plan?.specs.flatMap((s) => s.items).find((i) => i.id === l);
            return item ? (
              <button key={l} type="button" className="chip mono" title={`${l}: ${item.text}`} aria-label={`Show ${l} in the spec`} onClick={() => jump(l)}>
                {l}
              </button>
            ) : (
              <span key={l} className="chip mono dangling" title={`${l} is not in any spec: edit the decision to remove the link, or add the item`}>
                ⚠ {l} not in the spec
              </span>
            );
          })}
        </p>
      )}
      {block('Context', d.context)}
      {block('Considered options', d.options)}
      {block('Decision', d.decision)}
      {block('Consequences', d.consequences)}
      {d.confirmation && (
        <div className="detail-block">
          <h4>Confirmation</h4>
          <code>{d.confirmation}</code>
        </div>
      )}
      <p className="muted small mono">{d.file}</p>
      {open !== null && <p className="muted small">Created decision {String(open).padStart(4, '0')} (proposed); it supersedes this one.</p>}
    </div>
  );
}

/** The decision log: filters by status, list, detail with edit and supersede, and a form for new records. */
export function DecisionsView() {
  const plan = useAppStore((s) => s.plan);
  const create = useAppStore((s) => s.createDecision);
  const [filter, setFilter] = useState<DecisionStatus | 'all'>('all');
  const selected = useAppStore((s) => s.selectedDecision);
  const setSelected = useAppStore((s) => s.showDecision);
  const [creating, setCreating] = useState(false);
  const byItem = useMemo(() => findingsByItem(plan), [plan]);
  if (!plan) return null;
  const decisions = plan.decisions;
  const shown = filter === 'all' ? decisions : decisions.filter((d) => d.status === filter);
  const current = decisions.find((d) => d.number === selected) ?? null;
  return (
    <div className="decisions-view">
      <div className="toolbar">
        <div role="radiogroup" aria-label="Filter decisions by status" className="segmented">
          {(['all', ...STATUSES] as const).map((s) => (
            <button key={s} type="button" role="radio" aria-checked={filter === s} className="btn btn-small" onClick={() => setFilter(s)}>
              {s === 'all' ? `All ${decisions.length}` : `${s} ${decisions.filter((d) => d.status === s).length}`}
            </button>
          ))}
        </div>
        <span className="spacer" />
        <button type="button" className="btn btn-small" onClick={() => { setCreating(true); setSelected(null); }}>
          New decision
        </button>
      </div>
      <div className="scroll">
        {decisions.length === 0 && !creating && <p className="empty">No decisions yet. Record choices with their reasons here; answers to open questions can become decisions too.</p>}
        <ul className="list" aria-label="Decisions">
          {shown.map((d) => (
            <li
              key={d.number}
              id={itemDomId(d.id)}
              className={`row${selected === d.number ? ' selected' : ''}`}
              tabIndex={0}
              aria-selected={selected === d.number}
              onClick={() => { setSelected(d.number); setCreating(false); }}
              onKeyDown={(e) => {
                if (e.key === 'Enter') { setSelected(d.number); setCreating(false); }
              }}
            >
              <span className="mono item-id">{d.id}</span>
              <span className="grow">{d.title}</span>
              <FindingBadge findings={byItem.get(d.id)} />
              <span className={`badge status-${d.status}`}>
                {MARK[d.status]} {d.status}
              </span>
            </li>
          ))}
        </ul>
        {creating && (
          <DecisionForm
            initial={EMPTY}
            submitLabel="Create decision"
            onCancel={() => setCreating(false)}
            onSubmit={(draft) =>
              void create(draft).then((n) => {
                if (n !== null) {
                  setCreating(false);
                  setSelected(n);
                }
              })
            }
          />
        )}
        {current && !creating && <DecisionDetail key={current.number} d={current} all={decisions} />}
      </div>
    </div>
  );
}
