import type { AnalysisResult, CoverageEvidence, CoverageRow, DecisionRecord, Finding, SpecItem, TaskItem } from '../../../shared/contract/spec';
import { citedIds, itemAliases, RefIndex } from '../../../shared/item-refs';
import { lacksReason } from './decisions-doc';
import { SECTIONS } from './spec-sections';

/** One spec file as the analysis sees it. */
export interface AnalysedSpec {
  readonly exists: boolean;
  readonly path: string;
  /** With `prose` and `itemIds` (the plan reader passes them), a required section with neither is reported empty. */
  readonly sections: ReadonlyArray<{ readonly kind: string | null; readonly title: string; readonly prose?: string; readonly itemIds?: readonly string[] }>;
  readonly items: readonly SpecItem[];
  readonly clarifications: ReadonlyArray<{ readonly question: string; readonly resolved: boolean; readonly line: number; readonly itemId: string | null }>;
}

/** What the analysis looks at; all plain data, so it is a pure function of its input. */
export interface AnalysisInput {
  /** The main spec. */
  readonly spec: AnalysedSpec;
  /** The further specs under `.plumbline/specs/`; their IDs share one namespace with the main spec's. */
  readonly moreSpecs?: readonly AnalysedSpec[];
  readonly tasks: readonly TaskItem[];
  readonly tasksPath: string;
  readonly decisions: readonly DecisionRecord[];
  /** Latest evidence per requirement ID (the Calibrator's hook); absent until evidence exists. */
  readonly evidence?: ReadonlyMap<string, CoverageEvidence>;
}

/** Prefixes of requirements that a task must serve. */
export const SERVED_PREFIXES: readonly string[] = ['SEC', 'FM', 'AC', 'FR'];

const STOP = new Set(
  'the a an and or of to in on for with without by from into onto is are be been being this that these those it its as at any all each every other another than then there their them they we our you your per via not no never nor none only must shall should will can may might does do done support supported supports'.split(
    ' ',
  ),
);

/** Content words of a text, crudely stemmed (lowercase, plural `s` dropped), for the overlap heuristic. */
export function keywords(text: string): Set<string> {
  const out = new Set<string>();
  for (const raw of text.toLowerCase().split(/[^a-z0-9]+/)) {
    if (raw.length < 4 || STOP.has(raw)) continue;
    out.add(raw.endsWith('s') && raw.length > 4 ? raw.slice(0, -1) : raw);
  }
  return out;
}

/**
 * Runs every deterministic check. The non-requirement heuristic: a task contradicts `NR-n` when its
 * title and description share at least two content words with the NR (or its only one, when the NR
 * has a single content word). Crude on purpose: it flags for a human to look, never blocks.
 */
