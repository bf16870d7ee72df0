import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import type { ImportChange, ImportSource } from '../../../shared/contract/spec';
import { RpcError } from '../../../shared/rpc';
import { slugify } from '../spec/decisions-doc';
import { DECISIONS_DIR, listSpecFiles, PLAN_DIR, raiseIdMarks, readIdMarks, SPEC_PATH, SPECS_DIR, TASKS_PATH } from '../spec/plan-files';
import { parseDecision } from '../spec/decisions-doc';
import { listDecisionFiles, projectName } from '../spec/plan-reader';
import { readTextDoc, sha1, writeTextDoc, type TextDoc } from '../spec/text-file';
import { importAdrFile } from './adr';
import { ImportCancelled } from './import-cancelled';
import { buildImport, shapeKey, type ExistingDecision, type ImportWrites, type PlanFile, type PlanState } from './import-apply';
import { applyAccepted, diffImport, publicChange, type DiffEntry, type ImportHashes } from './import-diff';
import { emptyPlan, mergePlans, type ImportPlan, type ImportTarget } from './import-plan';
import { prepareInWorker } from './import-worker-client';
import { importKiroDesign, importKiroRequirements, importKiroSteering, importKiroTasks } from './kiro';
import { yieldToLoop } from './markdown-blocks';
import { importConstitution, importSpecKitPlan, importSpecKitSpec, importSpecKitTasks } from './spec-kit';

export { ImportCancelled };

/** Where the user's import decisions (imported, declined) are remembered. */
export const IMPORTS_PATH = `${PLAN_DIR}/imports.json`;

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
  for (const rel of (await listSpecFiles(root)).slice(1)) parts.push((await readTextDoc(join(root, rel), root)).text);
  for (const name of await listDir(join(root, DECISIONS_DIR))) {
    if (name.endsWith('.md')) parts.push((await readTextDoc(join(root, DECISIONS_DIR, name), root)).text);
  }
  return parts.join('\n');
}

/** Finds spec-kit features, Kiro specs and steering, and ADR folders in a project (reads names only, plus Plumbline's own files). */
export async function detectImports(root: string): Promise<ImportSource[]> {
  const found: Array<Omit<ImportSource, 'imported' | 'changed'>> = [];
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
  const record = await readImportRecord(root);
  const out: ImportSource[] = [];
  for (const s of found) {
    const r = record.sources[s.path];
    // Imported before, and the source's files differ from the ones imported: offer the changes.
    let changed = false;
    if (r?.decision === 'imported') {
      const now = Object.keys(r.files).sort().join('\n') !== [...s.files].sort().join('\n');
      changed = now;
      if (!changed) for (const f of s.files) if ((await readTextDoc(join(root, f), root)).hash !== r.files[f]) changed = true;
    }
    const present = s.files.every((f) => plan.includes(`from: ${f}`) || plan.includes(`from: "${f}`) || plan.includes(`<!-- from: ${f}#`));
    out.push({ ...s, imported: !changed && (r !== undefined || present), changed });
  }
  return out;
}

/** Reads one source file into a plan (originals are only read). */
function parseFile(kind: ImportSource['kind'], file: string, text: string): ImportPlan {
  const name = file.split('/').at(-1) ?? '';
  if (kind === 'spec-kit') {
    if (name === 'spec.md') return importSpecKitSpec(text, file);
    if (name === 'plan.md') return importSpecKitPlan(text, file);
    if (name === 'tasks.md') return importSpecKitTasks(text, file);
    if (name === 'constitution.md') return importConstitution(text, file);
    return emptyPlan();
  }
  if (kind === 'kiro') {
    if (file.startsWith('.kiro/steering/')) return importKiroSteering(text, file);
    if (name === 'requirements.md') return importKiroRequirements(text, file);
    if (name === 'design.md') return importKiroDesign(text, file);
    if (name === 'tasks.md') return importKiroTasks(text, file);
    return emptyPlan();
  }
  const n = /^(\d+)/.exec(name);
  return { ...emptyPlan(), decisions: [importAdrFile(text, file, n ? Number(n[1]) : null)] };
}

/** Where a source's spec items go: a spec-kit feature or Kiro spec gets a spec of its own; the rest go to the main spec. */
function targetOf(source: ImportSource, titles: ReadonlyMap<string, string>): ImportTarget | null {
  const name = source.path.split('/').at(-1) ?? source.path;
  if (source.kind === 'spec-kit' && source.path.startsWith('specs/')) {
    return { file: `${SPECS_DIR}/${slugify(name)}.md`, title: titles.get(`${source.path}/spec.md`) || name };
  }
  if (source.kind === 'kiro' && source.path.startsWith('.kiro/specs/')) return { file: `${SPECS_DIR}/${slugify(name)}.md`, title: name.replace(/[-_]+/g, ' ') };
  return null;
}

