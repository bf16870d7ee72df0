import picomatch from 'picomatch';

/** A dependency named in a manifest. */
export interface DependencyRef {
  readonly manifest: string;
  readonly name: string;
}

/** Manifests whose dependency lists are compared before and after a run. */
export const MANIFESTS = ['package.json', 'requirements.txt', 'pyproject.toml', 'go.mod', 'Cargo.toml'] as const;

/** True when the path is a manifest Plumbline reads dependencies from (at any depth). */
export function isManifest(path: string): boolean {
  const base = path.split('/').pop() ?? path;
  return (MANIFESTS as readonly string[]).includes(base) || /^requirements[-\w]*\.txt$/.test(base);
}

function packageJsonDeps(text: string): string[] {
  try {
    const pkg = JSON.parse(text) as Record<string, unknown>;
    const names: string[] = [];
    for (const key of ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies']) {
      const deps = pkg[key];
      if (deps && typeof deps === 'object') names.push(...Object.keys(deps));
    }
    return names;
  } catch {
    return [];
  }
}

function requirementsDeps(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.replace(/#.*/, '').trim())
    .filter((l) => l && !l.startsWith('-'))
    .map((l) => /^([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(l)?.[1] ?? '')
    .filter(Boolean)
    .map((n) => n.toLowerCase());
}

/** TOML tables named like `[dependencies]`, `[dev-dependencies]`, `[tool.poetry.dependencies]`: their keys. */
function tomlTableKeys(text: string, isDepTable: (name: string) => boolean): string[] {
  const names: string[] = [];
  let inTable = false;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/#.*/, '').trim();
    const table = /^\[+([^\]]+)\]+$/.exec(line);
    if (table) {
      inTable = isDepTable(table[1]!.trim());
      // `[dependencies.serde]` declares one dependency as a table.
      const sub = /^(?:.*\.)?(?:dependencies|dev-dependencies|build-dependencies)\.([A-Za-z0-9_-]+)$/.exec(table[1]!.trim());
      if (sub) names.push(sub[1]!);
      continue;
    }
    if (inTable) {
      const key = /^([A-Za-z0-9_.-]+)\s*=/.exec(line);
      if (key && key[1] !== 'python') names.push(key[1]!);
    }
  }
  return names;
}

/** PEP 621 `dependencies = [ "requests>=2", … ]` arrays (also optional-dependencies groups). */
function pep621Deps(text: string): string[] {
  const names: string[] = [];
  for (const m of text.matchAll(/^\s*(?:dependencies|[A-Za-z0-9_-]+)\s*=\s*\[([\s\S]*?)\]/gm)) {
    const before = text.slice(0, m.index);
    const lastTable = [...before.matchAll(/^\[([^\]]+)\]/gm)].pop()?.[1] ?? '';
    const key = /^\s*([A-Za-z0-9_-]+)/.exec(m[0])?.[1];
    if (!(lastTable === 'project' && key === 'dependencies') && lastTable !== 'project.optional-dependencies' && !(lastTable === 'dependency-groups')) continue;
    for (const s of m[1]!.matchAll(/["']([A-Za-z0-9][A-Za-z0-9._-]*)/g)) names.push(s[1]!.toLowerCase());
  }
  return names;
}

function goModDeps(text: string): string[] {
  const names: string[] = [];
  let block = false;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/\/\/.*/, '').trim();
    if (/^require\s*\($/.test(line)) block = true;
    else if (block && line === ')') block = false;
    else if (block && line) names.push(line.split(/\s+/)[0]!);
    else {
      const one = /^require\s+(\S+)\s+\S+/.exec(line);
      if (one) names.push(one[1]!);
    }
  }
  return names;
}

/** The dependency names a manifest declares. */
export function dependenciesOf(path: string, text: string): string[] {
  const base = path.split('/').pop() ?? path;
  if (base === 'package.json') return packageJsonDeps(text);
  if (/^requirements[-\w]*\.txt$/.test(base)) return requirementsDeps(text);
  if (base === 'pyproject.toml') return [...new Set([...pep621Deps(text), ...tomlTableKeys(text, (t) => /^tool\.poetry\.(?:group\.[^.]+\.)?(?:dev-)?dependencies$/.test(t)).map((n) => n.toLowerCase())])];
  if (base === 'go.mod') return goModDeps(text);
  if (base === 'Cargo.toml') return tomlTableKeys(text, (t) => /^(?:target\..+\.)?(?:dependencies|dev-dependencies|build-dependencies)$/.test(t) || t === 'workspace.dependencies');
  return [];
}

/** Dependencies present after but not before (a new manifest counts all of its dependencies). */
export function newDependencies(path: string, before: string | null, after: string | null): DependencyRef[] {
  if (after === null) return [];
  const old = new Set(before === null ? [] : dependenciesOf(path, before));
  return [...new Set(dependenciesOf(path, after))].filter((n) => !old.has(n)).map((name) => ({ manifest: path, name }));
}

/** True when an accepted decision's text names the dependency (as a word). */
export function decisionMentions(texts: readonly string[], name: string): boolean {
  const escaped = name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  const re = new RegExp(`(^|[^A-Za-z0-9_-])${escaped}($|[^A-Za-z0-9_-])`, 'i');
  return texts.some((t) => re.test(t));
}

/**
 * True when a path lies inside the task's scope: an entry is a folder (prefix), a file, or a glob.
 * An empty scope means none was declared, so nothing is out of it.
 */
export function inScope(path: string, scope: readonly string[]): boolean {
  if (scope.length === 0) return true;
  return scope.some((raw) => {
    const entry = raw.trim().replace(/^`|`$/g, '').replace(/^\.\//, '');
    if (!entry) return false;
    if (/[*?[\]{}]/.test(entry)) return picomatch(entry, { dot: true })(path);
    const dir = entry.endsWith('/') ? entry : `${entry}/`;
    return path === entry || path.startsWith(dir);
  });
}
