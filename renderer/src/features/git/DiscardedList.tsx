import { useShallow } from 'zustand/react/shallow';
import { useAppStore } from '../../stores/app-store';

/** Recently discarded changes, each with "Bring back" (the content is kept in the app data folder). */
export function DiscardedList() {
  const { entries, busy, restore } = useAppStore(useShallow((s) => ({ entries: s.discarded, busy: s.gitBusy, restore: s.restoreDiscarded })));
  const open = entries.filter((e) => !e.restored).slice(0, 10);
  if (open.length === 0) return null;
  return (
    <section className="discarded" aria-labelledby="discarded-title">
      <h3 id="discarded-title">Recently discarded</h3>
      <ul className="list" aria-label="Recently discarded">
        {open.map((e) => {
          const what = e.paths.length === 1 ? e.paths[0] : `${e.paths[0]} and ${e.paths.length - 1} more`;
          return (
            <li key={e.id} className="row">
              <span className="grow" title={e.paths.join('\n')}>
                {what}
              </span>
              <time className="muted num" dateTime={e.at}>
                {new Date(e.at).toLocaleTimeString()}
              </time>
              <button className="btn btn-small" disabled={busy} aria-label={`Bring back ${what}`} onClick={() => void restore(e.id)}>
                Bring back
              </button>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
