import type { Nodes, RootContent } from 'mdast';
import type { DecisionStatus } from '../../../shared/contract/spec';
import { parseMarkdown, readFrontMatter } from '../spec/markdown-source';
import type { ImportedDecision } from './import-plan';
import { blocksSource, flat, headingSections, linksIn } from './markdown-blocks';

/** Where a section of a MADR (2, 3, 4) or Nygard/adr-tools record goes, by its exact heading. */
type Part = 'status' | 'context' | 'drivers' | 'options' | 'pros' | 'decision' | 'consequences' | 'positive' | 'negative' | 'confirmation' | 'more';

const PARTS: Readonly<Record<string, Part>> = {
  status: 'status',
  context: 'context',
  'context and problem statement': 'context',
  'problem statement': 'context',
  'decision drivers': 'drivers',
  'considered options': 'options',
  'pros and cons of the options': 'pros',
  decision: 'decision',
  'decision outcome': 'decision',
  consequences: 'consequences',
  'positive consequences': 'positive',
  'negative consequences': 'negative',
  confirmation: 'confirmation',
  validation: 'confirmation',
  'more information': 'more',
  links: 'more',
};

/** The part a heading names, by its exact text (case and trailing punctuation aside); null for any other heading. */
export function adrPart(heading: string): Part | null {
  const key = heading.toLowerCase().replace(/\s+/g, ' ').replace(/[\s:.]+$/, '').replace(/\s*<!--.*$/, '').trim();
  return PARTS[key] ?? null;
}

/** A record number a status line links to: the linked file's number, else the first number in the text. */
function linkedNumber(node: Nodes | null, text: string): number | null {
  for (const l of node ? linksIn(node) : []) {
    const m = /(?:^|\/)(\d+)[-_][^/]*$/.exec(l.url);
    if (m) return Number(m[1]);
  }
  const m = /(\d+)/.exec(text);
  return m ? Number(m[1]) : null;
}

/** Preamble keys of MADR 2 that belong to the context. */
const META_KEYS: readonly string[] = ['deciders', 'decision-makers', 'consulted', 'informed', 'technical story'];

interface StatusLine {
  readonly text: string;
  readonly node: Nodes | null;
}

/** Reads status lines (front matter value, `## Status` paragraphs, MADR 2 `* Status:` bullets). */
function readStatus(lines: readonly StatusLine[]): Pick<ImportedDecision, 'status' | 'supersededBy' | 'supersedes' | 'amends' | 'amendedBy'> {
  let status: DecisionStatus | null = null;
  let supersededBy: number | null = null;
  let supersedes: number | null = null;
  const amends: number[] = [];
  const amendedBy: number[] = [];
  for (const { text, node } of lines) {
    const s = text.toLowerCase().trim();
    if (/^super[sc]eded\b/.test(s)) {
      status = 'superseded';
      supersededBy = linkedNumber(node, s.replace(/^super[sc]eded\s*(by)?/, ''));
    } else if (/^supersedes\b/.test(s)) supersedes = linkedNumber(node, s.slice('supersedes'.length));
    else if (/^amended by\b/.test(s)) {
      const n = linkedNumber(node, s.slice('amended by'.length));
      if (n !== null) amendedBy.push(n);
    } else if (/^amends\b/.test(s)) {
      const n = linkedNumber(node, s.slice('amends'.length));
      if (n !== null) amends.push(n);
    } else if (status === null) {
      if (/^(accepted|approved|adopted|done)\b/.test(s)) status = 'accepted';
      else if (/^(rejected|declined)\b/.test(s)) status = 'rejected';
      else if (/^deprecated\b/.test(s)) status = 'deprecated';
      else if (/^(proposed|draft|open|pending)\b/.test(s)) status = 'proposed';
    }
  }
  return { status: status ?? 'proposed', supersededBy, supersedes, amends, amendedBy };
}

function isoDate(v: unknown): string | null {
  if (v instanceof Date && !Number.isNaN(v.getTime())) return v.toISOString().slice(0, 10);
  if (typeof v === 'string' && v.trim()) return v.trim();
  if (typeof v === 'number') return String(v);
  return null;
}

/** `Key: value` lines of a preamble: MADR 2 bullets (`* Status: accepted`) and Nygard's `Date:` paragraph. */
function preambleFields(blocks: readonly RootContent[]): Array<{ key: string; value: string; node: Nodes }> {
  const out: Array<{ key: string; value: string; node: Nodes }> = [];
  const take = (node: Nodes): void => {
    for (const line of collectLines(node)) {
      const m = /^([A-Za-z][\w -]*?)\s*:\s*(.+)$/.exec(line.trim());
      if (m) out.push({ key: m[1]!.toLowerCase(), value: m[2]!.trim(), node });
    }
  };
  for (const b of blocks) {
    if (b.type === 'paragraph') take(b);
    else if (b.type === 'list') for (const li of b.children) if (li.children[0]) take(li.children[0]);
  }
  return out;
}

