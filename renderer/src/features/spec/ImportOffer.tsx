import { useAppStore } from '../../stores/app-store';

/** Offers to import specs found from other tools (spec-kit, Kiro, ADR folders); never modifies them. */
export function ImportOffer() {
  const sources = useAppStore((s) => s.plan?.importSources);
  const dismissed = useAppStore((s) => s.importDismissed);
  const run = useAppStore((s) => s.runImport);
  const dismiss = useAppStore((s) => s.dismissImport);
  const offer = (sources ?? []).filter((s) => !s.imported && !dismissed.includes(s.path));
  if (!offer.length) return null;
  const paths = offer.map((s) => s.path);
  return (
    <div className="banner import-offer" role="status" aria-label="Import offer">
      <span>
        Found {offer.map((s) => s.label).join(', ')}. Import into Plumbline's files? The originals stay untouched; each item records where it came from.
      </span>
      <span className="form-actions">
        <button type="button" className="btn btn-small btn-primary" onClick={() => void run(paths)}>
          Import
        </button>
        <button type="button" className="btn btn-small" onClick={() => dismiss(paths)}>
          Not now
        </button>
      </span>
    </div>
  );
}
