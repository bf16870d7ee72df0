import { useEffect, useRef, useState } from 'react';
import { createPortal } from 'react-dom';
import { useModalFocus } from '../../components/use-modal-focus';
import { useAppStore } from '../../stores/app-store';

/** Saves bytes through the browser's download (works in both hosts; the desktop shows its save dialog). */
function download(fileName: string, mimeType: string, base64: string): void {
  const bin = atob(base64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  const url = URL.createObjectURL(new Blob([bytes], { type: mimeType }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** The Export dialog: format, what to include, then save. */
export function ExportDialog({ onClose }: { readonly onClose: () => void }) {
  const exportPlan = useAppStore((s) => s.exportPlan);
  const hasTasks = useAppStore((s) => (s.plan?.tasks.tasks.length ?? 0) > 0);
  const [format, setFormat] = useState<'md' | 'html' | 'pdf'>('html');
  const [withTasks, setWithTasks] = useState(false);
  const [withEvidence, setWithEvidence] = useState(false);
  const [busy, setBusy] = useState(false);
  const first = useRef<HTMLInputElement>(null);
  useEffect(() => first.current?.focus(), []);
  const dialog = useRef<HTMLDivElement>(null);
  useModalFocus(dialog);
  const save = async () => {
    setBusy(true);
    const r = await exportPlan(format, withTasks, withEvidence);
    setBusy(false);
    if (r) {
      download(r.fileName, r.mimeType, r.base64);
      onClose();
    }
  };
  // On the body: a pane contains its own layout and paint, so a fixed backdrop inside one would cover only it.
  return createPortal(
    <div className="dialog-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div ref={dialog} className="dialog export-dialog" role="dialog" aria-modal="true" aria-label="Export spec and decision log" onKeyDown={(e) => e.key === 'Escape' && onClose()}>
        <header>
          <h2>Export spec and decision log</h2>
        </header>
        <div className="body">
          <fieldset>
            <legend>Format</legend>
            {(
              [
                ['md', 'Markdown', 'one .md document'],
                ['html', 'HTML', 'one self-contained file, prints well'],
                ['pdf', 'PDF', 'printed from the HTML'],
              ] as const
            ).map(([value, label, note]) => (
              <label key={value} className="check">
                <input ref={value === format ? first : undefined} type="radio" name="export-format" value={value} checked={format === value} onChange={() => setFormat(value)} /> {label}{' '}
                <span className="muted small">— {note}</span>
              </label>
            ))}
          </fieldset>
          <fieldset>
            <legend>Include</legend>
            <label className="check">
              <input type="checkbox" checked={withTasks} onChange={(e) => setWithTasks(e.target.checked)} disabled={!hasTasks} /> Tasks
            </label>
            <label className="check">
              <input type="checkbox" checked={withEvidence} onChange={(e) => setWithEvidence(e.target.checked)} /> Evidence
            </label>
          </fieldset>
        </div>
        <footer>
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="button" className="btn btn-primary" disabled={busy} onClick={() => void save()}>
            {busy ? 'Exporting…' : 'Save'}
          </button>
        </footer>
      </div>
    </div>,
    document.body,
  );
}
