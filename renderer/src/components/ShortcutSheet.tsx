import { useRef } from 'react';
import { useModalFocus } from './use-modal-focus';

/** Every keyboard shortcut, grouped; opened with `?` (outside text fields) or from the palette. */
export function shortcutGroups(mod: string): ReadonlyArray<readonly [string, ReadonlyArray<readonly [string, string]>]> {
  return [
    [
      'Anywhere',
      [
        [`${mod}+Shift+P`, 'Command palette: every command, by name'],
        ['?', 'This list of shortcuts (outside text fields)'],
        [`${mod}+O`, 'Open a folder'],
        [`${mod}+1 / 2 / 3`, 'Focus the active tab of the Orchestrator, Builder or Calibrator'],
        ['← / →', 'Next or previous tab (on a tab)'],
        ['Escape', 'Close a dialog or cancel a form'],
      ],
    ],
    [
      'Editing',
      [
        [`${mod}+S`, 'Save the file (Editor) or the spec (Spec ▸ Markdown)'],
        [`${mod}+Enter`, 'Commit (in the commit message) · run the chosen task (Agent tab) · save Purpose or the API contract table'],
        ['Alt+↑ / ↓', 'Move the focused spec item up or down'],
        ['Alt+← / →', 'Move the focused task card to the previous or next column'],
        ['Space', 'Tick the focused task for “Run selected” (Shift+Space or Shift-click: every ready task since the last one)'],
      ],
    ],
    [
      'File tree',
      [
        ['↑ / ↓', 'Previous or next item'],
        ['→ / ←', 'Open a folder or move into it · close it or go to its parent'],
        ['Home / End', 'First or last item'],
        ['Enter', 'Open the file, or open or close the folder'],
      ],
    ],
  ];
}

/** The shortcut sheet dialog. */
export function ShortcutSheet({ mod, onClose }: { readonly mod: string; readonly onClose: () => void }) {
  const dialog = useRef<HTMLDivElement>(null);
  useModalFocus(dialog);
  return (
    <div className="dialog-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div
        ref={dialog}
        className="dialog shortcut-sheet"
        role="dialog"
        aria-modal="true"
        aria-label="Keyboard shortcuts"
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            e.preventDefault();
            onClose();
          }
        }}
      >
        <header>
          <h2>Keyboard shortcuts</h2>
        </header>
        <div className="body">
        {shortcutGroups(mod).map(([title, rows]) => (
          <section key={title} aria-label={title}>
            <h3>{title}</h3>
            <table className="shortcut-table">
              <tbody>
                {rows.map(([keys, what]) => (
                  <tr key={keys}>
                    <th scope="row">
                      <kbd>{keys}</kbd>
                    </th>
                    <td>{what}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        ))}
        <p className="muted small">Every command, with its shortcut, is also in the command palette.</p>
        </div>
        <footer>
          <button type="button" className="btn btn-primary" onClick={onClose}>
            Close
          </button>
        </footer>
      </div>
    </div>
  );
}
