import { useShallow } from 'zustand/react/shallow';
import { CodeEditor } from '../../editor/CodeEditor';
import { focusEditorWhenOpened } from './editor-focus';
import { useAppStore } from '../../stores/app-store';
import { useUiPrefs } from '../../stores/ui-prefs';
import { FileTree } from './FileTree';
import { formatSize } from '../../components/format';

/** The file shown beside the tree: text in Monaco (read-only), or why it is not shown. */
function FileView() {
  const { viewing, viewingPath, openEditor } = useAppStore(useShallow((s) => ({ viewing: s.viewing, viewingPath: s.viewingPath, openEditor: s.openEditor })));
  const setTab = useUiPrefs((s) => s.setBuilderTab);
  if (!viewingPath) return <div className="empty">Select a file to view it. Files open read-only here; press Edit to change one in the Editor tab.</div>;
  if (!viewing || viewing.path !== viewingPath) return <div className="empty">Loading {viewingPath}…</div>;
  switch (viewing.kind) {
    case 'binary':
      return <div className="empty" role="note">{viewing.path} is a binary file ({formatSize(viewing.size)}); it is not shown.</div>;
    case 'tooLarge':
      return (
        <div className="empty" role="note">
          {viewing.path} is too large to show ({formatSize(viewing.size)}; the limit is {formatSize(viewing.limit)}). Open it in your own editor.
        </div>
      );
    case 'text':
      return (
        <div className="file-view">
          <div className="toolbar">
            <span className="mono grow" title={viewing.path}>
              {viewing.path}
            </span>
            <span className="badge">{viewing.eol === 'crlf' ? 'CRLF' : viewing.eol === 'mixed' ? 'mixed EOL' : 'LF'}</span>
            {viewing.bom && <span className="badge">BOM</span>}
            <span className="badge">read-only</span>
            <button
              className="btn btn-small"
              onClick={() => {
                focusEditorWhenOpened(viewing.path);
                void openEditor(viewing.path);
                setTab('editor');
              }}
            >
              Edit
            </button>
          </div>
          {viewing.invalidUtf8 && <div className="banner warn">⚠ This file is not valid UTF-8; undecodable bytes are shown as �.</div>}
          <CodeEditor value={viewing.content} path={viewing.path} readOnly ariaLabel={`File ${viewing.path}`} />
        </div>
      );
  }
}

/** The Files tab: tree on the left, viewer on the right. */
export function FilesTab() {
  return (
    <div className="split">
      <div className="side">
        <FileTree />
      </div>
      <div className="main">
        <FileView />
      </div>
    </div>
  );
}
