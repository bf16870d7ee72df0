import { useEffect, useRef } from 'react';
import { createPortal } from 'react-dom';
import type { RunVerification } from '../../../../shared/contract';
import { useModalFocus } from '../../components/use-modal-focus';
import { glanceSummary } from '../verify/run-glance';

/**
 * Asks once more before accepting a run the Calibrator found red or with open findings: the problems
 * are listed, and "Cancel" has focus, so Enter or Escape keeps the run unaccepted.
 */
export function AcceptDialog({ run, concerns, parallel = false, onAccept, onCancel }: { readonly run: RunVerification; readonly concerns: readonly string[]; readonly parallel?: boolean; readonly onAccept: () => void; readonly onCancel: () => void }) {
  const dialog = useRef<HTMLDivElement>(null);
  const cancel = useRef<HTMLButtonElement>(null);
  // Focused before useModalFocus looks, so the safe choice is the default.
  useEffect(() => cancel.current?.focus(), []);
  useModalFocus(dialog);
  const s = glanceSummary(run);
  // On the body: a pane contains its own layout and paint, so a fixed backdrop inside one would cover only it.
  return createPortal(
    <div className="dialog-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onCancel()}>
      <div
        ref={dialog}
        className="dialog accept-dialog"
        role="alertdialog"
        aria-modal="true"
        aria-labelledby="accept-dialog-title"
        aria-describedby="accept-dialog-why"
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            e.stopPropagation();
            onCancel();
          }
        }}
      >
        <header>
          <h2 id="accept-dialog-title">Accept this run anyway?</h2>
        </header>
        <div className="body">
          <p id="accept-dialog-why" className={s.mark.tone}>
            {s.glance === 'red' ? 'The Calibrator found problems with this run.' : 'This run has open findings.'}{' '}
            {parallel
              ? 'Accepting commits its changes as they are on its branch and puts it into the merge queue; it merges into your branch only if its checks pass on the merged tree:'
              : 'Accepting commits its changes as they are:'}
          </p>
          <ul className="accept-concerns" aria-label="Open findings and red checks">
            {concerns.map((c, i) => (
              <li key={i} className={c.startsWith('✘') ? 'danger' : 'warn'}>
                {c}
              </li>
            ))}
          </ul>
          <p className="muted">Cancel keeps the run waiting for review: reject it, or run the task again.</p>
        </div>
        <footer>
          <button type="button" className="btn btn-danger" onClick={onAccept}>
            Accept anyway
          </button>
          <button ref={cancel} type="button" className="btn btn-primary" onClick={onCancel}>
            Cancel
          </button>
        </footer>
      </div>
    </div>,
    document.body,
  );
}
