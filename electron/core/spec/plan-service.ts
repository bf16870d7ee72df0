import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import type { DecisionFields, PlanSnapshot, SpecSectionKind, TaskFields } from '../../../shared/contract/spec';
import { RpcError } from '../../../shared/rpc';
import { patchDecision, renderDecision, setSupersedes, type DecisionPatch } from './decisions-edit';
import { pad4, parseDecision, slugify } from './decisions-doc';
import { detectImports, importSources, type ImportOptions } from '../import/import-service';
import { parseTasks } from './tasks-doc';
import { appendTask, deleteTask, patchTask, type TaskPatch } from './tasks-edit';
import { checkSpecPath, DECISIONS_DIR, listSpecFiles, nextNumber, raiseIdMarks, readIdMarks, SPEC_PATH, SPECS_DIR, TASKS_PATH } from './plan-files';
import { listDecisionFiles, projectName, readDecisions, readSnapshot, type EvidenceSource } from './plan-reader';
import { parseSpec } from './spec-doc';
import { appendProse, deleteItem, insertItem, moveItem, oneLine, resolveClarification, setSectionText, setTable, updateItemText, type TableCells } from './spec-edit';
import { sectionInfo, specSkeleton } from './spec-sections';
import { assertEditable, readTextDoc, withFileLock, writeTextDoc } from './text-file';

/** Fields of a new decision (the contract's, defaults applied). */
export type NewDecision = Readonly<DecisionFields>;

/** Fields of a new task (the contract's, defaults applied). */
export type NewTask = Readonly<TaskFields>;

const today = (): string => new Date().toISOString().slice(0, 10);

/** Highest number per prefix among the items and tasks of the given texts. */
function maxIds(specText: string, tasksText: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const i of parseSpec(specText).items) out[i.prefix] = Math.max(out[i.prefix] ?? 0, i.number);
  for (const t of parseTasks(tasksText)) out.T = Math.max(out.T ?? 0, t.number);
  return out;
}

/**
 * Reads and writes the planning files of one project. Every mutation re-reads the file from disk
 * under a per-file lock and splices text, so hand edits made meanwhile are kept, never overwritten.
 */
export class PlanService {
  /** `evidence`: where coverage reads evidence from (the app: the ledger's trusted records). */
  constructor(
    private readonly onChange: (root: string, files: string[]) => void,
    private readonly evidence?: EvidenceSource,
  ) {}

  /** Everything the Orchestrator shows. */
  snapshot(root: string): Promise<PlanSnapshot> {
    return readSnapshot(root, detectImports, this.evidence);
  }

  private async editSpec(root: string, edit: (text: string, exists: boolean) => Promise<string> | string, rel: string = SPEC_PATH): Promise<{ before: string; after: string; hash: string }> {
    const path = join(root, rel);
    return withFileLock(path, async () => {
      const doc = await readTextDoc(path, root);
      assertEditable(doc, rel);
      const after = await edit(doc.text, doc.exists);
      // Remember the IDs of the old text, so one removed by this edit is never handed out again.
      await raiseIdMarks(root, maxIds(doc.text, ''));
      if (after === doc.text && doc.exists) return { before: doc.text, after, hash: doc.hash };
      const hash = await writeTextDoc(path, after, doc.bom);
      this.onChange(root, [rel]);
      return { before: doc.text, after, hash };
    });
  }

  /**
   * The spec file an item edit goes to: the one named (checked), else the first spec holding the ID
   * (main spec first), else the main spec (whose edit then reports the ID as not found).
   */
  private async specOf(root: string, id: string, spec: string | undefined): Promise<string> {
    if (spec !== undefined) return checkSpecPath(spec);
    for (const rel of await listSpecFiles(root)) {
      const doc = await readTextDoc(join(root, rel), root);
      if (parseSpec(doc.text).items.some((i) => i.id === id)) return rel;
    }
    return SPEC_PATH;
  }

