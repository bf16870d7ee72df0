import type { ImportChange, ImportChangeDetail } from '../../../shared/contract/spec';
import { parseDecision } from '../spec/decisions-doc';
import { formatStatus } from '../spec/decisions-edit';
import { deleteItem, oneLine, updateItemText } from '../spec/spec-edit';
import { lineStart } from '../spec/markdown-source';
import { parseTasks } from '../spec/tasks-doc';
import { TASKS_PATH } from '../spec/plan-files';
import { sha1 } from '../spec/text-file';
import type { ImportedItem, ImportPlan } from './import-plan';
import { shapeKey, specOf, taskShape, tasksOf, type ImportWrites, type PlanState, type TaskShape } from './import-apply';

/**
 * What the last import wrote of each entry, by provenance: the SHA-1 of an item's text, a task's whole shape
 * (`shapeKey`: title, status, description, scope, serves, depends, checks) or a decision record's whole text (kept
 * in `.plumbline/imports.json`). An entry that no longer reads so was edited here since, and a re-import leaves it alone.
 */
export type ImportHashes = Readonly<Record<string, string>>;

/** A change of the diff; `conflict` when upstream changed an entry the user edited here since it was imported. */
export interface DiffEntry extends ImportChange {
  readonly conflict: boolean;
}

/** The change as the contract shows it (a conflict is its own kind, never offered for applying). */
export function publicChange(c: DiffEntry): ImportChange {
  return { key: c.key, change: c.conflict ? 'conflict' : c.change, kind: c.kind, id: c.id, before: c.before, after: c.after, details: c.details, edited: c.edited };
}

/** Told in place of the new text when upstream changed an entry that was edited here since it was imported. */
export function conflictNote(id: string, upstream: string): string {
  return `Not applied: ${id} was edited here since it was imported, and upstream now reads "${upstream}". Merge the change by hand; ${id} stays as it is.`;
}

/** A decision record in one line: title and status (`Use SQLite (superseded by 0004)`). */
function decisionSummary(text: string): string {
  const r = parseDecision(text).record;
  return `${oneLine(r.title)} (${formatStatus(r.status, r.supersededBy)})`;
}

/** A long text shortened for a detail line. */
function short(text: string, max = 160): string {
  const t = oneLine(text);
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}

/** The fields of a task that differ between two shapes, in the order the task shows them. */
function taskDetails(before: TaskShape, after: TaskShape): ImportChangeDetail[] {
  const out: ImportChangeDetail[] = [];
  const list = (xs: readonly string[]): string => xs.join(', ') || 'none';
  if (before.title !== after.title) out.push({ field: 'title', before: before.title, after: after.title });
  if (before.status !== after.status) out.push({ field: 'status', before: before.status, after: after.status });
  if (before.description !== after.description) out.push({ field: 'description', before: short(before.description), after: short(after.description) });
  for (const f of ['scope', 'serves', 'depends', 'checks'] as const) {
    if (list(before[f]) !== list(after[f])) out.push({ field: f, before: list(before[f]), after: list(after[f]) });
  }
  return out;
}

/** The parts of a decision record that differ between two texts. */
function decisionDetails(before: string, after: string): ImportChangeDetail[] {
  const a = parseDecision(before).record;
  const b = parseDecision(after).record;
  const out: ImportChangeDetail[] = [];
  const add = (field: string, x: string, y: string): void => {
    if (x !== y) out.push({ field, before: short(x) || 'none', after: short(y) || 'none' });
  };
  add('title', a.title, b.title);
  add('status', formatStatus(a.status, a.supersededBy), formatStatus(b.status, b.supersededBy));
  add('date', a.date ?? '', b.date ?? '');
  add('supersedes', a.supersedes === null ? '' : String(a.supersedes), b.supersedes === null ? '' : String(b.supersedes));
  add('context', a.context, b.context);
  add('considered options', a.options, b.options);
  add('decision', a.decision, b.decision);
  add('consequences', a.consequences, b.consequences);
  add('confirmation', a.confirmation ?? '', b.confirmation ?? '');
  return out;
}

/**
 * How an entry imported before compares with upstream: unchanged (upstream reads as imported, or as
 * the entry does now), changed (the entry still reads as imported, so it may be rewritten), or a
 * conflict (it was edited here since, or it was imported before hashes were kept).
 */