/** Progress of a running import: steps done of the total known so far. */
export type ImportProgress = (done: number, total: number, items: number) => void;

const entries = (p: ImportPlan): number => p.items.length + p.tasks.length + p.decisions.length;

/** Reads a source's files (requirements before plans before tasks), yielding to the event loop between files. */
export async function readSource(root: string, source: ImportSource, step: (entries: number) => Promise<void> = yieldToLoop): Promise<ImportPlan> {
  const order = (f: string): number => (/(spec|requirements|constitution)\.md$/.test(f) ? 0 : /(plan|design)\.md$/.test(f) ? 1 : 2);
  const files = [...source.files].sort((a, b) => order(a) - order(b));
  const titles = new Map<string, string>();
  const plans: ImportPlan[] = [];
  for (const file of files) {
    const text = (await readTextDoc(join(root, file), root)).text;
    const plan = parseFile(source.kind, file, text);
    if (plan.title) titles.set(file, plan.title);
    plans.push(plan);
    await step(entries(plan));
  }
  return mergePlans(plans, targetOf(source, titles));
}

/** Reads the project's plan once: every spec, the tasks file, the decisions and the ID marks. */
export async function readPlanState(root: string): Promise<PlanState> {
  const specs = new Map<string, PlanFile>();
  for (const rel of await listSpecFiles(root)) specs.set(rel, await readTextDoc(join(root, rel), root));
  const decisions: ExistingDecision[] = [];
  for (const f of await listDecisionFiles(root)) {
    const file = `${DECISIONS_DIR}/${f.name}`;
    const doc = await readTextDoc(join(root, file), root);
    decisions.push({ number: f.number, source: parseDecision(doc.text).record.source, file, text: doc.text, bom: doc.bom, hash: doc.hash });
  }
  return {
    specs,
    tasks: await readTextDoc(join(root, TASKS_PATH), root),
    decisions,
    marks: (await readIdMarks(root)).highWater,
    projectName: projectName(root),
  };
}

/** What an import will write, built before anything is written (see `prepareImport`). */
export interface PreparedImport {
  readonly sources: readonly ImportSource[];
  /** What is written (the rest of the build stays where it was made: a worker posts only this back). */
  readonly built: Pick<ImportWrites, 'files' | 'marks' | 'counts'>;
  /** Each file to be written or deleted: its hash when it was read ('' when missing), so a later edit is noticed. */
  readonly before: Readonly<Record<string, string>>;
  /** Decision records removed upstream that the user chose to remove (project-relative). */
  readonly deleted: readonly string[];
  /** Changed or removed entries a re-import updates. */
  readonly updated: number;
  /** IDs of accepted changes left alone because they were edited here since they were imported. */
  readonly conflicts: readonly string[];
  /** IDs of entries removed upstream whose removal was accepted but which were edited here since: kept. */
  readonly kept: readonly string[];
  /** What this import writes of each entry it adds or rewrites (see `ImportHashes`), to remember in `imports.json`. */
  readonly written: ImportHashes;
}

/** Where `prepareImport` reports: the number of source files once known, then each file read with its entries. */
export interface PrepareHooks {
  readonly sources?: (files: number) => void;
  readonly read?: (entries: number) => Promise<void> | void;
}

/**
 * The CPU-heavy part of an import, before any write: reads and parses every source file once, reads the
 * project's plan once and builds the whole new plan in memory. It writes nothing, so it can run in a
 * worker thread (`import-worker.ts`).
 */
