import { promises as fs } from 'node:fs';
import { basename, join } from 'node:path';
import type { CoverageEvidence, DecisionRecord, ImportSource, MemoryFile, PlanSnapshot, SpecState, TasksState } from '../../../shared/contract/spec';
import { RefIndex } from '../../../shared/item-refs';
import { readJsonLines } from '../util/atomic-write';
import { pad4, parseDecision } from './decisions-doc';
import { nextTask, parseTasks } from './tasks-doc';
import { analyse } from './analysis';
import { DECISIONS_DIR, EVIDENCE_PATH, listSpecFiles, SPEC_PATH, TASKS_PATH } from './plan-files';
import { parseSpec, publicClarification, publicItem, publicSection } from './spec-doc';
import { readTextDoc } from './text-file';
import { readInsideProject } from '../util/real-path';

/** Reads and parses one spec file (by default the main spec, `.plumbline/spec.md`). */
export async function readSpecState(root: string, rel: string = SPEC_PATH): Promise<SpecState> {
  const doc = await readTextDoc(join(root, rel), root);
  const parsed = parseSpec(doc.text);
  return {
    path: rel,
    exists: doc.exists,
    content: doc.text,
    hash: doc.hash,
    bom: doc.bom,
    eol: doc.eol,
    title: parsed.title,
    sections: parsed.sections.map(publicSection),
    items: parsed.items.map(publicItem),
    clarifications: parsed.clarifications.map(publicClarification),
  };
}

/** Every spec of the project, the main one first (present even when its file does not exist yet). */
export async function readAllSpecs(root: string): Promise<SpecState[]> {
  return Promise.all((await listSpecFiles(root)).map((rel) => readSpecState(root, rel)));
}

/** Resolves references to spec items over every spec, through the original IDs imported items show as aliases. */
export function refIndexOf(specs: readonly SpecState[]): RefIndex {
  return new RefIndex(specs.flatMap((s) => s.items.map((i) => ({ id: i.id, text: i.text, file: s.path, source: i.source }))));
}

/**
 * Reads and parses `.plumbline/tasks.md`. What a task serves is given as the items' IDs: an original ID an
 * imported item shows as its alias (`serves: FR-001`) reads as that item's ID (the specs are read when not given).
 */
export async function readTasksState(root: string, specs?: readonly SpecState[]): Promise<TasksState> {
  const doc = await readTextDoc(join(root, TASKS_PATH), root);
  const refs = refIndexOf(specs ?? (await readAllSpecs(root)));
  const tasks = parseTasks(doc.text).map((t) => ({
    id: t.id,
    number: t.number,
    title: t.title,
    description: t.description,
    serves: refs.resolveAll(t.serves, { source: t.source }),
    scope: t.scope,
    checks: t.checks,
    depends: t.depends,
    status: t.status,
    source: t.source,
    line: t.line,
    ...(t.network ? { network: true } : {}),
  }));
  return { path: TASKS_PATH, exists: doc.exists, hash: doc.hash, tasks, next: nextTask(tasks) };
}

