// ESLint rule `plumbline/no-cycle`: an import that closes a cycle of runtime imports is an error.
// Type-only imports (`import type`, `export type … from`) are erased at build time and never form a
// runtime cycle, so they are left out. The graph is read from disk once per lint run and cached,
// so the rule costs one pass over the folder whatever the number of files linted.
import { readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';

const EXTENSIONS = ['.ts', '.tsx', '/index.ts', '/index.tsx', ''];
const IMPORT_RE = /^\s*(?:import|export)\s+(type\s+)?([^'";]*?\sfrom\s+)?['"](\.{1,2}\/[^'"]+)['"]/gm;

/** True when an import clause names only types (`{ type A, type B }`). */
function onlyTypes(clause) {
  const braces = /^\{([^}]*)\}\s*from\s*$/.exec((clause ?? '').trim());
  if (!braces) return false;
  const names = braces[1].split(',').map((n) => n.trim()).filter(Boolean);
  return names.length > 0 && names.every((n) => n.startsWith('type '));
}

/** The file a relative specifier names, or null when it is not a source file on disk. */
function resolveImport(fromFile, spec) {
  const base = normalize(join(dirname(fromFile), spec));
  for (const ext of EXTENSIONS) {
    try {
      if (statSync(base + ext).isFile()) return base + ext;
    } catch {
      // Not this extension.
    }
  }
  return null;
}

const edgesCache = new Map();

/** Runtime (non-type) relative imports of a file, resolved to paths on disk. */
function runtimeImports(file) {
  let edges = edgesCache.get(file);
  if (edges) return edges;
  edges = [];
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    // Unreadable: no edges.
  }
  for (const m of text.matchAll(IMPORT_RE)) {
    if (m[1] || onlyTypes(m[2])) continue;
    const target = resolveImport(file, m[3]);
    if (target) edges.push(target);
  }
  edgesCache.set(file, edges);
  return edges;
}

/** A path of runtime imports from `start` back to `goal`, or null (breadth-first, shortest). */
function pathBack(start, goal) {
  const previous = new Map([[start, null]]);
  const queue = [start];
  while (queue.length) {
    const file = queue.shift();
    for (const next of runtimeImports(file)) {
      if (previous.has(next)) continue;
      previous.set(next, file);
      if (next === goal) {
        const path = [];
        for (let at = next; at !== null; at = previous.get(at)) path.unshift(at);
        return path;
      }
      queue.push(next);
    }
  }
  return null;
}

/** @type {import('eslint').Rule.RuleModule} */
export const noCycle = {
  meta: {
    type: 'problem',
    docs: { description: 'Forbid runtime import cycles (type-only imports are allowed).' },
    schema: [],
    messages: { cycle: 'Import cycle: {{path}}. Move the shared part into a module both can import, or make one side a type-only import.' },
  },
  create(context) {
    const file = context.filename;
    const cwd = context.cwd;
    return {
      ImportDeclaration(node) {
        if (node.importKind === 'type' || typeof node.source.value !== 'string' || !node.source.value.startsWith('.')) return;
        if (node.specifiers.length > 0 && node.specifiers.every((s) => s.importKind === 'type')) return;
        const target = resolveImport(file, node.source.value);
        if (!target) return;
        const back = target === file ? [file] : pathBack(target, file);
        if (!back) return;
        const shown = [file, ...back].map((p) => relative(cwd, p)).join(' → ');
        context.report({ node, messageId: 'cycle', data: { path: shown } });
      },
    };
  },
};

/** The plugin object for eslint.config.js. */
export default { rules: { 'no-cycle': noCycle } };
