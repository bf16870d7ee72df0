import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useAppStore } from '../../stores/app-store';
import { DiffView } from './DiffView';
import './git.css';

// Two lines a row: the message gets the full width, then hash, author and date (a narrow pane cut both before).
const ROW = 44;

function when(timestamp: number): string {
  return new Date(timestamp * 1000).toLocaleString();
}

/** The virtualised History list; pages load as the end scrolls into view. */
function HistoryList() {
  const { history, hasMore, loading, selected, loadHistory, selectCommit, root } = useAppStore(
    useShallow((s) => ({
      history: s.history,
      hasMore: s.historyHasMore,
      loading: s.historyLoading,
      selected: s.selectedCommit?.oid ?? null,
      loadHistory: s.loadHistory,
      selectCommit: s.selectCommit,
      root: s.project?.root ?? null,
    })),
  );
  const scroller = useRef<HTMLDivElement>(null);
  // The virtualizer is not memoizable by the React compiler; this component re-renders on scroll anyway.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtual = useVirtualizer({ count: history.length, getScrollElement: () => scroller.current, estimateSize: () => ROW, overscan: 12 });
  const items = virtual.getVirtualItems();
  const last = items[items.length - 1];

  useEffect(() => {
    if (root) void loadHistory(true);
  }, [root, loadHistory]);

  useEffect(() => {
    if (last && hasMore && !loading && last.index >= history.length - 20) void loadHistory(false);
  }, [last, hasMore, loading, history.length, loadHistory]);

  const index = history.findIndex((c) => c.oid === selected);
  const move = (to: number) => {
    const c = history[Math.max(0, Math.min(history.length - 1, to))];
    if (!c) return;
    void selectCommit(c.oid);
    virtual.scrollToIndex(history.indexOf(c));
  };

  if (!loading && history.length === 0) return <div className="empty">No commits yet.</div>;
  return (
    <div
      ref={scroller}
      className="history-list"
      role="listbox"
      aria-label="History"
      tabIndex={0}
      aria-activedescendant={selected ? `commit-${selected}` : undefined}
      onKeyDown={(e) => {
        if (e.key === 'ArrowDown') move(index + 1);
        else if (e.key === 'ArrowUp') move(index - 1);
        else if (e.key === 'Home') move(0);
        else if (e.key === 'End') move(history.length - 1);
        else return;
        e.preventDefault();
      }}
    >
      <div style={{ height: virtual.getTotalSize(), position: 'relative' }}>
        {items.map((item) => {
          const c = history[item.index];
          return (
            <div
              key={c.oid}
              id={`commit-${c.oid}`}
              role="option"
              aria-selected={c.oid === selected}
              aria-setsize={hasMore ? -1 : history.length}
              aria-posinset={item.index + 1}
              className="history-row"
              style={{ top: item.start, height: ROW }}
              onClick={() => void selectCommit(c.oid)}
            >
              <span className="subject" title={c.subject}>
                {c.subject}
              </span>
              <span className="mono muted">{c.oid.slice(0, 7)}</span>
              <span className="muted author" title={c.author.name}>
                {c.author.name}
              </span>
              <time className="muted num" dateTime={new Date(c.author.timestamp * 1000).toISOString()}>
                {new Date(c.author.timestamp * 1000).toLocaleDateString()}
              </time>
            </div>
          );
        })}
      </div>
      {loading && <div className="empty">Loading…</div>}
    </div>
  );
}

/** Message, author, date, parents and changed files of the selected commit; a file's diff below. */
function CommitView() {
  const { commit, file, selectCommit, selectCommitFile } = useAppStore(
    useShallow((s) => ({ commit: s.selectedCommit, file: s.commitFile, selectCommit: s.selectCommit, selectCommitFile: s.selectCommitFile })),
  );
  if (!commit) return <div className="empty">Select a commit to see its message, author, parents and files.</div>;
  return (
    <>
      <section className="commit-details" aria-label={`Commit ${commit.oid.slice(0, 7)}`}>
        <pre>{commit.message.replace(/\n+$/, '')}</pre>
        <dl>
          <dt>Commit</dt>
          <dd className="mono">{commit.oid}</dd>
          <dt>Author</dt>
          <dd>
            {commit.author.name} &lt;{commit.author.email}&gt;
          </dd>
          <dt>Date</dt>
          <dd>{when(commit.author.timestamp)}</dd>
          <dt>Parents</dt>
          <dd>
            {commit.parents.length === 0
              ? 'none (first commit)'
              : commit.parents.map((p) => (
                  <button key={p} className="btn btn-ghost btn-small mono" onClick={() => void selectCommit(p)} aria-label={`Show parent ${p.slice(0, 7)}`}>
                    {p.slice(0, 7)}
                  </button>
                ))}
          </dd>
        </dl>
        <ul className="list" aria-label="Changed files">
          {commit.files.map((f) => (
            <li key={f.path} className={`row${file?.path === f.path ? ' selected' : ''}`}>
              <button className="change-open grow" onClick={() => void selectCommitFile(f.path)} aria-label={`${f.path}, ${f.kind}`}>
                <span className={`change-letter kind-${f.kind}`} aria-hidden="true">
                  {f.kind[0].toUpperCase()}
                </span>
                <span className="change-name" title={f.path}>{f.path}</span>
              </button>
            </li>
          ))}
        </ul>
      </section>
      {!file && commit.files.length > 0 && <div className="empty">Select a changed file to see its diff.</div>}
      {file && (file.diff ? <DiffView diff={file.diff} sides={[commit.parents[0]?.slice(0, 7) ?? 'nothing', commit.oid.slice(0, 7)]} /> : <div className="empty">Loading {file.path}…</div>)}
    </>
  );
}

/** The History tab: the log on the left, the selected commit on the right. */
export function HistoryTab() {
  // A narrow Builder stacks the log above the commit, so a message and an author read whole (1280×720).
  return (
    <div className="history-tab">
      <div className="split">
        <div className="side history-side">
          <HistoryList />
        </div>
        <div className="main">
          <CommitView />
        </div>
      </div>
    </div>
  );
}
