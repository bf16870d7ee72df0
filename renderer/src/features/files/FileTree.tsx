import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { FileEntry } from '../../../../shared/contract';
import { useAppStore } from '../../stores/app-store';

/** One shown row of the tree: the entry and its depth. */
interface VisibleRow {
  readonly entry: FileEntry;
  readonly depth: number;
}

/** The rows the tree shows, top to bottom: each level's entries with the children of expanded folders below them. */
export function visibleRows(tree: Readonly<Record<string, readonly FileEntry[]>>, expanded: Readonly<Record<string, boolean>>, dir = '', depth = 0): VisibleRow[] {
  const out: VisibleRow[] = [];
  for (const entry of tree[dir] ?? []) {
    out.push({ entry, depth });
    if (entry.kind === 'dir' && expanded[entry.path]) out.push(...visibleRows(tree, expanded, entry.path, depth + 1));
  }
  return out;
}

/** The folder holding a path ('' at the root). */
const parentOf = (path: string): string => (path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '');

/** One level of the lazy tree (children load when a folder is expanded). `active` is the one item in the Tab order. */
function Level({ dir, depth, active, onActivate }: { readonly dir: string; readonly depth: number; readonly active: string | null; readonly onActivate: (e: FileEntry) => void }) {
  const { entries, expanded, viewingPath } = useAppStore(useShallow((s) => ({ entries: s.tree[dir], expanded: s.expanded, viewingPath: s.viewingPath })));
  if (!entries) return depth === 0 ? <div className="empty">Loading files…</div> : null;
  if (entries.length === 0 && depth === 0) return <div className="empty">This folder is empty. Files you add appear here.</div>;
  return (
    <>
      {entries.map((e) => (
        <li
          key={e.path}
          role="treeitem"
          data-path={e.path}
          tabIndex={e.path === active ? 0 : -1}
          aria-label={e.name}
          aria-expanded={e.kind === 'dir' ? !!expanded[e.path] : undefined}
          aria-selected={viewingPath === e.path}
          aria-level={depth + 1}
        >
          <div className={`row${e.ignored ? ' ignored' : ''}`} style={{ ['--depth' as string]: depth }} aria-selected={viewingPath === e.path} onClick={() => onActivate(e)} title={e.path}>
            <span className="twisty" aria-hidden="true">
              {e.kind === 'dir' ? (expanded[e.path] ? '▾' : '▸') : ''}
            </span>
            <span className="grow">{e.name}</span>
            {e.kind === 'symlink' && <span className="badge">link</span>}
          </div>
          {e.kind === 'dir' && expanded[e.path] && (
            <ul className="list" role="group">
              <Level dir={e.path} depth={depth + 1} active={active} onActivate={onActivate} />
            </ul>
          )}
        </li>
      ))}
    </>
  );
}

/**
 * The project's file tree: lazy, .gitignore respected, .git hidden. One item is in the Tab order (roving tabindex);
 * ↑/↓ move, → opens a folder or moves into it, ← closes it or goes to its parent, Home/End, Enter opens.
 */
export function FileTree() {
  const root = useAppStore((s) => s.project?.root);
  const { tree, expanded, viewingPath, loadDir, resetFiles, toggleDir, viewFile } = useAppStore(
    useShallow((s) => ({ tree: s.tree, expanded: s.expanded, viewingPath: s.viewingPath, loadDir: s.loadDir, resetFiles: s.resetFiles, toggleDir: s.toggleDir, viewFile: s.viewFile })),
  );
  const list = useRef<HTMLUListElement | null>(null);
  const [current, setCurrent] = useState<string | null>(null);
  // Set when a key moved the current item: focus follows it once it is rendered.
  const [focusPending, setFocusPending] = useState(false);
  useEffect(() => {
    resetFiles();
    if (root) void loadDir('');
  }, [root, loadDir, resetFiles]);

  const rows = useMemo(() => visibleRows(tree, expanded), [tree, expanded]);
  const shown = (path: string | null) => path !== null && rows.some((r) => r.entry.path === path);
  // The item in the Tab order: the one last moved to, else the file shown, else the first.
  const active = shown(current) ? current : shown(viewingPath) ? viewingPath : (rows[0]?.entry.path ?? null);

  useEffect(() => {
    if (!focusPending || active === null) return;
    const el = list.current?.querySelector<HTMLElement>(`li[data-path="${CSS.escape(active)}"]`);
    if (!el) return;
    el.focus();
    el.scrollIntoView({ block: 'nearest' });
    setFocusPending(false);
  }, [focusPending, active, rows]);

  const moveTo = (path: string | undefined) => {
    if (path === undefined) return;
    setCurrent(path);
    setFocusPending(true);
  };
  const activate = (e: FileEntry) => {
    setCurrent(e.path);
    if (e.kind === 'dir') void toggleDir(e.path);
    else void viewFile(e.path);
  };

  const onKeyDown = (ev: KeyboardEvent<HTMLUListElement>) => {
    const li = (ev.target as HTMLElement).closest<HTMLElement>('li[role="treeitem"]');
    const path = li?.dataset.path;
    if (!li || path === undefined || li !== ev.target) return;
    const at = rows.findIndex((r) => r.entry.path === path);
    const row = rows[at];
    if (!row) return;
    const { entry } = row;
    const open = entry.kind === 'dir' && !!expanded[entry.path];
    let handled = true;
    switch (ev.key) {
      case 'ArrowDown':
        moveTo(rows[at + 1]?.entry.path);
        break;
      case 'ArrowUp':
        moveTo(rows[at - 1]?.entry.path);
        break;
      case 'Home':
        moveTo(rows[0]?.entry.path);
        break;
      case 'End':
        moveTo(rows.at(-1)?.entry.path);
        break;
      case 'ArrowRight':
        if (entry.kind !== 'dir') break;
        if (!open) void toggleDir(entry.path);
        else if (rows[at + 1]?.depth === row.depth + 1) moveTo(rows[at + 1]?.entry.path);
        break;
      case 'ArrowLeft':
        if (open) void toggleDir(entry.path);
        else if (row.depth > 0) moveTo(parentOf(entry.path));
        break;
      case 'Enter':
      case ' ':
        activate(entry);
        break;
      default:
        handled = false;
    }
    if (handled) ev.preventDefault();
  };

  return (
    <ul ref={list} className="list tree scroll" role="tree" aria-label="Files" onKeyDown={onKeyDown}>
      <Level dir="" depth={0} active={active} onActivate={activate} />
    </ul>
  );
}
