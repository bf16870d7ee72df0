import { useState } from 'react';
import type { ImportChange } from '../../../../shared/contract';
import { useAppStore } from '../../stores/app-store';

/** One line telling what a change is. */
export function describeChange(c: ImportChange): string {
  const what = c.kind === 'item' ? 'spec item' : c.kind;
  if (c.change === 'new') return `New ${what}: ${c.after ?? ''}`;
  if (c.change === 'removed') {
    const head = `Removed upstream: ${c.id ?? what} ${c.before ?? ''}`.trim();
    return c.edited ? `${head}. Edited here since the import, so it stays; delete it by hand if no longer wanted.` : `${head}. Check to remove it here too; unchecked, it stays.`;
  }
  if (c.change === 'conflict') return c.after ?? `${c.id ?? what} was edited here and upstream; merge it by hand.`;
  return `Changed ${c.id ?? what}: "${c.before ?? ''}" → "${c.after ?? ''}"`;
}

/** Whether a change can be applied: a conflict, or a removal of an entry edited here, is only shown. */
export const offered = (c: ImportChange): boolean => c.change !== 'conflict' && !(c.change === 'removed' && c.edited);

/** The changes checked when the preview opens: every offered one except removals (nothing is removed unless the user asks). */
export function initiallyChosen(changes: readonly ImportChange[]): Set<string> {
  return new Set(changes.filter((c) => offered(c) && c.change !== 'removed').map((c) => c.key));
}

/** One change of the preview: a checkbox when it can be applied, and what changed field by field. */
export function ImportChangeRow({ change: c, checked, onToggle }: { change: ImportChange; checked: boolean; onToggle: (on: boolean) => void }) {
  const details = c.details?.length ? (
    <ul className="import-change-details">
      {c.details.map((d) => (
        <li key={d.field}>
          {d.field}: {d.before} → {d.after}
        </li>
      ))}
    </ul>
  ) : null;
  const cls = c.change === 'conflict' ? 'import-conflict' : c.change === 'removed' ? (c.edited ? 'import-removed import-conflict' : 'import-removed') : undefined;
  return (
    <li className={cls}>
      {offered(c) ? (
        <label>
          <input type="checkbox" checked={checked} onChange={(e) => onToggle(e.target.checked)} /> {describeChange(c)}
        </label>
      ) : (
        <span>
          <span aria-hidden="true">⚠ </span>
          {describeChange(c)}
        </span>
      )}
      {details}
    </li>
  );
}

/** The changes a re-import would apply, each to accept or leave out. */
function ImportChanges({ preview }: { preview: { readonly paths: readonly string[]; readonly changes: readonly ImportChange[] } }) {
  const running = useAppStore((s) => s.importRun);
  const run = useAppStore((s) => s.runImport);
  const close = useAppStore((s) => s.closeImportPreview);
  const dismiss = useAppStore((s) => s.dismissImport);
  const [chosen, setChosen] = useState<ReadonlySet<string>>(() => initiallyChosen(preview.changes));
  const accept = preview.changes.filter((c) => offered(c) && chosen.has(c.key)).map((c) => c.key);
  return (
    <div className="banner import-offer" role="group" aria-label="Upstream changes">
      <span>{preview.changes.length ? 'Changed upstream since the import. Pick what to apply; the rest stays as it is.' : 'Nothing changed in the items, tasks or decisions.'}</span>
      <ul className="import-changes">
        {preview.changes.map((c) => (
          <ImportChangeRow
            key={c.key}
            change={c}
            checked={chosen.has(c.key)}
            onToggle={(on) => {
              const next = new Set(chosen);
              if (on) next.add(c.key);
              else next.delete(c.key);
              setChosen(next);
            }}
          />
        ))}
      </ul>
      <span className="form-actions">
        <button type="button" className="btn btn-small btn-primary" disabled={!!running} onClick={() => void run(preview.paths, accept)}>
          {running ? 'Applying…' : `Apply ${accept.length} selected`}
        </button>
        <button
          type="button"
          className="btn btn-small"
          disabled={!!running}
          onClick={() => {
            close();
            void dismiss(preview.paths);
          }}
        >
          Keep mine
        </button>
      </span>
    </div>
  );
}

/** Offers to import specs found from other tools (spec-kit, Kiro, ADR folders), and changes made to them since; never modifies them. */
export function ImportOffer() {
  const sources = useAppStore((s) => s.plan?.importSources);
  const dismissed = useAppStore((s) => s.importDismissed);
  const running = useAppStore((s) => s.importRun);
  const preview = useAppStore((s) => s.importPreview);
  const run = useAppStore((s) => s.runImport);
  const review = useAppStore((s) => s.previewImport);
  const cancel = useAppStore((s) => s.cancelImport);
  const dismiss = useAppStore((s) => s.dismissImport);
  if (preview) return <ImportChanges key={preview.paths.join('\n')} preview={preview} />;
  const open = (sources ?? []).filter((s) => !s.imported && !dismissed.includes(s.path));
  const offer = open.filter((s) => !s.changed);
  const changed = open.filter((s) => s.changed);
  if (!offer.length && !changed.length && !running) return null;
  const paths = offer.map((s) => s.path);
  const progress = running ? (running.total ? `Importing… ${running.items} items read, step ${running.done} of ${running.total}` : 'Importing…') : null;
  return (
    <div className="banner import-offer" role="status" aria-label="Import offer">
      <span>
        {progress ??
          [
            offer.length ? `Found ${offer.map((s) => s.label).join(', ')}. Import into Plumbline's files? The originals stay untouched; each item records where it came from.` : '',
            changed.length ? `${changed.map((s) => s.label).join(', ')} changed since the import.` : '',
          ]
            .filter(Boolean)
            .join(' ')}
      </span>
      {running && <progress aria-label="Import progress" max={running.total || 1} value={running.total ? running.done : undefined} />}
      <span className="form-actions">
        {offer.length > 0 && (
          <button type="button" className="btn btn-small btn-primary" disabled={!!running} aria-busy={!!running} onClick={() => void run(paths)}>
            {running ? 'Importing…' : 'Import'}
          </button>
        )}
        {changed.length > 0 && !running && (
          <button type="button" className="btn btn-small" onClick={() => void review(changed.map((s) => s.path))}>
            Review changes
          </button>
        )}
        {running ? (
          <button type="button" className="btn btn-small" onClick={() => void cancel()}>
            Cancel import
          </button>
        ) : (
          <button type="button" className="btn btn-small" onClick={() => void dismiss([...paths, ...changed.map((s) => s.path)])}>
            Not now
          </button>
        )}
      </span>
    </div>
  );
}
