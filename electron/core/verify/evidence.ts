import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import * as fsSync from 'node:fs';
import { promises as fs } from 'node:fs';
import { join, relative, sep } from 'node:path';
import git from 'isomorphic-git';
import type { EvidenceRecord } from '../../../shared/contract/verify';
import { StatusEngine, type StatusResult } from '../git/status-engine';
import { appendLine, atomicWrite } from '../util/atomic-write';

/** Where the ledger lives inside a project. */
export const EVIDENCE_FILE = '.plumbline/evidence.jsonl';

/** The per-install ledger key in the app data folder: 32 random bytes, mode 0600. */
export const LEDGER_KEY_FILE = 'ledger.key';

/** Why a record does not count: its MAC does not verify under this install's key (or it has none). */
export const NOT_WRITTEN_HERE = 'not written by Plumbline on this machine';

/**
 * Why a record does not count when the reader has no ledger key (a ledger opened without an app
 * data folder, e.g. an export given none): nothing can be checked, so nothing counts.
 */
export const NOT_CHECKED = 'not checked: this reader has no ledger key to check it with';

/** How much output an evidence record carries inline; the rest goes to the output file. */
export const EXCERPT_LIMIT = 2000;

/** True for a parsed line shaped like an evidence record. */
function isRecord(r: unknown): r is EvidenceRecord {
  const x = r as EvidenceRecord | null;
  return !!x && typeof x === 'object' && typeof x.id === 'string' && typeof x.result === 'string' && !!x.subject && typeof x.subject.kind === 'string';
}

/** Stands for "this install has no key yet": no MAC verifies under it (a real key is 32 bytes). */
const NO_KEY = Buffer.alloc(0);

/** Hex SHA-256 of bytes. */
function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** JSON with object keys sorted at every depth (arrays keep their order): the form a MAC is taken over. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v === undefined ? null : v)).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** Hex HMAC-SHA256 of a record without its `mac` (and without `untrusted`, which is never stored). */
function macOf(key: Buffer, record: EvidenceRecord): string {
  const { mac: _mac, untrusted: _untrusted, ...rest } = record;
  return createHmac('sha256', key).update(canonicalJson(rest)).digest('hex');
}

/** True when the record's MAC is the one this key gives (compared in constant time). */
function verifies(key: Buffer, record: EvidenceRecord): boolean {
  if (key.length === 0 || typeof record.mac !== 'string' || !/^[0-9a-f]{64}$/.test(record.mac)) return false;
  return timingSafeEqual(Buffer.from(record.mac, 'hex'), Buffer.from(macOf(key, record), 'hex'));
}

/** A line without a trailing CR, so a ledger checked out with CRLF line endings keeps its chain. */
function withoutCr(line: Buffer): Buffer {
  return line.length > 0 && line[line.length - 1] === 0x0d ? line.subarray(0, line.length - 1) : line;
}

/** The lines of a file as written (split on LF, a trailing CR dropped, empty lines left out). */
function splitLines(bytes: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let start = 0;
  for (;;) {
    const end = bytes.indexOf(0x0a, start);
    const line = withoutCr(bytes.subarray(start, end === -1 ? bytes.length : end));
    if (line.length > 0) out.push(line);
    if (end === -1) return out;
    start = end + 1;
  }
}

const TAIL_CHUNK = 64 * 1024;

/**
 * The last non-empty line of a file as written (a torn line without its line break included, a
 * trailing CR dropped as in splitLines), read
 * from the end in chunks so a large ledger is not read whole; null for a missing or empty file.
 */
export async function lastLine(path: string): Promise<Buffer | null> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  try {
    let pos = (await handle.stat()).size;
    let buf = Buffer.alloc(0);
    while (pos > 0) {
      const n = Math.min(TAIL_CHUNK, pos);
      pos -= n;
      const chunk = Buffer.alloc(n);
      await handle.read(chunk, 0, n, pos);
      buf = Buffer.concat([chunk, buf]);
      let end = buf.length;
      while (end > 0 && (buf[end - 1] === 0x0a || buf[end - 1] === 0x0d)) end--;
      if (end === 0) continue;
      const start = buf.lastIndexOf(0x0a, end - 1);
      if (start >= 0) return buf.subarray(start + 1, end);
      if (pos === 0) return buf.subarray(0, end);
    }
    return null;
  } finally {
    await handle.close();
  }
}

const queues = new Map<string, Promise<unknown>>();