  /** Creates `.plumbline/specs/<slug>.md` from the skeleton; returns its project-relative path. */
  async createNamedSpec(root: string, name: string): Promise<string> {
    // slugify falls back to a generic word for names without letters; a spec needs a real name.
    const slug = /[a-z0-9]/i.test(name.normalize('NFKD')) ? slugify(name) : '';
    if (!slug) throw new RpcError('INVALID_REQUEST', `"${name}" has no letters or digits to name a file after. Give the spec a name such as "billing".`);
    const rel = `${SPECS_DIR}/${slug}.md`;
    await this.editSpec(
      root,
      (_text, exists) => {
        if (exists) throw new RpcError('CONFLICT', `There is already a spec ${rel}. Pick another name, or open that one.`);
        return specSkeleton(oneLine(name));
      },
      rel,
    );
    return rel;
  }

  private async editTasks(root: string, edit: (text: string) => Promise<string> | string): Promise<{ before: string; after: string }> {
    const path = join(root, TASKS_PATH);
    return withFileLock(path, async () => {
      const doc = await readTextDoc(path, root);
      assertEditable(doc, TASKS_PATH);
      const after = await edit(doc.text);
      await raiseIdMarks(root, maxIds('', doc.text));
      if (after === doc.text && doc.exists) return { before: doc.text, after };
      await writeTextDoc(path, after, doc.bom);
      this.onChange(root, [TASKS_PATH]);
      return { before: doc.text, after };
    });
  }

  /** Writes the skeleton; refuses when a spec exists. */
  async createSpec(root: string): Promise<void> {
    await this.editSpec(root, (text, exists) => {
      if (exists) throw new RpcError('CONFLICT', 'This project already has a spec (.plumbline/spec.md). Open it instead.');
      return specSkeleton(projectName(root));
    });
  }

  /** Saves raw Markdown of a spec (the main one by default), refusing when the file changed since `baseHash`. */
  async saveRaw(root: string, content: string, baseHash?: string, spec?: string): Promise<void> {
    const rel = checkSpecPath(spec);
    const path = join(root, rel);
    await withFileLock(path, async () => {
      const doc = await readTextDoc(path, root);
      assertEditable(doc, rel);
      if (baseHash !== undefined && doc.exists && doc.hash !== baseHash) {
        throw new RpcError('CONFLICT', 'The spec changed on disk since you opened it. Your text was not saved: copy it, reload, and apply it again.');
      }
      await raiseIdMarks(root, maxIds(doc.text, ''));
      await writeTextDoc(path, content.startsWith('\uFEFF') ? content.slice(1) : content, doc.bom);
      this.onChange(root, [rel]);
    });
  }

  /**
   * The next ID of a prefix. `specText` is the (possibly unsaved) text of the spec being edited,
   * `specRel` its file; the other spec files are read from disk, because IDs are unique across all specs.
   */
  private async nextId(root: string, prefix: string, specText: string, tasksText: string, specRel: string = SPEC_PATH): Promise<string> {
    const marks = await readIdMarks(root);
    const texts = [specText];
    if (prefix !== 'T') for (const rel of await listSpecFiles(root)) if (rel !== specRel) texts.push((await readTextDoc(join(root, rel), root)).text);
    const inUse = prefix === 'T' ? parseTasks(tasksText).map((t) => t.number) : texts.flatMap((t) => parseSpec(t).items.filter((i) => i.prefix === prefix).map((i) => i.number));
    const n = nextNumber(marks, prefix, inUse);
    await raiseIdMarks(root, { [prefix]: n });
    return `${prefix}-${n}`;
  }

  /** The spec file an edit goes to; a further spec must exist (it is made with "New spec…"), only the main spec is created on demand. */
  private async existingSpec(root: string, spec: string | undefined): Promise<string> {
    const rel = checkSpecPath(spec);
    if (rel !== SPEC_PATH && !(await readTextDoc(join(root, rel), root)).exists) throw new RpcError('NOT_FOUND', `There is no spec ${rel}. It may have been deleted; reload the Orchestrator.`);
    return rel;
  }

