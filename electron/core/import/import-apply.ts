import type { SpecSectionKind } from '../../../shared/contract/spec';
import { formatStatus } from '../spec/decisions-edit';
import { pad4, slugify } from '../spec/decisions-doc';
import { DECISIONS_DIR, SPEC_PATH, TASKS_PATH } from '../spec/plan-files';
import { parseSpec } from '../spec/spec-doc';
import { appendProse, insertItem, oneLine } from '../spec/spec-edit';
import { SECTIONS, sectionInfo } from '../spec/spec-sections';
import { parseMarkdown, startOf } from '../spec/markdown-source';
import { formatField } from '../spec/tasks-edit';
import { parseTasks, type ParsedTask } from '../spec/tasks-doc';
import type { TaskItem } from '../../../shared/contract/spec';
import type { ImportedDecision, ImportPlan } from './import-plan';

/** A planning file as read before the import. */
export interface PlanFile {
  readonly text: string;
  readonly bom: boolean;
  readonly exists: boolean;
  readonly hash: string;
}

/** A decision record of the plan as read before the import. */
export interface ExistingDecision {
  readonly number: number;
  readonly source: string | null;
  /** Project-relative path of the record. */
  readonly file: string;
  /** The record's text (without BOM), so a re-import can tell whether it still reads as imported. */
  readonly text: string;
  readonly bom: boolean;
  /** SHA-1 of the record's bytes on disk. */
  readonly hash: string;
}

/** The project's plan as read once at the start of an import. */
export interface PlanState {
  /** Every spec file (main first), keyed by project-relative path. */
  readonly specs: ReadonlyMap<string, PlanFile>;
  readonly tasks: PlanFile;
  readonly decisions: ReadonlyArray<ExistingDecision>;
  readonly marks: Readonly<Record<string, number>>;
  readonly projectName: string;
}

/** A spec file's items, parsed once per file read (the same text object is parsed once however often it is asked for). */
const parsedSpecs = new WeakMap<PlanFile, ReturnType<typeof parseSpec>>();
export function specOf(file: PlanFile): ReturnType<typeof parseSpec> {
  let p = parsedSpecs.get(file);
  if (!p) parsedSpecs.set(file, (p = parseSpec(file.text)));
  return p;
}

/** The tasks file's tasks, parsed once per file read. */
const parsedTasks = new WeakMap<PlanFile, ParsedTask[]>();
export function tasksOf(file: PlanFile): ParsedTask[] {
  let p = parsedTasks.get(file);
  if (!p) parsedTasks.set(file, (p = parseTasks(file.text)));
  return p;
}

/**
 * A task as a re-import compares it: every field the user can edit (checks included, so adding one counts as an
 * edit), the description with line endings and surrounding blank lines normalised.
 */
export interface TaskShape {
  readonly title: string;
  readonly status: string;
  readonly description: string;
  readonly scope: readonly string[];
  readonly serves: readonly string[];
  readonly depends: readonly string[];
  readonly checks: readonly string[];
}

/** The shape of a parsed task. */
export function taskShape(t: TaskItem): TaskShape {
  return { title: t.title, status: t.status, description: t.description.replace(/\r\n/g, '\n').trim(), scope: t.scope, serves: t.serves, depends: t.depends, checks: t.checks };
}

/** One string per shape; its SHA-1 is what `imports.json` remembers of a task. */
export function shapeKey(s: TaskShape): string {
  return JSON.stringify([s.title, s.status, s.description, s.scope, s.serves, s.depends, s.checks]);
}

/** A task of the sources as an import renders it now. */
export interface RenderedTask {
  readonly id: string;
  /** The task's section as `tasks.md` holds it. */
  readonly block: string;
  /** The task as Plumbline reads that section back. */
  readonly shape: TaskShape;
}

/** What an import writes: each file once. */
export interface ImportWrites {
  readonly files: ReadonlyMap<string, { readonly text: string; readonly bom: boolean }>;
  readonly marks: Readonly<Record<string, number>>;
  readonly counts: ReadonlyArray<{ items: number; tasks: number; decisions: number }>;
  /**
   * Every decision of the sources as it reads when imported now, by provenance: a new one at the file it is
   * written to, one imported before at its record's file (number and file name kept), with links as they
   * stand after this import. A re-import compares these with the records (see `import-diff.ts`).
   */
  readonly decisions: ReadonlyMap<string, { readonly file: string; readonly text: string }>;
  /** Every task of the sources as it reads when imported now, by provenance (new ones and ones imported before, with their IDs). */
  readonly tasks: ReadonlyMap<string, RenderedTask>;
  /** What this import adds, by provenance: an item's text as the spec reads it, a task's title, a decision's record. */
  readonly added: ReadonlyMap<string, string>;
}

