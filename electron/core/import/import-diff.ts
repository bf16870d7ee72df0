import type { ImportChange } from '../../../shared/contract/spec';
import { parseDecision } from '../spec/decisions-doc';
import { formatStatus } from '../spec/decisions-edit';
import { parseSpec } from '../spec/spec-doc';
import { deleteItem, oneLine, updateItemText } from '../spec/spec-edit';
import { deleteTask, setTaskTitle } from '../spec/tasks-edit';
import { parseTasks } from '../spec/tasks-doc';
import { TASKS_PATH } from '../spec/plan-files';
import { sha1 } from '../spec/text-file';
import type { ImportedItem, ImportPlan } from './import-plan';
import type { ImportWrites, PlanState } from './import-apply';

/**
 * What the last import wrote of each entry, by provenance: the SHA-1 of an item's text, a task's title or a
 * decision record's whole text (kept in `.plumbline/imports.json`). An entry that no longer reads so was
 * edited here since, and a re-import leaves it alone.
 */
export type ImportHashes = Readonly<Record<string, string>>;

/** A change of the diff; `conflict` when upstream changed an entry the user edited here since it was imported. */
export interface DiffEntry extends ImportChange {
  readonly conflict: boolean;
}

/** The change as the contract shows it (a conflict is its own kind, never offered for applying). */
export function publicChange(c: DiffEntry): ImportChange {
  return { key: c.key, change: c.conflict ? 'conflict' : c.change, kind: c.kind, id: c.id, before: c.before, after: c.after };
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
  readonly text: string;
  readonly file: string;
}

/** What an imported item's text reads as in the spec, given the ID it has. */
function expectedText(item: ImportedItem, id: string): string {
  return `${oneLine(item.text)}${item.alias && item.alias !== id ? ` (${item.alias})` : ''}`;
}

/** Everything already imported from the given source files, by provenance. */
function existingFrom(state: PlanState, files: readonly string[]): Map<string, Existing> {
  const ours = (from: string): boolean => files.some((f) => from === f || from.startsWith(`${f}#`));
  const out = new Map<string, Existing>();
  for (const [rel, f] of state.specs) for (const i of parseSpec(f.text).items) if (i.source && ours(i.source)) out.set(i.source, { kind: 'item', id: i.id, text: i.text, file: rel });
  for (const t of parseTasks(state.tasks.text)) if (t.source && ours(t.source)) out.set(t.source, { kind: 'task', id: t.id, text: t.title, file: TASKS_PATH });
  for (const d of state.decisions) if (d.source && ours(d.source)) out.set(d.source, { kind: 'decision', id: String(d.number).padStart(4, '0'), text: d.source, file: d.source });
  return out;
}

/**
 * What changed upstream since the sources were imported: items, tasks and decisions that are new, whose
 * text changed, or that are gone from the source. Keys are the provenance (`from`), stable across runs.
 * `built` is the import built from the same state and plans (it holds each decision as it reads now);
 * an entry edited here since it was imported is a conflict, never rewritten.
 */
export function diffImport(state: PlanState, plans: readonly ImportPlan[], files: readonly string[], built: Pick<ImportWrites, 'decisions'>, hashes: ImportHashes): DiffEntry[] {
  const existing = existingFrom(state, files);
  const records = new Map(state.decisions.filter((d) => d.source).map((d) => [d.source!, d] as const));
  const seen = new Set<string>();
  const out: DiffEntry[] = [];
  const changed = (kind: DiffEntry['kind'], key: string, id: string, before: string, after: string, how: 'same' | 'changed' | 'conflict'): void => {
    if (how === 'same') return;
    const conflict = how === 'conflict';
    out.push({ key, change: 'changed', kind, id, before, after: conflict ? conflictNote(id, after) : after, conflict });
  };
  for (const plan of plans) {
    for (const item of plan.items) {
      seen.add(item.from);
      const e = existing.get(item.from);
      if (!e) out.push({ key: item.from, change: 'new', kind: 'item', id: null, before: null, after: oneLine(item.text), conflict: false });
      else if (e.kind === 'item') changed('item', item.from, e.id, e.text, expectedText(item, e.id), compare(e.text, expectedText(item, e.id), hashes[item.from]));
    }
    for (const t of plan.tasks) {
      seen.add(t.from);
      const e = existing.get(t.from);
      const title = oneLine(t.title) || 'Imported task';
      if (!e) out.push({ key: t.from, change: 'new', kind: 'task', id: null, before: null, after: title, conflict: false });
      else if (e.kind === 'task') changed('task', t.from, e.id, e.text, title, compare(e.text, title, hashes[t.from]));
    }
    for (const d of plan.decisions) {
      seen.add(d.from);
      const record = records.get(d.from);
      const now = built.decisions.get(d.from);
      if (!record) out.push({ key: d.from, change: 'new', kind: 'decision', id: null, before: null, after: oneLine(d.title), conflict: false });
      else if (now) {
        const how = compare(record.text, now.text, hashes[d.from]);
        const before = decisionSummary(record.text);
        const after = decisionSummary(now.text);
        changed('decision', d.from, String(record.number).padStart(4, '0'), before, after === before ? `${after}, text changed upstream` : after, how);
      }
    }
    // Prose is compared by provenance only.
    for (const p of plan.prose) seen.add(p.from);
  }
  for (const [from, e] of existing) {
    if (!seen.has(from) && e.kind !== 'decision') out.push({ key: from, change: 'removed', kind: e.kind, id: e.id, before: e.text, after: null, conflict: false });
  }
  return out;
}

/**
 * Applies the accepted changed and removed entries to the texts (spec files, tasks and decision records), in
 * memory. A conflict is never applied. A decision record is rewritten whole, at its own file (number and
 * file name kept). Returns the keys applied.
 */
export function applyAccepted(texts: Map<string, { text: string; bom: boolean }>, state: PlanState, built: Pick<ImportWrites, 'decisions'>, changes: readonly DiffEntry[], accept: ReadonlySet<string>): string[] {
  const textOf = (rel: string): { text: string; bom: boolean } => texts.get(rel) ?? (rel === TASKS_PATH ? state.tasks : state.specs.get(rel)) ?? { text: '', bom: false };
  const fileOf = new Map<string, string>();
  for (const [rel, f] of state.specs) for (const i of parseSpec(f.text).items) if (i.source) fileOf.set(i.source, rel);
  const applied: string[] = [];
  for (const c of changes) {
    if (!accept.has(c.key) || c.change === 'new' || c.id === null || c.conflict) continue;
    if (c.kind === 'decision') {
      const record = state.decisions.find((d) => d.source === c.key);
      const now = built.decisions.get(c.key);
      if (!record || !now) continue;
      texts.set(record.file, { text: now.text, bom: record.bom });
      applied.push(c.key);
      continue;
    }
    const rel = c.kind === 'task' ? TASKS_PATH : fileOf.get(c.key);
    if (!rel) continue;
    const doc = textOf(rel);
    let text = doc.text;
    const after = c.after ?? '';
    if (c.kind === 'item') text = c.change === 'removed' ? deleteItem(text, c.id) : updateItemText(text, c.id, after);
    else text = c.change === 'removed' ? deleteTask(text, c.id) : setTaskTitle(text, c.id, after);
    texts.set(rel, { text, bom: doc.bom });
    applied.push(c.key);
  }
  return applied;
}
