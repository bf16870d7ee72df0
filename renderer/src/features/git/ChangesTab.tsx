import { useShallow } from 'zustand/react/shallow';
import { useAppStore } from '../../stores/app-store';
import { ChangesList } from './ChangesList';
import { CommitBox } from './CommitBox';
import { DiffView } from './DiffView';
import { DiscardedList } from './DiscardedList';
import './git.css';

/** The diff of the selected change, with per-hunk stage/unstage. */
function ChangeDiff() {
  const { sel, diff, busy, stageHunk, unstageHunk } = useAppStore(
    useShallow((s) => ({ sel: s.changeSelection, diff: s.changeDiff, busy: s.gitBusy, stageHunk: s.stageHunk, unstageHunk: s.unstageHunk })),
  );
  if (!sel) return <div className="empty">Select a change to see its diff. Stage whole files from the list, or single hunks here.</div>;
  if (sel.path.endsWith('/')) {
    return <div className="empty">{sel.path} is an untracked folder. Stage it to add every file in it (ignored files stay out), or discard it.</div>;
  }
  if (!diff || diff.path !== sel.path) return <div className="empty">Loading the diff of {sel.path}…</div>;
  const staged = sel.group === 'staged';
  return (
    <DiffView
      diff={diff}
      sides={staged ? ['HEAD', 'Index'] : ['Index', 'Working tree']}
      hunkAction={
        sel.group === 'untracked'
          ? undefined
          : staged
            ? { label: 'Unstage hunk', run: (i, h) => unstageHunk(i, h), disabled: busy }
            : { label: 'Stage hunk', run: (i, h) => stageHunk(i, h), disabled: busy }
      }
    />
  );
}

/** The Changes tab: the list and commit box on the left, the diff on the right. */
export function ChangesTab() {
  return (
    <div className="split">
      <div className="side changes-side">
        <ChangesList />
        <DiscardedList />
        <CommitBox />
      </div>
      <div className="main">
        <ChangeDiff />
      </div>
    </div>
  );
}
