/**
 * The status engine: `git status --porcelain=v1` for one work tree, fast, cached and incremental.
 *
 *   const engine = new StatusEngine({ dir, gitdir? });
 *   const { entries, headOid, branch, detached, unborn } = await engine.status({ includeIgnored?, signal? });
 *   engine.notifyChanged(['src/a.ts'])   // a watcher saw these work-tree paths change (relative, '/'-separated)
 *   engine.invalidateAll()               // after stage/commit/checkout, or when no watcher runs
 *   engine.dispose()
 *
 * Entries (sorted like git: tracked changes, then untracked, then ignored; each group by path bytes):
 *   { kind: 'tracked', path, index: ' '|'M'|'A'|'D'|'T'|'U', worktree: ' '|'M'|'D'|'T'|'U', submodule?, conflict? }
 *   { kind: 'untracked', path }   — an untracked folder is one entry 'dir/' (trailing slash), as git shows it
 *   { kind: 'ignored', path }     — only with includeIgnored (like `git status --ignored`)
 * Renames are reported as D + A (like `--no-renames`). Conflicts carry `conflict` ('UU', 'AA', …) with
 * index and worktree both 'U'.
 *
 * How it is fast: the index is parsed once; a tracked file is hashed only when its stat data differs from
 * the index (or is racily recent) and its size alone does not already prove a change; index ↔ HEAD goes
 * through tree ids (see tree-compare.ts); folder listings (with which names are folders), per-file
 * verdicts and content hashes are cached, and per index the entries' absolute paths and each folder's
 * tracked names, so a scan builds no string per tracked file. After the first call the engine trusts
 * notifyChanged() hints for the work tree: it re-stats only those paths and re-reads only their folders.
 * Index and HEAD are re-checked (two stats) on every call.
 * Line endings: where `core.autocrlf` or an attributes file may convert a file (`.gitattributes` at any
 * level, found in the folder listings the walk makes anyway or, when deleted from the work tree, in the
 * index; `info/attributes` or the global attributes file), a file whose stat data changed but not its size
 * is compared as `git add` would store it (eol.ts).
 * No module state: an engine can run in a worker thread (see status-worker.ts).
 */
