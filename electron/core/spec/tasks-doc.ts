import type { Heading, List, ListItem, RootContent } from 'mdast';
import type { TaskItem, TaskStatus } from '../../../shared/contract/spec';
import { endOf, lineOf, parseMarkdown, plainText, startOf } from './markdown-source';

/** Field keys of a task and their lenient spellings. */
export type TaskField = 'serves' | 'scope' | 'checks' | 'depends' | 'status' | 'from' | 'network';

const FIELD_NAMES: Readonly<Record<string, TaskField>> = {
  serves: 'serves',
  requirements: 'serves',
  implements: 'serves',
  scope: 'scope',
  files: 'scope',
  checks: 'checks',
  check: 'checks',
  verify: 'checks',
  depends: 'depends',
  'depends on': 'depends',
  dependencies: 'depends',
  after: 'depends',
  status: 'status',
  from: 'from',
  source: 'from',
  network: 'network',
};

const TASK_HEADING = /^\s*(T-\d+)\s*(?::|\.|—|–|-(?=\s))?\s*(.*)$/;

/** A task with the source ranges edits need. */
export interface ParsedTask extends TaskItem {
  readonly start: number;
  /** End of the task's section (next task heading or end of file). */
  readonly end: number;
  readonly headingEnd: number;
  /** Field list items by key, with the range of their content paragraph. */
  readonly fields: ReadonlyMap<TaskField, { readonly start: number; readonly end: number; readonly bullet: string; readonly itemEnd: number }>;
  /** Range of the description blocks before the field list (null when there are none). */
  readonly descRange: { readonly start: number; readonly end: number } | null;
  /** End of the last block of the task. */
  readonly lastBlockEnd: number;
  readonly fieldListEnd: number | null;
}

/** Reads a status leniently ("In progress", "wip", "review", "[x]"). */
export function parseStatus(raw: string): TaskStatus {
  const s = raw.toLowerCase().replace(/[`*_]/g, '').replace(/[-_]/g, ' ').trim();
  if (/^(in progress|doing|wip|started|active)/.test(s)) return 'in progress';
  if (/^(in review|review|reviewing)/.test(s)) return 'in review';
  if (/^verified/.test(s)) return 'verified';
  if (/^(refuted|failed|rejected)/.test(s)) return 'refuted';
  if (/^(done|complete|completed|closed|x)$/.test(s) || /^done\b/.test(s)) return 'done';
  return 'todo';
}

/** Reads a task's `network:` line: "allowed" (or yes / on / true) allows it; anything else, or no line, does not. */
export function networkAllowed(raw: string | undefined): boolean {
  return /^(allowed|allow|yes|on|true)\b/i.test((raw ?? '').replace(/[`*_]/g, '').trim());
}

/** Splits a field value into a list (commas; inline code kept whole). */
export function splitList(raw: string, field: TaskField): string[] {
  if (field === 'checks') {
    const codes = [...raw.matchAll(/`([^`]+)`/g)].map((m) => (m[1] ?? '').trim()).filter(Boolean);
    if (codes.length) return codes;
  }
  return raw
    .replace(/`/g, '')
    .split(/\s*[,;]\s*|\s+and\s+/)
    .map((s) => s.trim())
    .filter((s) => s && !/^(none|—|-|n\/a)$/i.test(s));
}

/** Parses `.plumbline/tasks.md` (text without BOM). Tasks are headings `T-n: title`, at any level ≥ 2. */
export function parseTasks(text: string): ParsedTask[] {
  const root = parseMarkdown(text);
  const children = root.children;
  const heads: Array<{ node: Heading; index: number; id: string; title: string }> = [];
  children.forEach((n, index) => {
    if (n.type !== 'heading' || n.depth < 2) return;
    const m = TASK_HEADING.exec(plainText(n));
    if (m) heads.push({ node: n, index, id: m[1]!, title: (m[2] ?? '').trim() });
  });
  return heads.map((h, k) => {
    const nextHead = heads[k + 1];
    let stop = nextHead ? nextHead.index : children.length;
    // A heading of the same or a higher level also ends the task.
    for (let i = h.index + 1; i < stop; i++) {
      const c = children[i]!;
      if (c.type === 'heading' && c.depth <= h.node.depth) {
        stop = i;
        break;
      }
    }
    const blocks = children.slice(h.index + 1, stop);
    const end = stop < children.length ? startOf(children[stop]!) : text.length;
    return parseTaskBody(text, h, blocks, end);
  });
}

