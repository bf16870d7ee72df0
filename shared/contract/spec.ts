import { z } from 'zod';
import { method, projectRoot } from './define';

/** The fixed sections of a spec (plus the optional functional requirements an import may bring). */
export const specSectionKind = z.enum(['purpose', 'architecture', 'security', 'api', 'failure', 'nonreq', 'acceptance', 'questions', 'functional']);
export type SpecSectionKind = z.infer<typeof specSectionKind>;

/** One `- ID: text` item of the spec. */
export const specItem = z.object({
  id: z.string(),
  prefix: z.string(),
  number: z.number(),
  /** The item's text after `ID:`, without provenance comments. */
  text: z.string(),
  /** The last inline code of the item: the command of an acceptance check (the statement may quote code too). */
  command: z.string().nullable(),
  /** Where an imported item came from (`<!-- from: … -->`). */
  source: z.string().nullable(),
  section: specSectionKind.nullable(),
  line: z.number(),
});
export type SpecItem = z.infer<typeof specItem>;

/** A Markdown table as cells: the header's and each row's, as written (`\|` read as `|`). */
export const specTable = z.object({ columns: z.array(z.string()), rows: z.array(z.array(z.string())) });
export type SpecTable = z.infer<typeof specTable>;

/** A heading-2 section of the spec, known or foreign. */
export const specSection = z.object({
  kind: specSectionKind.nullable(),
  title: z.string(),
  line: z.number(),
  /** IDs of the items in this section, in file order. */
  itemIds: z.array(z.string()),
  /** The section's Markdown without its items and hint comments (prose, tables, code). */
  prose: z.string(),
  /** The hint comment of a skeleton section, if still there. */
  hint: z.string().nullable(),
  /** The section's Markdown exactly as written between its heading and the next section, blank lines around and the hint comment left out. */
  body: z.string(),
  /** The section's first table (GFM pipe table); null when it has none. */
  table: specTable.nullable(),
});
export type SpecSection = z.infer<typeof specSection>;

/** A `[NEEDS CLARIFICATION: …]` marker, or one already answered (`[RESOLVED: …]`). */
export const clarification = z.object({
  index: z.number(),
  question: z.string(),
  resolved: z.boolean(),
  answer: z.string().nullable(),
  line: z.number(),
  itemId: z.string().nullable(),
});
export type Clarification = z.infer<typeof clarification>;

/** The spec file as read: its text and the structure found in it. */
export const specState = z.object({
  path: z.string(),
  exists: z.boolean(),
  /** The text without BOM; line endings as on disk. */
  content: z.string(),
  hash: z.string(),
  bom: z.boolean(),
  eol: z.enum(['lf', 'crlf']),
  title: z.string().nullable(),
  sections: z.array(specSection),
  items: z.array(specItem),
  clarifications: z.array(clarification),
});
export type SpecState = z.infer<typeof specState>;

/** Status of a decision record (MADR-compatible). */
export const decisionStatus = z.enum(['proposed', 'accepted', 'rejected', 'deprecated', 'superseded']);
export type DecisionStatus = z.infer<typeof decisionStatus>;

/** One record of the decision log. */
export const decisionRecord = z.object({
  number: z.number(),
  /** Zero-padded number as in the file name, e.g. `0003`. */
  id: z.string(),
  file: z.string(),
  title: z.string(),
  status: decisionStatus,
  date: z.string().nullable(),
  supersededBy: z.number().nullable(),
  supersedes: z.number().nullable(),
  context: z.string(),
  options: z.string(),
  decision: z.string(),
  consequences: z.string(),
  /** Command in inline code under Confirmation. */
  confirmation: z.string().nullable(),
  /** Spec item IDs this decision is linked to. */
  links: z.array(z.string()),
  source: z.string().nullable(),
});
export type DecisionRecord = z.infer<typeof decisionRecord>;

/** Status of a task. */
export const taskStatus = z.enum(['todo', 'in progress', 'in review', 'verified', 'refuted', 'done']);
export type TaskStatus = z.infer<typeof taskStatus>;

/** One task of `.plumbline/tasks.md`. */
export const taskItem = z.object({
  id: z.string(),
  number: z.number(),
  title: z.string(),
  description: z.string(),
  serves: z.array(z.string()),
  scope: z.array(z.string()),
  checks: z.array(z.string()),
  depends: z.array(z.string()),
  status: taskStatus,
  source: z.string().nullable(),
  line: z.number(),
  /** True when the task allows its runs' commands the network (`- network: allowed`); absent or false: off. */
  network: z.boolean().optional(),
});
export type TaskItem = z.infer<typeof taskItem>;

