let pending: string | null = null;

/** Asks the Editor tab to put keyboard focus into `path`'s editor when it opens it (Edit, ✎, the palette). */
export function focusEditorWhenOpened(path: string): void {
  pending = path;
}

/** True for the path focusEditorWhenOpened named, until its editor mounted and called editorFocused. */
export function wantsEditorFocus(path: string): boolean {
  return pending === path;
}

/** The editor of `path` has taken the focus it was asked to take. */
export function editorFocused(path: string): void {
  if (pending === path) pending = null;
}
