import { randomBytes } from 'node:crypto';
import { calibrationTrendSvg, reliabilityDiagramSvg } from '../../../shared/calibration-plot';
import type { CalibrationGroup, EvidenceRecord, EvidenceResult } from '../../../shared/contract/verify';
import { assertNever } from '../../../shared/rpc';
import { calibrationByModel } from '../verify/calibration';
import { currentRecords, EvidenceLedger, trustedRecords } from '../verify/evidence';

/**
 * A plot of the export: a placeholder paragraph in the HTML source, its Markdown stand-in (a table)
 * and the SVG that replaces the placeholder after sanitising.
 */
export interface ExportFigure {
  readonly token: string;
  readonly markdown: string;
  readonly svg: string;
}

/** The evidence and calibration sections: Markdown with figure tokens, and the figures. */
export interface EvidenceSections {
  readonly source: string;
  readonly figures: readonly ExportFigure[];
}

/** Most evidence rows one export lists; older ones are counted, not listed, so the document stays readable. */
export const MAX_EVIDENCE_ROWS = 1000;

/** Shape and word for a result, so a printed greyscale copy still reads (same marks as the Calibrator pane). */
export function resultMark(result: EvidenceResult): { readonly symbol: string; readonly word: string; readonly bad: boolean } {
  switch (result) {
    case 'passed':
    case 'verified':
      return { symbol: '✔', word: result, bad: false };
    case 'failed':
    case 'refuted':
    case 'error':
      return { symbol: '✘', word: result, bad: true };
    case 'timeout':
      return { symbol: '✘', word: 'timed out', bad: true };
    case 'no_tests':
      return { symbol: '⚠', word: 'no tests ran', bad: true };
    case 'flagged':
      return { symbol: '⚠', word: 'flagged', bad: true };
    case 'cancelled':
    case 'unverifiable':
      return { symbol: '?', word: result, bad: false };
    case 'pending':
      return { symbol: '?', word: 'pending a ruling', bad: false };
    default:
      return assertNever(result);
  }
}

