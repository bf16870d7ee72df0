import { useEffect } from 'react';

/** Elements a keyboard user can land on. */
const FOCUSABLE = 'button:not([disabled]), [href], input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/** A part of the page that says what it is: focus may rest on it when nothing inside can take it. */
const LANDMARK = 'section[aria-label], [role="region"], [role="dialog"], [role="tabpanel"], form[aria-label]';

/**
 * Where focus goes when the element holding it vanished (a button that did its job, a row that moved away) and
 * nothing put it elsewhere: the nearest part of the page still there — its first control, or the labelled region
 * itself — never `<body>`, where a keyboard user would have to start over from the top.
 */
export function rescueTarget(ancestors: readonly Element[]): HTMLElement | null {
  for (const el of ancestors) {
    if (!el.isConnected || !(el instanceof HTMLElement) || el === document.body) continue;
    const inside = [...el.querySelectorAll<HTMLElement>(FOCUSABLE)].find((c) => c.getClientRects().length > 0);
    if (inside) return inside;
    if (el.matches(LANDMARK)) return el;
  }
  return null;
}

/** Keeps keyboard focus in the page when its element is removed (see `rescueTarget`). Installed once by the App. */
export function useFocusRescue(): void {
  useEffect(() => {
    let ancestors: Element[] = [];
    let focused: Element | null = null;
    let pending = false;
    const onFocusIn = (e: FocusEvent) => {
      focused = e.target instanceof Element ? e.target : null;
      ancestors = [];
      for (let el = e.target instanceof Element ? e.target.parentElement : null; el && el !== document.body; el = el.parentElement) ancestors.push(el);
    };
    const check = () => {
      pending = false;
      const active = document.activeElement;
      // Only a focus lost with its element: a click on the page's background leaves focus on <body> on purpose.
      if ((active && active !== document.body) || !focused || focused.isConnected) return;
      const target = rescueTarget(ancestors);
      if (!target) return;
      if (target.tabIndex < 0 && !target.hasAttribute('tabindex')) target.tabIndex = -1;
      target.focus({ focusVisible: true });
    };
    // After React and the views' own focus moves (next frame, then a task) had their turn.
    const observer = new MutationObserver(() => {
      if (pending || !focused || focused.isConnected) return;
      pending = true;
      requestAnimationFrame(() => setTimeout(check, 50));
    });
    document.addEventListener('focusin', onFocusIn);
    observer.observe(document.body, { childList: true, subtree: true });
    return () => {
      document.removeEventListener('focusin', onFocusIn);
      observer.disconnect();
    };
  }, []);
}
