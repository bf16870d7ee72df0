import { useCallback, useEffect, useRef, useState } from 'react';
import { useApi } from '../api/api-context';
import { useAppStore } from '../stores/app-store';
import { messageOf } from '../stores/app-slice';
import { useModalFocus } from './use-modal-focus';

interface Listing {
  readonly dir: string;
  readonly parent: string | null;
  readonly roots: readonly string[];
  readonly entries: readonly { name: string; path: string }[];
}

/** The in-app folder picker for hosts without a native dialog; it browses only the host's allowed roots. */
export function FolderBrowser() {
  const api = useApi();
  const setBrowsing = useAppStore((s) => s.setBrowsing);
  const openFolder = useAppStore((s) => s.openFolder);
  const [listing, setListing] = useState<Listing | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [typed, setTyped] = useState('');
  const dialog = useRef<HTMLDivElement>(null);
  useModalFocus(dialog);

  const browse = useCallback(
    async (dir?: string) => {
      try {
        const result = await api.request('fs.browse', dir ? { dir } : {});
        setListing(result);
        setTyped(result.dir);
        setError(null);
      } catch (e) {
        setError(messageOf(e));
      }
    },
    [api],
  );

  useEffect(() => {
    void browse();
  }, [browse]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && setBrowsing(false);
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [setBrowsing]);

  return (
    <div className="dialog-backdrop" onMouseDown={(e) => e.target === e.currentTarget && setBrowsing(false)}>
      <div ref={dialog} className="dialog" role="dialog" aria-modal="true" aria-label="Open folder">
        <header>
          <h2>Open folder</h2>
          <span className="spacer" />
          {listing?.roots.map((r) => (
            <button key={r} className="btn btn-small" onClick={() => void browse(r)} title={r}>
              {r.split('/').filter(Boolean).pop() ?? r}
            </button>
          ))}
        </header>
        <div className="body">
          <form
            className="toolbar"
            onSubmit={(e) => {
              e.preventDefault();
              void browse(typed);
            }}
          >
            <input aria-label="Folder path" autoFocus style={{ flex: 1 }} value={typed} onChange={(e) => setTyped(e.target.value)} />
            <button className="btn btn-small" type="submit">
              Go
            </button>
          </form>
          {error && <p className="danger">{error}</p>}
          <ul className="list" aria-label="Folders">
            {listing?.parent && (
              <li className="row" role="button" tabIndex={0} onClick={() => void browse(listing.parent ?? undefined)} onKeyDown={(e) => e.key === 'Enter' && void browse(listing.parent ?? undefined)}>
                ↑ ..
              </li>
            )}
            {listing?.entries.map((entry) => (
              <li key={entry.path} className="row" role="button" tabIndex={0} onClick={() => void browse(entry.path)} onKeyDown={(e) => e.key === 'Enter' && void browse(entry.path)}>
                <span className="muted" aria-hidden="true">▸</span> {entry.name}
              </li>
            ))}
            {listing && listing.entries.length === 0 && <li className="empty">No folders here.</li>}
          </ul>
        </div>
        <footer>
          <span className="muted grow mono" style={{ flex: 1, overflow: 'hidden', textOverflow: 'ellipsis' }}>
            {listing?.dir}
          </span>
          <button className="btn" onClick={() => setBrowsing(false)}>
            Cancel
          </button>
          <button className="btn btn-primary" disabled={!listing} onClick={() => listing && void openFolder(listing.dir)}>
            Open this folder
          </button>
        </footer>
      </div>
    </div>
  );
}
