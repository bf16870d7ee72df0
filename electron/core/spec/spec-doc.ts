import type { Heading, List, ListItem, Nodes, Paragraph, Root, RootContent, Table } from 'mdast';
import type { Clarification, SpecItem, SpecSection, SpecSectionKind } from '../../../shared/contract/spec';
import { afterLineEnding, endOf, lineAt, lineEnd, lineOf, lineStart, opaqueRanges, parseMarkdown, plainText, startOf } from './markdown-source';
import { matchSection } from './spec-sections';

/** Matches `SEC-12: text` (also `SEC-12 — text`, `SEC-12. text`) at the start of an item. */
export const ITEM_ID = /^\s*(?:\*\*|__)?([A-Z]{1,6})-(\d+)(?:\*\*|__)?\s*(?::|\.|—|–|-(?=\s))\s*/;
const FROM_COMMENT = /<!--\s*from:\s*([\s\S]*?)\s*-->/;
const NEEDS = /\[NEEDS CLARIFICATION:\s*([^\]]*)\]/g;
const RESOLVED = /\[RESOLVED:\s*([^\]]*)\]/g;

/** A spec item with the source ranges edits need. */
export interface ParsedItem extends SpecItem {
  /** The list item node's range. */
  readonly start: number;
  readonly end: number;
  /** The first paragraph's range (what an edit of the text replaces). */
  readonly textStart: number;
  readonly textEnd: number;
  /** The line prefix before the item's content (indent and bullet), reused for siblings. */
  readonly bullet: string;
  /** Index of the list item in its list, and the list's items, for moves. */
  readonly list: List;
  readonly indexInList: number;
}

/** A section with the ranges edits need. */
export interface ParsedSection extends SpecSection {
  readonly headingStart: number;
  readonly headingEnd: number;
  /** Where the section's content ends (start of the next section or end of file). */
  readonly end: number;
  /** End offset of the section's last block (heading end when empty). */
  readonly lastBlockEnd: number;
  readonly items: readonly ParsedItem[];
  /** Where the section's text begins (the line after its heading) and ends (next section or a higher heading). */
  readonly bodyStart: number;
  readonly bodyEnd: number;
  /** The hint comment's range, when the section still has one. */
  readonly hintRange: readonly [number, number] | null;
  /** The first table's range and its rows' lines (header first; the delimiter row is not a row). */
  readonly tableRange: readonly [number, number] | null;
  readonly tableRows: ReadonlyArray<{ readonly start: number; readonly end: number; readonly cells: readonly string[] }>;
}

/** A clarification marker with its range. */
export interface ParsedClarification extends Clarification {
  readonly start: number;
  readonly end: number;
}

/** The spec's structure as found by the Markdown parser, with offsets into the text. */
export interface ParsedSpec {
  readonly title: string | null;
  readonly sections: readonly ParsedSection[];
  readonly items: readonly ParsedItem[];
  readonly clarifications: readonly ParsedClarification[];
  readonly depth: number;
}

