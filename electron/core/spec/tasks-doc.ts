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

/** An ATX heading line that may start a task (`## T-12: …`), at most three spaces in. */
const TASK_LINE = /^ {0,3}#{2,6}[ \t]+T-\d+/;
/** Opening of a fenced code block, at most three spaces in. */
const FENCE = /^ {0,3}(`{3,}|~{3,})/;
/** HTML blocks that run to an end marker rather than to a blank line (comments, `<pre>`, `<script>`, …). */
const HTML_OPEN = /^ {0,3}<(!--|pre\b|script\b|style\b|textarea\b|\?|![A-Za-z]|!\[CDATA\[)/i;
const HTML_CLOSE: ReadonlyArray<[RegExp, RegExp]> = [
  [/^!--/, /-->/],
  [/^pre\b/i, /<\/pre>/i],
  [/^script\b/i, /<\/script>/i],
  [/^style\b/i, /<\/style>/i],
  [/^textarea\b/i, /<\/textarea>/i],
  [/^\?/, /\?>/],
  [/^!\[CDATA\[/, /\]\]>/],
  [/^![A-Za-z]/, />/],
];

/**
 * Where the text may be cut into pieces that parse alone exactly as they do in one piece: at each task heading
 * line outside fenced code and multi-line HTML blocks. An ATX heading at the start of a line closes every open
 * list, quote and paragraph, so each piece starts at a block boundary. Parsing the pieces one by one keeps the
 * parse linear (the Markdown parser slows down more than linearly on one long text of many lists).
 */
export function taskCuts(text: string): number[] {
  const cuts: number[] = [];
  let fence: string | null = null;
  let html: RegExp | null = null;
  for (let at = 0; at < text.length; ) {
    const nl = text.indexOf('\n', at);
    const next = nl === -1 ? text.length : nl + 1;
    const line = text.slice(at, nl === -1 ? text.length : nl).replace(/\r$/, '');
    if (fence) {
      const close = FENCE.exec(line);
      if (close && close[1]![0] === fence[0] && close[1]!.length >= fence.length && line.trim() === close[1]) fence = null;
    } else if (html) {
      if (html.test(line)) html = null;
    } else if (TASK_LINE.test(line)) {
      if (at > 0) cuts.push(at);
    } else {
      const open = FENCE.exec(line);
      if (open && !(open[1]![0] === '`' && line.slice(line.indexOf(open[1]!) + open[1]!.length).includes('`'))) fence = open[1]!;
      else {
        const h = HTML_OPEN.exec(line);
        if (h) {
          const end = HTML_CLOSE.find(([start]) => start.test(h[1]!))?.[1] ?? null;
          if (end && !end.test(line.slice(h.index + h[0].length))) html = end;
        }
      }
    }
    at = next;
  }
  return cuts;
}

/** Parses `.plumbline/tasks.md` (text without BOM). Tasks are headings `T-n: title`, at any level ≥ 2. Linear in the text's length. */
export function parseTasks(text: string): ParsedTask[] {
  const out: ParsedTask[] = [];
  const bounds = [0, ...taskCuts(text), text.length];
  let line = 0;
  for (let k = 0; k + 1 < bounds.length; k++) {
    const from = bounds[k]!;
    const piece = text.slice(from, bounds[k + 1]!);
    // A piece holds a task only if it holds `T-` (or an escape that could spell it); the rest needs no parse.
    const none = !/T(?:-|\\-|&)/.test(piece);
    const fast = none || from === 0 ? null : plainTask(piece);
    for (const t of none ? [] : fast ? [fast] : parsePiece(piece)) out.push(from === 0 ? t : shift(t, from, line));
    for (let i = piece.indexOf('\n'); i !== -1; i = piece.indexOf('\n', i + 1)) line++;
  }
  return out;
}

/** A task parsed from a piece starting at `offset` (on line `lines` + 1), with its ranges moved to the whole text. */
function shift(t: ParsedTask, offset: number, lines: number): ParsedTask {
  const fields = new Map<TaskField, { start: number; end: number; bullet: string; itemEnd: number }>();
  for (const [k, f] of t.fields) fields.set(k, { start: f.start + offset, end: f.end + offset, bullet: f.bullet, itemEnd: f.itemEnd + offset });
  return {
    ...t,
    line: t.line + lines,
    start: t.start + offset,
    end: t.end + offset,
    headingEnd: t.headingEnd + offset,
    fields,
    descRange: t.descRange ? { start: t.descRange.start + offset, end: t.descRange.end + offset } : null,
    lastBlockEnd: t.lastBlockEnd + offset,
    fieldListEnd: t.fieldListEnd === null ? null : t.fieldListEnd + offset,
  };
}

/** A plain description line: no block syntax (list, quote, heading, code, HTML, table, setext underline) and no edge whitespace. */
const PLAIN_LINE = /^(?![-*+>#=|<~`\s]|\d+[.)])(?!.*\s$).+$/;
/** A field line `- key: value` with nothing but text in it. */
const PLAIN_FIELD = /^- ([a-z][a-z ]*?): ?(.*)$/i;
/** A task heading with nothing but text in its title. */
const PLAIN_HEADING = /^##[ \t]+(T-\d+[^\\`*_[\]<>&!~#]*)$/;