export async function prepareImport(root: string, paths: readonly string[], accept: readonly string[] | undefined, hooks: PrepareHooks = {}): Promise<PreparedImport> {
  const sources = await resolveSources(root, paths);
  hooks.sources?.(sources.reduce((n, s) => n + s.files.length, 0));
  const plans: ImportPlan[] = [];
  for (const source of sources) plans.push(await readSource(root, source, async (n) => hooks.read?.(n)));
  const state = await readPlanState(root);
  const chosen = accept ? new Set(accept) : undefined;
  let built = await buildImport(state, plans, yieldToLoop, chosen);
  // What this import writes of each entry: the new ones it adds, and on a re-import the accepted changes.
  const written: Record<string, string> = {};
  for (const [from, text] of built.added) written[from] = sha1(text);
  let updated = 0;
  let conflicts: string[] = [];
  let kept: string[] = [];
  let deleted: string[] = [];
  if (chosen) {
    // A re-import applies only the accepted changes: new entries (filtered above), changed texts and removals.
    const changes = diffImport(state, plans, sources.map((s) => s.path), built, (await readImportRecord(root)).written);
    const picked = changes.filter((c) => c.change !== 'new' && chosen.has(c.key));
    const files = new Map(built.files);
    const applied = applyAccepted(files, state, built, picked, chosen);
    const keys = new Set(applied.keys);
    for (const c of picked) {
      if (!keys.has(c.key) || c.change !== 'changed') continue;
      const text = c.kind === 'decision' ? built.decisions.get(c.key)?.text : c.kind === 'task' ? (built.tasks.get(c.key) ? shapeKey(built.tasks.get(c.key)!.shape) : undefined) : c.after;
      if (text !== undefined && text !== null) written[c.key] = sha1(text);
    }
    updated = keys.size;
    // Accepted but left alone: upstream changed (or removed) an entry edited here since it was imported.
    conflicts = picked.filter((c) => c.conflict).map((c) => c.id ?? c.key);
    kept = picked.filter((c) => c.change === 'removed' && c.edited).map((c) => c.id ?? c.key);
    deleted = applied.deleted;
    built = { ...built, files };
  }
  const hashOf = (rel: string): string => (rel === TASKS_PATH ? state.tasks : state.specs.get(rel))?.hash ?? state.decisions.find((d) => d.file === rel)?.hash ?? '';
  const before: Record<string, string> = {};
  for (const [rel] of built.files) before[rel] = hashOf(rel);
  for (const rel of deleted) before[rel] = hashOf(rel);
  return { sources, built: { files: built.files, marks: built.marks, counts: built.counts }, before, deleted, updated, conflicts, kept, written };
}

/** Options of `importSources`. */
export interface ImportOptions {
  readonly signal?: AbortSignal;
  readonly onProgress?: ImportProgress;
  readonly onChange?: (files: string[]) => void;
  readonly accept?: readonly string[];
  /** The bundled import worker (`import-worker-entry.ts`): reading and parsing run there; absent → on this thread. */
  readonly workerPath?: string;
}

/**
 * Imports detected sources in one pass: each source file is read and parsed once, the whole new plan is
 * built in memory (in the import worker when one is given), then every changed file is written once,
 * atomically. A cancel (the signal) is honoured up to the first write, so a cancelled import leaves
 * nothing behind. Returns one summary line per source.
 */
export async function importSources(root: string, paths: readonly string[], options: ImportOptions = {}): Promise<string[]> {
  let fileCount = 0;
  let done = 0;
  let total = 1;
  // Spec items, tasks and decisions read from the sources so far.
  let items = 0;
  const progress = (read: number): void => {
    items += read;
    options.onProgress?.(++done, total, items);
  };
  const step = async (read = 0): Promise<void> => {
    progress(read);
    await yieldToLoop();
    if (options.signal?.aborted) throw new ImportCancelled();
  };
  const sources = (files: number): void => {
    fileCount = files;
    total = files + 1;
  };
  const { sources: found, built, before, deleted, updated, conflicts, kept, written } = options.workerPath
    ? await prepareInWorker(options.workerPath, { op: 'prepare', root, paths: [...paths], accept: options.accept ? [...options.accept] : undefined }, { sources, read: progress }, options.signal)
    : await prepareImport(root, paths, options.accept, { sources, read: step });
  total = fileCount + 1 + built.files.size + deleted.length;
  await step();
  // Nothing is written when a planning file changed since it was read (an edit made meanwhile is never overwritten).
  for (const rel of deleted) {
    if ((before[rel] ?? '') !== (await readTextDoc(join(root, rel), root)).hash) throw new RpcError('CONFLICT', `${rel} changed while the import ran. Nothing was imported; run the import again.`);
  }
  for (const [rel] of built.files) {
    const now = await readTextDoc(join(root, rel), root);
    if ((before[rel] ?? '') !== now.hash) throw new RpcError('CONFLICT', `${rel} changed while the import ran. Nothing was imported; run the import again.`);
    assertImportable(now, rel);
  }
  assertImportable(await readTextDoc(join(root, IMPORTS_PATH), root), IMPORTS_PATH);
  if (options.signal?.aborted) throw new ImportCancelled();
  await raiseIdMarks(root, built.marks);
  for (const [rel, f] of built.files) {
    await writeTextDoc(join(root, rel), f.text, f.bom);
    options.onProgress?.(++done, total, items);
  }
  // Decision records removed upstream that the user chose to remove (their numbers stay retired in ids.json).
  for (const rel of deleted) {
    await fs.rm(join(root, rel), { force: true });
    options.onProgress?.(++done, total, items);
  }
  await recordDecision(root, found, 'imported', written);
  if (built.files.size || deleted.length) options.onChange?.([...built.files.keys(), ...deleted]);
  return found.map((s, i) => {
    const c = built.counts[i]!;
    return `${s.label}: ${c.items} spec items, ${c.tasks} tasks, ${c.decisions} decisions imported.`;
  })
    .concat(updated ? [`${updated} changed or removed entries updated.`] : [])
    .concat(conflicts.length ? [`${conflicts.join(', ')} left as ${conflicts.length > 1 ? 'they are' : 'it is'}: edited here since the import. Merge the upstream change by hand.`] : [])
    .concat(kept.length ? [`${kept.join(', ')} kept: removed upstream, but edited here since the import. Delete ${kept.length > 1 ? 'them' : 'it'} by hand if no longer wanted.`] : []);
}

