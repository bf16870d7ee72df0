import * as monaco from 'monaco-editor';
import CssWorker from 'monaco-editor/language/css/css.worker?worker';
import HtmlWorker from 'monaco-editor/language/html/html.worker?worker';
import JsonWorker from 'monaco-editor/language/json/json.worker?worker';
import TsWorker from 'monaco-editor/language/typescript/ts.worker?worker';
import EditorWorker from 'monaco-editor/editor/editor.worker?worker';

/**
 * Monaco is bundled with the app (no CDN) and its workers are built by Vite as same-origin
 * files, which the Content Security Policy allows (`worker-src 'self' blob:`).
 */
self.MonacoEnvironment = {
  getWorker(_workerId: string, label: string) {
    if (label === 'json') return new JsonWorker();
    if (label === 'css' || label === 'scss' || label === 'less') return new CssWorker();
    if (label === 'html' || label === 'handlebars' || label === 'razor') return new HtmlWorker();
    if (label === 'typescript' || label === 'javascript') return new TsWorker();
    return new EditorWorker();
  },
};

// Monaco's own themes with the app's surface colours, so the editor sits flush in its pane
// (the stock dark theme is a lighter grey than the app's dark background).
monaco.editor.defineTheme('plumbline-light', {
  base: 'vs',
  inherit: true,
  rules: [],
  colors: { 'editor.background': '#ffffff', 'editorGutter.background': '#ffffff', 'editor.lineHighlightBorder': '#eceef2', 'editorLineNumber.foreground': '#8a94a3' },
});
monaco.editor.defineTheme('plumbline-dark', {
  base: 'vs-dark',
  inherit: true,
  rules: [],
  colors: { 'editor.background': '#17191d', 'editorGutter.background': '#17191d', 'editor.lineHighlightBorder': '#272b31', 'editorLineNumber.foreground': '#6b7480', 'editorWidget.background': '#1e2126' },
});

const dark = window.matchMedia('(prefers-color-scheme: dark)');
/** The Monaco theme that matches the OS theme. */
export function currentTheme(): string {
  return dark.matches ? 'plumbline-dark' : 'plumbline-light';
}
dark.addEventListener('change', () => monaco.editor.setTheme(currentTheme()));

export { monaco };