function fieldOf(text: string, li: ListItem): { key: TaskField; value: string; start: number; end: number } | null {
  const para = li.children[0];
  if (!para || para.type !== 'paragraph') return null;
  const raw = text.slice(startOf(para), endOf(para));
  const m = /^\s*(?:\*\*|__)?([A-Za-z][A-Za-z ]*?)(?:\*\*|__)?\s*:(?:\*\*|__)?\s*([\s\S]*)$/.exec(raw);
  if (!m) return null;
  const key = FIELD_NAMES[(m[1] ?? '').toLowerCase().trim()];
  if (!key) return null;
  return { key, value: (m[2] ?? '').trim(), start: startOf(para), end: endOf(para) };
}

function parseTaskBody(text: string, h: { node: Heading; id: string; title: string }, blocks: RootContent[], end: number): ParsedTask {
  const fields = new Map<TaskField, { start: number; end: number; bullet: string; itemEnd: number }>();
  const values = new Map<TaskField, string>();
  const descBlocks: RootContent[] = [];
  let fieldListEnd: number | null = null;
  let seenFields = false;
  for (const block of blocks) {
    if (block.type === 'list') {
      const list = block as List;
      const parsed = list.children.map((li) => ({ li, f: fieldOf(text, li) }));
      if (parsed.some((p) => p.f)) {
        seenFields = true;
        for (const { li, f } of parsed) {
          if (!f || fields.has(f.key)) continue;
          const lineBegin = text.lastIndexOf('\n', startOf(li) - 1) + 1;
          fields.set(f.key, { start: f.start, end: f.end, bullet: text.slice(lineBegin, f.start), itemEnd: endOf(li) });
          values.set(f.key, f.value);
        }
        fieldListEnd = endOf(list);
        continue;
      }
    }
    if (!seenFields) descBlocks.push(block);
  }
  const description = descBlocks.length ? text.slice(startOf(descBlocks[0]!), endOf(descBlocks.at(-1)!)) : '';
  const num = Number(h.id.slice(2));
  const list = (k: TaskField): string[] => splitList(values.get(k) ?? '', k);
  return {
    id: h.id,
    number: num,
    title: h.title,
    description,
    serves: list('serves'),
    scope: list('scope'),
    checks: list('checks'),
    depends: list('depends'),
    status: parseStatus(values.get('status') ?? 'todo'),
    source: values.get('from')?.replace(/`/g, '') ?? null,
    line: lineOf(h.node),
    ...(networkAllowed(values.get('network')) ? { network: true } : {}),
    start: startOf(h.node),
    end,
    headingEnd: endOf(h.node),
    fields,
    descRange: descBlocks.length ? { start: startOf(descBlocks[0]!), end: endOf(descBlocks.at(-1)!) } : null,
    lastBlockEnd: blocks.length ? endOf(blocks.at(-1)!) : endOf(h.node),
    fieldListEnd,
  };
}

/** The next task: the first todo (file order) whose dependencies are all done or verified. */
export function nextTask(tasks: readonly TaskItem[]): string | null {
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const settled = (id: string): boolean => {
    const t = byId.get(id);
    return t !== undefined && (t.status === 'done' || t.status === 'verified');
  };
  return tasks.find((t) => t.status === 'todo' && t.depends.every(settled))?.id ?? null;
}
