import { useShallow } from 'zustand/react/shallow';
import { CodeEditor } from '../../editor/CodeEditor';
import { DiffEditor } from '../../editor/DiffEditor';
import { useAppStore } from '../../stores/app-store';
import type { EditorDoc } from '../../stores/editor-slice';
import '../git/git.css';
import { formatSize } from '../../components/format';
import { editorFocused, wantsEditorFocus } from './editor-focus';

function baseName(path: string): string {
  return path.split('/').pop() ?? path;
}

/** The banner shown when the open file changed on disk: Reload, or Keep mine and compare. */
function DiskChangedBanner({ doc }: { readonly doc: EditorDoc }) {
  const { reloadDoc, keepMine, setComparing, saveDoc } = useAppStore(
    useShallow((s) => ({ reloadDoc: s.reloadDoc, keepMine: s.keepMine, setComparing: s.setComparing, saveDoc: s.saveDoc })),
  );
  if (!doc.disk) return null;
  const deleted = doc.disk.kind === 'deleted';
  return (
    <div className="banner warn actions" role="alert">
      <span className="grow">
        ⚠ {doc.path} {deleted ? 'was deleted on disk' : 'changed on disk'} while you had unsaved edits.
        {doc.keepMine ? ' Keeping your version: saving will replace the file on disk.' : ''}
      </span>
      {!doc.keepMine && (
        <>
          <button className="btn btn-small" onClick={() => reloadDoc(doc.path)}>
            {deleted ? 'Close' : 'Reload'}
          </button>
          <button className="btn btn-small" onClick={() => keepMine(doc.path)}>
            Keep mine
          </button>
        </>
      )}
      {!deleted && (
        <button className="btn btn-small" aria-pressed={doc.comparing} onClick={() => setComparing(doc.path, !doc.comparing)}>
          {doc.comparing ? 'Hide compare' : 'Compare'}
        </button>
      )}
      {doc.keepMine && (
        <button className="btn btn-small btn-primary" onClick={() => void saveDoc(doc.path)}>
          Save mine
        </button>
      )}
    </div>
  );
}

/** One open document: the editor, or why it is not editable. */
function DocView({ doc }: { readonly doc: EditorDoc }) {
  const { editText, saveDoc, allowInvalidEdit } = useAppStore(useShallow((s) => ({ editText: s.editText, saveDoc: s.saveDoc, allowInvalidEdit: s.allowInvalidEdit })));
  const loaded = doc.loaded;
  if (!loaded) return <div className="empty">Loading {doc.path}…</div>;
  if (loaded.kind === 'binary') return <div className="empty" role="note">{doc.path} is a binary file; it cannot be edited here.</div>;
  if (loaded.kind === 'tooLarge') {
    return (
      <div className="empty" role="note">
        {doc.path} is too large to edit here ({formatSize(loaded.size)}; the limit is {formatSize(loaded.limit)}).
      </div>
    );
  }
  const readOnly = loaded.invalidUtf8 && !doc.allowInvalid;
  const autoFocus = wantsEditorFocus(doc.path);
  return (
    <div className="editor-body">
      <div className="toolbar">
        <span className="mono grow" title={doc.path}>
          {doc.path}
        </span>
        <span className="badge">{loaded.eol === 'crlf' ? 'CRLF' : loaded.eol === 'mixed' ? 'mixed EOL' : 'LF'}</span>
        {loaded.bom && <span className="badge">BOM</span>}
        {doc.saving && <span className="muted">Saving…</span>}
        <button className="btn btn-small" disabled={!doc.dirty || doc.saving || readOnly} onClick={() => void saveDoc(doc.path)}>
          Save
        </button>
      </div>
      {loaded.invalidUtf8 && (
        <div className="banner warn actions" role="note">
          <span className="grow">
            ⚠ This file is not valid UTF-8; undecodable bytes are shown as �.{' '}
            {readOnly ? 'It is open read-only so nothing is re-encoded.' : 'Lines you do not edit keep their exact bytes when saved.'}
          </span>
          {readOnly && (
            <button className="btn btn-small" onClick={() => allowInvalidEdit(doc.path)}>
              Edit anyway
            </button>
          )}
        </div>
      )}
      {doc.reloaded && !doc.disk && (
        <div className="banner" role="status">
          {doc.path} changed on disk and was reloaded (you had no unsaved edits).
        </div>
      )}
      <DiskChangedBanner doc={doc} />
      {doc.comparing && doc.disk?.kind === 'text' ? (
        <DiffEditor original={doc.disk.content} modified={doc.text} path={doc.path} ariaLabel={`Compare ${doc.path}: on disk and yours`} />
      ) : (
        <CodeEditor
          key={doc.path}
          value={doc.text}
          path={doc.path}
          readOnly={readOnly}
          autoFocus={autoFocus}
          onFocus={() => editorFocused(doc.path)}
          ariaLabel={`Edit ${doc.path}`}
          onChange={(text) => editText(doc.path, text)}
          onSave={() => void saveDoc(doc.path)}
        />
      )}
    </div>
  );
}

/** The Editor tab: open files as tabs with a dirty marker; Ctrl/Cmd+S saves. */
export function EditorTab() {
  const { docs, active, setActive, close } = useAppStore(useShallow((s) => ({ docs: s.docs, active: s.activeDoc, setActive: s.setActiveDoc, close: s.closeEditor })));
  const doc = docs.find((d) => d.path === active) ?? null;
  if (docs.length === 0) return <div className="empty">No files open. Open one with ✎ in the Changes list.</div>;
  return (
    <div className="editor-body">
      <div className="editor-tabs" role="tablist" aria-label="Open files">
        {docs.map((d) => (
          <div key={d.path} className="editor-tab" data-active={d.path === active}>
            <button
              role="tab"
              aria-selected={d.path === active}
              title={d.path}
              aria-label={`${d.path}${d.dirty ? ' (unsaved)' : ''}`}
              onClick={() => setActive(d.path)}
            >
              {d.dirty ? '● ' : ''}
              {baseName(d.path)}
            </button>
            <button
              className="btn btn-ghost btn-small"
              aria-label={`Close ${d.path}`}
              onClick={() => {
                if (!d.dirty || window.confirm(`Close ${d.path} without saving your edits?`)) close(d.path);
              }}
            >
              ×
            </button>
          </div>
        ))}
      </div>
      {doc && <DocView key={doc.path} doc={doc} />}
    </div>
  );
}