/** Escapes text for a GFM table cell: no pipes, no line breaks, no inline markup or raw HTML (agent text is untrusted). */
export function mdCell(text: string): string {
  return text
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/[\\`*_[\]|~]/g, (c) => `\\${c}`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

/** A code span holding `text` verbatim (fence longer than any backtick run inside), safe in a table cell. */
function codeSpan(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const longest = Math.max(0, ...(flat.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${flat.replace(/\|/g, '\\|')}${pad}${fence}`;
}

/** "2026-03-20 10:00" (UTC) from an ISO time; the raw text when it is not one. */
export function whenOf(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toISOString().slice(0, 16).replace('T', ' ');
}

/** A 0..1 share as a percentage with one decimal. */
export function percent(n: number): string {
  return `${(n * 100).toFixed(1)}%`;
}

/** A score (Brier, ECE) with three decimals. */
export function score(n: number): string {
  return n.toFixed(3);
}

/** What the export shows of a ledger. */
export interface ExportEvidence {
  /** Trusted records, superseded ones dropped: these count. */
  readonly current: EvidenceRecord[];
  readonly superseded: number;
  /** Records that do not count (MAC not verified, or no key to check with), each with its reason. */
  readonly untrusted: EvidenceRecord[];
  /** Places where a record before a trusted one was removed or changed. */
  readonly gaps: number;
}

/**
 * The ledger's current trusted records (superseded ones dropped), how many were superseded, the
 * untrusted records and the chain's gaps. `dataDir` is the app data folder with this install's
 * ledger key; with '' nothing can be checked and every record is untrusted (listed, not counted).
 */
export async function readCurrentEvidence(root: string, dataDir = ''): Promise<ExportEvidence> {
  // Only the ledger file (and the key) is read; full outputs live in the app data folder and stay out of the export.
  const ledger = new EvidenceLedger(root, dataDir);
  const [all, integrity] = await Promise.all([ledger.readAll(), ledger.integrity()]);
  const trusted = trustedRecords(all);
  const current = currentRecords(trusted);
  return { current, superseded: trusted.length - current.length, untrusted: all.filter((r) => r.untrusted), gaps: integrity.gaps };
}

function subjectLabel(r: EvidenceRecord): string {
  const extra = [r.taskId && !(r.subject.kind === 'task' && r.subject.id === r.taskId) ? r.taskId : null, ...(r.requirementIds ?? []).filter((id) => id !== r.subject.id)].filter(
    (x): x is string => Boolean(x),
  );
  return `${r.subject.kind} ${r.subject.id}${extra.length ? ` (${extra.join(', ')})` : ''}`;
}

function whatCell(r: EvidenceRecord): string {
  const parts = [mdCell(r.what)];
  if (r.how && r.kind === 'command') parts.push(codeSpan(r.how));
  if (r.claim) parts.push(mdCell(`— ${r.claim.model} (${r.claim.role}), stated ${percent(r.claim.confidence)}`));
  if (r.note) parts.push(mdCell(`— ${r.note}`));
  return parts.join(' ');
}

function resultCell(r: EvidenceRecord): string {
  const m = resultMark(r.result);
  const c = r.counts;
  const counts = c ? ` (${c.passed} passed, ${c.failed} failed${c.skipped ? `, ${c.skipped} skipped` : ''})` : '';
  return `${m.symbol} ${m.word}${counts}`;
}

function commitCell(r: EvidenceRecord): string {
  const commit = r.commit ? `\`${r.commit.slice(0, 7)}\`` : 'no commit';
  return r.dirty ? `${commit} dirty` : commit;
}

/**
 * Orders records for reading: subjects by their newest record (newest first); within a subject
 * failures and refutations first, then newest first.
 */
export function orderEvidence(records: readonly EvidenceRecord[]): EvidenceRecord[] {
  const key = (r: EvidenceRecord) => `${r.subject.kind}\u0000${r.subject.id}`;
  const newest = new Map<string, string>();
  for (const r of records) if ((newest.get(key(r)) ?? '') < r.time) newest.set(key(r), r.time);
  return [...records].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    if (ka !== kb) return newest.get(kb)!.localeCompare(newest.get(ka)!) || ka.localeCompare(kb);
    const bad = Number(resultMark(b.result).bad) - Number(resultMark(a.result).bad);
    return bad || b.time.localeCompare(a.time);
  });
}

/**
 * The "Records that do not count" part: records whose MAC did not verify (or that could not be
 * checked), listed apart with the reason, and the chain's gaps. Empty when the ledger is whole.
 */
export function untrustedMarkdown(untrusted: readonly EvidenceRecord[], gaps: number): string {
  if (!untrusted.length && !gaps) return '';
  const parts = ['### Records that do not count', ''];
  if (gaps) parts.push(`The ledger's chain is broken in ${gaps} place${gaps === 1 ? '' : 's'}: a record was removed or changed there.`, '');
  if (untrusted.length) {
    const shown = [...untrusted].sort((a, b) => b.time.localeCompare(a.time)).slice(0, MAX_EVIDENCE_ROWS);
    parts.push(
      `${untrusted.length} record${untrusted.length === 1 ? '' : 's'} could not be verified as written by Plumbline on the exporting machine, so ${untrusted.length === 1 ? 'it is' : 'they are'} listed as written and left out of the counts above and of calibration.`,
      '',
      '| When | Subject | What | Result as written | Why it does not count |',
      '|---|---|---|---|---|',
    );
    // Read defensively: an untrusted line only has to look like a record, its fields may be anything.
    const text = (v: unknown): string => mdCell(typeof v === 'string' ? v : v === undefined ? '' : JSON.stringify(v));
    for (const r of shown) parts.push(`| ${text(whenOf(String(r.time)))} | ${text(`${String(r.subject.kind)} ${String(r.subject.id)}`)} | ${text(r.what)} | ${text(r.result)} | ${text(r.untrusted)} |`);
  }
  parts.push('');
  return parts.join('\n');
}

