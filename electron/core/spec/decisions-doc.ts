import type { Heading, RootContent } from 'mdast';
import type { DecisionRecord, DecisionStatus } from '../../../shared/contract/spec';
import { endOf, opaqueRanges, parseMarkdown, plainText, readFrontMatter, startOf } from './markdown-source';

/** Which part of a decision record a heading introduces. */
export type DecisionPart = 'context' | 'options' | 'decision' | 'consequences' | 'confirmation' | 'status';

/** A section of a decision file with its ranges (offsets into the whole text). */
export interface DecisionSectionRange {
  readonly part: DecisionPart;
  readonly headingStart: number;
  readonly headingEnd: number;
  /** Content range: first to last block before the next heading (empty range at headingEnd when none). */
  readonly start: number;
  readonly end: number;
  readonly content: string;
}

/** A decision as parsed, with ranges for edits. */
export interface ParsedDecision {
  readonly record: Omit<DecisionRecord, 'file' | 'number' | 'id'> & { readonly number: number | null };
  readonly titleRange: { readonly start: number; readonly end: number; readonly prefix: string } | null;
  readonly sections: readonly DecisionSectionRange[];
  readonly hasFrontMatter: boolean;
}

/** Recognises a decision section heading (MADR and Nygard spellings). */
export function matchDecisionPart(heading: string): DecisionPart | null {
  const h = heading.toLowerCase().trim();
  if (/^status\b/.test(h)) return 'status';
  if (/context|problem statement|^background/.test(h)) return 'context';
  if (/considered options|^options|alternatives|pros and cons/.test(h)) return 'options';
  if (/^decision drivers\b/.test(h)) return null;
  if (/^decision\b|decision outcome|^outcome/.test(h)) return 'decision';
  if (/consequences/.test(h)) return 'consequences';
  if (/confirmation|^validation|^compliance/.test(h)) return 'confirmation';
  return null;
}

/** Reads a status leniently: `accepted`, `Superseded by ADR-0003`, `superseded by [4. Title](0004-title.md)`. */
export function parseDecisionStatus(raw: string): { status: DecisionStatus; supersededBy: number | null } {
  const s = raw.toLowerCase().trim();
  if (s.startsWith('superseded')) {
    const m = /(\d+)/.exec(s);
    return { status: 'superseded', supersededBy: m ? Number(m[1]) : null };
  }
  if (s.startsWith('accepted') || s.startsWith('approved') || s.startsWith('adopted')) return { status: 'accepted', supersededBy: null };
  if (s.startsWith('rejected') || s.startsWith('declined')) return { status: 'rejected', supersededBy: null };
  if (s.startsWith('deprecated')) return { status: 'deprecated', supersededBy: null };
  return { status: 'proposed', supersededBy: null };
}

function asList(v: unknown): string[] {
  if (Array.isArray(v)) return v.map((x) => String(x).trim()).filter(Boolean);
  if (typeof v === 'string') return v.split(/\s*,\s*/).map((x) => x.trim()).filter(Boolean);
  return [];
}

function asNumber(v: unknown): number | null {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string') {
    const m = /(\d+)/.exec(v);
    return m ? Number(m[1]) : null;
  }
  return null;
}

/** Parses a decision file (text without BOM); MADR front matter or Nygard `## Status` sections. */
export function parseDecision(text: string): ParsedDecision {
  const fm = readFrontMatter(text);
  const data = fm.data;
  const body = text.slice(fm.bodyStart);
  const root = parseMarkdown(body);
  const off = fm.bodyStart;
  const children = root.children;
  const h1 = children.find((n): n is Heading => n.type === 'heading' && n.depth === 1);
  let title = h1 ? plainText(h1).trim() : '';
  let number: number | null = null;
  let prefix = '';
  const numbered = /^(?:ADR[- ]?)?(\d+)\s*[:.\-—–]\s*(.*)$/i.exec(title);
  if (numbered) {
    number = Number(numbered[1]);
    prefix = title.slice(0, title.length - (numbered[2] ?? '').length);
    title = (numbered[2] ?? '').trim();
  }
  const sections: DecisionSectionRange[] = [];
  children.forEach((n, i) => {
    if (n.type !== 'heading' || n.depth < 2) return;
    const part = matchDecisionPart(plainText(n));
    if (!part) return;
    const blocks: RootContent[] = [];
    for (let j = i + 1; j < children.length && children[j]!.type !== 'heading'; j++) blocks.push(children[j]!);
    const start = blocks.length ? startOf(blocks[0]!) + off : endOf(n) + off;
    const end = blocks.length ? endOf(blocks.at(-1)!) + off : endOf(n) + off;
    if (sections.some((s) => s.part === part)) return;
    sections.push({ part, headingStart: startOf(n) + off, headingEnd: endOf(n) + off, start, end, content: text.slice(start, end).trim() });
  });
  const part = (p: DecisionPart): string => sections.find((s) => s.part === p)?.content ?? '';
  // `status:` / `date:` lines count only outside code (a fenced example of front matter is not the record's own).
  let prose = body;
  for (const [s, e] of opaqueRanges(root)) prose = prose.slice(0, s) + ' '.repeat(e - s) + prose.slice(e);
  const bodyStatus = /^[*-]?[ \t]*status:[ \t]*(.+)$/im.exec(prose)?.[1];
  const statusRaw = typeof data.status === 'string' ? data.status : (part('status').split(/\r?\n/)[0] ?? bodyStatus ?? '') || (bodyStatus ?? '');
  const st = parseDecisionStatus(statusRaw || 'proposed');
  const supersededBy = st.supersededBy ?? asNumber(data['superseded-by'] ?? data.superseded_by);
  const confirmation = /`([^`]+)`/.exec(part('confirmation'))?.[1] ?? null;
  const dateRaw = data.date ?? /^[*-]?[ \t]*date:[ \t]*(.+)$/im.exec(prose)?.[1];
  const date = dateRaw instanceof Date ? dateRaw.toISOString().slice(0, 10) : typeof dateRaw === 'string' ? dateRaw.trim() : null;
  return {
    record: {
      number,
      title: title || 'Untitled decision',
      status: st.status,
      date,
      supersededBy,
      supersedes: asNumber(data.supersedes),
      context: part('context'),
      options: part('options'),
      decision: part('decision'),
      consequences: part('consequences'),
      confirmation,
      links: asList(data.links),
      source: typeof data.from === 'string' ? data.from : null,
    },
    titleRange: h1 ? { start: startOf(h1) + off, end: endOf(h1) + off, prefix } : null,
    sections,
    hasFrontMatter: fm.present,
  };
}

/** True when a decision records no reason: an empty decision, or a bare choice with no context and no "because". */
export function lacksReason(d: Pick<DecisionRecord, 'decision' | 'context'>): boolean {
  const text = d.decision.replace(/<!--[\s\S]*?-->/g, '').trim();
  if (!text) return true;
  const justified = /\b(because|since|so that|in order to|as it|which|why|given|to avoid|to keep)\b|→|—/i.test(text);
  return !justified && !d.context.replace(/<!--[\s\S]*?-->/g, '').trim();
}

/** A file-name slug from a title. */
export function slugify(title: string): string {
  return (
    title
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[^\w\s-]/g, '')
      .trim()
      .replace(/[\s_-]+/g, '-')
      .slice(0, 60)
      .replace(/-+$/, '') || 'decision'
  );
}

/** Zero-padded decision number. */
export function pad4(n: number): string {
  return String(n).padStart(4, '0');
}
