import { useMemo, useState, type KeyboardEvent } from 'react';
import type { Finding, SpecItem } from '../../../../shared/contract';
import { useAppStore } from '../../stores/app-store';
import { FindingBadge } from './FindingBadge';
import { InlineText } from './InlineText';
import { focusItem, itemDomId } from './plan-helpers';

/** One spec item: ID, text (edit in place), findings, move and delete. Alt+↑/↓ moves, Enter edits, Delete deletes. */
export function SpecItemRow({ item, findings, first, last }: { readonly item: SpecItem; readonly findings: readonly Finding[] | undefined; readonly first: boolean; readonly last: boolean }) {
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(item.text);
  const update = useAppStore((s) => s.updateSpecItem);
  const move = useAppStore((s) => s.moveSpecItem);
  const remove = useAppStore((s) => s.deleteSpecItem);
  const select = useAppStore((s) => s.select);
  const selected = useAppStore((s) => s.selection.requirementId === item.id);
  const decisions = useAppStore((s) => s.plan?.decisions);
  const showDecision = useAppStore((s) => s.showDecision);
  // Decisions linking this item ("decided in 0003"): the reverse of a decision's links.
  const decidedIn = useMemo(() => (decisions ?? []).filter((d) => d.links.includes(item.id)), [decisions, item.id]);
  const servingTask = useAppStore((s) => {
    const t = s.selection.taskId ? s.plan?.tasks.tasks.find((x) => x.id === s.selection.taskId) : undefined;
    return t ? t.serves.includes(item.id) : false;
  });

  const save = async () => {
    if (draft.trim() && draft.trim() !== item.text) await update(item.id, draft);
    setEditing(false);
  };
  const onKey = (e: KeyboardEvent<HTMLLIElement>) => {
    if (editing || e.target !== e.currentTarget) return;
    if (e.altKey && e.key === 'ArrowUp' && !first) {
      e.preventDefault();
      void move(item.id, 'up').then(() => document.getElementById(itemDomId(item.id))?.focus());
    } else if (e.altKey && e.key === 'ArrowDown' && !last) {
      e.preventDefault();
      void move(item.id, 'down').then(() => document.getElementById(itemDomId(item.id))?.focus());
    } else if (e.key === 'Enter' || e.key === 'F2') {
      e.preventDefault();
      setDraft(item.text);
      setEditing(true);
    } else if (e.key === 'Delete') {
      e.preventDefault();
      void remove(item.id);
    }
  };

  return (
    <li
      id={itemDomId(item.id)}
      className={`row spec-item${selected || servingTask ? ' selected' : ''}`}
      tabIndex={0}
      aria-label={`${item.id}: ${item.text}`}
      aria-selected={selected || servingTask}
      onKeyDown={onKey}
      onClick={() => select({ requirementId: item.id })}
    >
      <span className="item-id mono">{item.id}</span>
      {editing ? (
        <form
          className="grow inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            void save();
          }}
        >
          <input
            autoFocus
            aria-label={`Text of ${item.id}`}
            value={draft}
            onChange={(e) => setDraft(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Escape') {
                e.preventDefault();
                setEditing(false);
                document.getElementById(itemDomId(item.id))?.focus();
              }
            }}
            onBlur={() => void save()}
          />
        </form>
      ) : (
        <span className="grow item-text" onDoubleClick={() => { setDraft(item.text); setEditing(true); }} title={item.source ? `Imported from ${item.source}` : undefined}>
          <InlineText text={item.text} />
          {!item.command && item.prefix === 'AC' && <span className="badge">manual</span>}
          {/* Decisions linking this item flow with its text, so they never squeeze it. */}
          {decidedIn.map((d) => (
            <button
              key={d.number}
              type="button"
              className="chip decided"
              aria-label={`Decided in ${d.id}: ${d.title}`}
              title={`${d.id}: ${d.title} (${d.status})`}
              onClick={(e) => {
                e.stopPropagation();
                showDecision(d.number);
                focusItem(d.id);
              }}
            >
              decided in {d.id}
            </button>
          ))}
        </span>
      )}
      <FindingBadge findings={findings} />
      <span className="row-actions">
        <button type="button" className="btn btn-ghost btn-small" aria-label={`Edit ${item.id}`} onClick={(e) => { e.stopPropagation(); setDraft(item.text); setEditing(true); }}>
          ✎
        </button>
        <button type="button" className="btn btn-ghost btn-small" aria-label={`Move ${item.id} up`} disabled={first} onClick={(e) => { e.stopPropagation(); void move(item.id, 'up'); }}>
          ↑
        </button>
        <button type="button" className="btn btn-ghost btn-small" aria-label={`Move ${item.id} down`} disabled={last} onClick={(e) => { e.stopPropagation(); void move(item.id, 'down'); }}>
          ↓
        </button>
        <button type="button" className="btn btn-ghost btn-small" aria-label={`Delete ${item.id}`} onClick={(e) => { e.stopPropagation(); void remove(item.id); }}>
          ✕
        </button>
      </span>
    </li>
  );
}