/** The task file as read. */
export const tasksState = z.object({
  path: z.string(),
  exists: z.boolean(),
  hash: z.string(),
  tasks: z.array(taskItem),
  /** The first todo whose dependencies are all done (or verified). */
  next: z.string().nullable(),
});
export type TasksState = z.infer<typeof tasksState>;

/** A deterministic analysis finding; file/line/itemId let the UI jump to it. */
export const finding = z.object({
  code: z.enum([
    'missing-section',
    'duplicate-id',
    'dangling-id',
    'unserved-requirement',
    'task-serves-nothing',
    'manual-check',
    'open-question',
    'decision-without-reason',
    'non-requirement-conflict',
  ]),
  severity: z.enum(['error', 'warning', 'info']),
  message: z.string(),
  file: z.string(),
  line: z.number().nullable(),
  itemId: z.string().nullable(),
});
export type Finding = z.infer<typeof finding>;

/** Latest evidence for one requirement (filled from the Calibrator's evidence log when present). */
export const coverageEvidence = z.object({
  verdict: z.enum(['verified', 'refuted', 'unverifiable']),
  at: z.string().nullable(),
});
export type CoverageEvidence = z.infer<typeof coverageEvidence>;

/** One row of the coverage matrix: a requirement and the tasks serving it. */
export const coverageRow = z.object({
  id: z.string(),
  section: specSectionKind.nullable(),
  text: z.string(),
  tasks: z.array(z.object({ id: z.string(), status: taskStatus })),
  evidence: coverageEvidence.nullable(),
  /** The spec file holding the requirement (projects may hold more than one spec). */
  file: z.string(),
});
export type CoverageRow = z.infer<typeof coverageRow>;

/** Findings plus the coverage matrix. */
export const analysisResult = z.object({ findings: z.array(finding), coverage: z.array(coverageRow) });
export type AnalysisResult = z.infer<typeof analysisResult>;

/** A spec tool found in the project that can be imported. */
export const importSource = z.object({
  kind: z.enum(['spec-kit', 'kiro', 'adr']),
  /** Folder or file it was found at, relative to the root. */
  path: z.string(),
  label: z.string(),
  /** Files that would be read. */
  files: z.array(z.string()),
  /** True when everything it holds is already in Plumbline's files, or the user declined it. */
  imported: z.boolean(),
  /** True when it was imported before and its files changed since (a re-import shows what changed). */
  changed: z.boolean().default(false),
});
export type ImportSource = z.infer<typeof importSource>;

/** One field of an entry that changed upstream (`status`: `todo` → `done`). */
export const importChangeDetail = z.object({ field: z.string(), before: z.string(), after: z.string() });
export type ImportChangeDetail = z.infer<typeof importChangeDetail>;

/**
 * One upstream change a re-import would apply; `key` is the provenance (`file#ID`). `conflict`: upstream
 * changed an entry that was edited here since it was imported — never applied, `after` says what upstream reads.
 * `removed`: gone from the source; removed only when the user accepts it, and never when it was edited here.
 */
export const importChange = z.object({
  key: z.string(),
  change: z.enum(['new', 'changed', 'removed', 'conflict']),
  kind: z.enum(['item', 'task', 'decision']),
  /** The ID it has in Plumbline (null for a new one). */
  id: z.string().nullable(),
  before: z.string().nullable(),
  after: z.string().nullable(),
  /** What changed upstream, field by field (a task's status, description, scope, serves, depends); empty when only the text did. */
  details: z.array(importChangeDetail).default([]),
  /** True when the entry was edited here since it was imported: a removed one can then only be kept. */
  edited: z.boolean().default(false),
});
export type ImportChange = z.infer<typeof importChange>;

/** A project-memory file shown read-only (AGENTS.md, CLAUDE.md). */
export const memoryFile = z.object({ path: z.string(), content: z.string() });
export type MemoryFile = z.infer<typeof memoryFile>;

/** Everything the Orchestrator shows, in one read. */
export const planSnapshot = z.object({
  root: z.string(),
  /** The main spec, `.plumbline/spec.md`. */
  spec: specState,
  /** Every spec of the project: the main one first, then `.plumbline/specs/*.md` by name. */
  specs: z.array(specState),
  decisions: z.array(decisionRecord),
  tasks: tasksState,
  analysis: analysisResult,
  memory: z.array(memoryFile),
  importSources: z.array(importSource),
});
export type PlanSnapshot = z.infer<typeof planSnapshot>;