const FROM_ANY = /<!--\s*from:\s*([\s\S]*?)\s*-->/g;

/** Numbers in use per prefix, and the floor under which an original number is never kept (deleted IDs stay retired). */
class Numbering {
  private readonly taken = new Map<string, Set<number>>();
  private readonly floor = new Map<string, number>();
  private readonly high = new Map<string, number>();
  private readonly raised: Record<string, number> = {};

  constructor(marks: Readonly<Record<string, number>>) {
    for (const [k, v] of Object.entries(marks)) {
      this.floor.set(k, v);
      this.high.set(k, v);
    }
  }

  /** Records a number in use before the import. */
  use(prefix: string, n: number): void {
    this.set(prefix).add(n);
    this.floor.set(prefix, Math.max(this.floor.get(prefix) ?? -1, n));
    this.high.set(prefix, Math.max(this.high.get(prefix) ?? 0, n));
  }

  /** The original number when free and above the floor, else the next number. */
  take(prefix: string, wanted: number | null): number {
    const taken = this.set(prefix);
    let n: number;
    if (wanted !== null && wanted > (this.floor.get(prefix) ?? -1) && !taken.has(wanted)) n = wanted;
    else n = (this.high.get(prefix) ?? 0) + 1;
    taken.add(n);
    this.high.set(prefix, Math.max(this.high.get(prefix) ?? 0, n));
    if (n > (this.raised[prefix] ?? 0)) this.raised[prefix] = n;
    return n;
  }

  marks(): Record<string, number> {
    return { ...this.raised };
  }

  private set(prefix: string): Set<number> {
    let s = this.taken.get(prefix);
    if (!s) this.taken.set(prefix, (s = new Set()));
    return s;
  }
}

function eolOf(text: string): string {
  return /\r\n/.test(text) && (text.match(/\r\n/g) ?? []).length * 2 >= (text.match(/\n/g) ?? []).length ? '\r\n' : '\n';
}

const indent = (body: string, by: string): string =>
  body
    .split(/\r?\n/)
    .map((l) => (l ? `${by}${l}` : l))
    .join('\n');

/** A new spec with the given items and prose, sections in canonical order (required ones always present). */
function renderSpec(title: string, prose: ReadonlyMap<SpecSectionKind, string[]>, lines: ReadonlyMap<SpecSectionKind, string[]>): string {
  const out = [`# Spec: ${oneLine(title)}`, ''];
  for (const s of SECTIONS) {
    const p = prose.get(s.kind) ?? [];
    const l = lines.get(s.kind) ?? [];
    if (!s.required && !p.length && !l.length) continue;
    out.push(`## ${s.title}`, '');
    if (!p.length && !l.length) out.push(`<!-- hint: ${s.hint} -->`, '');
    for (const para of p) out.push(para, '');
    if (l.length) out.push(...l, '');
  }
  return out.join('\n');
}

/**
 * The bullet for a task's field list: `-`, or `*` when the description ends in a `-` list (a list right after
 * another with the same bullet would join it, and the description's last items would read as part of the fields).
 */
export function fieldBullet(description: string): string {
  if (!/^[ \t]*-[ \t]/m.test(description)) return '-';
  const last = parseMarkdown(description).children.at(-1);
  return last?.type === 'list' && !last.ordered && description[startOf(last)] === '-' ? '*' : '-';
}

/** A task section as `tasks.create` writes it. */
export function renderTask(id: string, t: { title: string; description: string; serves: readonly string[]; scope: readonly string[]; depends: readonly string[]; status: string; from: string }, eol: string): string {
  const lines = [`## ${id}: ${oneLine(t.title) || 'Imported task'}`, ''];
  const description = t.description.trim();
  const bullet = fieldBullet(description);
  if (description) lines.push(description.replace(/\r?\n/g, eol), '');
  const fields: Array<[Parameters<typeof formatField>[0], readonly string[] | string]> = [
    ['serves', t.serves],
    ['scope', t.scope],
    ['depends', t.depends],
    ['status', t.status],
    ['from', t.from],
  ];
  for (const [k, v] of fields) {
    const f = formatField(k, v);
    if (f) lines.push(`${bullet} ${k}: ${f}`);
  }
  return lines.join(eol) + eol;
}