  /** Adds an item (or an open question, or prose for sections without IDs); returns the new ID ('' when none). */
  async addItem(root: string, section: SpecSectionKind, text: string, spec?: string): Promise<string> {
    let id = '';
    const rel = await this.existingSpec(root, spec);
    await this.editSpec(root, async (current, exists) => {
      const base = exists ? current : specSkeleton(projectName(root));
      const info = sectionInfo(section);
      if (section === 'questions') {
        const q = oneLine(text);
        return insertItem(base, section, /\[NEEDS CLARIFICATION:/.test(q) ? q : `[NEEDS CLARIFICATION: ${q.replace(/\]/g, ')')}]`);
      }
      if (!info.prefix) return appendProse(base, section, text);
      id = await this.nextId(root, info.prefix, base, '', rel);
      return insertItem(base, section, `${id}: ${oneLine(text)}`);
    }, rel);
    return id;
  }

  /** Replaces an item's text (in the given spec, or the one holding the ID). */
  async updateItem(root: string, id: string, text: string, spec?: string): Promise<void> {
    await this.editSpec(root, (current) => updateItemText(current, id, text), await this.specOf(root, id, spec));
  }

  /** Deletes an item; returns the previous content, the hash of the new file and the spec edited (for undo). */
  async deleteItem(root: string, id: string, spec?: string): Promise<{ previousContent: string; previousHash: string; spec: string }> {
    const rel = await this.specOf(root, id, spec);
    const r = await this.editSpec(root, (current) => deleteItem(current, id), rel);
    return { previousContent: r.before, previousHash: r.hash, spec: rel };
  }

  /** Replaces a section's text with the user's words (see `setSectionText`). */
  async setSectionText(root: string, section: SpecSectionKind, text: string, previous?: string, spec?: string): Promise<void> {
    await this.editSpec(root, (current, exists) => setSectionText(exists ? current : specSkeleton(projectName(root)), section, text, previous), await this.existingSpec(root, spec));
  }

  /** Writes a section's table from its cells (see `setTable`). */
  async setTable(root: string, section: SpecSectionKind, table: TableCells, previous?: TableCells | null, spec?: string): Promise<void> {
    await this.editSpec(root, (current, exists) => setTable(exists ? current : specSkeleton(projectName(root)), section, table, previous), await this.existingSpec(root, spec));
  }

  /** Moves an item up or down. */
  async moveItem(root: string, id: string, direction: 'up' | 'down', spec?: string): Promise<void> {
    await this.editSpec(root, (current) => moveItem(current, id, direction), await this.specOf(root, id, spec));
  }

  /** Answers an open question of a spec; when it settles a decision, records one and notes it in the spec. */
  async answerQuestion(root: string, index: number, question: string, answer: string, settles: boolean, title?: string, spec?: string): Promise<number | null> {
    const rel = checkSpecPath(spec);
    let decision: number | null = null;
    await this.editSpec(root, async (current) => {
      const c = parseSpec(current).clarifications[index];
      if (!c || c.resolved || c.question !== question.trim()) {
        throw new RpcError('CONFLICT', 'That open question changed since it was shown (the spec was edited). Look at the refreshed list and answer again.');
      }
      if (settles) {
        decision = await this.createDecision(root, {
          title: oneLine(title?.trim() || question).slice(0, 200) || 'Answer to an open question',
          status: 'accepted',
          context: `Open question in the spec${c.itemId ? ` (${c.itemId})` : ''}: ${question}`,
          options: '',
          decision: answer,
          consequences: '',
          confirmation: null,
          links: c.itemId ? [c.itemId] : [],
        });
      }
      return resolveClarification(current, index, question, answer, decision !== null ? `decision ${pad4(decision)}` : null);
    }, rel);
    return decision;
  }

  private async decisionFile(root: string, number: number): Promise<string> {
    const f = (await listDecisionFiles(root)).find((x) => x.number === number);
    if (!f) throw new RpcError('NOT_FOUND', `There is no decision ${pad4(number)} in ${DECISIONS_DIR}/.`);
    return join(root, DECISIONS_DIR, f.name);
  }

  /** Writes a new decision record; returns its number. */
  async createDecision(root: string, fields: NewDecision, extra: { supersedes?: number; from?: string; date?: string } = {}): Promise<number> {
    const dir = join(root, DECISIONS_DIR);
    return withFileLock(dir, async () => {
      const marks = await readIdMarks(root);
      const number = nextNumber(marks, 'ADR', (await listDecisionFiles(root)).map((f) => f.number));
      await raiseIdMarks(root, { ADR: number });
      const text = renderDecision(number, { ...fields, links: [...fields.links] }, { date: extra.date ?? today(), supersedes: extra.supersedes, from: extra.from });
      const rel = `${DECISIONS_DIR}/${pad4(number)}-${slugify(fields.title)}.md`;
      await fs.mkdir(dir, { recursive: true });
      await writeTextDoc(join(root, rel), text, false);
      this.onChange(root, [rel]);
      return number;
    });
  }

  /** Edits a decision in place. */
  async updateDecision(root: string, number: number, patch: DecisionPatch): Promise<void> {
    const path = await this.decisionFile(root, number);
    await withFileLock(path, async () => {
      const doc = await readTextDoc(path, root);
      assertEditable(doc, path.slice(root.length + 1));
      const parsed = parseDecision(doc.text);
      const after = patchDecision(doc.text, patch, parsed.record.supersededBy);
      if (after === doc.text) return;
      await writeTextDoc(path, after, doc.bom);
      this.onChange(root, [path.slice(root.length + 1)]);
    });
  }

  /** Marks `number` superseded by `by` (or by a new decision titled `title`); links both ways. */
  async supersede(root: string, number: number, by?: number, title?: string): Promise<number> {
    const old = (await readDecisions(root)).find((d) => d.number === number);
    if (!old) throw new RpcError('NOT_FOUND', `There is no decision ${pad4(number)}.`);
    if (by === number) throw new RpcError('INVALID_REQUEST', 'A decision cannot supersede itself. Pick another one.');
    let target = by;
    if (target === undefined) {
      target = await this.createDecision(root, {
        title: title?.trim() || `Revisit: ${old.title}`,
        status: 'proposed',
        context: `Supersedes decision ${old.id} "${old.title}".`,
        options: '',
        decision: '',
        consequences: '',
        confirmation: null,
        links: old.links,
      }, { supersedes: number });
    } else {
      const newPath = await this.decisionFile(root, target);
      await withFileLock(newPath, async () => {
        const doc = await readTextDoc(newPath, root);
        assertEditable(doc, newPath.slice(root.length + 1));
        await writeTextDoc(newPath, setSupersedes(doc.text, number), doc.bom);
      });
    }
    const oldPath = await this.decisionFile(root, number);
    await withFileLock(oldPath, async () => {
      const doc = await readTextDoc(oldPath, root);
      assertEditable(doc, oldPath.slice(root.length + 1));
      await writeTextDoc(oldPath, patchDecision(doc.text, { status: 'superseded' }, target ?? null), doc.bom);
    });
    this.onChange(root, [DECISIONS_DIR]);
    return target;
  }

  /** Appends a task; returns its ID. */
  async createTask(root: string, fields: NewTask, from?: string): Promise<string> {
    let id = '';
    await this.editTasks(root, async (text) => {
      id = await this.nextId(root, 'T', '', text);
      return appendTask(text, id, { ...fields, from });
    });
    return id;
  }

  /** Edits a task in place. */
  async updateTask(root: string, id: string, patch: TaskPatch): Promise<void> {
    await this.editTasks(root, (text) => patchTask(text, id, patch));
  }

  /** Deletes a task; returns the previous content for undo. */
  async deleteTask(root: string, id: string): Promise<string> {
    return (await this.editTasks(root, (text) => deleteTask(text, id))).before;
  }

  /** Replaces the tasks file (undo). */
  async saveRawTasks(root: string, content: string): Promise<void> {
    await this.editTasks(root, () => content);
  }

  /** Imports detected sources (see `import/import-service.ts`); items already imported (same provenance) are skipped. */
  async importSources(root: string, paths: readonly string[], options: Omit<ImportOptions, 'onChange'> = {}): Promise<string[]> {
    return importSources(root, paths, { ...options, onChange: (files) => this.onChange(root, files) });
  }
}
