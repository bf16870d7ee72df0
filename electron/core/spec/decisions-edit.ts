import type { DecisionStatus } from '../../../shared/contract/spec';
import { setFrontMatterKey, splice } from './markdown-source';
import { oneLine } from './spec-edit';
import { pad4, parseDecision, type DecisionPart } from './decisions-doc';

/** Fields of a decision as edits take them. */
export interface DecisionPatch {
  readonly title?: string;
  readonly status?: DecisionStatus;
  readonly context?: string;
  readonly options?: string;
  readonly decision?: string;
  readonly consequences?: string;
  readonly confirmation?: string | null;
  readonly links?: readonly string[];
}

const HEADINGS: Readonly<Record<Exclude<DecisionPart, 'status'>, string>> = {
  context: '## Context and Problem Statement',
  options: '## Considered Options',
  decision: '## Decision Outcome',
  consequences: '### Consequences',
  confirmation: '### Confirmation',
};

function eolOf(text: string): string {
  return (text.match(/\r\n/g) ?? []).length * 2 > (text.match(/\n/g) ?? []).length ? '\r\n' : '\n';
}

/** The `links:` front matter value. */
function formatLinks(links: readonly string[]): string | null {
  const clean = links.map((l) => oneLine(l)).filter(Boolean);
  return clean.length ? `[${clean.join(', ')}]` : null;
}

/** A status as written in front matter (`superseded by 0004`). */
export function formatStatus(status: DecisionStatus, supersededBy: number | null): string {
  return status === 'superseded' && supersededBy !== null ? `superseded by ${pad4(supersededBy)}` : status;
}

/** The text of a new decision record in MADR layout. */
export function renderDecision(
  number: number,
  fields: Required<Omit<DecisionPatch, 'confirmation'>> & { readonly confirmation: string | null },
  extra: { readonly date: string; readonly supersedes?: number; readonly from?: string },
): string {
  const fm = ['---', `status: ${fields.status}`, `date: ${extra.date}`];
  const links = formatLinks(fields.links);
  if (links) fm.push(`links: ${links}`);
  if (extra.supersedes !== undefined) fm.push(`supersedes: "${pad4(extra.supersedes)}"`);
  if (extra.from) fm.push(`from: ${JSON.stringify(extra.from)}`);
  fm.push('---', '');
  const body = [`# ${pad4(number)}: ${oneLine(fields.title)}`, ''];
  const add = (heading: string, content: string): void => {
    body.push(heading, '', content.trim() || '<!-- hint: to be written -->', '');
  };
  add(HEADINGS.context, fields.context);
  add(HEADINGS.options, fields.options);
  add(HEADINGS.decision, fields.decision);
  add(HEADINGS.consequences, fields.consequences);
  if (fields.confirmation?.trim()) body.push(HEADINGS.confirmation, '', `\`${oneLine(fields.confirmation).replace(/`/g, "'")}\``, '');
  return [...fm, ...body].join('\n');
}

function setSection(text: string, part: Exclude<DecisionPart, 'status'>, content: string): string {
  const eol = eolOf(text);
  const parsed = parseDecision(text);
  const section = parsed.sections.find((s) => s.part === part);
  const value = content.trim().replace(/\r?\n/g, eol);
  if (section) {
    if (section.start === section.end) return splice(text, section.headingEnd, section.headingEnd, value ? `${eol}${eol}${value}` : '');
    return splice(text, section.start, section.end, value || '<!-- hint: to be written -->');
  }
  if (!value) return text;
  const base = text.replace(/(\r?\n)*$/, '');
  return `${base}${eol}${eol}${HEADINGS[part]}${eol}${eol}${value}${eol}`;
}

/** Applies a patch to a decision file: front matter keys spliced, sections replaced in place. */
export function patchDecision(text: string, patch: DecisionPatch, supersededBy: number | null = null): string {
  const eol = eolOf(text);
  let out = text;
  if (patch.status !== undefined) out = setFrontMatterKey(out, 'status', formatStatus(patch.status, supersededBy), eol);
  if (patch.links !== undefined) out = setFrontMatterKey(out, 'links', formatLinks(patch.links), eol);
  if (patch.title !== undefined) {
    const parsed = parseDecision(out);
    if (parsed.titleRange) out = splice(out, parsed.titleRange.start, parsed.titleRange.end, `# ${parsed.titleRange.prefix}${oneLine(patch.title)}`);
  }
  for (const part of ['context', 'options', 'decision', 'consequences'] as const) {
    const v = patch[part];
    if (v !== undefined) out = setSection(out, part, v);
  }
  if (patch.confirmation !== undefined) {
    out = setSection(out, 'confirmation', patch.confirmation ? `\`${oneLine(patch.confirmation).replace(/`/g, "'")}\`` : '');
  }
  return out;
}

/** Sets the `supersedes` key (the back link of a superseding record). */
export function setSupersedes(text: string, old: number): string {
  return setFrontMatterKey(text, 'supersedes', `"${pad4(old)}"`, eolOf(text));
}