/** The "Evidence" section: a count by result, then one row per current record; records that do not count are listed apart. */
export function evidenceMarkdown(current: readonly EvidenceRecord[], superseded: number, untrusted: readonly EvidenceRecord[] = [], gaps = 0): string {
  const apart = untrustedMarkdown(untrusted, gaps);
  if (!current.length) return `## Evidence\n\nNo evidence recorded yet.\n${apart ? `\n${apart}` : ''}`;
  const tally = new Map<string, number>();
  for (const r of current) {
    const s = resultMark(r.result).symbol;
    tally.set(s, (tally.get(s) ?? 0) + 1);
  }
  const summary = ['✔', '✘', '⚠', '?']
    .filter((s) => tally.has(s))
    .map((s) => `${s} ${tally.get(s)}`)
    .join(' · ');
  const newestFirst = [...current].sort((a, b) => b.time.localeCompare(a.time));
  const shown = newestFirst.slice(0, MAX_EVIDENCE_ROWS);
  const notes = [
    `${current.length} current record${current.length === 1 ? '' : 's'}: ${summary}.`,
    superseded ? `${superseded} superseded record${superseded === 1 ? ' is' : 's are'} left out.` : '',
    current.length > shown.length ? `The ${current.length - shown.length} oldest are not listed.` : '',
    'Times are UTC; "dirty" means the working tree had uncommitted changes when checked.',
  ].filter(Boolean);
  const parts = ['## Evidence', '', notes.join(' '), '', '| When | Subject | What | Result | Commit |', '|---|---|---|---|---|'];
  for (const r of orderEvidence(shown)) {
    parts.push(`| ${whenOf(r.time)} | ${mdCell(subjectLabel(r))} | ${whatCell(r)} | ${resultCell(r)} | ${commitCell(r)} |`);
  }
  parts.push('');
  if (apart) parts.push(apart);
  return parts.join('\n');
}

/** The reliability bins and trend of one group as Markdown tables (the Markdown stand-in for its plots). */
export function calibrationTablesMarkdown(g: CalibrationGroup): string {
  const parts = [
    'Reliability: stated confidence against observed accuracy (perfect calibration: accuracy equals confidence).',
    '',
    '| Stated confidence | Claims | Mean confidence | Observed accuracy |',
    '|---|--:|--:|--:|',
  ];
  for (const b of g.bins) if (b.n > 0) parts.push(`| ${b.lo.toFixed(1)}–${b.hi.toFixed(1)} | ${b.n} | ${percent(b.meanConfidence)} | ${percent(b.accuracy)} |`);
  parts.push('', 'Trend: running score after each day with verdicts.', '', '| Day | Claims so far | Brier | Accuracy |', '|---|--:|--:|--:|');
  for (const t of g.trend) parts.push(`| ${mdCell(t.time)} | ${t.n} | ${score(t.brier)} | ${percent(t.accuracy)} |`);
  return parts.join('\n');
}

/** Title of one calibration group: model and role. */
export function groupTitle(g: CalibrationGroup): string {
  return `${g.model} · ${g.role}`;
}

/**
 * The "Calibration" section, or null without claim verdicts: a summary table per model and role,
 * then per group a placeholder for its plots (tables in Markdown, inline SVG in HTML).
 */
