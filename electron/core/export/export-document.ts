import { join } from 'node:path';
import type { DecisionRecord, TaskItem } from '../../../shared/contract/spec';
import { parseMarkdown, splitFrontMatter, startOf } from '../spec/markdown-source';
import { listSpecFiles, SPEC_PATH } from '../spec/plan-files';
import { projectName, readDecisions, readTasksState } from '../spec/plan-reader';
import { parseSpec } from '../spec/spec-doc';
import { readTextDoc } from '../spec/text-file';
import { evidenceSections, type ExportFigure } from './export-evidence';

/** What to put in an export. */
export interface ExportOptions {
  readonly withTasks: boolean;
  readonly withEvidence: boolean;
  /**
   * The app data folder holding this install's ledger key, so evidence can be checked. Without it
   * no record can be checked, and every record is listed apart as not counted.
   */
  readonly dataDir?: string;
}

/** The assembled export: one Markdown document plus what the HTML needs for its index and plots. */
export interface ExportDocument {
  readonly title: string;
  /** The Markdown export: every figure given as its table. */
  readonly markdown: string;
  /** The same document with a placeholder paragraph per figure, for the HTML (which draws them as SVG). */
  readonly source: string;
  readonly figures: readonly ExportFigure[];
  readonly decisions: readonly DecisionRecord[];
  readonly date: string;
}

/** Removes HTML comments (hints, provenance) — noise in a shared document. */
export function stripComments(text: string): string {
  return text.replace(/^[ \t]*<!--[\s\S]*?-->[ \t]*\r?\n/gm, '').replace(/[ \t]*<!--[\s\S]*?-->/g, '');
}

/** Shifts every ATX heading down by `by` levels (capped at 6), by splicing the `#` runs. */
export function demoteHeadings(text: string, by: number): string {
  const root = parseMarkdown(text);
  const starts: number[] = [];
  const walk = (nodes: readonly { type: string; children?: unknown }[]): void => {
    for (const n of nodes) {
      if (n.type === 'heading') starts.push(startOf(n as never));
      if (Array.isArray(n.children)) walk(n.children as { type: string }[]);
    }
  };
  walk(root.children);
  let out = text;
  for (const s of starts.sort((a, b) => b - a)) {
    const run = /^#+/.exec(out.slice(s))?.[0];
    if (!run) continue;
    const depth = Math.min(6, run.length + by);
    out = out.slice(0, s) + '#'.repeat(depth) + out.slice(s + run.length);
  }
  return out;
}

function lf(text: string): string {
  return text.replace(/\r\n/g, '\n');
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\s+/g, ' ').trim();
}

