import { createHash, randomBytes } from 'node:crypto';
import * as fsSync from 'node:fs';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import git from 'isomorphic-git';
import type { EvidenceRecord } from '../../../shared/contract/verify';
import { StatusEngine } from '../git/status-engine';
import { appendLine, atomicWrite, readJsonLines } from '../util/atomic-write';

/** Where the ledger lives inside a project. */
export const EVIDENCE_FILE = '.plumbline/evidence.jsonl';

/** How much output an evidence record carries inline; the rest goes to the output file. */
export const EXCERPT_LIMIT = 2000;

/** The commit a check ran against and whether the tree had uncommitted changes. */
export interface TreeState {
  readonly commit: string | null;
  readonly dirty: boolean;
}

/** A record before the ledger gives it an id, time and tree state. */
export type NewEvidence = Omit<EvidenceRecord, 'id' | 'time' | 'commit' | 'dirty' | 'hasOutput'> & {
  /** Full output to keep in the app data folder (the excerpt stays in the record). */
  readonly output?: string;
};

/** Short stable hash of a project root, naming its folder in the app data. */
export function projectHash(root: string): string {
  return createHash('sha256').update(root).digest('hex').slice(0, 16);
}

/** A fresh, time-sortable evidence id. */
export function newEvidenceId(): string {
  return `ev-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
}

/** Head and tail of a long text, so both the command line and the final summary survive. */
export function excerptOf(text: string, limit = EXCERPT_LIMIT): string {
  if (text.length <= limit) return text;
  const head = Math.floor(limit * 0.3);
  const tail = limit - head;
  return `${text.slice(0, head)}\n… ${text.length - limit} characters omitted …\n${text.slice(text.length - tail)}`;
}

/** True when a status path is the ledger, or an untracked folder holding nothing but the ledger. */
function onlyLedger(root: string, path: string): boolean {
  if (path === EVIDENCE_FILE) return true;
  if (!path.endsWith('/') || !EVIDENCE_FILE.startsWith(path)) return false;
  try {
    const files = fsSync.readdirSync(join(root, path), { recursive: true, withFileTypes: true }).filter((d) => !d.isDirectory());
    return files.length === 1 && join(files[0]!.parentPath ?? files[0]!.path, files[0]!.name) === join(root, EVIDENCE_FILE);
  } catch {
    return false;
  }
}

/**
 * HEAD commit and dirty flag, through the git engine's StatusEngine (fast on big repositories;
 * no git binary needed), falling back to isomorphic-git. Changes to the ledger itself do not count
 * as dirty: appending evidence must not make the next check look dirty. Untracked files count:
 * they can change a check's outcome.
 */
export async function readTreeState(root: string): Promise<TreeState> {
  if (fsSync.existsSync(join(root, '.git'))) {
    let engine: StatusEngine | null = null;
    try {
      engine = new StatusEngine({ dir: root, statWorkers: 0 });
      const status = await engine.status();
      if (status.headOid || status.unborn) {
        return { commit: status.headOid, dirty: status.entries.some((e) => e.kind !== 'ignored' && !onlyLedger(root, e.path)) };
      }
    } catch {
      // A repository the engine cannot read: try isomorphic-git below, which names fewer problems but copes.
    } finally {
      engine?.dispose();
    }
  }
  let commit: string;
  try {
    commit = await git.resolveRef({ fs: fsSync, dir: root, ref: 'HEAD' });
  } catch {
    return { commit: null, dirty: fsSync.existsSync(join(root, '.git')) };
  }
  try {
    const matrix = await git.statusMatrix({ fs: fsSync, dir: root, filter: (f) => f !== EVIDENCE_FILE });
    const dirty = matrix.some(([, head, work, stage]) => !(head === 1 && work === 1 && stage === 1));
    return { commit, dirty };
  } catch {
    return { commit, dirty: true };
  }
}

/**
 * The append-only evidence ledger of one project: `.plumbline/evidence.jsonl`, one complete JSON
 * record a line, fsync'd; full outputs in `<dataDir>/outputs/<project-hash>/<id>.txt`.
 * Records are never rewritten; a later record with the same `key` supersedes an earlier one.
 */
export class EvidenceLedger {
  private cachedState: { at: number; state: TreeState } | null = null;

  constructor(
    readonly root: string,
    readonly dataDir: string,
    private readonly treeState: (root: string) => Promise<TreeState> = readTreeState,
  ) {}

  /** Folder of full outputs for this project. */
  get outputDir(): string {
    return join(this.dataDir, 'outputs', projectHash(this.root));
  }

  /** Forgets the cached tree state (call after anything that may change the tree). */
  invalidate(): void {
    this.cachedState = null;
  }

  /** The tree state, reused for a short batch of appends so one job reads it once. */
  async state(): Promise<TreeState> {
    if (this.cachedState && Date.now() - this.cachedState.at < 2000) return this.cachedState.state;
    const state = await this.treeState(this.root);
    this.cachedState = { at: Date.now(), state };
    return state;
  }

  /** Appends one record (full output saved first, so a record never points at a missing file). */
  async append(entry: NewEvidence, state?: TreeState): Promise<EvidenceRecord> {
    const { output, ...rest } = entry;
    const id = newEvidenceId();
    const tree = state ?? (await this.state());
    let hasOutput = false;
    if (output !== undefined && output.length > 0) {
      await fs.mkdir(this.outputDir, { recursive: true });
      await atomicWrite(join(this.outputDir, `${id}.txt`), output);
      hasOutput = true;
    }
    const record: EvidenceRecord = { ...rest, id, time: new Date().toISOString(), commit: tree.commit, dirty: tree.dirty, hasOutput };
    await fs.mkdir(join(this.root, '.plumbline'), { recursive: true });
    await appendLine(join(this.root, EVIDENCE_FILE), JSON.stringify(record));
    return record;
  }

  /** Every record in order of appending; torn or foreign lines are skipped. */
  async readAll(): Promise<EvidenceRecord[]> {
    const raw = await readJsonLines<EvidenceRecord>(join(this.root, EVIDENCE_FILE));
    return raw.filter((r) => r && typeof r === 'object' && typeof r.id === 'string' && typeof r.result === 'string' && r.subject && typeof r.subject.kind === 'string');
  }

  /** The full output of a record, or null when none was kept. */
  async readOutput(id: string): Promise<string | null> {
    if (!/^[A-Za-z0-9_-]{1,100}$/.test(id)) return null;
    try {
      return await fs.readFile(join(this.outputDir, `${id}.txt`), 'utf8');
    } catch {
      return null;
    }
  }
}

/** The latest record per key (records without a key stand alone), in ledger order. */
export function currentRecords(records: readonly EvidenceRecord[]): EvidenceRecord[] {
  const latest = new Map<string, number>();
  records.forEach((r, i) => {
    if (r.key) latest.set(r.key, i);
  });
  return records.filter((r, i) => !r.key || latest.get(r.key) === i);
}

/** IDs of records a later record with the same key supersedes. */
export function supersededIds(records: readonly EvidenceRecord[]): string[] {
  const current = new Set(currentRecords(records).map((r) => r.id));
  return records.filter((r) => !current.has(r.id)).map((r) => r.id);
}
