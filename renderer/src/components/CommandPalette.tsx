import { useEffect, useMemo, useRef, useState } from 'react';
import { matchScore, useCommandList } from '../commands/registry';
import { useModalFocus } from './use-modal-focus';

/** The command palette: type to filter, arrows to choose, Enter to run, Escape to close. */
export function CommandPalette({ onClose }: { readonly onClose: () => void }) {
  const all = useCommandList();
  const [query, setQuery] = useState('');
  const [index, setIndex] = useState(0);
  const input = useRef<HTMLInputElement>(null);
  const dialog = useRef<HTMLDivElement>(null);
  useModalFocus(dialog);
  const shown = useMemo(
    () =>
      all
        .map((c) => ({ c, s: matchScore(c.title, query) }))
        .filter((x): x is { c: (typeof all)[number]; s: number } => x.s !== null)
        .sort((a, b) => a.s - b.s)
        .map((x) => x.c),
    [all, query],
  );
  useEffect(() => input.current?.focus(), []);
  const run = (i: number) => {
    const cmd = shown[i];
    if (!cmd) return;
    onClose();
    cmd.run();
  };
  return (
    <div className="dialog-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div ref={dialog} className="dialog palette" role="dialog" aria-modal="true" aria-label="Command palette">
        <input
          ref={input}
          aria-label="Command"
          role="combobox"
          aria-expanded="true"
          aria-controls="palette-list"
          aria-activedescendant={shown[index] ? `cmd-${shown[index].id}` : undefined}
          placeholder="Type a command…"
          value={query}
          onChange={(e) => {
            setQuery(e.target.value);
            setIndex(0);
          }}
          onKeyDown={(e) => {
            if (e.key === 'Escape') onClose();
            else if (e.key === 'ArrowDown') setIndex((i) => Math.min(i + 1, shown.length - 1));
            else if (e.key === 'ArrowUp') setIndex((i) => Math.max(i - 1, 0));
            else if (e.key === 'Enter') run(index);
            else return;
            e.preventDefault();
          }}
        />
        <ul className="list" id="palette-list" role="listbox" aria-label="Commands">
          {shown.map((c, i) => (
            <li key={c.id} id={`cmd-${c.id}`} role="option" aria-selected={i === index} className={`row${i === index ? ' selected' : ''}`} onMouseEnter={() => setIndex(i)} onClick={() => run(i)}>
              <span className="grow">{c.title}</span>
              {c.keys && <kbd>{c.keys}</kbd>}
            </li>
          ))}
          {shown.length === 0 && <li className="empty">No command matches “{query}”.</li>}
        </ul>
      </div>
    </div>
  );
}