/** Parses a spec text (without BOM). Never throws on foreign Markdown: what it does not know it skips. */
export function parseSpec(text: string): ParsedSpec {
  const root = parseMarkdown(text);
  const headings = root.children.filter((n): n is Heading => n.type === 'heading');
  // Sections are the heading level where most known section names appear (usually 2).
  const votes = new Map<number, number>();
  for (const h of headings) if (matchSection(plainText(h)) !== null) votes.set(h.depth, (votes.get(h.depth) ?? 0) + 1);
  let depth = 2;
  for (const [d, n] of votes) if (n > (votes.get(depth) ?? 0)) depth = d;
  const titleNode = headings.find((h) => h.depth < depth);
  const sectionHeads = root.children
    .map((n, i) => ({ n, i }))
    .filter((x): x is { n: Heading; i: number } => x.n.type === 'heading' && (x.n as Heading).depth === depth);

  const sections: ParsedSection[] = [];
  const items: ParsedItem[] = [];
  for (let s = 0; s < sectionHeads.length; s++) {
    const head = sectionHeads[s]!;
    const next = sectionHeads[s + 1];
    const end = next ? startOf(next.n) : text.length;
    const blocks = root.children.slice(head.i + 1, next ? next.i : root.children.length);
    const title = plainText(head.n).trim();
    const kind = matchSection(title);
    const sectionItems: ParsedItem[] = [];
    let hint: string | null = null;
    let hintRange: readonly [number, number] | null = null;
    let table: Table | null = null;
    let bodyEnd = end;
    const proseParts: string[] = [];
    for (const block of blocks) {
      if (block.type === 'html') {
        const m = /^<!--\s*hint:\s*([\s\S]*?)\s*-->$/.exec(block.value.trim());
        if (m) {
          hint = m[1] ?? '';
          hintRange = [startOf(block), endOf(block)];
          continue;
        }
      }
      if (block.type === 'table' && !table) table = block;
      if (block.type === 'list') {
        const found = collectItems(text, block, kind);
        sectionItems.push(...found);
        if (found.length === block.children.length) continue;
      }
      if (block.type === 'heading' && block.depth < depth) {
        bodyEnd = startOf(block);
        break;
      }
      proseParts.push(text.slice(startOf(block), endOf(block)));
    }
    items.push(...sectionItems);
    const bodyStart = Math.min(afterLineEnding(text, endOf(head.n)), bodyEnd);
    const rows = table ? tableRows(text, table) : [];
    const lastBlock = blocks.filter((b) => !(b.type === 'heading' && b.depth < depth)).at(-1);
    sections.push({
      kind,
      title,
      line: lineOf(head.n),
      itemIds: sectionItems.map((i) => i.id),
      prose: proseParts.join('\n\n'),
      hint,
      body: bodyOf(text, bodyStart, bodyEnd, hintRange),
      table: rows.length ? { columns: [...rows[0]!.cells], rows: rows.slice(1).map((r) => [...r.cells]) } : null,
      headingStart: startOf(head.n),
      headingEnd: endOf(head.n),
      end,
      lastBlockEnd: lastBlock ? endOf(lastBlock) : endOf(head.n),
      items: sectionItems,
      bodyStart,
      bodyEnd,
      hintRange,
      tableRange: table ? [startOf(table), endOf(table)] : null,
      tableRows: rows,
    });
  }
  return {
    title: titleNode ? plainText(titleNode).trim() : null,
    sections,
    items,
    clarifications: findClarifications(text, root, items, sections),
    depth,
  };
}

/** Splits a table row's line into its cells: at pipes not escaped, outer pipes dropped, `\\|` read as `|`. */
export function rowCells(line: string): string[] {
  const parts = line.trim().replace(/^\|/, '').replace(/(?<!\\)\|$/, '').split(/(?<!\\)\|/);
  return parts.map((c) => c.trim().replace(/\\\|/g, '|'));
}

/** A table's rows (header first) as the lines they are written on. */
function tableRows(text: string, table: Table): Array<{ start: number; end: number; cells: string[] }> {
  return table.children.map((row) => {
    const start = lineStart(text, startOf(row));
    const end = lineEnd(text, startOf(row));
    return { start, end, cells: rowCells(text.slice(start, end)) };
  });
}

/** A section's text as the user edits it: exactly as written, the hint comment and the blank lines around left out. */
function bodyOf(text: string, start: number, end: number, hint: readonly [number, number] | null): string {
  const body = hint ? text.slice(start, hint[0]) + text.slice(afterLineEnding(text, hint[1]), end) : text.slice(start, end);
  return trimBlankLines(body);
}

/** Drops whole blank lines at the start and line endings and blank lines at the end (inner text untouched). */
export function trimBlankLines(s: string): string {
  return s.replace(/^(?:[ \t]*\r?\n)+/, '').replace(/(?:\r?\n[ \t]*)+$/, '');
}

