import { lazy, Suspense } from 'react';
import type { CodeEditorProps } from './MonacoCodeEditor';

export type { CodeEditorHandle, CodeEditorProps } from './MonacoCodeEditor';

// Monaco is most of the renderer's code; loading it on first use lets the three panes show without
// downloading and parsing it first (quality.md: start → panes with status ≤ 2 s).
const Monaco = lazy(() => import('./MonacoCodeEditor').then((m) => ({ default: m.MonacoCodeEditor })));

/** A Monaco editor for one text (loaded on first use); the value prop replaces the content only when it differs. */
export function CodeEditor(props: CodeEditorProps) {
  return (
    <Suspense fallback={<div className="code-editor editor-loading" aria-busy="true">Loading the editor…</div>}>
      <Monaco {...props} />
    </Suspense>
  );
}