function compare(current: string, upstream: string, imported: string | undefined): 'same' | 'changed' | 'conflict' {
  if (current === upstream || imported === sha1(upstream)) return 'same';
  return imported === sha1(current) ? 'changed' : 'conflict';
}

interface Existing {
  readonly kind: 'item' | 'task' | 'decision';
  readonly id: string;
  /** What is shown of it: an item's text, a task's title, a decision's summary. */
  readonly text: string;
  /** What the import's hash is taken of: an item's text, a task's shape key, a decision's record. */
  readonly hashed: string;
  readonly task?: TaskShape;
}

/** What an imported item's text reads as in the spec, given the ID it has. */
function expectedText(item: ImportedItem, id: string): string {
  return `${oneLine(item.text)}${item.alias && item.alias !== id ? ` (${item.alias})` : ''}`;
}

/** Whether an entry's provenance lies in one of the sources (a folder or a file of its own). */
function inSources(from: string, paths: readonly string[]): boolean {
  return paths.some((p) => from === p || from.startsWith(`${p}#`) || from.startsWith(`${p}/`));
}

/** Everything already imported from the given sources (folders or files), by provenance: files deleted upstream included. */
function existingFrom(state: PlanState, paths: readonly string[]): Map<string, Existing> {
  const out = new Map<string, Existing>();
  for (const [, f] of state.specs) for (const i of specOf(f).items) if (i.source && inSources(i.source, paths)) out.set(i.source, { kind: 'item', id: i.id, text: i.text, hashed: i.text });
  for (const t of tasksOf(state.tasks)) {
    if (!t.source || !inSources(t.source, paths)) continue;
    const task = taskShape(t);
    out.set(t.source, { kind: 'task', id: t.id, text: t.title, hashed: shapeKey(task), task });
  }
  for (const d of state.decisions) if (d.source && inSources(d.source, paths)) out.set(d.source, { kind: 'decision', id: String(d.number).padStart(4, '0'), text: decisionSummary(d.text), hashed: d.text });
  return out;
}

/**
 * What changed upstream since the sources were imported: items, tasks and decisions that are new, changed
 * (a task by any field: title, status, description, scope, serves, depends; each change listed in `details`),
 * or gone from the source (`removed`, with `edited` when it was edited here since). Keys are the provenance
 * (`from`), stable across runs. `paths` are the sources' folders or files. `built` is the import built from
 * the same state and plans (it holds each decision and task as it reads now); an entry edited here since it
 * was imported is a conflict, never rewritten.
 */
export function diffImport(state: PlanState, plans: readonly ImportPlan[], paths: readonly string[], built: Pick<ImportWrites, 'decisions' | 'tasks'>, hashes: ImportHashes): DiffEntry[] {
  const existing = existingFrom(state, paths);
  const records = new Map(state.decisions.filter((d) => d.source).map((d) => [d.source!, d] as const));
  const seen = new Set<string>();
  const out: DiffEntry[] = [];
  const fresh = (kind: DiffEntry['kind'], key: string, after: string): void => void out.push({ key, change: 'new', kind, id: null, before: null, after, details: [], edited: false, conflict: false });
  const changed = (kind: DiffEntry['kind'], key: string, id: string, before: string, after: string, how: 'same' | 'changed' | 'conflict', details: ImportChangeDetail[] = []): void => {
    if (how === 'same') return;
    const conflict = how === 'conflict';
    out.push({ key, change: 'changed', kind, id, before, after: conflict ? conflictNote(id, after) : after, details, edited: conflict, conflict });
  };
  for (const plan of plans) {
    for (const item of plan.items) {
      seen.add(item.from);
      const e = existing.get(item.from);
      if (!e) fresh('item', item.from, oneLine(item.text));
      else if (e.kind === 'item') changed('item', item.from, e.id, e.text, expectedText(item, e.id), compare(e.text, expectedText(item, e.id), hashes[item.from]));
    }
    for (const t of plan.tasks) {
      seen.add(t.from);
      const e = existing.get(t.from);
      const now = built.tasks.get(t.from);
      if (!e) fresh('task', t.from, oneLine(t.title) || 'Imported task');
      else if (e.kind === 'task' && e.task && now) {
        changed('task', t.from, e.id, e.text, now.shape.title, compare(e.hashed, shapeKey(now.shape), hashes[t.from]), taskDetails(e.task, now.shape));
      }
    }
    for (const d of plan.decisions) {
      seen.add(d.from);
      const record = records.get(d.from);
      const now = built.decisions.get(d.from);
      if (!record) fresh('decision', d.from, oneLine(d.title));
      else if (now) {
        const how = compare(record.text, now.text, hashes[d.from]);
        const before = decisionSummary(record.text);
        const after = decisionSummary(now.text);
        changed('decision', d.from, String(record.number).padStart(4, '0'), before, after === before ? `${after}, text changed upstream` : after, how, how === 'same' ? [] : decisionDetails(record.text, now.text));
      }
    }
    // Prose is compared by provenance only.
    for (const p of plan.prose) seen.add(p.from);
  }
  // Gone from the source: listed, never removed unless the user accepts it, and only while it reads as imported.
  for (const [from, e] of existing) {
    if (seen.has(from)) continue;
    const edited = hashes[from] !== sha1(e.hashed);
    out.push({ key: from, change: 'removed', kind: e.kind, id: e.id, before: e.text, after: null, details: [], edited, conflict: false });
  }
  return out;
}

