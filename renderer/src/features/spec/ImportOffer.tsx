import { useAppStore } from '../../stores/app-store';

/** Offers to import specs found from other tools (spec-kit, Kiro, ADR folders); never modifies them. */
export function ImportOffer() {
  const sources = useAppStore((s) => s.plan?.importSources);
  const dismissed = useAppStore((s) => s.importDismissed);
  const running = useAppStore((s) => s.importRun);
  const run = useAppStore((s) => s.runImport);
  const cancel = useAppStore((s) => s.cancelImport);
  const dismiss = useAppStore((s) => s.dismissImport);
  const offer = (sources ?? []).filter((s) => !s.imported && !dismissed.includes(s.path));
  if (!offer.length && !running) return null;
  const paths = offer.map((s) => s.path);
  const progress = running ? (running.total ? `Importing… ${running.done} of ${running.total} steps` : 'Importing…') : null;
  return (
    <div className="banner import-offer" role="status" aria-label="Import offer">
      <span>
        {progress ?? `Found ${offer.map((s) => s.label).join(', ')}. Import into Plumbline's files? The originals stay untouched; each item records where it came from.`}
      </span>
      {running && <progress aria-label="Import progress" max={running.total || 1} value={running.total ? running.done : undefined} />}
      <span className="form-actions">
        <button type="button" className="btn btn-small btn-primary" disabled={!!running} aria-busy={!!running} onClick={() => void run(paths)}>
          {running ? 'Importing…' : 'Import'}
        </button>
        {running ? (
          <button type="button" className="btn btn-small" onClick={() => void cancel()}>
            Cancel import
          </button>
        ) : (
          <button type="button" className="btn btn-small" onClick={() => void dismiss(paths)}>
            Not now
          </button>
        )}
      </span>
    </div>
  );
}