/**
 * A piece in the shape Plumbline writes (heading, plain paragraphs, one list of fields, blank lines), read
 * without the Markdown parser; null for anything else, which the parser then reads. It gives exactly what
 * `parsePiece` gives for such a piece (tested against it).
 */
function plainTask(text: string): ParsedTask | null {
  const lines: Array<{ start: number; end: number; text: string }> = [];
  for (let at = 0; at <= text.length; ) {
    const nl = text.indexOf('\n', at);
    const stop = nl === -1 ? text.length : nl;
    const end = stop > at && text[stop - 1] === '\r' ? stop - 1 : stop;
    lines.push({ start: at, end, text: text.slice(at, end) });
    if (nl === -1) break;
    at = nl + 1;
  }
  while (lines.length && lines.at(-1)!.text === '') lines.pop();
  const head = lines[0] ? PLAIN_HEADING.exec(lines[0].text) : null;
  if (!head || /\s$/.test(lines[0]!.text)) return null;
  // Fields: the last run of `- key: value` lines, after a blank line.
  let f = lines.length;
  while (f > 1 && PLAIN_FIELD.test(lines[f - 1]!.text) && !/\s$/.test(lines[f - 1]!.text)) f--;
  if (f < lines.length && lines[f - 1]!.text !== '') return null;
  const fields = new Map<TaskField, { start: number; end: number; bullet: string; itemEnd: number }>();
  const values = new Map<TaskField, string>();
  for (const l of lines.slice(f)) {
    const m = PLAIN_FIELD.exec(l.text)!;
    const key = FIELD_NAMES[m[1]!.toLowerCase().trim()];
    if (!key) return null;
    if (fields.has(key)) continue;
    fields.set(key, { start: l.start + 2, end: l.end, bullet: '- ', itemEnd: l.end });
    values.set(key, m[2]!.trim());
  }
  // Description: plain paragraphs between the heading and the fields.
  const desc = lines.slice(1, f).filter((l) => l.text !== '');
  if (lines.slice(1, f).some((l) => l.text !== '' && !PLAIN_LINE.test(l.text))) return null;
  if (lines[1] && lines[1].text !== '' ) return null;
  const m = TASK_HEADING.exec(head[1]!)!;
  const id = m[1]!;
  const title = (m[2] ?? '').trim();
  const list = (k: TaskField): string[] => splitList(values.get(k) ?? '', k);
  const fieldListEnd = f < lines.length ? lines.at(-1)!.end : null;
  return {
    id,
    number: Number(id.slice(2)),
    title,
    description: desc.length ? text.slice(desc[0]!.start, desc.at(-1)!.end) : '',
    serves: list('serves'),
    scope: list('scope'),
    checks: list('checks'),
    depends: list('depends'),
    status: parseStatus(values.get('status') ?? 'todo'),
    source: values.get('from')?.replace(/`/g, '') ?? null,
    line: 1,
    ...(networkAllowed(values.get('network')) ? { network: true } : {}),
    start: 0,
    end: text.length,
    headingEnd: lines[0]!.end,
    fields,
    descRange: desc.length ? { start: desc[0]!.start, end: desc.at(-1)!.end } : null,
    lastBlockEnd: fieldListEnd ?? (desc.length ? desc.at(-1)!.end : lines[0]!.end),
    fieldListEnd,
  };
}

/** The tasks of one piece of the file (see `taskCuts`), through the Markdown parser; on a whole file, the reference `parseTasks` agrees with. */
export function parsePiece(text: string): ParsedTask[] {
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