import { existsSync, lstatSync, readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { IgnoreRules } from './ignore-rules';
import { type GitIndex, type IndexEntry, readIndex } from './index-reader';
import { hashObject, parseCommit } from './object-parse';
import { ObjectStore } from './object-store';
import { fillStat, KIND_DIR, KIND_FILE, KIND_LINK, KIND_MISSING, STAT_FIELDS, StatPool } from './stat-pool';
import { EolRules, globalAttributesPath, isAttributesFile } from './eol';
import { type GitConfig, readConfig, readHead, type HeadState, type RepoLayout, resolveLayout } from './repo-layout';
import { compareIndexToTree, comparePaths, modeKind, type TreeChange } from './tree-compare';

/** Porcelain v1 X: how the index differs from HEAD. */
export type IndexStatus = ' ' | 'M' | 'A' | 'D' | 'T' | 'U';
/** Porcelain v1 Y: how the work tree differs from the index. */
export type WorktreeStatus = ' ' | 'M' | 'D' | 'T' | 'U' | 'A';
/** Porcelain XY of an unmerged path. */
export type ConflictCode = 'DD' | 'AU' | 'UD' | 'UA' | 'DU' | 'AA' | 'UU';

/** One line of status. */
export type StatusEntry =
  | {
      readonly kind: 'tracked';
      readonly path: string;
      readonly index: IndexStatus;
      readonly worktree: WorktreeStatus;
      readonly submodule?: boolean;
      readonly conflict?: ConflictCode;
    }
  | { readonly kind: 'untracked'; readonly path: string }
  | { readonly kind: 'ignored'; readonly path: string };

/** The whole status of a work tree. */
export interface StatusResult {
  readonly entries: readonly StatusEntry[];
  readonly headOid: string | null;
  readonly branch: string | null;
  readonly detached: boolean;
  readonly unborn: boolean;
}

/** Options of StatusEngine.status(). */
export interface StatusOptions {
  readonly includeIgnored?: boolean;
  readonly signal?: AbortSignal;
}

interface IndexState {
  readonly sig: string;
  readonly head: HeadState;
  readonly index: GitIndex | null;
  /** Stage-0 entries in index order. */
  readonly entries: readonly IndexEntry[];
  /** Every path the index holds (files, links, submodules, conflicts). */
  readonly tracked: ReadonlySet<string>;
  /** Every folder that holds a tracked path ('' excluded). */
  readonly trackedDirs: ReadonlySet<string>;
  readonly conflicts: ReadonlyMap<string, ConflictCode>;
  readonly staged: ReadonlyMap<string, TreeChange>;
  /** Folder ('' = the root) → blob id of the `.gitattributes` the index holds there (stage 0, else 2). */
  readonly indexAttributes: ReadonlyMap<string, string>;
  /** Per entry: 0 = not checked yet, else 1 + index into VERDICTS. */
  readonly verdicts: Uint8Array;
  /** Path → entry position, built on first need (hints, submodules). */
  positions: Map<string, number> | null;
  /** Folder → its tracked names (TRACKED_PATH or TRACKED_DIR), built by the first walk (see childrenOf). */
  children: Map<string, Map<string, number>> | null;
  /** Absolute path of each stage-0 entry, built by the first full stat pass and kept for later ones. */
  absPaths: string[] | null;
}

interface HashMemo {
  readonly size: number;
  readonly mtimeMs: number;
  readonly ctimeMs: number;
  readonly ino: number;
  readonly oid: string;
}

/**
 * Which tracked files attributes files may convert, for one scan: all of them (a root `.gitattributes`,
 * `info/attributes` or the global attributes file), or those below a folder holding a `.gitattributes` (`byFolder`: memo per parent
 * folder; null when no tracked folder holds one).
 */
interface AttrScan {
  readonly all: boolean;
  readonly byFolder: Map<string, boolean> | null;
}

type WtVerdict = ' ' | 'M' | 'D' | 'T';
/** A cached folder listing: names, NOT_A_DIR (the path became a file), or null (unreadable or gone). */
type Listing = readonly string[] | typeof NOT_A_DIR | null;
const NOT_A_DIR: unique symbol = Symbol('not a folder');
const VERDICTS: readonly WtVerdict[] = [' ', 'M', 'D', 'T'];

/** Values of IndexState.children: a name the index holds as a path, or as a folder of paths. */
const TRACKED_PATH = 1;
const TRACKED_DIR = 2;

/**
 * Each folder's tracked names, so the walk checks a listed name without building its path: one map per
 * folder, made once per index (not per scan).
 */
function childrenOf(state: IndexState): Map<string, Map<string, number>> {
  if (state.children) return state.children;
  const children = new Map<string, Map<string, number>>();
  const add = (path: string, kind: number): void => {
    const slash = path.lastIndexOf('/');
    const dir = slash < 0 ? '' : path.slice(0, slash);
    let names = children.get(dir);
    if (!names) children.set(dir, (names = new Map()));
    const name = slash < 0 ? path : path.slice(slash + 1);
    if (names.get(name) !== TRACKED_PATH) names.set(name, kind);
  };
  for (const path of state.tracked) add(path, TRACKED_PATH);
  for (const dir of state.trackedDirs) add(dir, TRACKED_DIR);
  state.children = children;
  return children;
}

const CONFLICT_CODES: Record<number, ConflictCode> = { 1: 'DD', 2: 'AU', 3: 'UD', 4: 'UA', 5: 'DU', 6: 'AA', 7: 'UU' };

function statSig(path: string): string {
  try {
    const s = statSync(path);
    return `${s.mtimeMs}:${s.ctimeMs}:${s.size}:${s.ino}`;
  } catch {
    return 'none';
  }
}

function sameEntries(a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) if (b.get(k) !== v) return false;
  return true;
}

function parentOf(rel: string): string {
  const i = rel.lastIndexOf('/');
  return i < 0 ? '' : rel.slice(0, i);
}