/** Runs `task` after every earlier task for the same file has settled (appends to one ledger, one at a time). */
function serialized<T>(file: string, task: () => Promise<T>): Promise<T> {
  const run = (queues.get(file) ?? Promise.resolve()).then(task, task);
  const settled = run.then(
    () => undefined,
    () => undefined,
  );
  queues.set(file, settled);
  void settled.then(() => {
    if (queues.get(file) === settled) queues.delete(file);
  });
  return run;
}

/**
 * This install's ledger key, `<dataDir>/ledger.key`, created on first use: 32 random bytes written
 * to a temp file (mode 0600) and hard-linked into place, which fails when the key already exists,
 * so two ledgers creating it at once both end with the one that landed first. Where hard links are
 * not available an exclusive create is used instead.
 */
export async function ledgerKey(dataDir: string): Promise<Buffer> {
  return (await readKey(join(dataDir, LEDGER_KEY_FILE))) ?? installKey(dataDir, randomBytes(32));
}

/**
 * Puts `fresh` in place as the ledger key unless a key is there already, and returns the key in
 * place: the one that landed first when several are installed at once.
 */
export async function installKey(dataDir: string, fresh: Buffer): Promise<Buffer> {
  const path = join(dataDir, LEDGER_KEY_FILE);
  await fs.mkdir(dataDir, { recursive: true });
  const tmp = join(dataDir, `.${LEDGER_KEY_FILE}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const handle = await fs.open(tmp, 'wx', 0o600);
    try {
      await handle.writeFile(fresh);
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await fs.link(tmp, path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST') {
        // No hard links here (some file systems): create the key exclusively in place instead.
        await fs.writeFile(path, fresh, { flag: 'wx', mode: 0o600 }).catch((e: NodeJS.ErrnoException) => {
          if (e.code !== 'EEXIST') throw e;
        });
      }
    }
  } finally {
    await fs.rm(tmp, { force: true }).catch(() => undefined);
  }
  const key = await readKey(path);
  if (!key) throw new Error(`The ledger key ${path} could not be created.`);
  return key;
}

/** The key at `path`, null when there is none; a damaged key (not 32 bytes) is an error saying what to do. */
async function readKey(path: string): Promise<Buffer | null> {
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  if (bytes.length !== 32) {
    throw new Error(`The ledger key ${path} is damaged (${bytes.length} bytes, not 32). Move it away and Plumbline makes a new one; records signed with the old key then count as not written here.`);
  }
  return bytes;
}

/** The commit a check ran against and whether the tree had uncommitted changes. */
export interface TreeState {
  readonly commit: string | null;
  readonly dirty: boolean;
}

/** A record before the ledger gives it an id, time and tree state. */
export type NewEvidence = Omit<EvidenceRecord, 'id' | 'time' | 'commit' | 'dirty' | 'hasOutput' | 'prev' | 'mac' | 'untrusted'> & {
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
  private keyPromise: Promise<Buffer> | null = null;

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

  /** This install's ledger key (created on first use), or null when the ledger has no app data folder. */
  private key(): Promise<Buffer | null> {
    if (!this.dataDir) return Promise.resolve(null);
    this.keyPromise ??= ledgerKey(this.dataDir);
    this.keyPromise.catch(() => (this.keyPromise = null));
    return this.keyPromise;
  }

  /**
   * Appends one record (full output saved first, so a record never points at a missing file),
   * chained to the previous line (`prev`) and signed (`mac`). Appends to one ledger file are
   * serialized in this process, so `prev` always names the line just before. Without an app data
   * folder there is no key to sign with, and the append is refused.
   */
  async append(entry: NewEvidence, state?: TreeState): Promise<EvidenceRecord> {
    const { output, ...rest } = entry;
    const key = await this.key();
    if (!key) throw new Error('This evidence ledger was opened without an app data folder, so it has no key to sign records with; open it with the app data folder to append.');
    const id = newEvidenceId();
    const tree = state ?? (await this.state());
    let hasOutput = false;
    if (output !== undefined && output.length > 0) {
      await fs.mkdir(this.outputDir, { recursive: true });
      await atomicWrite(join(this.outputDir, `${id}.txt`), output);
      hasOutput = true;
    }
    const file = join(this.root, EVIDENCE_FILE);
    return serialized(file, async () => {
      await fs.mkdir(join(this.root, '.plumbline'), { recursive: true });
      const last = await lastLine(file);
      const unsigned: EvidenceRecord = { ...rest, id, time: new Date().toISOString(), commit: tree.commit, dirty: tree.dirty, hasOutput, prev: last ? sha256(last) : '' };
      // Signed as it will be read back: through JSON, so undefined fields are gone on both sides.
      const plain = JSON.parse(JSON.stringify(unsigned)) as EvidenceRecord;
      delete plain.untrusted;
      const record: EvidenceRecord = { ...plain, mac: macOf(key, plain) };
      await appendLine(file, JSON.stringify(record));
      return record;
    });
  }

  /**
   * Every record in order of appending; torn or foreign lines are skipped. A record whose MAC does
   * not verify under this install's key (or that has none: written before records were signed, by
   * hand, by a run, or on another machine) comes back with `untrusted` set and must never count
   * (see trustedRecords). A broken chain does not make a genuine record untrusted: a line removed
   * before it is reported by integrity().
   */
  async readAll(): Promise<EvidenceRecord[]> {
    return (await this.check()).records;
  }

  /**
   * The ledger's integrity: ids of records whose MAC does not verify (`forged`: forged, edited,
   * unsigned or from another machine), and how many trusted records do not follow the line before
   * them (`gaps`: a record before them was removed, changed or reordered). Without a key nothing
   * can be told forged; gaps are still counted.
   */
  async integrity(): Promise<{ forged: string[]; gaps: number }> {
    const { forged, gaps } = await this.check();
    return { forged, gaps };
  }

  private async check(): Promise<{ records: EvidenceRecord[]; forged: string[]; gaps: number }> {
    let bytes: Buffer;
    try {
      bytes = await fs.readFile(join(this.root, EVIDENCE_FILE));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { records: [], forged: [], gaps: 0 };
      throw error;
    }
    let key: Buffer | null = null;
    let keyProblem = NOT_CHECKED;
    try {
      // Reading never creates a key: with none yet, no record was written here, and none verifies.
      key = this.dataDir ? ((await (this.keyPromise ?? readKey(join(this.dataDir, LEDGER_KEY_FILE)))) ?? NO_KEY) : null;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      keyProblem = `not checked: ${message.charAt(0).toLowerCase()}${message.slice(1)}`;
    }
    const records: EvidenceRecord[] = [];
    const forged: string[] = [];
    let gaps = 0;
    let previous = '';
    for (const line of splitLines(bytes)) {
      const hash = sha256(line);
      const before = previous;
      previous = hash;
      let r: EvidenceRecord;
      try {
        r = JSON.parse(line.toString('utf8')) as EvidenceRecord;
      } catch {
        continue; // torn line: ignored, never fatal (it still counts as the line before the next record)
      }
      if (!isRecord(r)) continue;
      const { untrusted: _stored, ...record } = r;
      if (!key) {
        if (record.prev !== before) gaps++;
        records.push({ ...record, untrusted: keyProblem });
      } else if (!verifies(key, record)) {
        forged.push(record.id);
        records.push({ ...record, untrusted: NOT_WRITTEN_HERE });
      } else {
        if (record.prev !== before) gaps++;
        records.push(record);
      }
    }
    return { records, forged, gaps };
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

/**
 * The records that count: those whose MAC verified (untrusted ones are shown, never counted). Use it
 * before currentRecords wherever records feed a decision, so a forged record can never supersede a
 * genuine one either.
 */
export function trustedRecords(records: readonly EvidenceRecord[]): EvidenceRecord[] {
  return records.filter((r) => !r.untrusted);
}

/**
 * The latest trusted record per key (records without a key stand alone), in ledger order. Untrusted
 * records are never current: they neither count nor supersede a genuine record (callers pass
 * trustedRecords(...) all the same, so the intent reads where records are used).
 */
export function currentRecords(records: readonly EvidenceRecord[]): EvidenceRecord[] {
  const trusted = trustedRecords(records);
  const latest = new Map<string, number>();
  trusted.forEach((r, i) => {
    if (r.key) latest.set(r.key, i);
  });
  return trusted.filter((r, i) => !r.key || latest.get(r.key) === i);
}

/** IDs of trusted records a later trusted record with the same key supersedes (untrusted ones are marked, not superseded). */
export function supersededIds(records: readonly EvidenceRecord[]): string[] {
  const current = new Set(currentRecords(records).map((r) => r.id));
  return trustedRecords(records)
    .filter((r) => !current.has(r.id))
    .map((r) => r.id);
}