const idText = z.string().min(1).max(4000);
/** Which spec a request is about (project-relative); absent means the main spec, `.plumbline/spec.md`. */
const specPath = z.string().min(1).max(500).optional();
const stringList = z.array(z.string().max(500)).max(200);

/** Editable fields of a decision, as a patch (no defaults: an absent field is left alone). */
export const decisionPatch = z.object({
  title: z.string().min(1).max(300),
  status: decisionStatus,
  context: z.string().max(20000),
  options: z.string().max(20000),
  decision: z.string().max(20000),
  consequences: z.string().max(20000),
  confirmation: z.string().max(2000).nullable(),
  links: stringList,
}).partial();

/** Fields of a new decision (defaults for what is not given). */
export const decisionFields = z.object({
  title: z.string().min(1).max(300),
  status: decisionStatus.default('proposed'),
  context: z.string().max(20000).default(''),
  options: z.string().max(20000).default(''),
  decision: z.string().max(20000).default(''),
  consequences: z.string().max(20000).default(''),
  confirmation: z.string().max(2000).nullable().default(null),
  links: stringList.default([]),
});

/** Editable fields of a task, as a patch (no defaults: an absent field is left alone). */
export const taskPatch = z.object({
  title: z.string().min(1).max(300),
  description: z.string().max(20000),
  serves: stringList,
  scope: stringList,
  checks: stringList,
  depends: stringList,
  status: taskStatus,
}).partial();

/** Fields of a new task (defaults for what is not given). */
export const taskFields = z.object({
  title: z.string().min(1).max(300),
  description: z.string().max(20000).default(''),
  serves: stringList.default([]),
  scope: stringList.default([]),
  checks: stringList.default([]),
  depends: stringList.default([]),
  status: taskStatus.default('todo'),
});

/** A new decision's fields, defaults applied. */
export type DecisionFields = z.output<typeof decisionFields>;
/** A new task's fields, defaults applied. */
export type TaskFields = z.output<typeof taskFields>;

const withSnapshot = <T extends z.ZodRawShape>(shape: T) => z.object({ snapshot: planSnapshot, ...shape });

