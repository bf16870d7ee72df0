/** The Monaco diff editor itself; loaded on first use through DiffEditor.tsx, never imported directly by features. */
import { useEffect, useRef } from 'react';
import { currentTheme, monaco } from './monaco-setup';
import { languageForPath } from './language';

/** Props of the diff editor. */
export interface DiffEditorProps {
  readonly original: string;
  readonly modified: string;
  readonly language?: string;
  readonly path?: string;
  readonly readOnly?: boolean;
  readonly ariaLabel?: string;
  /** Called with the editor so callers can add actions (for example per-hunk staging). */
  readonly onMount?: (editor: monaco.editor.IStandaloneDiffEditor) => void;
}

/** A side-by-side Monaco diff of two texts. */
export function MonacoDiffEditor({ original, modified, language, path, readOnly = true, ariaLabel, onMount }: DiffEditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const editorRef = useRef<monaco.editor.IStandaloneDiffEditor | null>(null);

  useEffect(() => {
    if (!host.current) return;
    const editor = monaco.editor.createDiffEditor(host.current, {
      readOnly,
      originalEditable: false,
      theme: currentTheme(),
      automaticLayout: true,
      minimap: { enabled: false },
      fontSize: 13,
      renderSideBySide: true,
      ariaLabel: ariaLabel ?? (path ? `Diff: ${path}` : 'Diff'),
    });
    editorRef.current = editor;
    onMount?.(editor);
    return () => {
      const model = editor.getModel();
      editor.dispose();
      model?.original.dispose();
      model?.modified.dispose();
      editorRef.current = null;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => {
    const editor = editorRef.current;
    if (!editor) return;
    const lang = language ?? (path ? languageForPath(path) : 'plaintext');
    const previous = editor.getModel();
    editor.setModel({ original: monaco.editor.createModel(original, lang), modified: monaco.editor.createModel(modified, lang) });
    previous?.original.dispose();
    previous?.modified.dispose();
  }, [original, modified, language, path]);

  useEffect(() => {
    editorRef.current?.updateOptions({ readOnly });
  }, [readOnly]);

  return <div className="code-editor" ref={host} data-testid="diff-editor" />;
}
