import { useShallow } from 'zustand/react/shallow';
import { useAppStore } from '../stores/app-store';

/** The notice area: errors stay until dismissed, information fades. Announced to screen readers. */
export function Notices() {
  const { notices, dismiss } = useAppStore(useShallow((s) => ({ notices: s.notices, dismiss: s.dismiss })));
  return (
    <div className="notices" role="status" aria-live="polite">
      {notices.map((n) => (
        <div key={n.id} className={`notice ${n.kind}`} role={n.kind === 'error' ? 'alert' : undefined}>
          <span aria-hidden="true">{n.kind === 'error' ? '✘' : 'ℹ'}</span>
          <span className="grow">{n.message}</span>
          {n.action && (
            <button
              className="btn btn-small"
              onClick={() => {
                n.action?.run();
                dismiss(n.id);
              }}
            >
              {n.action.label}
            </button>
          )}
          <button className="btn btn-small btn-ghost" aria-label="Dismiss" onClick={() => dismiss(n.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