/** What applying accepted changes did: the keys applied, and the files to delete (removed decision records). */
export interface Applied {
  readonly keys: string[];
  readonly deleted: string[];
}

/**
 * Applies the accepted changed and removed entries to the texts (spec files, tasks and decision records), in
 * memory. A conflict, and a removed entry edited here since it was imported, are never applied. A decision
 * record is rewritten whole, at its own file (number and file name kept); a removed one is deleted. The tasks
 * file is parsed once and each changed task's section replaced whole (its ID kept).
 */
export function applyAccepted(texts: Map<string, { text: string; bom: boolean }>, state: PlanState, built: Pick<ImportWrites, 'decisions' | 'tasks'>, changes: readonly DiffEntry[], accept: ReadonlySet<string>): Applied {
  const textOf = (rel: string): { text: string; bom: boolean } => texts.get(rel) ?? (rel === TASKS_PATH ? state.tasks : state.specs.get(rel)) ?? { text: '', bom: false };
  const fileOf = new Map<string, string>();
  for (const [rel, f] of state.specs) for (const i of specOf(f).items) if (i.source) fileOf.set(i.source, rel);
  const keys: string[] = [];
  const deleted: string[] = [];
  // Task sections to replace (a new section) or delete (null), by task ID.
  const taskEdits = new Map<string, string | null>();
  for (const c of changes) {
    if (!accept.has(c.key) || c.change === 'new' || c.id === null || c.conflict || c.edited) continue;
    if (c.kind === 'decision') {
      const record = state.decisions.find((d) => d.source === c.key);
      if (!record) continue;
      if (c.change === 'removed') deleted.push(record.file);
      else {
        const now = built.decisions.get(c.key);
        if (!now) continue;
        texts.set(record.file, { text: now.text, bom: record.bom });
      }
      keys.push(c.key);
      continue;
    }
    if (c.kind === 'task') {
      const now = built.tasks.get(c.key);
      if (c.change === 'removed') taskEdits.set(c.id, null);
      else if (now) taskEdits.set(c.id, now.block);
      else continue;
      keys.push(c.key);
      continue;
    }
    const rel = fileOf.get(c.key);
    if (!rel) continue;
    const doc = textOf(rel);
    const text = c.change === 'removed' ? deleteItem(doc.text, c.id) : updateItemText(doc.text, c.id, c.after ?? '');
    texts.set(rel, { text, bom: doc.bom });
    keys.push(c.key);
  }
  if (taskEdits.size) {
    const doc = textOf(TASKS_PATH);
    texts.set(TASKS_PATH, { text: rewriteTasks(doc.text, taskEdits), bom: doc.bom });
  }
  return { keys, deleted };
}

/** Replaces (or, for null, deletes) whole task sections by ID, from one parse, back to front; blank lines after each kept. */
function rewriteTasks(text: string, edits: ReadonlyMap<string, string | null>): string {
  const targets = parseTasks(text)
    .filter((t) => edits.has(t.id))
    .sort((a, b) => b.start - a.start);
  let out = text;
  for (const t of targets) {
    const start = lineStart(out, t.start);
    const section = out.slice(start, t.end);
    const block = edits.get(t.id);
    const tail = /\s*$/.exec(section)![0];
    out = out.slice(0, start) + (block === null || block === undefined ? '' : block.replace(/\s*$/, '') + tail) + out.slice(t.end);
  }
  return out;
}