/** Decision files: `NNNN-slug.md` in `.plumbline/decisions/`, sorted by number. */
export async function listDecisionFiles(root: string): Promise<Array<{ number: number; name: string }>> {
  let names: string[];
  try {
    names = await fs.readdir(join(root, DECISIONS_DIR));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return names
    .map((name) => ({ name, m: /^(\d+)[-_ ].*\.md$/i.exec(name) }))
    .filter((x) => x.m !== null)
    .map((x) => ({ number: Number(x.m![1]), name: x.name }))
    .sort((a, b) => a.number - b.number || a.name.localeCompare(b.name));
}

/** Reads every decision record; links given as original IDs of imported items read as the items' IDs (the specs are read when not given). */
export async function readDecisions(root: string, specs?: readonly SpecState[]): Promise<DecisionRecord[]> {
  const files = await listDecisionFiles(root);
  const out: DecisionRecord[] = [];
  let refs: RefIndex | null = null;
  for (const f of files) {
    const doc = await readTextDoc(join(root, DECISIONS_DIR, f.name), root);
    const parsed = parseDecision(doc.text);
    const { links, source } = parsed.record;
    if (links.length) refs ??= refIndexOf(specs ?? (await readAllSpecs(root)));
    out.push({ ...parsed.record, links: refs ? refs.resolveAll(links, { source }) : links, number: f.number, id: pad4(f.number), file: `${DECISIONS_DIR}/${f.name}` });
  }
  return out;
}

/** AGENTS.md / CLAUDE.md at the root, shown read-only as the project memory. */
export async function readMemory(root: string): Promise<MemoryFile[]> {
  const out: MemoryFile[] = [];
  for (const name of ['AGENTS.md', 'CLAUDE.md']) {
    try {
      // A memory file that is a symbolic link leading out of the project is never read (nor sent to a model).
      const bytes = await readInsideProject(root, join(root, name));
      if (bytes === null) continue;
      const content = bytes.toString('utf8');
      out.push({ path: name, content: content.length > 200_000 ? `${content.slice(0, 200_000)}\n…` : content });
    } catch {
      // absent
    }
  }
  return out;
}

const VERDICTS: Readonly<Record<string, CoverageEvidence['verdict']>> = {
  verified: 'verified',
  pass: 'verified',
  passed: 'verified',
  refuted: 'refuted',
  fail: 'refuted',
  failed: 'refuted',
  unverifiable: 'unverifiable',
  // A check that ran out of time did not hold; one that could not run or found no tests proves nothing.
  timeout: 'refuted',
  error: 'unverifiable',
  no_tests: 'unverifiable',
};

/**
 * Where coverage reads evidence records from. The app passes the Calibrator's trusted records (MAC
 * verified under this install's key, see verify/evidence.ts); without one every line of the ledger
 * file is read as it is.
 */
export type EvidenceSource = (root: string) => Promise<readonly unknown[]>;

/** Every line of `.plumbline/evidence.jsonl` as written (nothing checked). */
const ledgerLines: EvidenceSource = (root) => readJsonLines<unknown>(join(root, EVIDENCE_PATH));

/**
 * Latest evidence per requirement ID from `.plumbline/evidence.jsonl` (through `source`), read
 * leniently because the Calibrator owns the record format: any record with a verdict and
 * requirement IDs counts.
 */
export async function readEvidenceIndex(root: string, source: EvidenceSource = ledgerLines): Promise<Map<string, CoverageEvidence>> {
  const records = (await source(root)) as ReadonlyArray<Record<string, unknown>>;
  const out = new Map<string, CoverageEvidence>();
  const idsOf = (r: Record<string, unknown>): string[] => {
    const ids: string[] = [];
    for (const key of ['requirementId', 'requirementIds', 'requirements', 'serves', 'itemId', 'itemIds']) {
      const v = r[key];
      if (typeof v === 'string') ids.push(v);
      else if (Array.isArray(v)) ids.push(...v.filter((x): x is string => typeof x === 'string'));
    }
    // The Calibrator's records name what they are about as { subject: { kind, id } }.
    const subject = r.subject as { kind?: unknown; id?: unknown } | undefined;
    if (subject && subject.kind === 'requirement' && typeof subject.id === 'string') ids.push(subject.id);
    return ids;
  };
  const visit = (r: Record<string, unknown>, parentAt: string | null): void => {
    const raw = String(r.verdict ?? r.result ?? r.status ?? r.outcome ?? '').toLowerCase();
    const verdict = VERDICTS[raw];
    const atRaw = r.at ?? r.time ?? r.timestamp ?? r.finishedAt ?? r.createdAt;
    const at = typeof atRaw === 'string' ? atRaw : parentAt;
    if (verdict) for (const id of idsOf(r)) out.set(id, { verdict, at });
    for (const key of ['claims', 'verdicts', 'results']) {
      const list = r[key];
      if (Array.isArray(list)) for (const c of list) if (c && typeof c === 'object') visit(c as Record<string, unknown>, at);
    }
  };
  for (const r of records) if (r && typeof r === 'object') visit(r, null);
  return out;
}

/** Reads everything the Orchestrator shows and runs the analysis. */
export async function readSnapshot(root: string, detectImports: (root: string) => Promise<ImportSource[]>, evidenceSource?: EvidenceSource): Promise<PlanSnapshot> {
  const reading = readAllSpecs(root);
  const [specs, tasks, decisions, memory, importSources, evidence] = await Promise.all([
    reading,
    reading.then((all) => readTasksState(root, all)),
    reading.then((all) => readDecisions(root, all)),
    readMemory(root),
    detectImports(root),
    readEvidenceIndex(root, evidenceSource),
  ]);
  const [spec, ...moreSpecs] = specs as [SpecState, ...SpecState[]];
  const analysis = analyse({ spec, moreSpecs, tasks: tasks.tasks, tasksPath: tasks.path, decisions, evidence });
  return { root, spec, specs, decisions, tasks, analysis, memory, importSources };
}

/** A project's display name (its folder name). */
export function projectName(root: string): string {
  return basename(root);
}