/** Finds the range of sorted entries under `dir/` (binary search on the sorted paths). */
function rangeUnder(entries: readonly IndexEntry[], dir: string): [number, number] {
  const prefix = `${dir}/`;
  const lower = (key: string): number => {
    let lo = 0;
    let hi = entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (comparePaths(entries[mid].path, key) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  // '0' is the byte after '/', so [prefix, dir + '0') holds exactly the paths inside the folder.
  return [lower(prefix), lower(`${dir}0`)];
}

/** Computes and caches the status of one work tree; see the file header for the contract. */
export class StatusEngine {
  private readonly layout: RepoLayout;
  private readonly store: ObjectStore;
  private config: GitConfig | null = null;
  /** Line-ending rules and which files attributes may convert, worked out again in each status. */
  private eol: EolRules | null = null;
  private attrScan: AttrScan | null = null;
  private rules: IgnoreRules | null = null;
  private state: IndexState | null = null;
  private readonly hashes = new Map<string, HashMemo>();
  /** Folder listings (names only: the index already knows which tracked names are folders). */
  private readonly dirs = new Map<string, Listing>();
  /** The listed folders that hold a `.gitattributes` ('' = the root); kept in step with `dirs`. */
  private readonly attrDirs = new Set<string>();
  /** Per listed folder: which of its names are real folders (lstat'ed on first need); kept in step with `dirs`. */
  private readonly kinds = new Map<string, Map<string, boolean>>();
  private readonly submodules = new Map<string, StatusEngine>();
  /** Hinted paths not yet applied to the per-entry verdicts. */
  private readonly pending = new Set<string>();
  private last: { result: StatusResult; includeIgnored: boolean } | null = null;
  /** Bumped by invalidateAll(): a scan that saw it change keeps neither its result nor its verdicts. */
  private generation = 0;
  private running: Promise<unknown> = Promise.resolve();
  private disposed = false;
  private pool: StatPool | null = null;
  private readonly statWorkers: number;
  /** Fewer files than this are stat'ed on the calling thread only (a worker round trip costs more). */
  private readonly parallelFrom: number;

  /**
   * `statWorkers`: worker threads that share the lstat work of later full scans (after invalidateAll());
   * they start once the first scan is done. Default: 2 with 4+ cores, 1 with 2–3, none on one core.
   * `parallelFrom`: scans of fewer files than this stay on the calling thread (default 4,000).
   */
  constructor(opts: { dir: string; gitdir?: string; statWorkers?: number; parallelFrom?: number }) {
    this.layout = resolveLayout(opts.dir, opts.gitdir);
    this.store = new ObjectStore(this.layout);
    const cores = availableParallelism();
    this.statWorkers = opts.statWorkers ?? (cores >= 4 ? 2 : cores >= 2 ? 1 : 0);
    this.parallelFrom = opts.parallelFrom ?? 4000;
  }

  /** Work tree status; cached between calls and updated from notifyChanged() hints. */
  status(opts: StatusOptions = {}): Promise<StatusResult> {
    // One scan at a time: a burst of watcher events and a UI request share one scan instead of racing.
    const run = this.running.then(() => this.scan(opts));
    this.running = run.catch(() => undefined);
    return run;
  }

  private async scan(opts: StatusOptions): Promise<StatusResult> {
    if (this.disposed) throw new Error('This status engine was disposed; create a new one.');
    opts.signal?.throwIfAborted();
    const includeIgnored = opts.includeIgnored === true;
    const state = this.loadState();
    if (this.last && this.last.includeIgnored === includeIgnored && this.pending.size === 0) return this.last.result;
    const generation = this.generation;
    this.applyPending(state);
    // The walk first: its listings tell which folders hold a .gitattributes, which the content compare needs.
    const { untracked, ignored } = this.walkUntracked(state, includeIgnored);
    opts.signal?.throwIfAborted();
    const tracked = await this.trackedEntries(state, this.config!);
    opts.signal?.throwIfAborted();
    const result: StatusResult = {
      entries: [...tracked, ...untracked.map((path) => ({ kind: 'untracked', path }) as const), ...ignored.map((path) => ({ kind: 'ignored', path }) as const)],
      headOid: state.head.oid,
      branch: state.head.branch,
      detached: state.head.detached,
      unborn: state.head.unborn,
    };
    if (generation === this.generation) this.last = { result, includeIgnored };
    // Everything was invalidated while the files were stat'ed: verdicts stored since may be from before it.
    else state.verdicts.fill(0);
    // Workers only for later full scans: booting one costs more than it saves on the first scan of a
    // freshly opened repository, so the pool starts afterwards, idle, while the watcher takes over.
    if (!this.pool && this.statWorkers > 0) this.pool = new StatPool(this.statWorkers);
    return result;
  }

  /** Marks work-tree paths (relative, '/'-separated) as possibly changed since the last status. */
  notifyChanged(paths: readonly string[]): void {
    for (const raw of paths) {
      const rel = raw.replace(/\\/g, '/').replace(/^\.\/+/, '').replace(/\/+$/, '');
      if (rel === '' || rel === '.' || rel === '.git' || rel.startsWith('.git/')) {
        this.invalidateAll();
        return;
      }
      this.pending.add(rel);
      this.last = null;
      this.forgetListing(parentOf(rel));
      if (this.dirs.has(rel)) {
        const prefix = `${rel}/`;
        for (const k of [...this.dirs.keys()]) if (k === rel || k.startsWith(prefix)) this.forgetListing(k);
      }
      if (rel === '.gitignore' || rel.endsWith('/.gitignore')) this.rules?.invalidate(parentOf(rel));
      if (rel === '.gitattributes' || rel.endsWith('/.gitattributes')) this.attributesChanged(parentOf(rel));
      for (const [sub, engine] of this.submodules) {
        if (rel.startsWith(`${sub}/`)) {
          this.pending.add(sub);
          engine.notifyChanged([rel.slice(sub.length + 1)]);
        }
      }
    }
  }

  /**
   * Forgets everything learnt about the work tree, config and ignore rules. The parsed index and the
   * staged changes are kept only while the index file and HEAD are unchanged (checked on every status),
   * and content hashes stay valid for files whose stat data is unchanged. A scan under way keeps neither its
   * result nor its verdicts, so the next status looks again.
   */
  invalidateAll(): void {
    this.generation++;
    this.state?.verdicts.fill(0);
    this.config = null;
    this.rules = null;
    this.last = null;
    this.pending.clear();
    this.dirs.clear();
    this.attrDirs.clear();
    this.kinds.clear();
    for (const e of this.submodules.values()) e.invalidateAll();
  }

  /** Drops a folder's cached listing (it is listed again by the next walk). */
  private forgetListing(dirRel: string): void {
    this.dirs.delete(dirRel);
    this.attrDirs.delete(dirRel);
    this.kinds.delete(dirRel);
  }

  /**
   * A folder's `.gitattributes` changed: the files below it are compared again, their content hashed anew
   * (a remembered hash may hold line endings converted under the old rules).
   */
  private attributesChanged(folder: string): void {
    if (folder === '') {
      this.state?.verdicts.fill(0);
      this.hashes.clear();
      return;
    }
    this.pending.add(folder);
    const prefix = `${folder}/`;
    for (const k of [...this.hashes.keys()]) if (k.startsWith(prefix)) this.hashes.delete(k);
  }

  /** Releases caches and open pack files. */
  dispose(): void {
    this.disposed = true;
    this.invalidateAll();
    this.state = null;
    this.hashes.clear();
    for (const e of this.submodules.values()) e.dispose();
    this.submodules.clear();
    this.store.dispose();
    this.pool?.dispose();
    this.pool = null;
  }

  /** Forgets the verdicts of hinted paths (and of everything under hinted folders). */
  private applyPending(state: IndexState): void {
    if (this.pending.size === 0) return;
    state.positions ??= new Map(state.entries.map((e, i) => [e.path, i]));
    for (const rel of this.pending) {
      const at = state.positions.get(rel);
      if (at !== undefined) state.verdicts[at] = 0;
      const [lo, hi] = rangeUnder(state.entries, rel);
      state.verdicts.fill(0, lo, hi);
    }
    this.pending.clear();
  }

  /**
   * Whether attributes files may convert a tracked file's line endings: the global attributes file,
   * `info/attributes`, or a `.gitattributes` in the root or a folder above the file. Known from this scan's
   * listings (the walk runs first), so a work tree without attributes files costs two existence checks per scan.
   */
  private attributesApply(state: IndexState, path: string): boolean {
    let scan = this.attrScan;
    if (!scan) {
      let nested = false;
      for (const d of this.attrDirs) if (d !== '' && state.trackedDirs.has(d)) nested = true;
      // An attributes file the index holds applies when the work tree lacks it (eol.ts reads it from there).
      for (const d of state.indexAttributes.keys()) if (d !== '') nested = true;
      const global = globalAttributesPath(this.config?.attributesFile);
      const all = this.attrDirs.has('') || state.indexAttributes.has('') || existsSync(join(this.layout.commondir, 'info', 'attributes')) || (global !== '' && existsSync(global));
      scan = this.attrScan = { all, byFolder: nested ? new Map() : null };
    }
    if (scan.all) return true;
    if (!scan.byFolder) return false;
    const dir = parentOf(path);
    let below = scan.byFolder.get(dir);
    if (below === undefined) {
      below = false;
      for (let d = dir; d; d = parentOf(d)) {
        if (this.attrDirs.has(d) || state.indexAttributes.has(d)) {
          below = true;
          break;
        }
      }
      scan.byFolder.set(dir, below);
    }
    return below;
  }

  private loadState(): IndexState {
    this.eol = null;
    this.attrScan = null;
    if (!this.config || !this.rules) {
      this.config = readConfig(this.layout);
      this.rules = new IgnoreRules(this.layout, this.config, (dirRel) => {
        const items = this.dirs.get(dirRel);
        return items === undefined ? undefined : items !== NOT_A_DIR && items !== null && items.includes('.gitignore');
      });
    }
    const head = readHead(this.layout);
    const sig = `${statSig(join(this.layout.gitdir, 'index'))}|${head.oid}|${head.branch}`;
    if (this.state && this.state.sig === sig) return this.state;
    this.last = null;
    this.pending.clear();
    const index = readIndex(this.layout.gitdir);
    const all = index?.entries ?? [];
    const entries: IndexEntry[] = [];
    const stagesOf = new Map<string, number>();
    // Two flat sets rather than a map per folder: far fewer objects for the garbage collector to move.
    const tracked = new Set<string>();
    const trackedDirs = new Set<string>();
    const indexAttributes = new Map<string, string>();
    let lastDir = '';
    for (const e of all) {
      if (e.stage === 0) entries.push(e);
      else stagesOf.set(e.path, (stagesOf.get(e.path) ?? 0) | (1 << (e.stage - 1)));
      const path = e.path;
      tracked.add(path);
      if ((e.stage === 0 || e.stage === 2) && isAttributesFile(path)) indexAttributes.set(parentOf(path), e.oid);
      const slash = path.lastIndexOf('/');
      if (slash < 0) continue;
      // Sorted entries mostly share the previous entry's folder; only a new folder needs its ancestors added.
      if (path.length > lastDir.length && path.charCodeAt(lastDir.length) === 47 && slash === lastDir.length && path.startsWith(lastDir)) continue;
      lastDir = path.slice(0, slash);
      for (let d = lastDir; d && !trackedDirs.has(d); d = d.slice(0, Math.max(0, d.lastIndexOf('/')))) trackedDirs.add(d);
    }
    const conflicts = new Map<string, ConflictCode>();
    for (const [p, mask] of stagesOf) conflicts.set(p, CONFLICT_CODES[mask]);
    let headTree: string | null = null;
    if (head.oid) {
      const c = this.store.read(head.oid);
      if (c.type !== 'commit') throw new Error(`HEAD points at ${head.oid}, which is a ${c.type}, not a commit; the repository is corrupt. Repair it with git.`);
      headTree = parseCommit(c.data).tree;
    }
    // The TREE extension is only trustworthy when the index holds no unmerged entries.
    const cacheTree = conflicts.size === 0 && index ? index.cacheTree : new Map<string, string>();
    const staged = compareIndexToTree(entries, headTree, this.store, cacheTree);
    // Conflicted paths are reported as conflicts, not as deletions against HEAD.
    for (const p of conflicts.keys()) staged.delete(p);
    // An intent-to-add entry (`git add -N`) is not staged: git shows it as " A" (added in the work tree only).
    for (const e of entries) if (e.intentToAdd) staged.delete(e.path);
    // Remembered hashes hold content converted under the attributes of their time: new ones from the index void them.
    if (this.state && !sameEntries(this.state.indexAttributes, indexAttributes)) this.hashes.clear();
    this.state = { sig, head, index, entries, tracked, trackedDirs, conflicts, staged, indexAttributes, verdicts: new Uint8Array(entries.length), positions: null, children: null, absPaths: null };
    return this.state;
  }

  /** lstat of every entry in `todo`, packed; shares the work with the stat workers on big scans. */
  private async statEntries(state: IndexState, todo: readonly number[]): Promise<Float64Array> {
    const rows = new Float64Array(todo.length * STAT_FIELDS);
    // Built once per index: a full re-check then makes no path strings (fewer allocations, less GC).
    const abs = (state.absPaths ??= state.entries.map((e) => `${this.layout.dir}/${e.path}`));
    const workers = todo.length >= this.parallelFrom && this.pool ? this.pool.available : 0;
    const share = workers > 0 ? Math.floor(todo.length / (workers + 1)) : 0;
    const mine = todo.length - share * workers;
    const jobs: Promise<void>[] = [];
    for (let k = 0; k < workers; k++) {
      const from = mine + k * share;
      const paths = todo.slice(from, from + share).map((i) => abs[i]);
      jobs.push(this.pool!.statMany(k, paths).then((arr) => rows.set(arr, from * STAT_FIELDS)));
    }
    const statHere = (from: number, to: number): void => {
      for (let j = from; j < to; j++) {
        let st;
        try {
          st = lstatSync(abs[todo[j]], { throwIfNoEntry: false });
        } catch {
          st = undefined; // ENOTDIR: a parent folder became a file
        }
        fillStat(rows, j, st);
      }
    };
    statHere(0, mine);
    try {
      await Promise.all(jobs);
    } catch {
      // A worker failed: do its share here.
      statHere(mine, todo.length);
    }
    return rows;
  }

  private async trackedEntries(state: IndexState, config: GitConfig): Promise<StatusEntry[]> {
    const out: StatusEntry[] = [];
    const indexMtime = state.index?.mtimeMs ?? 0;
    const { entries, verdicts, staged } = state;
    const todo: number[] = [];
    for (let i = 0; i < entries.length; i++) {
      if (verdicts[i] !== 0) continue;
      // skip-worktree and assume-unchanged entries are not compared with the work tree, as in git.
      if (entries[i].skipWorktree || entries[i].assumeValid) verdicts[i] = 1;
      else todo.push(i);
    }
    if (todo.length > 0) {
      const rows = await this.statEntries(state, todo);
      for (let j = 0; j < todo.length; j++) {
        const e = entries[todo[j]];
        let wt = this.worktreeVerdict(state, e, rows, j, config, indexMtime);
        if (wt === 'submodule') wt = await this.submoduleVerdict(e);
        verdicts[todo[j]] = VERDICTS.indexOf(wt) + 1;
      }
    }
    const hasStaged = staged.size > 0;
    for (let i = 0; i < entries.length; i++) {
      const code = verdicts[i];
      const e = entries[i];
      const x = hasStaged ? (staged.get(e.path) ?? ' ') : ' ';
      if (e.intentToAdd) {
        out.push({ kind: 'tracked', path: e.path, index: ' ', worktree: VERDICTS[code - 1] === 'D' ? 'D' : 'A' });
      } else if (code !== 1 || x !== ' ') {
        out.push({ kind: 'tracked', path: e.path, index: x, worktree: VERDICTS[code - 1], ...(modeKind(e.mode) === 'gitlink' ? { submodule: true } : {}) });
      }
    }
    // Deleted from the index but present in HEAD: only the staged map knows them.
    for (const [p, x] of staged) if (x === 'D') out.push({ kind: 'tracked', path: p, index: x, worktree: ' ' });
    for (const [p, code] of state.conflicts) out.push({ kind: 'tracked', path: p, index: 'U', worktree: 'U', conflict: code });
    out.sort((a, b) => comparePaths(a.path, b.path));
    return out;
  }

  /** The Y of one entry from its packed lstat row; 'submodule' when the submodule itself must be asked. */
  private worktreeVerdict(state: IndexState, e: IndexEntry, rows: Float64Array, j: number, config: GitConfig, indexMtime: number): WtVerdict | 'submodule' {
    const o = j * STAT_FIELDS;
    const stKind = rows[o];
    if (stKind === KIND_MISSING) return 'D';
    const mode = e.mode;
    const kind = modeKind(mode);
    if (kind === 'gitlink') return stKind === KIND_DIR ? 'submodule' : stKind === KIND_FILE || stKind === KIND_LINK ? 'T' : 'D';
    if (stKind === KIND_DIR) return 'D';
    const isLink = stKind === KIND_LINK;
    if (kind === 'link' ? !isLink && config.symlinks : isLink) return 'T';
    if (!isLink && stKind !== KIND_FILE) return 'D';
    const stMode = rows[o + 1];
    const stSize = rows[o + 2];
    const mtimeMs = rows[o + 3];
    const ctimeMs = rows[o + 4];
    const ino = rows[o + 5];
    if (kind === 'file' && config.fileMode && ((mode & 0o100) !== 0) !== ((stMode & 0o100) !== 0)) return 'M';
    // The index keeps sizes (and inode numbers) modulo 2^32; size 0 is also a racily clean entry git smudged.
    // A size change is a change even where line endings convert: the index records the work tree's size, and
    // git (ie_modified) does not look at the content then either.
    const size = e.size;
    if (size !== 0 && stSize % 4294967296 !== size) return 'M';
    const mtimeS = Math.floor(mtimeMs / 1000);
    const ctimeS = Math.floor(ctimeMs / 1000);
    const statSame =
      stSize % 4294967296 === size &&
      mtimeS === e.mtimeS &&
      Math.abs(Math.round((mtimeMs - mtimeS * 1000) * 1e6) - e.mtimeNs) < 2000 &&
      (!config.trustCtime || (ctimeS === e.ctimeS && Math.abs(Math.round((ctimeMs - ctimeS * 1000) * 1e6) - e.ctimeNs) < 2000)) &&
      ino % 4294967296 === e.ino &&
      rows[o + 6] === e.uid &&
      rows[o + 7] === e.gid;
    // Racy git: a file written in the same instant as the index may have changed without a stat change.
    if (statSame && mtimeMs < indexMtime) return ' ';
    const memo = { size: stSize, mtimeMs, ctimeMs, ino };
    const filtered = kind === 'file' && (config.autocrlf !== 'false' || this.attributesApply(state, e.path));
    return this.contentOid(e.path, `${this.layout.dir}/${e.path}`, memo, isLink, filtered, e.oid) === e.oid ? ' ' : 'M';
  }

  private contentOid(rel: string, abs: string, st: Omit<HashMemo, 'oid'>, isLink: boolean, filtered: boolean, expected?: string): string {
    const memo = this.hashes.get(rel);
    if (memo && memo.size === st.size && memo.mtimeMs === st.mtimeMs && memo.ctimeMs === st.ctimeMs && memo.ino === st.ino) return memo.oid;
    let oid: string;
    if (isLink) oid = hashObject('blob', readlinkSync(abs, { encoding: 'buffer' }));
    else {
      const data = readFileSync(abs);
      oid = hashObject('blob', data);
      // Line endings as `git add` would store them (eol.ts); a file git stores as it is hashes the same raw.
      if (filtered && (expected === undefined || oid !== expected)) {
        // Each .gitattributes read once per scan, and only where a listing shows one.
        this.eol ??= EolRules.load(
          this.layout.dir,
          this.layout,
          (folder) => (this.dirs.has(folder) ? this.attrDirs.has(folder) : undefined),
          (file) => this.indexBlob(this.state?.indexAttributes.get(parentOf(file))),
        );
        const cleaned = this.eol.clean(rel, data, () => null);
        if (cleaned !== data) oid = hashObject('blob', Buffer.from(cleaned));
      }
    }
    this.hashes.set(rel, { ...st, oid });
    return oid;
  }

  /** A blob of the repository by id (an attributes file the index holds), or null. */
  private indexBlob(oid: string | undefined): Uint8Array | null {
    if (!oid) return null;
    const object = this.store.tryRead(oid);
    return object?.type === 'blob' ? object.data : null;
  }

  private async submoduleVerdict(e: IndexEntry): Promise<WtVerdict> {
    const dir = `${this.layout.dir}/${e.path}`;
    let engine = this.submodules.get(e.path);
    if (!engine) {
      try {
        engine = new StatusEngine({ dir, statWorkers: 0 });
      } catch {
        // Not checked out (an empty folder): git treats it as unchanged.
        return ' ';
      }
      this.submodules.set(e.path, engine);
    }
    const head = readHead(resolveLayout(dir));
    if (head.oid !== e.oid) return 'M';
    // Modified or untracked content inside the submodule also marks it modified in porcelain v1.
    const sub = await engine.status();
    return sub.entries.some((x) => x.kind !== 'ignored') ? 'M' : ' ';
  }

  /** Lists a folder (cached): its names, NOT_A_DIR when the path is no longer a folder, null when unreadable. */
  private list(dirRel: string): Listing {
    const hit = this.dirs.get(dirRel);
    if (hit !== undefined) return hit;
    let items: Listing;
    try {
      items = readdirSync(dirRel ? `${this.layout.dir}/${dirRel}` : this.layout.dir);
    } catch (error) {
      items = (error as NodeJS.ErrnoException).code === 'ENOTDIR' ? NOT_A_DIR : null;
    }
    this.dirs.set(dirRel, items);
    if (items !== null && items !== NOT_A_DIR && items.includes('.gitattributes')) this.attrDirs.add(dirRel);
    else this.attrDirs.delete(dirRel);
    return items;
  }

  /**
   * Whether a listed name is a real folder (a symlink to one is a file to git). Remembered with its folder's
   * listing, so a scan that trusts the listing does not lstat the folder's subfolders again either.
   */
  private isRealDir(rel: string): boolean {
    const parent = parentOf(rel);
    let known = this.kinds.get(parent);
    const name = parent ? rel.slice(parent.length + 1) : rel;
    const hit = known?.get(name);
    if (hit !== undefined) return hit;
    let dir: boolean;
    try {
      dir = lstatSync(`${this.layout.dir}/${rel}`, { throwIfNoEntry: false })?.isDirectory() === true;
    } catch {
      dir = false;
    }
    // Asked only about names of a listing just made or still cached; forgetting the listing forgets these.
    if (!known) this.kinds.set(parent, (known = new Map()));
    known.set(name, dir);
    return dir;
  }

  private walkUntracked(state: IndexState, includeIgnored: boolean): { untracked: string[]; ignored: string[] } {
    const rules = this.rules!;
    const untracked: string[] = [];
    const ignored: string[] = [];

    // Classifies an untracked folder's content: does it hold any untracked (non-ignored) file?
    // `ignoredInside` collects ignored items for --ignored output when the folder is shown as untracked.
    const probe = (dirRel: string, ignoredInside: string[] | null): { anyUntracked: boolean; anyIgnored: boolean } => {
      const items = this.list(dirRel);
      let anyUntracked = false;
      let anyIgnored = false;
      if (!items || items === NOT_A_DIR) return { anyUntracked, anyIgnored };
      for (const name of items) {
        if (name === '.git') continue;
        const rel = `${dirRel}/${name}`;
        const isDir = this.isRealDir(rel);
        if (rules.isIgnored(rel, isDir)) {
          if (!isDir || this.hasFiles(rel)) {
            anyIgnored = true;
            ignoredInside?.push(isDir ? `${rel}/` : rel);
          }
          continue;
        }
        if (isDir) {
          if (this.isNestedRepo(rel)) {
            anyUntracked = true;
            continue;
          }
          const subInside: string[] | null = ignoredInside ? [] : null;
          const sub = probe(rel, subInside);
          if (sub.anyUntracked) {
            anyUntracked = true;
            if (subInside) ignoredInside?.push(...subInside);
          } else if (sub.anyIgnored) {
            // A folder holding only ignored content is named once, as git does.
            anyIgnored = true;
            ignoredInside?.push(`${rel}/`);
          }
        } else anyUntracked = true;
        if (anyUntracked && !ignoredInside) break;
      }
      return { anyUntracked, anyIgnored };
    };

    const untrackedFile = (rel: string, parentIgnored: boolean): void => {
      if (parentIgnored || rules.isIgnored(rel, false)) {
        if (includeIgnored) ignored.push(rel);
      } else untracked.push(rel);
    };

    const children = childrenOf(state);
    const walk = (dirRel: string, parentIgnored: boolean): void => {
      const items = this.list(dirRel);
      if (!items || items === NOT_A_DIR) return;
      const known = children.get(dirRel);
      for (const name of items) {
        if (name === '.git') continue;
        const tracked = known?.get(name);
        // Tracked or conflicted; git lists neither a submodule nor a tracked file replaced by a folder as untracked.
        if (tracked === TRACKED_PATH) continue;
        const rel = dirRel ? `${dirRel}/${name}` : name;
        if (tracked === TRACKED_DIR) {
          // A tracked folder: only a listing tells whether it is still one (or became a file or a link).
          if (this.isRealDir(rel) === false) {
            untrackedFile(rel, parentIgnored);
            continue;
          }
          walk(rel, parentIgnored || rules.isIgnored(rel, true));
          continue;
        }
        if (!this.isRealDir(rel)) {
          untrackedFile(rel, parentIgnored);
          continue;
        }
        if (parentIgnored || rules.isIgnored(rel, true)) {
          if (includeIgnored && this.hasFiles(rel)) ignored.push(`${rel}/`);
          continue;
        }
        if (this.isNestedRepo(rel)) {
          untracked.push(`${rel}/`);
          continue;
        }
        const inside: string[] | null = includeIgnored ? [] : null;
        const r = probe(rel, inside);
        if (r.anyUntracked) {
          untracked.push(`${rel}/`);
          if (inside) ignored.push(...inside);
        } else if (r.anyIgnored && includeIgnored) {
          // Nothing but ignored content: git names the whole folder once.
          ignored.push(`${rel}/`);
        }
      }
    };
    walk('', false);
    untracked.sort(comparePaths);
    ignored.sort(comparePaths);
    return { untracked, ignored };
  }

  private isNestedRepo(rel: string): boolean {
    const items = this.list(rel);
    return items !== null && items !== NOT_A_DIR && items.includes('.git');
  }

  /** True when a folder holds at least one file somewhere below it (git hides empty folders). */
  private hasFiles(rel: string): boolean {
    const items = this.list(rel);
    if (!items || items === NOT_A_DIR) return false;
    for (const name of items) {
      if (name === '.git') return true;
      const sub = `${rel}/${name}`;
      if (!this.isRealDir(sub) || this.hasFiles(sub)) return true;
    }
    return false;
  }
}