/** The decision log as Markdown: an index table, then every record. */
function decisionsMarkdown(decisions: readonly DecisionRecord[], texts: ReadonlyMap<number, string>): string {
  if (!decisions.length) return '## Decision log\n\nNo decisions recorded yet.\n';
  const parts = ['## Decision log', '', '| # | Decision | Status | Date |', '|---|---|---|---|'];
  for (const d of decisions) {
    const status = d.status === 'superseded' && d.supersededBy !== null ? `superseded by ${String(d.supersededBy).padStart(4, '0')}` : d.status;
    parts.push(`| ${d.id} | ${cell(d.title)} | ${status} | ${d.date ?? ''} |`);
  }
  parts.push('');
  for (const d of decisions) {
    const body = texts.get(d.number) ?? '';
    const status = d.status === 'superseded' && d.supersededBy !== null ? `superseded by ${String(d.supersededBy).padStart(4, '0')}` : d.status;
    const meta = [`**Status:** ${status}`, d.date ? `**Date:** ${d.date}` : null, d.supersedes !== null ? `**Supersedes:** ${String(d.supersedes).padStart(4, '0')}` : null, d.links.length ? `**Links:** ${d.links.join(', ')}` : null]
      .filter(Boolean)
      .join(' · ');
    // The record's own H1 becomes an H3; its sections follow one level deeper.
    const withoutH1 = body.replace(/^\s*#\s+.*(\n|$)/, '');
    parts.push(`### ${d.id}: ${d.title}`, '', meta, '', demoteHeadings(withoutH1.trim(), 2), '');
  }
  return parts.join('\n');
}

function tasksMarkdown(tasks: readonly TaskItem[]): string {
  const parts = ['## Tasks', ''];
  if (!tasks.length) return '## Tasks\n\nNo tasks yet.\n';
  parts.push('| Task | Title | Status | Serves |', '|---|---|---|---|');
  for (const t of tasks) parts.push(`| ${t.id} | ${cell(t.title)} | ${t.status} | ${t.serves.join(', ')} |`);
  parts.push('');
  for (const t of tasks) {
    parts.push(`### ${t.id}: ${t.title}`, '');
    if (t.description.trim()) parts.push(demoteHeadings(stripComments(lf(t.description)).trim(), 3), '');
    const fields: Array<[string, string]> = [
      ['status', t.status],
      ['serves', t.serves.join(', ')],
      ['scope', t.scope.join(', ')],
      ['checks', t.checks.map((c) => `\`${c}\``).join(', ')],
      ['depends', t.depends.join(', ')],
    ];
    for (const [k, v] of fields) if (v) parts.push(`- ${k}: ${v}`);
    parts.push('');
  }
  return parts.join('\n');
}

/** Assembles the spec, the decision log and optionally tasks and evidence into one Markdown document. */
export async function buildExportDocument(root: string, options: ExportOptions): Promise<ExportDocument> {
  const specDoc = await readTextDoc(join(root, SPEC_PATH), root);
  const spec = parseSpec(specDoc.text);
  const title = spec.title?.replace(/^spec:\s*/i, '') || projectName(root);
  const date = new Date().toISOString().slice(0, 10);
  const decisions = await readDecisions(root);
  const texts = new Map<number, string>();
  for (const d of decisions) {
    const t = lf((await readTextDoc(join(root, d.file), root)).text);
    texts.set(d.number, stripComments(t.slice(splitFrontMatter(t).bodyStart)));
  }
  const parts = [`# ${title} — spec and decision log`, '', `Exported ${date}.`, ''];
  if (specDoc.exists) {
    // Drop the spec's own title line; sections become level 3 under "Spec".
    const body = stripComments(lf(specDoc.text)).replace(/^\s*#\s+.*(\n|$)/, '');
    parts.push('## Spec', '', demoteHeadings(body.trim(), spec.depth === 1 ? 2 : 1), '');
  } else {
    parts.push('## Spec', '', 'This project has no spec yet.', '');
  }
  // Further specs under .plumbline/specs/, each under its own heading, named by its title or file.
  for (const rel of (await listSpecFiles(root)).filter((r) => r !== SPEC_PATH)) {
    const doc = await readTextDoc(join(root, rel), root);
    const more = parseSpec(doc.text);
    const name = more.title?.replace(/^spec:\s*/i, '').trim() || rel.slice(rel.lastIndexOf('/') + 1, -3);
    const body = stripComments(lf(doc.text)).replace(/^\s*#\s+.*(\n|$)/, '');
    parts.push(`## Spec: ${name}`, '', `From \`${rel}\`.`, '', demoteHeadings(body.trim(), more.depth === 1 ? 2 : 1), '');
  }
  parts.push(decisionsMarkdown(decisions, texts));
  if (options.withTasks) parts.push(tasksMarkdown((await readTasksState(root)).tasks));
  let figures: readonly ExportFigure[] = [];
  if (options.withEvidence) {
    const sections = await evidenceSections(root, options.dataDir ?? '');
    parts.push(sections.source);
    figures = sections.figures;
  }
  const tidy = (text: string): string => `${text.replace(/\n{3,}/g, '\n\n').trim()}\n`;
  const source = tidy(parts.join('\n'));
  const markdown = figures.reduce((text, f) => text.replace(f.token, () => f.markdown), source);
  return { title, markdown: tidy(markdown), source, figures, decisions, date };
}
