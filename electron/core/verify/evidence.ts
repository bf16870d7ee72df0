import { createHash, randomBytes } from 'node:crypto';
import * as fsSync from 'node:fs';
import { promises as fs } from 'node:fs';
import { join, relative, sep } from 'node:path';
import git from 'isomorphic-git';
import type { EvidenceRecord } from '../../../shared/contract/verify';
import { StatusEngine, type StatusResult } from '../git/status-engine';
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

/** What the ledger needs to know of the working tree: a git status (the project's live engine). */
export type StatusReader = () => Promise<StatusResult>;

/** A tree state and the paths that make it dirty, from one status. */
export interface TreeFacts {
  readonly state: TreeState;
  /** Uncommitted paths (tracked changes and untracked files), the ledger itself left out. */
  readonly dirtyPaths: readonly string[];
}

/** The files of an untracked folder (git shows the folder as one entry), project-relative. */
function filesUnder(root: string, dir: string): string[] {
  try {
    return fsSync
      .readdirSync(join(root, dir), { recursive: true, withFileTypes: true })
      .filter((d) => !d.isDirectory())
      .map((d) => `${dir}${relative(join(root, dir), join(d.parentPath, d.name)).split(sep).join('/')}`);
  } catch {
    return [dir];
  }
}

/** Tree facts from one status result. */
export function treeFactsOf(root: string, status: StatusResult): TreeFacts {
  const dirtyPaths = status.entries.filter((e) => e.kind !== 'ignored' && !onlyLedger(root, e.path)).flatMap((e) => (e.path.endsWith('/') ? filesUnder(root, e.path) : [e.path]));
  return { state: { commit: status.headOid, dirty: dirtyPaths.length > 0 }, dirtyPaths };
}

/**
 * HEAD commit, dirty flag and dirty paths through the git engine's status (the project's live
 * engine when one is passed — worker thread, watcher cache — else a one-off StatusEngine), falling
 * back to isomorphic-git for repositories the engine cannot read. Changes to the ledger itself do
 * not count as dirty: appending evidence must not make the next check look dirty. Untracked files
 * count: they can change a check's outcome.
 */
export async function readTreeFacts(root: string, status?: StatusReader): Promise<TreeFacts> {
  if (fsSync.existsSync(join(root, '.git'))) {
    let engine: StatusEngine | null = null;
    try {
      const result = status ? await status() : await (engine = new StatusEngine({ dir: root, statWorkers: 0 })).status();
      if (result.headOid || result.unborn) return treeFactsOf(root, result);
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
    const dirty = fsSync.existsSync(join(root, '.git'));
    return { state: { commit: null, dirty }, dirtyPaths: [] };
  }
  try {
    const matrix = await git.statusMatrix({ fs: fsSync, dir: root, filter: (f) => f !== EVIDENCE_FILE });
    const dirtyPaths = matrix.filter(([, head, work, stage]) => !(head === 1 && work === 1 && stage === 1)).map(([p]) => p);
    return { state: { commit, dirty: dirtyPaths.length > 0 }, dirtyPaths };
  } catch {
    return { state: { commit, dirty: true }, dirtyPaths: [] };
  }
}

/** HEAD commit and dirty flag (see readTreeFacts). */
export async function readTreeState(root: string, status?: StatusReader): Promise<TreeState> {
  return (await readTreeFacts(root, status)).state;
}

/**
 * The append-only evidence ledger of one project: `.plumbline/evidence.jsonl`, one complete JSON
 * record a line, fsync'd; full outputs in `<dataDir>/outputs/<project-hash>/<id>.txt`.
 * Records are never rewritten; a later record with the same `key` supersedes an earlier one.
 */
export class EvidenceLedger {
  private cached: { at: number; facts: Promise<TreeFacts> } | null = null;

  /**
   * `status`: the project's live status (its engine in a worker, kept current by the watcher);
   * `treeState`: a fixed source of tree states instead (tests, exports of another machine's ledger).
   */
  constructor(
    readonly root: string,
    readonly dataDir: string,
    private readonly treeState: ((root: string) => Promise<TreeState>) | null = null,
    private readonly status?: StatusReader,
  ) {}

  /** Folder of full outputs for this project. */
  get outputDir(): string {
    return join(this.dataDir, 'outputs', projectHash(this.root));
  }

  /** Forgets the cached tree state (call after anything that may change the tree). */
  invalidate(): void {
    this.cached = null;
  }

  /** The tree facts, reused for a short batch of appends so one job reads them once. */
  facts(): Promise<TreeFacts> {
    if (!this.cached || Date.now() - this.cached.at >= 2000) {
      const facts = this.treeState ? this.treeState(this.root).then((state) => ({ state, dirtyPaths: [] })) : readTreeFacts(this.root, this.status);
      this.cached = { at: Date.now(), facts };
      facts.catch(() => (this.cached = null));
    }
    return this.cached.facts;
  }

  /** The tree state (see facts()). */
  async state(): Promise<TreeState> {
    return (await this.facts()).state;
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
