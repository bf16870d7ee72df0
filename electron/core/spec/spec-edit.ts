import { RpcError } from '../../../shared/rpc';
import type { SpecSectionKind } from '../../../shared/contract/spec';
import { afterLineEnding, lineEnd, lineStart, splice } from './markdown-source';
import { parseSpec, trimBlankLines, type ParsedItem, type ParsedSpec } from './spec-doc';
import { SECTIONS, sectionInfo } from './spec-sections';

/**
 * Edits of the spec as text splices at the parser's source offsets. The AST is never serialised,
 * so every byte the app does not touch — odd spacing, comments, tables, foreign sections — survives.
 */

/** Collapses user text to one line (an item is one paragraph line). */
export function oneLine(text: string): string {
  return text.replace(/\s*\r?\n\s*/g, ' ').trim();
}

function eolOf(text: string): string {
  return /\r\n/.test(text) && (text.match(/\r\n/g) ?? []).length * 2 >= (text.match(/\n/g) ?? []).length ? '\r\n' : '\n';
}

function findItem(spec: ParsedSpec, id: string): ParsedItem {
  const item = spec.items.find((i) => i.id === id);
  if (!item) throw new RpcError('NOT_FOUND', `No item ${id} in the spec. It may have been edited outside Plumbline; reload the spec.`);
  return item;
}

/** Adds a section heading at its canonical place (before the first later known section), returning the text. */
export function ensureSection(text: string, kind: SpecSectionKind): string {
  const spec = parseSpec(text);
  if (spec.sections.some((s) => s.kind === kind)) return text;
  const eol = eolOf(text);
  const order = SECTIONS.map((s) => s.kind);
  const later = spec.sections.find((s) => s.kind !== null && order.indexOf(s.kind) > order.indexOf(kind));
  const heading = `${'#'.repeat(spec.depth)} ${sectionInfo(kind).title}`;
  if (later) {
    return splice(text, later.headingStart, later.headingStart, `${heading}${eol}${eol}`);
  }
  const trimmedEnd = text.replace(/(\r?\n)*$/, '');
  return `${trimmedEnd}${trimmedEnd ? eol + eol : ''}${heading}${eol}`;
}

/** Inserts a new item line at the end of a section (creating the section when missing). */
export function insertItem(text: string, kind: SpecSectionKind, line: string): string {
  text = ensureSection(text, kind);
  const spec = parseSpec(text);
  const section = spec.sections.find((s) => s.kind === kind);
  if (!section) throw new Error('section vanished');
  const eol = eolOf(text);
  const last = section.items.at(-1);
  if (last) {
    const at = lineEnd(text, last.end);
    return splice(text, at, at, `${eol}${last.bullet}${line}`);
  }
  const at = section.lastBlockEnd;
  const tail = text.slice(at);
  const needsEolAfter = at === text.length || !/^\r?\n/.test(tail);
  return splice(text, at, at, `${eol}${eol}- ${line}${needsEolAfter ? eol : ''}`);
}

/** Replaces an item's text, keeping its ID, bullet and provenance comment. */
export function updateItemText(text: string, id: string, newText: string): string {
  const spec = parseSpec(text);
  const item = findItem(spec, id);
  const old = text.slice(item.textStart, item.textEnd);
  const from = /<!--\s*from:[\s\S]*?-->/.exec(old);
  const value = `${id}: ${oneLine(newText)}${from ? ` ${from[0]}` : ''}`;
  return splice(text, item.textStart, item.textEnd, value);
}

/** Deletes an item's whole lines. */
export function deleteItem(text: string, id: string): string {
  const spec = parseSpec(text);
  const item = findItem(spec, id);
  return splice(text, lineStart(text, item.start), afterLineEnding(text, item.end), '');
}

/** Swaps an item with its previous or next sibling in the same list. */
export function moveItem(text: string, id: string, direction: 'up' | 'down'): string {
  const spec = parseSpec(text);
  const item = findItem(spec, id);
  const siblings = item.list.children;
  const otherIndex = item.indexInList + (direction === 'up' ? -1 : 1);
  const other = siblings[otherIndex];
  if (!other) return text;
  const self = { start: item.start, end: item.end };
  const near = { start: other.position?.start.offset ?? 0, end: other.position?.end.offset ?? 0 };
  const [first, second] = direction === 'up' ? [near, self] : [self, near];
  const aStart = lineStart(text, first.start);
  const aEnd = lineEnd(text, first.end);
  const bStart = lineStart(text, second.start);
  const bEnd = lineEnd(text, second.end);
  const between = text.slice(aEnd, bStart);
  return text.slice(0, aStart) + text.slice(bStart, bEnd) + between + text.slice(aStart, aEnd) + text.slice(bEnd);
}

/** Replaces the marker of a clarification with `[RESOLVED: question → answer]`. */
export function resolveClarification(text: string, index: number, question: string, answer: string, note: string | null): string {
  const spec = parseSpec(text);
  const c = spec.clarifications[index];
  if (!c || c.resolved || c.question !== question.trim()) {
    throw new RpcError('CONFLICT', 'That open question changed since it was shown (the spec was edited). Look at the refreshed list and answer again.');
  }
  const marker = `[RESOLVED: ${c.question} → ${oneLine(answer).replace(/\]/g, ')')}${note ? ` (${note})` : ''}]`;
  return splice(text, c.start, c.end, marker);
}

