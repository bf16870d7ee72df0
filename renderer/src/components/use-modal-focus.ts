import { useEffect, useState, type RefObject } from 'react';

const FOCUSABLE = 'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/**
 * Keeps keyboard focus inside a modal dialog: focuses its first control when nothing inside has
 * focus yet, wraps Tab / Shift+Tab at the ends, and gives focus back to the opener on close —
 * without this, Tab walks into the workspace hidden behind the backdrop. `shown` re-arms it for a
 * dialog that renders its element only once its data has loaded.
 */
export function useModalFocus(ref: RefObject<HTMLElement | null>, shown = true): void {
  // Read while rendering: by the time effects run, the dialog's own autofocus has moved focus inside.
  const [opener] = useState(() => (document.activeElement instanceof HTMLElement ? document.activeElement : null));
  useEffect(() => {
    const dialog = ref.current;
    if (!shown || !dialog) return;
    const focusables = () => [...dialog.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((el) => el.offsetParent !== null || el === document.activeElement);
    // Children focus themselves in their own effects (which run first); only fill in when none did.
    if (!dialog.contains(document.activeElement)) (focusables()[0] ?? dialog).focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Tab') return;
      const list = focusables();
      if (list.length === 0) return;
      const first = list[0];
      const last = list[list.length - 1];
      if (e.shiftKey && (document.activeElement === first || !dialog.contains(document.activeElement))) {
        e.preventDefault();
        last.focus();
      } else if (!e.shiftKey && (document.activeElement === last || !dialog.contains(document.activeElement))) {
        e.preventDefault();
        first.focus();
      }
    };
    document.addEventListener('keydown', onKey, true);
    return () => {
      document.removeEventListener('keydown', onKey, true);
      if (opener?.isConnected) opener.focus();
    };
  }, [ref, shown, opener]);
}
