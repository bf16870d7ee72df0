import type { ImportChange } from '../../../shared/contract/spec';
import { parseSpec } from '../spec/spec-doc';
import { deleteItem, oneLine, updateItemText } from '../spec/spec-edit';
import { deleteTask, setTaskTitle } from '../spec/tasks-edit';
import { parseTasks } from '../spec/tasks-doc';
import { TASKS_PATH } from '../spec/plan-files';
import type { ImportedItem, ImportPlan } from './import-plan';
import type { PlanState } from './import-apply';

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
 */
export function diffImport(state: PlanState, plans: readonly ImportPlan[], files: readonly string[]): ImportChange[] {
  const existing = existingFrom(state, files);
  const seen = new Set<string>();
  const out: ImportChange[] = [];
  for (const plan of plans) {
    for (const item of plan.items) {
      seen.add(item.from);
      const e = existing.get(item.from);
      if (!e) out.push({ key: item.from, change: 'new', kind: 'item', id: null, before: null, after: oneLine(item.text) });
      else if (e.kind === 'item' && e.text !== expectedText(item, e.id)) out.push({ key: item.from, change: 'changed', kind: 'item', id: e.id, before: e.text, after: expectedText(item, e.id) });
    }
    for (const t of plan.tasks) {
      seen.add(t.from);
      const e = existing.get(t.from);
      const title = oneLine(t.title) || 'Imported task';
      if (!e) out.push({ key: t.from, change: 'new', kind: 'task', id: null, before: null, after: title });
      else if (e.kind === 'task' && e.text !== title) out.push({ key: t.from, change: 'changed', kind: 'task', id: e.id, before: e.text, after: title });
    }
    for (const d of plan.decisions) {
      seen.add(d.from);
      if (!existing.has(d.from)) out.push({ key: d.from, change: 'new', kind: 'decision', id: null, before: null, after: oneLine(d.title) });
    }
    // Prose is compared by provenance only.
    for (const p of plan.prose) seen.add(p.from);
  }
  for (const [from, e] of existing) {
    if (!seen.has(from) && e.kind !== 'decision') out.push({ key: from, change: 'removed', kind: e.kind, id: e.id, before: e.text, after: null });
  }
  return out;
}

/** Applies the accepted changed and removed entries to the texts (spec files and tasks), in memory. */
export function applyAccepted(texts: Map<string, { text: string; bom: boolean }>, state: PlanState, changes: readonly ImportChange[], accept: ReadonlySet<string>): void {
  const textOf = (rel: string): { text: string; bom: boolean } => texts.get(rel) ?? (rel === TASKS_PATH ? state.tasks : state.specs.get(rel)) ?? { text: '', bom: false };
  const fileOf = new Map<string, string>();
  for (const [rel, f] of state.specs) for (const i of parseSpec(f.text).items) if (i.source) fileOf.set(i.source, rel);
  for (const c of changes) {
    if (!accept.has(c.key) || c.change === 'new' || c.id === null) continue;
    const rel = c.kind === 'task' ? TASKS_PATH : fileOf.get(c.key);
    if (!rel) continue;
    const doc = textOf(rel);
    let text = doc.text;
    if (c.kind === 'item') text = c.change === 'removed' ? deleteItem(text, c.id) : updateItemText(text, c.id, c.after ?? '');
    else if (c.kind === 'task') text = c.change === 'removed' ? deleteTask(text, c.id) : setTaskTitle(text, c.id, c.after ?? '');
    texts.set(rel, { text, bom: doc.bom });
  }
}
