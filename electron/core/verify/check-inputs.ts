/** Placeholder replaced by the full version. */
export interface CheckInputs { readonly files: readonly string[]; readonly packageScripts: boolean; readonly testSuite: boolean }
export function checkInputs(command: string, tree: ReadonlySet<string>, _packageJson: string | null): CheckInputs {
  const words = command.split(/\s+/).map((w) => w.replace(/^\.\//, ''));
  return { files: words.filter((w) => tree.has(w)), packageScripts: /^(npm|yarn|pnpm)\b/.test(command.trim()), testSuite: /\b(test|vitest|jest|mocha|pytest|--test)\b/.test(command) };
}
export function isTestFile(path: string): boolean {
  return /(^|\/)(tests?|__tests__|spec)\//.test(path) || /\.(test|spec)\.[^/]+$/.test(path);
}
export function isTestConfig(path: string): boolean {
  return /(^|\/)(vitest|jest|playwright|karma)\.config\.[^/]+$/.test(path) || /(^|\/)(\.mocharc[^/]*|pytest\.ini|conftest\.py|tox\.ini)$/.test(path);
}
export function scriptsChanged(before: string | null, after: string | null): boolean {
  const s = (t: string | null) => { try { return JSON.stringify(t === null ? null : (JSON.parse(t) as { scripts?: unknown }).scripts ?? null); } catch { return 'unparseable'; } };
  return s(before) !== s(after);
}
