/** The Monaco code editor itself; loaded on first use through CodeEditor.tsx, never imported directly by features. */
import { useEffect, useRef } from 'react';
import { currentTheme, monaco } from './monaco-setup';
import { languageForPath } from './language';

/** Props of the code editor. */
export interface CodeEditorProps {
  readonly value: string;
  readonly language?: string;
  readonly path?: string;
  readonly readOnly?: boolean;
  readonly onChange?: (value: string) => void;
  readonly onSave?: (value: string) => void;
  /** Accessible name of the editor. */
  readonly ariaLabel?: string;
}

/** A Monaco editor for one text; the value prop replaces the content only when it differs. */
export function MonacoCodeEditor({ value, language, path, readOnly = false, onChange, onSave, ariaLabel }: CodeEditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const editorRef = useRef<monaco.editor.IStandaloneCodeEditor | null>(null);
  const handlers = useRef({ onChange, onSave });
  useEffect(() => {
    handlers.current = { onChange, onSave };
  });

  useEffect(() => {
    if (!host.current) return;
    const lang = language ?? (path ? languageForPath(path) : 'plaintext');
    const editor = monaco.editor.create(host.current, {
      value,
      language: lang,
      // Prose is written in long lines; wrapping keeps it readable in a narrow pane.
      wordWrap: lang === 'markdown' || lang === 'plaintext' ? 'on' : 'off',
      readOnly,
      theme: currentTheme(),
      automaticLayout: true,
      minimap: { enabled: false },
      fontSize: 13,
      scrollBeyondLastLine: false,
      renderWhitespace: 'selection',
      ariaLabel: ariaLabel ?? (path ? `Editor: ${path}` : 'Editor'),
    });
    editorRef.current = editor;
    const sub = editor.onDidChangeModelContent(() => handlers.current.onChange?.(editor.getValue()));
    editor.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.KeyS, () => handlers.current.onSave?.(editor.getValue()));
    return () => {
      sub.dispose();
      editor.getModel()?.dispose();
      editor.dispose();
      editorRef.current = null;
    };
    // The editor is created once per mount; later prop changes are applied below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => {
    const editor = editorRef.current;
    if (editor && editor.getValue() !== value) editor.setValue(value);
  }, [value]);

  useEffect(() => {
    editorRef.current?.updateOptions({ readOnly });
  }, [readOnly]);

  useEffect(() => {
    const model = editorRef.current?.getModel();
    if (model) monaco.editor.setModelLanguage(model, language ?? (path ? languageForPath(path) : 'plaintext'));
  }, [language, path]);

  return <div className="code-editor" ref={host} data-testid="code-editor" />;
}