/** Appends to the list under a key (made on first use). */
function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

const yamlList = (ns: readonly number[]): string => `[${ns.map((n) => `"${pad4(n)}"`).join(', ')}]`;

/** A decision record in Plumbline's MADR layout; every section's Markdown kept as in the source. */
function renderDecision(number: number, d: ImportedDecision, links: { supersededBy: number | null; supersedes: number | null; amends: number[]; amendedBy: number[] }): string {
  const fm = ['---', `status: ${formatStatus(d.status, links.supersededBy)}`];
  if (d.date) fm.push(`date: ${JSON.stringify(d.date)}`);
  if (links.supersedes !== null) fm.push(`supersedes: "${pad4(links.supersedes)}"`);
  if (links.amends.length) fm.push(`amends: ${yamlList(links.amends)}`);
  if (links.amendedBy.length) fm.push(`amended-by: ${yamlList(links.amendedBy)}`);
  if (d.originalNumber !== null && d.originalNumber !== number) fm.push(`alias: "${pad4(d.originalNumber)}"`);
  fm.push(`from: ${JSON.stringify(d.from)}`, '---', '');
  const notes: string[] = [];
  if (d.originalNumber !== null && d.originalNumber !== number) notes.push(`Originally decision ${pad4(d.originalNumber)} (\`${d.from}\`).`);
  if (links.amends.length) notes.push(`Amends ${links.amends.map(pad4).join(', ')}.`);
  if (links.amendedBy.length) notes.push(`Amended by ${links.amendedBy.map(pad4).join(', ')}.`);
  const context = [notes.length ? `_${notes.join(' ')}_` : '', d.context].filter(Boolean).join('\n\n');
  const body = [`# ${pad4(number)}: ${oneLine(d.title)}`, ''];
  const add = (heading: string, content: string): void => {
    body.push(heading, '', content.trim() || '<!-- hint: to be written -->', '');
  };
  add('## Context and Problem Statement', context);
  add('## Considered Options', d.options);
  add('## Decision Outcome', d.decision);
  add('### Consequences', d.consequences);
  if (d.confirmation.trim()) add('### Confirmation', d.confirmation);
  return [...fm, ...body].join('\n');
}

/**
 * How rendered task sections read back, by provenance: all of them parsed in one pass (a section whose description
 * ends in a list reads otherwise than it was rendered, so what is compared later is what Plumbline reads).
 */
function readBack(rendered: ReadonlyArray<{ from: string; id: string; block: string }>, eol: string): Map<string, RenderedTask> {
  const out = new Map<string, RenderedTask>();
  if (!rendered.length) return out;
  const byId = new Map(parseTasks(`# Tasks${eol}${eol}${rendered.map((r) => r.block).join(eol)}`).map((t) => [t.id, t] as const));
  for (const r of rendered) {
    const t = byId.get(r.id);
    if (t) out.set(r.from, { id: r.id, block: r.block, shape: taskShape(t) });
  }
  return out;
}

/**
 * Builds the whole new plan in memory from the state read once and the parsed sources: every spec,
 * the tasks file and each new decision are rendered once. Items, tasks and decisions whose provenance
 * is already in the plan are skipped, so a repeated import adds nothing. With `accept`, only the new
 * items, tasks and decisions named there are added; every entry of the plans still counts for the others'
 * references and links.
 */