/** Appends a paragraph of prose at the end of a section (creating the section when missing). */
export function appendProse(text: string, kind: SpecSectionKind, paragraph: string): string {
  text = ensureSection(text, kind);
  const spec = parseSpec(text);
  const section = spec.sections.find((s) => s.kind === kind);
  if (!section) throw new Error('section vanished');
  const eol = eolOf(text);
  const at = section.lastBlockEnd;
  const needsEolAfter = at === text.length || !/^\r?\n/.test(text.slice(at));
  return splice(text, at, at, `${eol}${eol}${paragraph.trim().replace(/\r?\n/g, eol)}${needsEolAfter ? eol : ''}`);
}

/**
 * Replaces a section's text (its `body`: everything between the heading and the next section, the hint comment
 * with it) with the user's words. Only line endings are made the file's; blank lines around are the file's layout.
 * `previous`, when given, must be the body now on disk, so an edit made meanwhile is never overwritten unseen.
 */
export function setSectionText(text: string, kind: SpecSectionKind, words: string, previous?: string): string {
  text = ensureSection(text, kind);
  const section = parseSpec(text).sections.find((s) => s.kind === kind);
  if (!section) throw new Error('section vanished');
  if (previous !== undefined && previous !== section.body) throw sectionChanged(section.title);
  const eol = eolOf(text);
  const body = trimBlankLines(words).replace(/\r?\n/g, eol);
  if (body === section.body) return text;
  const atEnd = section.bodyEnd === text.length;
  const tail = body ? `${eol}${eol}${body}${eol}${atEnd ? '' : eol}` : atEnd ? eol : `${eol}${eol}`;
  return splice(text, lineEnd(text, section.headingEnd), section.bodyEnd, tail);
}

/** A table as cells: the header's and each row's. */
export interface TableCells {
  readonly columns: readonly string[];
  readonly rows: ReadonlyArray<readonly string[]>;
}

/** One table cell as Markdown source: on one line, `|` escaped (an already escaped one is kept). */
export function escapeCell(cell: string): string {
  return oneLine(cell).replace(/\\\|/g, '|').replace(/\|/g, '\\|');
}

/** A table row's line. */
function rowLine(cells: readonly string[], width: number): string {
  const padded = Array.from({ length: width }, (_, i) => escapeCell(cells[i] ?? ''));
  return `| ${padded.join(' | ')} |`;
}

const sameCells = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((c, i) => c === b[i]);

/**
 * Writes a section's first table from its cells (a new table after the section's text when it has none). Lines of
 * rows whose cells did not change are kept byte for byte — moved or not — so a table nobody edited is the same text.
 * `previous`, when given, must be the table now on disk (null: none).
 */
export function setTable(text: string, kind: SpecSectionKind, table: TableCells, previous?: TableCells | null): string {
  text = ensureSection(text, kind);
  const section = parseSpec(text).sections.find((s) => s.kind === kind);
  if (!section) throw new Error('section vanished');
  if (previous !== undefined) {
    const now = section.table;
    const same = previous === null ? now === null : now !== null && sameCells(previous.columns, now.columns) && previous.rows.length === now.rows.length && previous.rows.every((r, i) => sameCells(r, now.rows[i]!));
    if (!same) throw sectionChanged(section.title);
  }
  const eol = eolOf(text);
  const width = table.columns.length;
  const range = section.tableRange;
  const [head, ...old] = section.tableRows;
  if (!range || !head) {
    const lines = [rowLine(table.columns, width), `|${'---|'.repeat(width)}`, ...table.rows.map((r) => rowLine(r, width))];
    const at = section.lastBlockEnd;
    const needsEolAfter = at === text.length || !/^\r?\n/.test(text.slice(at));
    return splice(text, at, at, `${eol}${eol}${lines.join(eol)}${needsEolAfter ? eol : ''}`);
  }
  const unchangedWidth = head.cells.length === width;
  const lines: string[] = [sameCells(head.cells, table.columns) ? text.slice(head.start, head.end) : rowLine(table.columns, width)];
  const delimiter = afterLineEnding(text, head.end);
  lines.push(unchangedWidth ? text.slice(delimiter, lineEnd(text, delimiter)) : `|${'---|'.repeat(width)}`);
  const used = new Set<number>();
  for (const row of table.rows) {
    const match = old.findIndex((o, i) => !used.has(i) && sameCells(o.cells, row) && unchangedWidth);
    if (match === -1) {
      lines.push(rowLine(row, width));
    } else {
      used.add(match);
      lines.push(text.slice(old[match]!.start, old[match]!.end));
    }
  }
  const end = old.length ? old.at(-1)!.end : lineEnd(text, delimiter);
  return splice(text, head.start, end, lines.join(eol));
}

function sectionChanged(title: string): RpcError {
  return new RpcError('CONFLICT', `${title} changed on disk since you opened it. Your text was not saved: copy it, look at the refreshed section, and apply it again.`);
}
