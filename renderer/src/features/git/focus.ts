/** Runs `fn` once React has rendered the state an awaited store action left behind. */
export function afterRender(fn: () => void): void {
  requestAnimationFrame(() => setTimeout(fn, 0));
}

/**
 * Keeps keyboard focus in the Changes list after a row moved or vanished (staged, unstaged, discarded): with
 * `inGroup`, the row that took its place in that group; else the path's row in whichever group holds it now;
 * else the commit message.
 */
export function focusChangeRow(path: string, inGroup?: { readonly group: string; readonly at: number }): void {
  const rows = (group?: string) =>
    [...document.querySelectorAll<HTMLButtonElement>(group ? `ul[aria-labelledby="changes-group-${group}"] .change-open` : '.change-row .change-open')];
  const sameGroup = inGroup && inGroup.at >= 0 ? rows(inGroup.group) : [];
  const target =
    (inGroup ? sameGroup[Math.min(inGroup.at, sameGroup.length - 1)] : undefined) ??
    rows().find((r) => r.dataset.path === path) ??
    document.querySelector<HTMLElement>('textarea[aria-label="Commit message"]');
  target?.focus({ focusVisible: true });
}