export async function buildImport(state: PlanState, plans: readonly ImportPlan[], step: () => Promise<void> = async () => undefined, accept?: ReadonlySet<string>): Promise<ImportWrites> {
  const wanted = (from: string): boolean => !accept || accept.has(from);
  const numbering = new Numbering(state.marks);
  const done = new Set<string>();
  const specTexts = new Map<string, PlanFile>(state.specs);
  for (const [, f] of state.specs) {
    for (const i of specOf(f).items) {
      numbering.use(i.prefix, i.number);
      if (i.source) done.add(i.source);
    }
    for (const m of f.text.matchAll(FROM_ANY)) done.add(m[1]!);
    await step();
  }
  // Existing tasks by provenance (their IDs), so dependencies and a re-import's comparison find them.
  const taskIdOfFrom = new Map<string, string>();
  for (const t of tasksOf(state.tasks)) {
    numbering.use('T', t.number);
    if (t.source) {
      done.add(t.source);
      taskIdOfFrom.set(t.source, t.id);
    }
  }
  for (const d of state.decisions) {
    numbering.use('ADR', d.number);
    if (d.source) done.add(d.source);
  }
  const decisionNumberOf = new Map<string, number>(state.decisions.filter((d) => d.source).map((d) => [d.source!, d.number]));
  const recordOf = new Map(state.decisions.filter((d) => d.source).map((d) => [d.source!, d] as const));
  const rendered = new Map<string, { file: string; text: string }>();
  const added = new Map<string, string>();

  const files = new Map<string, { text: string; bom: boolean }>();
  const counts: Array<{ items: number; tasks: number; decisions: number }> = [];
  const tasksEol = eolOf(state.tasks.text || '\n');
  const taskBlocks: string[] = [];
  // Existing items by provenance (their IDs), so tasks of a later import still resolve to them.
  const idOfFrom = new Map<string, string>();
  for (const [, f] of state.specs) for (const i of specOf(f).items) if (i.source) idOfFrom.set(i.source, i.id);
  const taskRenders: Array<{ from: string; id: string; block: string }> = [];
  const freshTasks = new Set<string>();

  for (const plan of plans) {
    await step();
    const rel = plan.target?.file ?? SPEC_PATH;
    const written = files.get(rel);
    const current = written ?? specTexts.get(rel) ?? { text: '', bom: false };
    const exists = written !== undefined || specTexts.get(rel)?.exists === true;
    const lines = new Map<SpecSectionKind, string[]>();
    const prose = new Map<SpecSectionKind, string[]>();
    const newItems: Array<[SpecSectionKind, string]> = [];
    const newProse: Array<[SpecSectionKind, string]> = [];
    let items = 0;
    for (const p of plan.prose) {
      if (done.has(p.from)) continue;
      done.add(p.from);
      const para = `${oneLine(p.text)} <!-- from: ${p.from} -->`;
      push(prose, p.section, para);
      newProse.push([p.section, para]);
    }
    for (const item of plan.items) {
      if (done.has(item.from) || !wanted(item.from)) continue;
      done.add(item.from);
      const prefix = sectionInfo(item.section).prefix;
      const id = prefix ? `${prefix}-${numbering.take(prefix, item.number)}` : '';
      if (id) idOfFrom.set(item.from, id);
      const alias = item.alias && item.alias !== id ? ` (${item.alias})` : '';
      added.set(item.from, `${oneLine(item.text)}${alias}`);
      const line = `${id ? `${id}: ` : ''}${oneLine(item.text)}${alias} <!-- from: ${item.from} -->`;
      const full = item.body ? `- ${line}\n${indent(item.body, '  ')}` : `- ${line}`;
      push(lines, item.section, full);
      newItems.push([item.section, item.body ? `${line}\n${indent(item.body, '  ')}` : line]);
      items++;
    }
    if (newItems.length || newProse.length) {
      let text: string;
      if (!exists) text = renderSpec(plan.target?.title ?? state.projectName, prose, lines);
      else {
        text = current.text;
        for (const [section, para] of newProse) text = appendProse(text, section, para);
        for (const [section, line] of newItems) text = insertItem(text, section, line);
      }
      files.set(rel, { text, bom: current.bom });
    }

    // Tasks: serves keys resolve through the items' original keys (and user-story groups) to their IDs.
    const byKey = new Map<string, string[]>();
    for (const i of plan.items) {
      const id = idOfFrom.get(i.from);
      if (!id) continue;
      for (const k of [i.key, ...(i.groups ?? [])]) if (k) byKey.set(k, [...(byKey.get(k) ?? []), id]);
    }
    // New tasks get their IDs first, so a dependency on a later task resolves too.
    let tasks = 0;
    for (const t of plan.tasks) {
      if (done.has(t.from) || !wanted(t.from)) continue;
      done.add(t.from);
      taskIdOfFrom.set(t.from, `T-${numbering.take('T', t.number)}`);
      freshTasks.add(t.from);
    }
    const taskIdOfKey = new Map<string, string>();
    for (const t of plan.tasks) {
      const id = taskIdOfFrom.get(t.from);
      if (id) taskIdOfKey.set(t.key, id);
    }
    // Every task of the source is rendered: new ones are written, ones imported before are compared on re-import.
    for (const t of plan.tasks) {
      const id = taskIdOfFrom.get(t.from);
      if (!id) continue;
      const serves = [...new Set(t.servesKeys.flatMap((k) => byKey.get(k) ?? []))];
      const depends = [...new Set(t.dependsKeys.flatMap((k) => taskIdOfKey.get(k) ?? []))].filter((d) => d !== id);
      const block = renderTask(id, { ...t, serves, depends }, tasksEol);
      taskRenders.push({ from: t.from, id, block });
      if (freshTasks.has(t.from)) {
        taskBlocks.push(block);
        tasks++;
      }
    }

    // Decisions: original numbers kept where free; links remapped through the numbers they now have.
    const fresh = plan.decisions.filter((d) => !done.has(d.from) && wanted(d.from));
    const numberOfOriginal = new Map<number, number>();
    for (const d of plan.decisions) {
      const n = decisionNumberOf.get(d.from);
      if (n !== undefined && d.originalNumber !== null) numberOfOriginal.set(d.originalNumber, n);
    }
    const assigned = fresh.map((d) => {
      const n = numbering.take('ADR', d.originalNumber);
      if (d.originalNumber !== null) numberOfOriginal.set(d.originalNumber, n);
      decisionNumberOf.set(d.from, n);
      done.add(d.from);
      return [d, n] as const;
    });
    const map = (n: number | null | undefined): number | null => (n === null || n === undefined ? null : (numberOfOriginal.get(n) ?? null));
    // A link written on one side only (MADR's "superseded by" without a "supersedes") holds both ways.
    const back = { supersedes: new Map<number, number>(), supersededBy: new Map<number, number>(), amends: new Map<number, number[]>(), amendedBy: new Map<number, number[]>() };
    const add = (m: Map<number, number[]>, k: number, v: number): void => void m.set(k, [...(m.get(k) ?? []), v]);
    for (const d of plan.decisions) {
      const o = d.originalNumber;
      if (o === null) continue;
      if (d.supersededBy !== null) back.supersedes.set(d.supersededBy, o);
      if (d.supersedes !== null) back.supersededBy.set(d.supersedes, o);
      for (const a of d.amends) add(back.amendedBy, a, o);
      for (const a of d.amendedBy) add(back.amends, a, o);
    }
    const numbers = (own: readonly number[], other: readonly number[] | undefined): number[] =>
      [...new Set([...own, ...(other ?? [])])].map(map).filter((x): x is number => x !== null);
    const render = (d: ImportedDecision, n: number): string => {
      const o = d.originalNumber ?? -1;
      return renderDecision(n, d, {
        supersededBy: map(d.supersededBy ?? back.supersededBy.get(o)),
        supersedes: map(d.supersedes ?? back.supersedes.get(o)),
        amends: numbers(d.amends, back.amends.get(o)),
        amendedBy: numbers(d.amendedBy, back.amendedBy.get(o)),
      });
    };
    for (const [d, n] of assigned) {
      const file = `${DECISIONS_DIR}/${pad4(n)}-${slugify(d.title)}.md`;
      const text = render(d, n);
      files.set(file, { text, bom: false });
      rendered.set(d.from, { file, text });
      added.set(d.from, text);
    }
    // Records imported before, as they would read now (written only when a re-import applies them).
    for (const d of plan.decisions) {
      const record = recordOf.get(d.from);
      if (record && !rendered.has(d.from)) rendered.set(d.from, { file: record.file, text: render(d, record.number) });
    }
    counts.push({ items, tasks, decisions: assigned.length });
  }
  const renderedTasks = readBack(taskRenders, tasksEol);
  for (const from of freshTasks) {
    const r = renderedTasks.get(from);
    if (r) added.set(from, shapeKey(r.shape));
  }
  if (taskBlocks.length) {
    const base = state.tasks.text.replace(/(?:\r?\n)+$/, '');
    const text = base ? `${base}${tasksEol}${tasksEol}${taskBlocks.join(tasksEol)}` : `# Tasks${tasksEol}${tasksEol}${taskBlocks.join(tasksEol)}`;
    files.set(TASKS_PATH, { text, bom: state.tasks.bom });
  }
  return { files, marks: numbering.marks(), counts, decisions: rendered, tasks: renderedTasks, added };
}