export const specMethods = {
  /** Spec, decisions, tasks, analysis, memory files and import offers of a project. */
  'spec.snapshot': method(z.object({ root: projectRoot }), planSnapshot),
  /** Writes the spec skeleton (one hint per section); refuses when a spec exists. */
  'spec.create': method(z.object({ root: projectRoot }), planSnapshot),
  /** Saves the spec's raw Markdown; `baseHash` guards against overwriting an external edit. */
  'spec.saveRaw': method(z.object({ root: projectRoot, content: z.string().max(5_000_000), baseHash: z.string().optional(), spec: specPath }), planSnapshot),
  /** Creates a further spec `.plumbline/specs/<slug>.md` from the skeleton; refuses when that file exists. */
  'spec.createNamed': method(z.object({ root: projectRoot, name: z.string().min(1).max(200) }), withSnapshot({ path: z.string() })),
  /** Adds an item to a section; the ID is assigned (never reused). */
  'spec.addItem': method(
    z.object({ root: projectRoot, section: specSectionKind, text: idText, spec: specPath }),
    withSnapshot({ id: z.string() }),
  ),
  /** Replaces an item's text (ID kept). Without `spec`, the spec holding the ID is edited. */
  'spec.updateItem': method(z.object({ root: projectRoot, id: z.string().min(1), text: idText, spec: specPath }), planSnapshot),
  /** Deletes an item; the previous content is returned for undo (`spec.saveRaw` with it). */
  'spec.deleteItem': method(
    z.object({ root: projectRoot, id: z.string().min(1), spec: specPath }),
    withSnapshot({ previousContent: z.string(), previousHash: z.string(), spec: z.string() }),
  ),
  /**
   * Replaces a section's text (what `body` shows) with the user's words as typed; the rest of the file is kept byte for byte.
   * `previous` is the body the edit started from: when the section changed on disk since, the edit is refused.
   */
  'spec.setSectionText': method(
    z.object({ root: projectRoot, section: specSectionKind, text: z.string().max(200_000), previous: z.string().optional(), spec: specPath }),
    planSnapshot,
  ),
  /**
   * Writes a section's first table (made when missing) from its cells: rows that did not change keep their bytes,
   * `|` in a cell is escaped. `previous` as for `spec.setSectionText`.
   */
  'spec.setTable': method(
    z.object({
      root: projectRoot,
      section: specSectionKind,
      columns: z.array(z.string().max(2000)).min(1).max(50),
      rows: z.array(z.array(z.string().max(20_000)).max(50)).max(2000),
      previous: specTable.nullable().optional(),
      spec: specPath,
    }),
    planSnapshot,
  ),
  /** Moves an item one place up or down within its list. */
  'spec.moveItem': method(z.object({ root: projectRoot, id: z.string().min(1), direction: z.enum(['up', 'down']), spec: specPath }), planSnapshot),
  /** Answers an open question; optionally records the answer as a decision. */
  'spec.answerQuestion': method(
    z.object({
      root: projectRoot,
      index: z.number().int().min(0),
      question: z.string(),
      answer: z.string().min(1).max(4000),
      settlesDecision: z.boolean().default(false),
      decisionTitle: z.string().max(300).optional(),
      spec: specPath,
    }),
    withSnapshot({ decision: z.number().nullable() }),
  ),
  /** Creates a decision record `.plumbline/decisions/NNNN-slug.md`. */
  'decisions.create': method(decisionFields.extend({ root: projectRoot }), withSnapshot({ number: z.number() })),
  /** Edits fields of a decision record in place. */
  'decisions.update': method(
    z.object({ root: projectRoot, number: z.number().int(), patch: decisionPatch }),
    planSnapshot,
  ),
  /** Marks a decision superseded by another (an existing one, or a new one created with `title`); links both ways. */
  'decisions.supersede': method(
    z.object({ root: projectRoot, number: z.number().int(), by: z.number().int().optional(), title: z.string().max(300).optional() }),
    withSnapshot({ by: z.number() }),
  ),
  /** Adds a task; the ID is assigned. */
  'tasks.create': method(taskFields.extend({ root: projectRoot }), withSnapshot({ id: z.string() })),
  /** Edits fields of a task in place. */
  'tasks.update': method(z.object({ root: projectRoot, id: z.string().min(1), patch: taskPatch }), planSnapshot),
  /** Deletes a task; the previous file content is returned for undo. */
  'tasks.delete': method(z.object({ root: projectRoot, id: z.string().min(1) }), withSnapshot({ previousContent: z.string() })),
  /** Restores the tasks file to a previous content (undo). */
  'tasks.saveRaw': method(z.object({ root: projectRoot, content: z.string().max(5_000_000) }), planSnapshot),
  /** Imports from another spec tool into Plumbline's files; originals are never modified. */
  /**
   * One import at a time per project: a request with the running import's `importId` joins it (or gets
   * a finished one's answer), another while one runs is refused with CONFLICT. Progress arrives as
   * `import.didProgress`.
   */
  'import.run': method(
    z.object({
      root: projectRoot,
      paths: z.array(z.string()).min(1).max(50),
      importId: z.string().min(1).max(100).optional(),
      /** Re-import: apply only these changes (keys from `import.preview`); absent imports everything new. */
      accept: z.array(z.string()).max(100_000).optional(),
    }),
    withSnapshot({ summary: z.array(z.string()) }),
  ),
  /** What a re-import would change: items, tasks and decisions new upstream, changed, or removed. */
  'import.preview': method(z.object({ root: projectRoot, paths: z.array(z.string()).min(1).max(50) }), z.object({ changes: z.array(importChange) })),
  /** Cancels a running import before it writes anything; `cancelled` is false when that import is not running. */
  'import.cancel': method(z.object({ root: projectRoot, importId: z.string().min(1).max(100) }), z.object({ cancelled: z.boolean() })),
  /** Remembers that the user declined importing these sources (in `.plumbline/imports.json`), so the offer goes away. */
  'import.decline': method(z.object({ root: projectRoot, paths: z.array(z.string()).min(1).max(50) }), planSnapshot),
  /** Renders the spec and decision log as one Markdown, HTML or PDF document (bytes as base64). */
  'export.render': method(
    z.object({ root: projectRoot, format: z.enum(['md', 'html', 'pdf']), withTasks: z.boolean().default(false), withEvidence: z.boolean().default(false) }),
    z.object({ fileName: z.string(), mimeType: z.string(), base64: z.string() }),
  ),
} as const;

export const specEvents = {
  /** Plumbline's planning files changed (written by the app or edited on disk). */
  'spec.didChange': z.object({ root: z.string(), files: z.array(z.string()) }),
  /** A running import's progress: steps done of the total known so far, and the spec items, tasks and decisions read so far. */
  'import.didProgress': z.object({ root: z.string(), importId: z.string(), done: z.number().int(), total: z.number().int(), items: z.number().int() }),
} as const;
