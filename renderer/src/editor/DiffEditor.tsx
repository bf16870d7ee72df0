import { lazy, Suspense } from 'react';
import type { DiffEditorProps } from './MonacoDiffEditor';

export type { DiffEditorProps } from './MonacoDiffEditor';

// Loaded on first use, like CodeEditor: the panes show without Monaco.
const Monaco = lazy(() => import('./MonacoDiffEditor').then((m) => ({ default: m.MonacoDiffEditor })));

/** A side-by-side Monaco diff of two texts (loaded on first use). */
export function DiffEditor(props: DiffEditorProps) {
  return (
    <Suspense fallback={<div className="code-editor editor-loading" aria-busy="true">Loading the diff…</div>}>
      <Monaco {...props} />
    </Suspense>
  );
}
