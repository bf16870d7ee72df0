import { useEffect } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { FileEntry } from '../../../../shared/contract';
import { useAppStore } from '../../stores/app-store';

/** One level of the lazy tree (children load when a folder is expanded). */
function Level({ dir, depth }: { readonly dir: string; readonly depth: number }) {
  const { entries, expanded, toggleDir, viewFile, viewingPath } = useAppStore(
    useShallow((s) => ({ entries: s.tree[dir], expanded: s.expanded, toggleDir: s.toggleDir, viewFile: s.viewFile, viewingPath: s.viewingPath })),
  );
  if (!entries) return depth === 0 ? <div className="empty">Loading files…</div> : null;
  if (entries.length === 0 && depth === 0) return <div className="empty">This folder is empty. Files you add appear here.</div>;
  const activate = (e: FileEntry) => (e.kind === 'dir' ? void toggleDir(e.path) : void viewFile(e.path));
  return (
    <>
      {entries.map((e) => (
        <li key={e.path} role="treeitem" aria-expanded={e.kind === 'dir' ? !!expanded[e.path] : undefined} aria-selected={viewingPath === e.path} aria-level={depth + 1}>
          <div
            className={`row${e.ignored ? ' ignored' : ''}`}
            style={{ ['--depth' as string]: depth }}
            tabIndex={0}
            aria-selected={viewingPath === e.path}
            onClick={() => activate(e)}
            onKeyDown={(ev) => {
              if (ev.key === 'Enter' || ev.key === ' ') {
                ev.preventDefault();
                activate(e);
              }
            }}
            title={e.path}
          >
            <span className="twisty" aria-hidden="true">
              {e.kind === 'dir' ? (expanded[e.path] ? '▾' : '▸') : ''}
            </span>
            <span className="grow">{e.name}</span>
            {e.kind === 'symlink' && <span className="badge">link</span>}
          </div>
          {e.kind === 'dir' && expanded[e.path] && (
            <ul className="list" role="group">
              <Level dir={e.path} depth={depth + 1} />
            </ul>
          )}
        </li>
      ))}
    </>
  );
}

/** The project's file tree: lazy, .gitignore respected, .git hidden. */
export function FileTree() {
  const root = useAppStore((s) => s.project?.root);
  const loadDir = useAppStore((s) => s.loadDir);
  const resetFiles = useAppStore((s) => s.resetFiles);
  useEffect(() => {
    resetFiles();
    if (root) void loadDir('');
  }, [root, loadDir, resetFiles]);
  return (
    <ul className="list tree scroll" role="tree" aria-label="Files">
      <Level dir="" depth={0} />
    </ul>
  );
}