export function calibrationSection(groups: readonly CalibrationGroup[], nonce: string): EvidenceSections | null {
  if (!groups.length) return null;
  const total = groups.reduce((s, g) => s + g.n, 0);
  const parts = [
    '## Calibration',
    '',
    `How well each model's stated confidence matched what turned out true, over ${total} verified or refuted claim${total === 1 ? '' : 's'} (unverifiable and pending claims have no outcome yet). ` +
      'Accuracy: the share of claims that held. Brier: mean squared gap between confidence and outcome. ECE: expected calibration error over 10 confidence bins. For both, 0 is perfect.',
    '',
    '| Model | Role | Claims | Accuracy | Mean confidence | Brier | ECE | Note |',
    '|---|---|--:|--:|--:|--:|--:|---|',
  ];
  for (const g of groups) {
    parts.push(`| ${mdCell(g.model)} | ${mdCell(g.role)} | ${g.n} | ${percent(g.accuracy)} | ${percent(g.meanConfidence)} | ${score(g.brier)} | ${score(g.ece)} | ${g.overconfident ? '⚠ overconfident' : ''} |`);
  }
  parts.push('');
  const figures: ExportFigure[] = [];
  for (const [i, g] of groups.entries()) {
    const token = `PLUMBLINEFIGURE${nonce}N${i}`;
    const title = groupTitle(g);
    figures.push({ token, markdown: calibrationTablesMarkdown(g), svg: reliabilityDiagramSvg(g.bins, title) + calibrationTrendSvg(g.trend, title) });
    parts.push(`### ${mdCell(title)}`, '', token, '');
  }
  return { source: parts.join('\n'), figures };
}

/** Evidence and (when there are verdicts) calibration of a project, as Markdown with figure tokens (see readCurrentEvidence for `dataDir`). */
export async function evidenceSections(root: string, dataDir = ''): Promise<EvidenceSections> {
  const { current, superseded, untrusted, gaps } = await readCurrentEvidence(root, dataDir);
  const calibration = calibrationSection(calibrationByModel(current), randomBytes(8).toString('hex'));
  const evidence = evidenceMarkdown(current, superseded, untrusted, gaps);
  return calibration ? { source: `${evidence}\n${calibration.source}`, figures: calibration.figures } : { source: evidence, figures: [] };
}

const SVG_TAGS = new Set(['svg', 'title', 'text', 'line', 'rect', 'path', 'circle', 'g']);
const SVG_ATTRIBUTES = new Set([
  'viewBox', 'width', 'height', 'role', 'aria-label', 'font-family', 'font-size', 'class',
  'x', 'y', 'x1', 'y1', 'x2', 'y2', 'cx', 'cy', 'r', 'd', 'transform', 'text-anchor',
  'fill', 'fill-opacity', 'stroke', 'stroke-opacity', 'stroke-width', 'stroke-dasharray',
]);

/**
 * Makes a generated plot safe to inline in the export's HTML (it goes in after sanitising, so it is
 * checked here): drops the XML namespace (implied in HTML, and it is a URL), then allows only plain
 * drawing tags and presentation attributes — no script, event handler, link, style or url().
 * Throws when anything else appears, so a changed renderer cannot slip markup into exports.
 */
export function inlineSvg(svg: string): string {
  const html = svg.replace(/\s+xmlns="http:\/\/www\.w3\.org\/2000\/svg"/g, '');
  for (const [tag] of html.matchAll(/<[^>]*>?/g)) {
    const m = /^<\/?([a-zA-Z][a-zA-Z0-9]*)((?:\s+[a-zA-Z][a-zA-Z0-9:-]*="[^"<>]*")*)\s*\/?>$/.exec(tag);
    const name = m?.[1];
    if (!m || !name || !SVG_TAGS.has(name)) throw new Error(`A calibration plot holds markup the export does not allow: ${tag.slice(0, 80)}`);
    for (const [, attr, value] of m[2]!.matchAll(/\s+([a-zA-Z][a-zA-Z0-9:-]*)="([^"]*)"/g)) {
      // aria-label is text (it may hold a model name); every other value must not name a resource.
      if (!SVG_ATTRIBUTES.has(attr!) || (attr !== 'aria-label' && /url\s*\(|:\/\/|^\s*[a-z][a-z0-9+.-]*:/i.test(value!))) throw new Error(`A calibration plot holds an attribute the export does not allow: ${attr}="${value!.slice(0, 60)}"`);
    }
  }
  return html;
}