function collectLines(node: Nodes): string[] {
  const parts: string[] = [];
  const walk = (n: Nodes): void => {
    if (n.type === 'break') parts.push('\n');
    else if ('value' in n && typeof n.value === 'string' && n.type !== 'html') parts.push(n.value);
    else if ('children' in n) for (const c of n.children as Nodes[]) walk(c);
  };
  walk(node);
  return parts.join('').split(/\r?\n/);
}

/** Reads one MADR (2, 3 or 4) or Nygard/adr-tools record. Statuses and dates come only from front matter, the preamble or the Status section. */
export function importAdrFile(text: string, file: string, fileNumber: number | null): ImportedDecision {
  const fm = readFrontMatter(text);
  const data = fm.data;
  const body = text.slice(fm.bodyStart);
  const root = parseMarkdown(body);
  const sections = headingSections(root);
  const h1 = sections.find((s) => s.heading?.depth === 1)?.heading ?? null;
  let title = h1 ? flat(h1) : '';
  let number = fileNumber;
  const numbered = /^(?:ADR[- ]?)?(\d+)\s*[:.\-—–]\s*(.*)$/i.exec(title);
  if (numbered) {
    number ??= Number(numbered[1]);
    title = (numbered[2] ?? '').trim();
  }
  if (!title) title = file.split('/').at(-1)!.replace(/^\d+[-_]?/, '').replace(/\.md$/i, '').replace(/[-_]+/g, ' ').trim() || 'Untitled decision';

  // Group the blocks by part. A recognised heading starts its part; any other heading stays inside the
  // current part as a bold line, except a top-level one, which starts a "more information" block.
  const chunks = new Map<Part, string[]>();
  const push = (part: Part, s: string): void => {
    if (!s) return;
    chunks.set(part, [...(chunks.get(part) ?? []), s]);
  };
  const statusLines: StatusLine[] = [];
  let current: Part | null = null;
  let currentDepth = 0;
  let preamble: RootContent[] = [];
  for (const { heading, blocks } of sections) {
    if (heading === null || heading === h1) {
      preamble = [...preamble, ...blocks];
      continue;
    }
    const part = adrPart(flat(heading));
    if (part === 'status') {
      current = part;
      currentDepth = heading.depth;
      for (const b of blocks) {
        if (b.type === 'paragraph') for (const line of collectLines(b)) if (line.trim()) statusLines.push({ text: line.trim(), node: b });
        if (b.type === 'list') for (const li of b.children) statusLines.push({ text: li.children[0] ? flat(li.children[0]) : '', node: li });
      }
      continue;
    }
    if (part) {
      current = part === 'positive' || part === 'negative' ? 'consequences' : part;
      currentDepth = heading.depth;
      const label = part === 'positive' || part === 'negative' ? `**${flat(heading)}**` : '';
      push(current, [label, blocksSource(body, blocks)].filter(Boolean).join('\n\n'));
      continue;
    }
    // Any other heading stays inside the current part as a bold line; one at the current part's level or above starts "more information".
    if (current === null || current === 'status' || heading.depth <= currentDepth) {
      current = 'more';
      currentDepth = heading.depth;
    }
    push(current, [`**${flat(heading)}**`, blocksSource(body, blocks)].filter(Boolean).join('\n\n'));
  }

  const fields = preambleFields(preamble);
  const field = (k: string): { value: string; node: Nodes } | undefined => fields.find((f) => f.key === k);
  if (typeof data.status === 'string') statusLines.unshift({ text: data.status, node: null });
  else if (field('status')) statusLines.unshift({ text: field('status')!.value, node: field('status')!.node });
  const st = readStatus(statusLines);
  const fmNumber = (v: unknown): number | null => (typeof v === 'number' ? v : typeof v === 'string' && /\d/.test(v) ? Number(/(\d+)/.exec(v)![1]) : null);
  const date = isoDate(data.date) ?? (field('date') ? field('date')!.value : null);
  const join = (p: Part): string => (chunks.get(p) ?? []).join('\n\n').trim();
  const labelled = (label: string, p: Part): string => (join(p) ? `**${label}**\n\n${join(p)}` : '');
  // MADR 2 preamble bullets other than status and date (deciders, technical story) belong to the context.
  const meta = fields.filter((f) => META_KEYS.includes(f.key)).map((f) => `- ${f.key[0]!.toUpperCase()}${f.key.slice(1)}: ${f.value}`);
  return {
    originalNumber: number,
    title,
    status: st.status,
    supersededBy: st.supersededBy ?? fmNumber(data['superseded-by'] ?? data.superseded_by),
    supersedes: st.supersedes ?? fmNumber(data.supersedes),
    amends: st.amends,
    amendedBy: st.amendedBy,
    date,
    context: [join('context'), meta.join('\n'), labelled('Decision Drivers', 'drivers')].filter(Boolean).join('\n\n'),
    options: [join('options'), labelled('Pros and Cons of the Options', 'pros')].filter(Boolean).join('\n\n'),
    decision: join('decision'),
    consequences: [join('consequences'), labelled('More Information', 'more')].filter(Boolean).join('\n\n'),
    confirmation: join('confirmation'),
    from: file,
  };
}