export function analyse(input: AnalysisInput): AnalysisResult {
  const findings: Finding[] = [];
  const specFile = input.spec.path;
  const add = (f: Finding): void => {
    findings.push(f);
  };
  const specs = [input.spec, ...(input.moreSpecs ?? [])];
  const items = specs.flatMap((s) => s.items.map((item) => ({ item, file: s.path })));

  if (!input.spec.exists) {
    add({ code: 'missing-section', severity: 'info', message: 'There is no spec yet. Create one to start planning.', file: specFile, line: null, itemId: null });
  } else {
    for (const s of SECTIONS) {
      if (s.required && !input.spec.sections.some((x) => x.kind === s.kind)) {
        add({ code: 'missing-section', severity: 'warning', message: `The spec has no "${s.title}" section.`, file: specFile, line: null, itemId: null });
      }
    }
    // A skeleton's sections exist but say nothing; open questions may rightly be empty.
    for (const x of input.spec.sections) {
      const required = SECTIONS.some((s) => s.required && s.kind === x.kind && s.kind !== 'questions');
      if (required && x.prose !== undefined && !x.prose.trim() && (x.itemIds?.length ?? 0) === 0) {
        add({ code: 'missing-section', severity: 'warning', message: `The "${x.title}" section is empty. Write it, or ask a model to critique the spec.`, file: specFile, line: null, itemId: null });
      }
    }
  }
  // A further spec often covers one feature, so a section it lacks is worth a note, not a warning.
  for (const more of input.moreSpecs ?? []) {
    const missing = SECTIONS.filter((s) => s.required && !more.sections.some((x) => x.kind === s.kind)).map((s) => s.title);
    if (missing.length) {
      add({ code: 'missing-section', severity: 'info', message: `${more.path} has no ${missing.map((t) => `"${t}"`).join(', ')} section${missing.length > 1 ? 's' : ''}.`, file: more.path, line: null, itemId: null });
    }
  }

  const seen = new Map<string, { line: number; file: string }>();
  for (const { item, file } of items) {
    const first = seen.get(item.id);
    if (first) {
      const where = first.file === file ? `line ${first.line}` : `${first.file} line ${first.line}`;
      add({ code: 'duplicate-id', severity: 'error', message: `${item.id} is used twice in the specs (also on ${where}). Give one of them a new ID.`, file, line: item.line, itemId: item.id });
    } else seen.set(item.id, { line: item.line, file });
  }
  const taskSeen = new Map<string, number>();
  for (const t of input.tasks) {
    if (taskSeen.has(t.id)) {
      add({ code: 'duplicate-id', severity: 'error', message: `${t.id} is used twice in the tasks (also on line ${taskSeen.get(t.id)}).`, file: input.tasksPath, line: t.line, itemId: t.id });
    } else taskSeen.set(t.id, t.line);
  }

  // References resolve through the original IDs imported items show as aliases (`FR-001` → `FR-4`).
  const refs = new RefIndex(items.map(({ item, file }) => ({ id: item.id, text: item.text, file, source: item.source })));
  const taskIds = new Set(input.tasks.map((t) => t.id));
  const servedBy = new Map<string, TaskItem[]>();
  for (const t of input.tasks) {
    if (t.serves.length === 0) {
      add({ code: 'task-serves-nothing', severity: 'warning', message: `${t.id} serves no requirement. Add "serves:" with the IDs it implements.`, file: input.tasksPath, line: t.line, itemId: t.id });
    }
    for (const ref of t.serves) {
      const id = refs.resolve(ref, { source: t.source }) ?? ref;
      if (!seen.has(id)) {
        add({ code: 'dangling-id', severity: 'warning', message: `${t.id} serves ${ref}, which is not in the spec.`, file: input.tasksPath, line: t.line, itemId: t.id });
      }
      const list = servedBy.get(id) ?? [];
      list.push(t);
      servedBy.set(id, list);
    }
    for (const dep of t.depends) {
      if (!taskIds.has(dep)) {
        add({ code: 'dangling-id', severity: 'warning', message: `${t.id} depends on ${dep}, which is not a task.`, file: input.tasksPath, line: t.line, itemId: t.id });
      }
    }
  }
  for (const d of input.decisions) {
    for (const link of d.links) {
      if (!seen.has(refs.resolve(link, { source: d.source }) ?? link)) {
        add({ code: 'dangling-id', severity: 'warning', message: `Decision ${d.id} links ${link}, which is not in the spec.`, file: d.file, line: 1, itemId: d.id });
      }
    }
    if (d.supersededBy !== null && !input.decisions.some((x) => x.number === d.supersededBy)) {
      add({ code: 'dangling-id', severity: 'warning', message: `Decision ${d.id} is superseded by ${String(d.supersededBy).padStart(4, '0')}, which does not exist.`, file: d.file, line: 1, itemId: d.id });
    }
    if (d.status !== 'rejected' && d.status !== 'superseded' && lacksReason(d)) {
      add({ code: 'decision-without-reason', severity: 'warning', message: `Decision ${d.id} "${d.title}" does not say why. Write the reason under Decision.`, file: d.file, line: 1, itemId: d.id });
    }
  }

  // An item citing an ID of the plan's kinds (or an imported original such as `SC-001`) that nothing answers to.
  // Other tokens of that shape (`UTF-8`, `SHA-256`) are not references.
  const known = new Set([
    ...SECTIONS.map((s) => s.prefix).filter((p): p is string => p !== null),
    ...items.map((x) => x.item.prefix),
    ...items.flatMap((x) => itemAliases(x.item.text).map((a) => /^([A-Z]{1,6})-\d+$/.exec(a)?.[1] ?? '')).filter(Boolean),
  ]);
  for (const { item, file } of items) {
    for (const { id, prefix } of citedIds(item.text)) {
      if (!known.has(prefix)) continue;
      if (refs.resolve(id, { file, source: item.source }) === null) {
        add({ code: 'dangling-id', severity: 'warning', message: `${item.id} cites ${id}, which is not in the spec. Correct the reference, or add the item it means.`, file, line: item.line, itemId: item.id });
      }
    }
  }

  const rows: CoverageRow[] = [];
  for (const { item, file } of items) {
    if (!SERVED_PREFIXES.includes(item.prefix)) continue;
    const serving = servedBy.get(item.id) ?? [];
    if (serving.length === 0) {
      add({ code: 'unserved-requirement', severity: 'warning', message: `No task serves ${item.id}.`, file, line: item.line, itemId: item.id });
    }
    if (item.prefix === 'AC' && !item.command) {
      add({ code: 'manual-check', severity: 'info', message: `${item.id} has no command; it is a manual check.`, file, line: item.line, itemId: item.id });
    }
    if (!rows.some((r) => r.id === item.id)) {
      rows.push({ id: item.id, section: item.section, text: item.text, tasks: serving.map((t) => ({ id: t.id, status: t.status })), evidence: input.evidence?.get(item.id) ?? null, file });
    }
  }

  for (const s of specs) {
    for (const c of s.clarifications) {
      if (c.resolved) continue;
      add({ code: 'open-question', severity: 'warning', message: `Open question: ${c.question}`, file: s.path, line: c.line, itemId: c.itemId });
    }
  }

  for (const nr of items.map((x) => x.item).filter((i) => i.prefix === 'NR')) {
    const k = keywords(nr.text);
    if (k.size === 0) continue;
    const need = Math.min(2, k.size);
    for (const t of input.tasks) {
      const words = keywords(`${t.title} ${t.description}`);
      const shared = [...k].filter((w) => words.has(w));
      if (shared.length >= need) {
        add({
          code: 'non-requirement-conflict',
          severity: 'warning',
          message: `${t.id} may contradict ${nr.id} ("${nr.text}"): both mention ${shared.join(', ')}.`,
          file: input.tasksPath,
          line: t.line,
          itemId: t.id,
        });
      }
    }
  }

  return { findings, coverage: rows };
}