/**
 * Refuses to rewrite a plan file whose bytes are not valid UTF-8: the import writes the decoded text
 * back, which would replace those bytes with U+FFFD (the user's words are kept byte for byte).
 */
export function assertImportable(doc: TextDoc, rel: string): void {
  if (!doc.validUtf8) {
    throw new RpcError('CONFLICT', `${rel} contains bytes that are not valid UTF-8; importing would rewrite it and replace them. Nothing was imported. Fix the encoding in a text editor (save it as UTF-8), then run the import again.`);
  }
}

/** What a re-import of the sources would change (see `import-diff.ts`); parsed in the import worker when one is given. */
export async function previewImport(root: string, paths: readonly string[], workerPath?: string): Promise<ImportChange[]> {
  if (workerPath) return prepareInWorker(workerPath, { op: 'preview', root, paths: [...paths] });
  return computePreview(root, paths);
}

/** `previewImport` on this thread. */
export async function computePreview(root: string, paths: readonly string[]): Promise<ImportChange[]> {
  const sources = await resolveSources(root, paths);
  const plans: ImportPlan[] = [];
  for (const source of sources) plans.push(await readSource(root, source));
  const state = await readPlanState(root);
  const built = await buildImport(state, plans, yieldToLoop);
  const changes: DiffEntry[] = diffImport(state, plans, sources.map((s) => s.path), built, (await readImportRecord(root)).written);
  return changes.map(publicChange);
}

/**
 * Remembers that the user decided about sources (imported or declined), with their files' hashes, in
 * `.plumbline/imports.json`; `written` adds what this import wrote of each entry (see `ImportHashes`).
 */
export async function recordDecision(root: string, sources: readonly ImportSource[], decision: 'imported' | 'declined', written: ImportHashes = {}): Promise<void> {
  const record = await readImportRecord(root);
  for (const s of sources) {
    const files: Record<string, string> = {};
    for (const f of s.files) files[f] = (await readTextDoc(join(root, f), root)).hash;
    record.sources[s.path] = { decision, at: new Date().toISOString(), files };
  }
  assertImportable(await readTextDoc(join(root, IMPORTS_PATH), root), IMPORTS_PATH);
  record.written = { ...record.written, ...written };
  await writeTextDoc(join(root, IMPORTS_PATH), `${JSON.stringify(record, null, 2)}\n`, false);
}

interface ImportRecord {
  version: 1;
  sources: Record<string, { decision: 'imported' | 'declined'; at: string; files: Record<string, string> }>;
  /** What the imports last wrote of each entry, by provenance (see `ImportHashes`). */
  written: Record<string, string>;
}

/** Reads `.plumbline/imports.json` leniently. */
export async function readImportRecord(root: string): Promise<ImportRecord> {
  try {
    const data = JSON.parse((await readTextDoc(join(root, IMPORTS_PATH), root)).text) as Partial<ImportRecord>;
    const written: Record<string, string> = {};
    if (data && typeof data.written === 'object' && data.written) for (const [k, v] of Object.entries(data.written)) if (typeof v === 'string') written[k] = v;
    if (data && typeof data.sources === 'object' && data.sources) return { version: 1, sources: data.sources, written };
  } catch {
    // Missing or malformed: no decisions remembered.
  }
  return { version: 1, sources: {}, written: {} };
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
