import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { SpecSectionKind, SpecTable } from '../../../../shared/contract';
import { useAppStore } from '../../stores/app-store';
import { InlineText, Prose } from './InlineText';

/** Keys of an editor form: Ctrl/Cmd+Enter saves, Esc cancels. */
function formKey(e: KeyboardEvent, save: () => void, cancel: () => void): void {
  if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
    e.preventDefault();
    save();
  } else if (e.key === 'Escape') {
    e.preventDefault();
    e.stopPropagation();
    cancel();
  }
}

/**
 * The edit state both section editors share: the draft (null when not editing), the value the edit began from
 * (the core refuses a save when the section changed on disk since), saving, and the focus going back to the Edit
 * button when the editor closes.
 */
function useSectionEditor<Began, Draft>(current: Began, persist: (draft: Draft, began: Began) => Promise<boolean>) {
  const [draft, setDraft] = useState<Draft | null>(null);
  const [saving, setSaving] = useState(false);
  const began = useRef(current);
  const editButton = useRef<HTMLButtonElement | null>(null);
  const refocus = useRef(false);
  const open = (value: Draft) => {
    began.current = current;
    setDraft(value);
  };
  const close = () => {
    refocus.current = true;
    setDraft(null);
  };
  // Closing the editor gives the focus back to its Edit button once that is rendered again.
  useEffect(() => {
    if (draft !== null || !refocus.current) return;
    refocus.current = false;
    editButton.current?.focus();
  }, [draft]);
  const save = async (value: Draft) => {
    if (saving) return;
    setSaving(true);
    const ok = await persist(value, began.current);
    setSaving(false);
    if (ok) close();
  };
  return { draft, setDraft, saving, began, editButton, open, close, save };
}

/**
 * A section written as free text (Purpose): shown as Markdown, edited as one block. What the user types is saved
 * exactly as typed; the rest of the spec is not touched.
 */
export function TextBlockSection({ kind, title, body, hint }: { readonly kind: SpecSectionKind; readonly title: string; readonly body: string; readonly hint: string | null }) {
  const setText = useAppStore((s) => s.setSpecSectionText);
  const { draft, setDraft, saving, began, editButton, open, close, save } = useSectionEditor<string, string>(body, (text, from) => setText(kind, text, from));
  const start = () => open(body);
  const submit = async () => {
    if (draft === null) return;
    if (draft === began.current) return close();
    await save(draft);
  };
  if (draft !== null) {
    return (
      <form
        className="text-block-editor"
        aria-label={`Edit ${title}`}
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <textarea
          autoFocus
          aria-label={`Text of ${title}`}
          value={draft}
          rows={Math.min(16, Math.max(4, draft.split('\n').length + 1))}
          placeholder={hint?.replace(/`/g, '') ?? undefined}
          onChange={(e) => setDraft(e.target.value)}
          onKeyDown={(e) => formKey(e, () => void submit(), close)}
        />
        <div className="actions">
          <span className="muted small grow">Markdown, saved as typed · Ctrl+Enter saves · Esc cancels</span>
          <button type="button" className="btn btn-small" onClick={close}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary btn-small" disabled={saving}>
            {saving ? 'Saving…' : 'Save'}
          </button>
        </div>
      </form>
    );
  }
  return (
    <div className="text-block" onDoubleClick={start}>
      {body.trim() ? <Prose text={body} /> : <p className="hint muted">{hint?.replace(/`/g, '') ?? `No ${title.toLowerCase()} yet.`}</p>}
      <button ref={editButton} type="button" className="btn btn-small" aria-label={`Edit ${title}`} onClick={start}>
        ✎ {body.trim() ? 'Edit' : 'Write'}
      </button>
    </div>
  );
}

const copy = (t: SpecTable): SpecTable => ({ columns: [...t.columns], rows: t.rows.map((r) => [...r]) });

/**
 * A section written as a table (API contract): shown as a table that wraps and scrolls sideways, edited cell by
 * cell with rows added and removed. Rows nobody changed keep their bytes in the file; `|` in a cell is escaped.
 */
