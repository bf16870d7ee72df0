import { useState } from 'react';
import type { ImportChange } from '../../../../shared/contract';
import { useAppStore } from '../../stores/app-store';

const describe = (c: ImportChange): string => {
  const what = c.kind === 'item' ? 'spec item' : c.kind;
  if (c.change === 'new') return `New ${what}: ${c.after ?? ''}`;
  if (c.change === 'removed') return `Removed upstream: ${c.id ?? what} ${c.before ?? ''}`;
  if (c.change === 'conflict') return c.after ?? `${c.id ?? what} was edited here and upstream; merge it by hand.`;
  return `Changed ${c.id ?? what}: "${c.before ?? ''}" → "${c.after ?? ''}"`;
};

/** The changes a re-import would apply, each to accept or leave out. */
function ImportChanges() {
  const preview = useAppStore((s) => s.importPreview);
  const running = useAppStore((s) => s.importRun);
  const run = useAppStore((s) => s.runImport);
  const close = useAppStore((s) => s.closeImportPreview);
  const dismiss = useAppStore((s) => s.dismissImport);
  const [left, setLeft] = useState<ReadonlySet<string>>(new Set());
  if (!preview) return null;
  // A conflict is shown, never applied: the entry was edited here since it was imported.
  const offered = preview.changes.filter((c) => c.change !== 'conflict');
  const accept = offered.map((c) => c.key).filter((k) => !left.has(k));
  return (
    <div className="banner import-offer" role="group" aria-label="Upstream changes">
      <span>{preview.changes.length ? 'Changed upstream since the import. Pick what to apply; the rest stays as it is.' : 'Nothing changed in the items, tasks or decisions.'}</span>
      <ul className="import-changes">
        {preview.changes.map((c) => (
          <li key={c.key} className={c.change === 'conflict' ? 'import-conflict' : undefined}>
            {c.change === 'conflict' ? (
              <span>
                <span aria-hidden="true">⚠ </span>
                {describe(c)}
              </span>
            ) : (
              <label>
                <input
                  type="checkbox"
                  checked={!left.has(c.key)}
                  onChange={(e) => {
                    const next = new Set(left);
                    if (e.target.checked) next.delete(c.key);
                    else next.add(c.key);
                    setLeft(next);
                  }}
                />{' '}
                {describe(c)}
              </label>
            )}
          </li>
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
  if (preview) return <ImportChanges />;
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