function collectItems(text: string, list: List, kind: SpecSectionKind | null): ParsedItem[] {
  const out: ParsedItem[] = [];
  list.children.forEach((li: ListItem, index) => {
    const para = li.children[0];
    if (!para || para.type !== 'paragraph') return;
    const raw = text.slice(startOf(para), endOf(para));
    const m = ITEM_ID.exec(raw);
    if (!m) return;
    const prefix = m[1]!;
    const number = Number(m[2]);
    const body = raw.slice(m[0].length);
    const from = FROM_COMMENT.exec(body);
    const lineBegin = text.lastIndexOf('\n', startOf(li) - 1) + 1;
    out.push({
      id: `${prefix}-${number}`,
      prefix,
      number,
      text: body.replace(FROM_COMMENT, '').replace(/\s*\r?\n\s*/g, ' ').trim(),
      command: lastInlineCode(para),
      source: from ? (from[1] ?? null) : null,
      section: kind,
      line: lineOf(li),
      start: startOf(li),
      end: endOf(li),
      textStart: startOf(para),
      textEnd: endOf(para),
      bullet: text.slice(lineBegin, startOf(para)),
      list,
      indexInList: index,
    });
  });
  return out;
}

/** An acceptance check's command is the last inline code of its item (the statement may quote code too). */
function lastInlineCode(node: Paragraph): string | null {
  let last: string | null = null;
  const walk = (n: Nodes): void => {
    if (n.type === 'inlineCode') last = n.value;
    else if ('children' in n) for (const c of n.children as Nodes[]) walk(c);
  };
  walk(node);
  return last;
}

function findClarifications(text: string, root: Root, items: readonly ParsedItem[], sections: readonly ParsedSection[]): ParsedClarification[] {
  const opaque = opaqueRanges(root);
  const inOpaque = (at: number): boolean => opaque.some(([s, e]) => at >= s && at < e);
  const out: Array<Omit<ParsedClarification, 'index'>> = [];
  const itemAt = (at: number): string | null => items.find((i) => at >= i.start && at < i.end)?.id ?? null;
  void sections;
  for (const m of text.matchAll(NEEDS)) {
    if (inOpaque(m.index)) continue;
    out.push({ question: (m[1] ?? '').trim(), resolved: false, answer: null, line: lineAt(text, m.index), itemId: itemAt(m.index), start: m.index, end: m.index + m[0].length });
  }
  for (const m of text.matchAll(RESOLVED)) {
    if (inOpaque(m.index)) continue;
    const body = (m[1] ?? '').trim();
    const arrow = body.indexOf(' → ');
    out.push({
      question: arrow === -1 ? '' : body.slice(0, arrow).trim(),
      resolved: true,
      answer: arrow === -1 ? body : body.slice(arrow + 3).trim(),
      line: lineAt(text, m.index),
      itemId: itemAt(m.index),
      start: m.index,
      end: m.index + m[0].length,
    });
  }
  return out.sort((a, b) => a.start - b.start).map((c, index) => ({ ...c, index }));
}

/** Strips edit-only fields for the contract. */
export function publicItem(item: ParsedItem): SpecItem {
  return { id: item.id, prefix: item.prefix, number: item.number, text: item.text, command: item.command, source: item.source, section: item.section, line: item.line };
}

/** Strips edit-only fields for the contract. */
export function publicSection(section: ParsedSection): SpecSection {
  return { kind: section.kind, title: section.title, line: section.line, itemIds: section.itemIds, prose: section.prose, hint: section.hint, body: section.body, table: section.table };
}

/** Strips edit-only fields for the contract. */
export function publicClarification(c: ParsedClarification): Clarification {
  return { index: c.index, question: c.question, resolved: c.resolved, answer: c.answer, line: c.line, itemId: c.itemId };
}

/** All root children (helper for callers that need blocks). */
export type Block = RootContent;