export function TableSection({ kind, title, table, columns }: { readonly kind: SpecSectionKind; readonly title: string; readonly table: SpecTable | null; readonly columns: readonly string[] }) {
  const setTable = useAppStore((s) => s.setSpecTable);
  const { draft, setDraft, saving, editButton, open, close, save } = useSectionEditor<SpecTable | null, SpecTable>(table, (next, from) => setTable(kind, next, from));
  const wrap = useRef<HTMLDivElement | null>(null);
  const shown = draft ?? table;
  const start = (addRow = false) => {
    const base = table ? copy(table) : { columns: [...columns], rows: [] };
    if (addRow || base.rows.length === 0) base.rows.push(base.columns.map(() => ''));
    open(base);
    // The first cell of the new (or first) row takes the focus.
    const row = addRow ? base.rows.length - 1 : 0;
    requestAnimationFrame(() => wrap.current?.querySelector<HTMLInputElement>(`[data-cell="${row}-0"]`)?.focus());
  };
  const submit = async () => {
    if (!draft) return;
    // Rows left entirely empty are not written.
    await save({ columns: draft.columns, rows: draft.rows.filter((r) => r.some((c) => c.trim())) });
  };
  const setCell = (row: number, col: number, value: string) => {
    if (!draft) return;
    const next = copy(draft);
    next.rows[row]![col] = value;
    setDraft(next);
  };
  const addRow = () => {
    if (!draft) return;
    const next = copy(draft);
    next.rows.push(next.columns.map(() => ''));
    setDraft(next);
    const row = next.rows.length - 1;
    requestAnimationFrame(() => wrap.current?.querySelector<HTMLInputElement>(`[data-cell="${row}-0"]`)?.focus());
  };
  const removeRow = (row: number) => {
    if (!draft) return;
    const next = copy(draft);
    next.rows.splice(row, 1);
    setDraft(next);
    requestAnimationFrame(() => {
      const cells = wrap.current?.querySelectorAll<HTMLInputElement>(`[data-cell^="${Math.min(row, next.rows.length - 1)}-"]`);
      (cells?.[0] ?? wrap.current?.querySelector<HTMLButtonElement>('.table-add-row'))?.focus();
    });
  };
  return (
    <div className="table-section" ref={wrap} onKeyDown={(e) => draft && formKey(e, () => void submit(), close)}>
      {shown && (
        <div className="prose-table-wrap">
          <table className={`prose-table spec-table${draft ? ' editing' : ''}`} aria-label={title}>
            <thead>
              <tr>
                {shown.columns.map((c, i) => (
                  <th key={i} scope="col">
                    <InlineText text={c} />
                  </th>
                ))}
                {draft && (
                  <th scope="col">
                    <span className="sr-only">Remove</span>
                  </th>
                )}
              </tr>
            </thead>
            <tbody>
              {shown.rows.map((r, i) => (
                <tr key={i}>
                  {shown.columns.map((c, j) => (
                    <td key={j}>
                      {draft ? (
                        <input data-cell={`${i}-${j}`} aria-label={`${c || `Column ${j + 1}`}, row ${i + 1}`} value={r[j] ?? ''} onChange={(e) => setCell(i, j, e.target.value)} />
                      ) : (
                        <InlineText text={r[j] ?? ''} />
                      )}
                    </td>
                  ))}
                  {draft && (
                    <td className="table-row-actions">
                      <button type="button" className="btn btn-ghost btn-small" aria-label={`Remove row ${i + 1}`} onClick={() => removeRow(i)}>
                        ✕
                      </button>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {draft ? (
        <div className="actions">
          <button type="button" className="btn btn-small table-add-row" onClick={addRow}>
            + Row
          </button>
          <span className="muted small grow">Ctrl+Enter saves · Esc cancels</span>
          <button type="button" className="btn btn-small" onClick={close}>
            Cancel
          </button>
          <button type="button" className="btn btn-primary btn-small" disabled={saving} onClick={() => void submit()}>
            {saving ? 'Saving…' : 'Save'}
          </button>
        </div>
      ) : (
        <div className="actions">
          <button ref={editButton} type="button" className="btn btn-small" aria-label={`Edit ${title}`} onClick={() => start()}>
            ✎ {table ? 'Edit table' : 'Write table'}
          </button>
          <button type="button" className="btn btn-small" aria-label={`Add a row to ${title}`} onClick={() => start(true)}>
            + Row
          </button>
        </div>
      )}
    </div>
  );
}
