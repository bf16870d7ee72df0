import { useShallow } from 'zustand/react/shallow';
import { useAppStore } from '../../stores/app-store';

/** The first screen: what the three panes are for, open a folder, recent projects, the example. */
export function WelcomeScreen() {
  const { recent, opening, pickAndOpenFolder, openFolder, openExample, removeRecent, version } = useAppStore(
    useShallow((s) => ({
      recent: s.recent,
      opening: s.opening,
      pickAndOpenFolder: s.pickAndOpenFolder,
      openFolder: s.openFolder,
      openExample: s.openExample,
      removeRecent: s.removeRecent,
      version: s.version,
    })),
  );
  const mod = navigator.platform.toLowerCase().includes('mac') ? '⌘' : 'Ctrl';
  return (
    <main className="welcome" aria-label="Welcome">
      <h1>Plumbline</h1>
      <p className="lede">Write the plan, let agents build small tasks, and accept nothing as done until it is checked against reality.</p>
      <div className="roles">
        <div>
          <h2>Orchestrator</h2>
          <p>The what: the spec, the decision log and the task list.</p>
        </div>
        <div>
          <h2>Builder</h2>
          <p>The ship: files, editor, diffs, git and the running agent.</p>
        </div>
        <div>
          <h2>Calibrator</h2>
          <p>The truth: every claim checked against the disk, git and real command runs.</p>
        </div>
      </div>
      <div className="actions">
        <button className="btn btn-primary" onClick={() => void pickAndOpenFolder()} disabled={opening} aria-keyshortcuts="Control+O">
          Open folder… <kbd>{mod}+O</kbd>
        </button>
        <button className="btn" onClick={() => void openExample()} disabled={opening}>
          Open the example
        </button>
        {opening && <span className="muted">Opening…</span>}
      </div>
      <section aria-labelledby="recent-title">
        <h3 id="recent-title">Open recent</h3>
        {recent.length === 0 ? (
          <p className="empty" style={{ padding: '4px 0' }}>
            No recent projects yet. Folders you open appear here.
          </p>
        ) : (
          <ul className="list" aria-label="Recent projects">
            {recent.map((p) => (
              <li key={p.root} className="row">
                <button className="btn btn-ghost grow" style={{ justifyContent: 'flex-start' }} disabled={!p.exists || opening} onClick={() => void openFolder(p.root)} title={p.root}>
                  <strong>{p.name}</strong>
                  <span className="muted mono">{p.root}</span>
                  {!p.exists && <span className="badge warn">⚠ folder missing</span>}
                </button>
                <button className="btn btn-small btn-ghost" aria-label={`Remove ${p.name} from recent projects`} onClick={() => void removeRecent(p.root)}>
                  Remove
                </button>
              </li>
            ))}
          </ul>
        )}
      </section>
      {version && <p className="muted" style={{ marginTop: 32 }}>Plumbline {version}</p>}
    </main>
  );
}
