/** The Monaco code editor itself; loaded on first use through CodeEditor.tsx, never imported directly by features. */
import { useEffect, useRef, type RefObject } from 'react';
import { currentTheme, monaco } from './monaco-setup';
import { languageForPath } from './language';

/** Reads and changes an uncontrolled editor's text without re-rendering it from React state. */
export interface CodeEditorHandle {
  /** The editor's current text (the model owns it while the user types). */
  getValue(): string;
  /** Replaces the text as one undoable edit of only the changed middle, so the caret stays where it was. */
  replace(text: string): void;
  focus(): void;
}

/** Props of the code editor. */
export interface CodeEditorProps {
  /** The text; with `uncontrolled`, only the initial text (later changes go through `handleRef`). */
  readonly value: string;
  /**
   * The editor's model owns the text: later `value` props are ignored, so a re-render from state that lags
   * behind fast typing can never replace what was typed. Use `handleRef` to read it and apply outside changes.
   */
  readonly uncontrolled?: boolean;
  readonly handleRef?: RefObject<CodeEditorHandle | null>;
  /** Takes keyboard focus once created. */
  readonly autoFocus?: boolean;
  readonly onFocus?: () => void;
  readonly language?: string;
  readonly path?: string;
  readonly readOnly?: boolean;
  readonly onChange?: (value: string) => void;
  readonly onSave?: (value: string) => void;
  /** Accessible name of the editor. */
  readonly ariaLabel?: string;
}

/** A Monaco editor for one text; the value prop replaces the content only when it differs. */
export function MonacoCodeEditor({ value, uncontrolled = false, handleRef, autoFocus = false, onFocus, language, path, readOnly = false, onChange, onSave, ariaLabel }: CodeEditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const editorRef = useRef<monaco.editor.IStandaloneCodeEditor | null>(null);
  const handlers = useRef({ onChange, onSave, onFocus });
  useEffect(() => {
    handlers.current = { onChange, onSave, onFocus };
  });

  useEffect(() => {
    if (!host.current) return;
    const lang = language ?? (path ? languageForPath(path) : 'plaintext');
    const prose = lang === 'markdown' || lang === 'plaintext';
    const editor = monaco.editor.create(host.current, {
      value,
      language: lang,
      // Prose is written in long lines; wrapping keeps it readable in a narrow pane.
      wordWrap: prose ? 'on' : 'off',
      // In prose a word suggestion popping up while typing would take the next Enter, losing the line break.
      ...(prose ? { quickSuggestions: false, wordBasedSuggestions: 'off' as const, suggestOnTriggerCharacters: false } : {}),
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
    if (handleRef) {
      handleRef.current = {
        getValue: () => editor.getValue(),
        replace: (text) => replaceMiddle(editor, text),
        focus: () => editor.focus(),
      };
    }
    const focusSub = editor.onDidFocusEditorText(() => handlers.current.onFocus?.());
    if (autoFocus) editor.focus();
    const sub = editor.onDidChangeModelContent(() => handlers.current.onChange?.(editor.getValue()));
    editor.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.KeyS, () => handlers.current.onSave?.(editor.getValue()));
    return () => {
      sub.dispose();
      focusSub.dispose();
      if (handleRef) handleRef.current = null;
      editor.getModel()?.dispose();
      editor.dispose();
      editorRef.current = null;
    };
    // The editor is created once per mount; later prop changes are applied below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => {
    const editor = editorRef.current;
    if (uncontrolled) return;
    if (editor && editor.getValue() !== value) editor.setValue(value);
  }, [value, uncontrolled]);

  useEffect(() => {
    editorRef.current?.updateOptions({ readOnly });
  }, [readOnly]);

  useEffect(() => {
    const model = editorRef.current?.getModel();
    if (model) monaco.editor.setModelLanguage(model, language ?? (path ? languageForPath(path) : 'plaintext'));
  }, [language, path]);

  return <div className="code-editor" ref={host} data-testid="code-editor" />;
}

/** Replaces only the part of the text between the common prefix and suffix, as one undo step. */
function replaceMiddle(editor: monaco.editor.IStandaloneCodeEditor, text: string): void {
  const model = editor.getModel();
  if (!model) return;
  const old = model.getValue();
  if (old === text) return;
  let start = 0;
  const max = Math.min(old.length, text.length);
  while (start < max && old.charCodeAt(start) === text.charCodeAt(start)) start++;
  let end = 0;
  while (end < max - start && old.charCodeAt(old.length - 1 - end) === text.charCodeAt(text.length - 1 - end)) end++;
  const range = monaco.Range.fromPositions(model.getPositionAt(start), model.getPositionAt(old.length - end));
  model.pushStackElement();
  model.pushEditOperations(editor.getSelections(), [{ range, text: text.slice(start, text.length - end) }], () => null);
  model.pushStackElement();
}
