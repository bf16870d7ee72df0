import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import type { ImportSource } from '../../../shared/contract/spec';
import { RpcError } from '../../../shared/rpc';
import { readTextDoc } from '../spec/text-file';
import { DECISIONS_DIR, SPEC_PATH, TASKS_PATH } from '../spec/plan-files';
import { importAdrFile } from './adr';
import { EMPTY_PLAN, type ImportPlan } from './import-plan';
import { importKiroDesign, importKiroRequirements, importKiroSteering, importKiroTasks } from './kiro';
import { importConstitution, importSpecKitPlan, importSpecKitSpec, importSpecKitTasks } from './spec-kit';

/** Folders where ADRs conventionally live. */
export const ADR_DIRS: readonly string[] = ['docs/adr', 'docs/decisions', 'doc/adr', 'doc/decisions', 'docs/architecture/decisions', 'adr'];

async function listDir(abs: string): Promise<string[]> {
  try {
    return (await fs.readdir(abs, { withFileTypes: true })).map((d) => (d.isDirectory() ? `${d.name}/` : d.name)).sort();
  } catch {
    return [];
  }
}

async function exists(abs: string): Promise<boolean> {
  try {
    await fs.access(abs);
    return true;
  } catch {
    return false;
  }
}

async function planText(root: string): Promise<string> {
  const parts = [(await readTextDoc(join(root, SPEC_PATH), root)).text, (await readTextDoc(join(root, TASKS_PATH), root)).text];
  for (const name of await listDir(join(root, DECISIONS_DIR))) {
    if (name.endsWith('.md')) parts.push((await readTextDoc(join(root, DECISIONS_DIR, name), root)).text);
  }
  return parts.join('\n');
}

/** Finds spec-kit features, Kiro specs and steering, and ADR folders in a project (reads names only, plus Plumbline's own files). */
export async function detectImports(root: string): Promise<ImportSource[]> {
  const found: Array<Omit<ImportSource, 'imported'>> = [];
  for (const dir of await listDir(join(root, 'specs'))) {
    if (!/^\d+[-_].+\/$/.test(dir)) continue;
    const base = `specs/${dir.slice(0, -1)}`;
    const files = (await listDir(join(root, base))).filter((f) => ['spec.md', 'plan.md', 'tasks.md'].includes(f)).map((f) => `${base}/${f}`);
    if (files.some((f) => f.endsWith('/spec.md'))) found.push({ kind: 'spec-kit', path: base, label: `spec-kit feature ${dir.slice(0, -1)}`, files });
  }
  if (await exists(join(root, '.specify/memory/constitution.md'))) {
    found.push({ kind: 'spec-kit', path: '.specify/memory/constitution.md', label: 'spec-kit constitution', files: ['.specify/memory/constitution.md'] });
  }
  for (const dir of await listDir(join(root, '.kiro/specs'))) {
    if (!dir.endsWith('/')) continue;
    const base = `.kiro/specs/${dir.slice(0, -1)}`;
    const files = (await listDir(join(root, base))).filter((f) => ['requirements.md', 'design.md', 'tasks.md'].includes(f)).map((f) => `${base}/${f}`);
    if (files.length) found.push({ kind: 'kiro', path: base, label: `Kiro spec ${dir.slice(0, -1)}`, files });
  }
  const steering = (await listDir(join(root, '.kiro/steering'))).filter((f) => f.endsWith('.md')).map((f) => `.kiro/steering/${f}`);
  if (steering.length) found.push({ kind: 'kiro', path: '.kiro/steering', label: 'Kiro steering', files: steering });
  for (const dir of ADR_DIRS) {
    const files = (await listDir(join(root, dir))).filter((f) => /^\d+.*\.md$/i.test(f)).map((f) => `${dir}/${f}`);
    if (files.length) found.push({ kind: 'adr', path: dir, label: `Decision records in ${dir}/`, files });
  }
  if (!found.length) return [];
  const plan = await planText(root);
  return found.map((s) => ({ ...s, imported: s.files.every((f) => plan.includes(`from: ${f}`) || plan.includes(`from: "${f}`) || plan.includes(`<!-- from: ${f}#`)) }));
}

function merge(a: ImportPlan, b: ImportPlan): ImportPlan {
  return { items: [...a.items, ...b.items], prose: [...a.prose, ...b.prose], tasks: [...a.tasks, ...b.tasks], decisions: [...a.decisions, ...b.decisions] };
}

/** Reads one detected source into an import plan (originals are only read). */
export async function readSource(root: string, source: ImportSource): Promise<ImportPlan> {
  let plan = EMPTY_PLAN;
  // Requirements before tasks so task references resolve.
  const order = (f: string): number => (/(spec|requirements|constitution)\.md$/.test(f) ? 0 : /(plan|design)\.md$/.test(f) ? 1 : 2);
  const files = [...source.files].sort((a, b) => order(a) - order(b));
  for (const file of files) {
    const text = (await readTextDoc(join(root, file), root)).text;
    const name = file.split('/').at(-1) ?? '';
    if (source.kind === 'spec-kit') {
      if (name === 'spec.md') plan = merge(plan, importSpecKitSpec(text, file));
      else if (name === 'plan.md') plan = merge(plan, importSpecKitPlan(text, file));
      else if (name === 'tasks.md') plan = merge(plan, importSpecKitTasks(text, file));
      else if (name === 'constitution.md') plan = merge(plan, importConstitution(text, file));
    } else if (source.kind === 'kiro') {
      if (file.startsWith('.kiro/steering/')) plan = merge(plan, importKiroSteering(text, file));
      else if (name === 'requirements.md') plan = merge(plan, importKiroRequirements(text, file));
      else if (name === 'design.md') plan = merge(plan, importKiroDesign(text, file));
      else if (name === 'tasks.md') plan = merge(plan, importKiroTasks(text, file));
    } else {
      const n = /^(\d+)/.exec(name);
      plan = merge(plan, { ...EMPTY_PLAN, decisions: [importAdrFile(text, file, n ? Number(n[1]) : null)] });
    }
  }
  return plan;
}

/** Looks up the detected sources for the requested paths; unknown paths are refused. */
export async function resolveSources(root: string, paths: readonly string[]): Promise<ImportSource[]> {
  const all = await detectImports(root);
  return paths.map((p) => {
    const s = all.find((x) => x.path === p);
    if (!s) throw new RpcError('NOT_FOUND', `Nothing to import at ${p}. Reopen the project to detect spec tools again.`);
    return s;
  });
}
