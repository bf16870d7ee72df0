import { useShallow } from 'zustand/react/shallow';
import type { ChangeKind } from '../../../../shared/contract';
import { useAppStore } from '../../stores/app-store';
import type { ChangeSelection } from '../../stores/git-slice';
import { useUiPrefs } from '../../stores/ui-prefs';
import { splitPath } from '../../components/format';
import { afterRender, focusChangeRow } from './focus';
import { focusEditorWhenOpened } from '../files/editor-focus';

const LETTER: Record<ChangeKind | 'untracked', { readonly letter: string; readonly word: string }> = {
  modified: { letter: 'M', word: 'modified' },
  added: { letter: 'A', word: 'added' },
  deleted: { letter: 'D', word: 'deleted' },
  typechange: { letter: 'T', word: 'type changed' },
  conflicted: { letter: '!', word: 'conflicted' },
  untracked: { letter: 'U', word: 'untracked' },
};

interface RowProps {
  readonly path: string;
  readonly kind: ChangeKind | 'untracked';
  readonly group: ChangeSelection['group'];
}

function ChangeRow({ path, kind, group }: RowProps) {
  const { selected, busy, selectChange, stage, unstage, discard, openEditor } = useAppStore(
    useShallow((s) => ({
      selected: s.changeSelection?.path === path && s.changeSelection.group === group,
      busy: s.gitBusy,
      selectChange: s.selectChange,
      stage: s.stage,
      unstage: s.unstage,
      discard: s.discard,
      openEditor: s.openEditor,
    })),
  );
  const setTab = useUiPrefs((s) => s.setBuilderTab);
  const { name, folder } = splitPath(path);
  const { letter, word } = LETTER[kind];
  // The row moves to another group or goes away: focus follows it, or the row that took its place.
  const keepFocus = async (done: Promise<unknown>) => {
    const rows = [...document.querySelectorAll<HTMLElement>(`ul[aria-labelledby="changes-group-${group}"] .change-open`)];
    const at = rows.findIndex((b) => b.dataset.path === path);
    await done;
    afterRender(() => focusChangeRow(path, { group, at }));
  };
  const confirmDiscard = () => {
    const what = kind === 'untracked' ? `Delete the untracked ${path}?` : `Discard your changes to ${path}?`;
    if (window.confirm(`${what}\nYou can bring it back from "Recently discarded".`)) void keepFocus(discard([path]));
  };
  return (
    <li className={`row change-row${selected ? ' selected' : ''}`} aria-selected={selected}>
      <button className="change-open grow" data-path={path} onClick={() => void selectChange({ path, group })} aria-label={`${path}, ${word}`} aria-current={selected || undefined} title={path}>
        <span className={`change-letter kind-${kind}`} aria-hidden="true">
          {letter}
        </span>
        <span className="change-name">{path.endsWith('/') ? `${name}/` : name}</span>
        {folder && <span className="muted change-dir">{folder}</span>}
      </button>
      {group !== 'staged' && kind !== 'deleted' && !path.endsWith('/') && (
        <button
          className="btn btn-ghost btn-small"
          aria-label={`Edit ${path}`}
          title="Open in the editor"
          onClick={() => {
            focusEditorWhenOpened(path);
            void openEditor(path);
            setTab('editor');
          }}
        >
          ✎
        </button>
      )}
      {group !== 'staged' && (
        <button className="btn btn-ghost btn-small" aria-label={`Discard ${path}`} title="Discard changes" disabled={busy} onClick={confirmDiscard}>
          ↺
        </button>
      )}
      {group === 'staged' ? (
        <button className="btn btn-ghost btn-small" aria-label={`Unstage ${path}`} title="Unstage" disabled={busy} onClick={() => void keepFocus(unstage([path]))}>
          −
        </button>
      ) : (
        <button className="btn btn-ghost btn-small" aria-label={`Stage ${path}`} title="Stage" disabled={busy} onClick={() => void keepFocus(stage([path]))}>
          +
        </button>
      )}
    </li>
  );
}

interface GroupProps {
  readonly title: string;
  readonly group: ChangeSelection['group'];
  readonly items: readonly { readonly path: string; readonly kind: ChangeKind | 'untracked' }[];
}

function ChangeGroup({ title, group, items }: GroupProps) {
  const { busy, stage, unstage } = useAppStore(useShallow((s) => ({ busy: s.gitBusy, stage: s.stage, unstage: s.unstage })));
  if (items.length === 0) return null;
  return (
    <div role="listitem" className="change-group">
      <div className="group-title">
        <h3 id={`changes-group-${group}`}>{title}</h3>
        <span className="badge num">{items.length}</span>
        <span className="spacer" />
        {group === 'staged' ? (
          <button className="btn btn-small" disabled={busy} onClick={() => void unstage('all')}>
            Unstage all
          </button>
        ) : (
          <button className="btn btn-small" disabled={busy} onClick={() => void stage(items.map((i) => i.path))} aria-label={`Stage all ${title.toLowerCase()}`}>
            Stage all
          </button>
        )}
      </div>
      <ul className="list" aria-labelledby={`changes-group-${group}`}>
        {items.map((i) => (
          <ChangeRow key={i.path} path={i.path} kind={i.kind} group={group} />
        ))}
      </ul>
    </div>
  );
}

/** The Changes list: staged, unstaged and untracked groups, kept current by repository events. */
export function ChangesList() {
  const { status, error } = useAppStore(useShallow((s) => ({ status: s.gitStatus, error: s.gitError })));
  if (error) return <div className="empty" role="note">{error}</div>;
  if (!status) return <div className="empty">Reading the repository…</div>;
  const total = status.staged.length + status.unstaged.length + status.untracked.length;
  return (
    <div role="list" aria-label="Changes" className="changes-list scroll">
      {total === 0 && (
        <div role="listitem" className="empty">
          No changes. The working tree matches {status.unborn ? 'an empty branch' : 'the last commit'}.
        </div>
      )}
      <ChangeGroup title="Staged" group="staged" items={status.staged} />
      <ChangeGroup title="Unstaged" group="unstaged" items={status.unstaged} />
      <ChangeGroup title="Untracked" group="untracked" items={status.untracked.map((path) => ({ path, kind: 'untracked' as const }))} />
    </div>
  );
}
