import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { dirname, join } from 'node:path';
import git from 'isomorphic-git';
import { IgnoreRules } from '../git/ignore-rules';
import { hashObject, MODE_EXEC, MODE_FILE, MODE_TREE, parseCommit, parseTree } from '../git/object-parse';
import { ObjectStore } from '../git/object-store';
import { readConfig } from '../git/repo-layout';
import { findNativeGit } from '../git/native/find-git';
import type { NativeGit } from '../git/native/git-runner';
import { atomicWrite } from '../util/atomic-write';
import type { StatusResult } from '../git/status-engine';
import { ListedFiles, treeFromStatus, type WorkTreeFiles } from './current-files';
import { layoutOf, loadIndexSeed, seedableIndexFile } from './index-seed';
import { fileStamp, nativeSnapshot, replacedBlobs, snapshotFilesOf } from './native-snapshot';
import { blobHash, looksBinary } from '../util/text-format';
import { TimeSlicer } from './time-slicer';

/** One file of a snapshot. */
export interface SnapshotEntry {
  readonly oid: string;
  readonly mode: '100644' | '100755';
}

/** A snapshot: path → blob. */
export type SnapshotTree = ReadonlyMap<string, SnapshotEntry>;

/** The files of the work tree now, and how they were read (`why`: the reason no checkpoint was spared). */
export interface CurrentFiles {
  readonly files: Map<string, SnapshotEntry>;
  readonly via: 'status' | 'snapshot';
  readonly why: string | null;
}

/** The files of the work tree now, to look up or compare (see ShadowRepo.currentTree). */
export interface CurrentTree {
  readonly files: WorkTreeFiles;
  readonly via: 'status' | 'snapshot';
  readonly why: string | null;
}

/** Result of a restore: what was written back and what was deleted, plus the snapshot that undoes it. */
export interface RestoreResult {
  readonly restored: readonly string[];
  readonly deleted: readonly string[];
  readonly undoRef: string;
}

/** Options of a restore. */
export interface RestoreOptions {
  /**
   * Project-relative paths a restore never writes back or deletes (the evidence ledger: Reject
   * restores the run's files, never the Calibrator's records).
   */
  readonly keep?: Iterable<string>;
}

/** Files skipped by policy: larger than this, or binary and larger than BINARY_LIMIT. */
export const SIZE_LIMIT = 5 * 1024 * 1024;
const BINARY_LIMIT = 1024 * 1024;
/** The snapshot size policy. */
const LIMITS = { sizeLimit: SIZE_LIMIT, binaryLimit: BINARY_LIMIT } as const;
/** Longest stretch of synchronous work in a checkpoint before it yields to the event loop. */
const SLICE_MS = 8;

interface StatKey {
  readonly size: number;
  readonly mtimeMs: number;
  readonly ino: number;
  readonly oid: string;
}

/** Folder of the shadow repository for a project (one per project root). */
export function shadowGitdir(dataDir: string, root: string): string {
  return join(dataDir, 'checkpoints', createHash('sha256').update(root).digest('hex').slice(0, 16));
}

/**
 * Checkpoints of a project's working tree in a shadow repository in the app data folder
 * (isomorphic-git with a separate gitdir, so the user's .git is never touched). Respects
 * .gitignore; very large and large binary files are skipped by policy.
 */
export class ShadowRepo {
  readonly gitdir: string;
  private readonly statCache = new Map<string, StatKey>();
  private ready: Promise<void> | null = null;
  private store: ObjectStore | null = null;
  /**
   * The last checkpoint this instance took, to find what the next one replaces without reading it back;
   * `treeOrder`: its files are listed in the order of its trees (native git's index order), so reading the
   * checkpoint may answer with a copy of them. A native checkpoint lists no files when it is taken: they
   * are read from the shadow index on first ask, while that index (`indexStamp`) is the one the tree was
   * written from.
   */
  private last: { readonly commit: string; files: ReadonlyMap<string, SnapshotEntry> | null; readonly treeOrder: boolean; readonly indexStamp: string | null } | null = null;
  /** Whether the stat cache changed since it was saved (native checkpoints never use it). */
  private statCacheDirty = false;
  private get cacheFile(): string {
    return join(this.gitdir, 'plumbline-stat-cache.json');
  }

  constructor(
    readonly root: string,
    dataDir: string,
  ) {
    this.gitdir = shadowGitdir(dataDir, root);
  }

  private init(): Promise<void> {
    this.ready ??= (async () => {
      await fs.promises.mkdir(this.gitdir, { recursive: true });
      if (!fs.existsSync(join(this.gitdir, 'HEAD'))) await git.init({ fs, gitdir: this.gitdir, bare: true, defaultBranch: 'checkpoints' });
      await this.linkUserObjects();
      await this.matchIgnoreCase();
      // The stat cache survives restarts, so the first checkpoint after a restart hashes only changed files.
      try {
        const saved = JSON.parse(await fs.promises.readFile(this.cacheFile, 'utf8')) as Record<string, StatKey>;
        for (const [k, v] of Object.entries(saved)) this.statCache.set(k, v);
      } catch {
        // no cache yet
      }
    })();
    return this.ready;
  }

  /**
   * Points objects/info/alternates at the user's object store, so a checkpoint can name blobs the user's
   * repository already holds without copying them (native git follows it; ObjectStore here does too).
   */
  private async linkUserObjects(): Promise<void> {
    const { layout, isRepo } = layoutOf(this.root);
    if (!isRepo) return;
    const file = join(this.gitdir, 'objects', 'info', 'alternates');
    const line = `${join(layout.commondir, 'objects')}\n`;
    const current = await fs.promises.readFile(file, 'utf8').catch(() => null);
    if (current === line) return;
    await fs.promises.mkdir(dirname(file), { recursive: true });
    await atomicWrite(file, line);
    this.store?.dispose();
    this.store = null;
  }

  /**
   * Gives the shadow repository the user's core.ignorecase. isomorphic-git writes `ignorecase = true` into
   * every repository it creates, so native `git add -A` matched .gitignore patterns regardless of case on
   * a case-sensitive file system too, and left out files git shows (`Notes.LOG` under `*.log`).
   */
  private async matchIgnoreCase(): Promise<void> {
    const { layout, isRepo } = layoutOf(this.root);
    if (!isRepo) return;
    const want = readConfig(layout).ignoreCase;
    const have: unknown = await git.getConfig({ fs, gitdir: this.gitdir, path: 'core.ignorecase' }).catch(() => undefined);
    if (String(have) !== String(want)) await git.setConfig({ fs, gitdir: this.gitdir, path: 'core.ignorecase', value: want });
  }

  /**
   * The files of the work tree now, exactly as a checkpoint would record them, for a reader that only
   * compares (the Calibrator). With native git and `status` — a git status of the project started after
   * the changes to see (the live status's fresh run) — they come from the user's index and that status,
   * hashing only the files it names (current-files.ts), and no checkpoint is written. Otherwise, or when
   * that cannot be trusted to give the same answer, a checkpoint named `reason` is taken and read.
   */
  async currentFiles(status: Promise<StatusResult> | null, reason: string): Promise<CurrentFiles> {
    const { files, via, why } = await this.currentTree(status, reason);
    return { files: await files.list(), via, why };
  }

  /**
   * As currentFiles, without listing the files when they come from the index and git status: a reader looks
   * up the few it needs and compares the rest with a checkpoint in one walk (WorkTreeFiles.changesFrom).
   */
  async currentTree(status: Promise<StatusResult> | null, reason: string): Promise<CurrentTree> {
    // A status this call does not wait for must not end as an unhandled rejection.
    void status?.catch(() => undefined);
    await this.init();
    const native = findNativeGit().git;
    let why = !native ? 'no native git' : !status ? 'no live git status' : null;
    if (native && status) {
      const fast = await treeFromStatus(native, this.root, this.gitdir, status, { sizeLimit: SIZE_LIMIT, binaryLimit: BINARY_LIMIT });
      if (fast.files) return { files: fast.files, via: 'status', why: null };
      why = fast.why;
    }
    return { files: new ListedFiles(await this.readSnapshot(await this.snapshot(reason))), via: 'snapshot', why };
  }

  /**
   * Walks the working tree and returns path → blob, writing new blobs into the shadow repository.
   * Fast on big repositories: a file whose stat data matches the user's git index reuses the blob id git
   * computed (readable here through objects/info/alternates), a file seen by an earlier checkpoint with the
   * same stat data reuses that id, and only the rest is read and hashed. The walk yields to the event loop
   * every few milliseconds so that a big tree never blocks the process for long.
   */
  async scan(): Promise<Map<string, SnapshotEntry>> {
    await this.init();
    // With native git installed, git stages the work tree into the shadow's own index (see native-snapshot.ts).
    const native = findNativeGit().git;
    if (native) {
      await this.nativeSnapshot(native);
      return snapshotFilesOf(this.gitdir, this.root, LIMITS);
    }
    return this.scanBuiltIn();
  }

  /** A native checkpoint's tree: git stages the work tree into the shadow's index and writes the tree. */
  private nativeSnapshot(native: NativeGit): ReturnType<typeof nativeSnapshot> {
    return nativeSnapshot(native, this.gitdir, this.root, { userIsRepo: layoutOf(this.root).isRepo, seedIndex: seedableIndexFile(this.root), ...LIMITS });
  }

  /** The built-in scan of the work tree (no native git), see scan(). */
  private async scanBuiltIn(): Promise<Map<string, SnapshotEntry>> {
    const seed = loadIndexSeed(this.root);
    const layout = seed?.layout ?? layoutOf(this.root).layout;
    const hasGitignore = new Map<string, boolean>();
    const rules = new IgnoreRules(layout, seed?.config ?? readConfig(layout), (dir) => hasGitignore.get(dir));
    const out = new Map<string, SnapshotEntry>();
    const toHash: Array<{ readonly path: string; readonly st: fs.Stats }> = [];
    const slicer = new TimeSlicer(SLICE_MS);
    // [folder, inside an ignored folder]: in there only tracked files count, as in git.
    const stack: Array<[string, boolean]> = [['', false]];
    while (stack.length) {
      const [rel, ignoredDir] = stack.pop()!;
      let entries: fs.Dirent[];
      try {
        entries = fs.readdirSync(rel ? join(this.root, rel) : this.root, { withFileTypes: true });
      } catch {
        continue;
      }
      hasGitignore.set(rel, entries.some((e) => e.name === '.gitignore'));
      for (const e of entries) {
        if (e.name === '.git') continue;
        const path = rel ? `${rel}/${e.name}` : e.name;
        if (e.isDirectory()) {
          const ignored = ignoredDir || rules.isIgnored(path, true);
          if (!ignored || seed?.trackedDirs.has(path)) stack.push([path, ignored]);
        } else if (e.isFile()) {
          const tracked = seed?.isTracked(path) ?? false;
          if (!tracked && (ignoredDir || rules.isIgnored(path, false))) continue;
          let st: fs.Stats;
          try {
            st = fs.lstatSync(join(this.root, path));
          } catch {
            continue;
          }
          if (!st.isFile() || st.size > SIZE_LIMIT) continue;
          const mode = st.mode & 0o111 ? '100755' : '100644';
          const oid = this.cachedOid(path, st) ?? (st.size > BINARY_LIMIT ? null : (seed?.reusableOid(path, st) ?? null));
          if (oid) out.set(path, { oid, mode });
          else toHash.push({ path, st });
        }
        // Symlinks and special files are not snapshotted: restoring them could point outside the project.
        await slicer.tick();
      }
    }
    // A few files at a time: the disk works while hashing, without opening thousands of handles.
    for (let i = 0; i < toHash.length; i += 16) {
      const batch = toHash.slice(i, i + 16);
      const blobs = await Promise.all(batch.map((x) => this.blobFor(x.path, x.st)));
      batch.forEach((x, j) => {
        const entry = blobs[j];
        if (entry) out.set(x.path, entry);
      });
    }
    return out;
  }

  /** The blob id an earlier checkpoint computed for a file whose stat data has not changed since. */
  private cachedOid(path: string, st: fs.Stats): string | null {
    const cached = this.statCache.get(path);
    // A file modified in the last two seconds is re-read even when its stat matches (same-tick edits).
    const settled = Date.now() - st.mtimeMs > 2000;
    return settled && cached && cached.size === st.size && cached.mtimeMs === st.mtimeMs && cached.ino === st.ino ? cached.oid : null;
  }

  private async blobFor(path: string, st: fs.Stats): Promise<SnapshotEntry | null> {
    const abs = join(this.root, path);
    const mode = st.mode & 0o111 ? '100755' : '100644';
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await fs.promises.readFile(abs));
    } catch {
      return null;
    }
    if (bytes.byteLength > SIZE_LIMIT || (bytes.byteLength > BINARY_LIMIT && looksBinary(bytes))) return null;
    // Hash first: an object the shadow repository already holds is not compressed and written again.
    let oid = blobHash(bytes);
    if (!this.hasOwnObject(oid)) oid = await git.writeBlob({ fs, gitdir: this.gitdir, blob: bytes });
    this.statCache.set(path, { size: st.size, mtimeMs: st.mtimeMs, ino: st.ino, oid });
    this.statCacheDirty = true;
    return { oid, mode };
  }

  /** Whether the shadow repository itself (not its alternates) holds an object. */
  private hasOwnObject(oid: string): boolean {
    return fs.existsSync(join(this.gitdir, 'objects', oid.slice(0, 2), oid.slice(2)));
  }

  /** Reads objects of the shadow repository and, through its alternates, of the user's repository. */
  private objects(): ObjectStore {
    return (this.store ??= new ObjectStore({ dir: this.root, gitdir: this.gitdir, commondir: this.gitdir }));
  }

  /**
   * Takes a checkpoint: a commit of the current working tree; returns its id. With native git the tree is
   * written by git from the shadow's index, and nothing lists the checkpoint's files meanwhile.
   */
  async snapshot(reason: string): Promise<string> {
    await this.init();
    const native = findNativeGit().git;
    let files: Map<string, SnapshotEntry> | null = null;
    let tree: string | null = null;
    let indexStamp: string | null = null;
    if (native) {
      ({ tree, indexStamp } = await this.nativeSnapshot(native));
      // git could not write the index as a tree (conflicts left in it): write it from the index's files.
      if (!tree) files = snapshotFilesOf(this.gitdir, this.root, LIMITS);
    } else {
      files = await this.scanBuiltIn();
    }
    tree ??= await this.writeTree(files!);
    const now = Math.floor(Date.now() / 1000);
    const who = { name: 'Plumbline checkpoint', email: 'checkpoint@plumbline.invalid', timestamp: now, timezoneOffset: 0 };
    let parent: string[];
    try {
      parent = [await git.resolveRef({ fs, gitdir: this.gitdir, ref: 'refs/heads/checkpoints' })];
    } catch {
      parent = [];
    }
    if (parent.length) await this.pinReplaced(parent[0], tree, files, native);
    const commit = await git.writeCommit({ fs, gitdir: this.gitdir, commit: { message: `${reason}\n`, tree, parent, author: who, committer: who } });
    await git.writeRef({ fs, gitdir: this.gitdir, ref: 'refs/heads/checkpoints', value: commit, force: true });
    this.last = { commit, files, treeOrder: native !== null, indexStamp: files ? null : indexStamp };
    if (this.statCacheDirty) {
      this.statCacheDirty = false;
      await atomicWrite(this.cacheFile, JSON.stringify(Object.fromEntries(this.statCache))).catch(() => {});
    }
    return commit;
  }

  /**
   * Copies into the shadow repository the blobs of the previous checkpoint that the new one replaces or
   * drops. Unchanged files are only referenced from the user's object store; once a file changes, its old
   * content may be needed for a diff or a restore after git has let go of it (and readers that do not
   * follow alternates, such as isomorphic-git, find it). Only changed files are copied: a handful per run.
   * With native git, git lists them (the changed paths of the two trees); else the two file lists are compared.
   */
  private async pinReplaced(previous: string, tree: string, files: ReadonlyMap<string, SnapshotEntry> | null, native: NativeGit | null): Promise<void> {
    let replaced: string[] | null = null;
    if (native) replaced = await replacedBlobs(native, this.gitdir, this.root, previous, tree).catch(() => null);
    if (!replaced) {
      const before = this.last?.commit === previous && this.last.files ? this.last.files : await this.readSnapshot(previous).catch(() => null);
      const after = files ?? (await this.readTreeFiles(tree).catch(() => null));
      if (!before || !after) return;
      replaced = [];
      for (const [path, entry] of before) if (after.get(path)?.oid !== entry.oid) replaced.push(entry.oid);
    }
    for (const oid of new Set(replaced)) {
      if (this.hasOwnObject(oid)) continue;
      const obj = this.objects().tryRead(oid);
      if (obj?.type === 'blob') await git.writeBlob({ fs, gitdir: this.gitdir, blob: new Uint8Array(obj.data) });
    }
  }

  /** Writes the tree objects of a snapshot (hashed here first, so trees the shadow already holds are not rewritten). */
  private async writeTree(files: ReadonlyMap<string, SnapshotEntry>): Promise<string> {
    interface Dir {
      files: Map<string, SnapshotEntry>;
      dirs: Map<string, Dir>;
    }
    const top: Dir = { files: new Map(), dirs: new Map() };
    for (const [path, entry] of files) {
      const parts = path.split('/');
      let d = top;
      for (const part of parts.slice(0, -1)) {
        let next = d.dirs.get(part);
        if (!next) d.dirs.set(part, (next = { files: new Map(), dirs: new Map() }));
        d = next;
      }
      d.files.set(parts[parts.length - 1], entry);
    }
    const slicer = new TimeSlicer(SLICE_MS);
    const write = async (d: Dir): Promise<string> => {
      const items: Array<{ name: string; key: string; mode: string; oid: string }> = [];
      for (const [name, e] of d.files) items.push({ name, key: name, mode: e.mode, oid: e.oid });
      for (const [name, sub] of d.dirs) items.push({ name, key: `${name}/`, mode: '40000', oid: await write(sub) });
      // Git orders tree entries by name bytes, a folder's name compared as if it ended in "/".
      items.sort((a, b) => Buffer.compare(Buffer.from(a.key), Buffer.from(b.key)));
      const object = Buffer.concat(items.flatMap((i) => [Buffer.from(`${i.mode} ${i.name}\0`), Buffer.from(i.oid, 'hex')]));
      const oid = hashObject('tree', object);
      if (!this.hasOwnObject(oid)) await git.writeObject({ fs, gitdir: this.gitdir, type: 'tree', object, format: 'content' });
      await slicer.tick();
      return oid;
    };
    return write(top);
  }

  /**
   * The files of a checkpoint (read straight from the object files: a big tree takes milliseconds), in the
   * order of its trees. The walk yields to the event loop every few milliseconds.
   */
  async readSnapshot(commit: string): Promise<Map<string, SnapshotEntry>> {
    await this.init();
    // The checkpoint this instance just took (a run's, judged after the run): its files are known, or
    // listed by the shadow index it was written from while that index is unchanged.
    const last = this.last;
    if (last?.commit === commit && last.treeOrder) {
      if (!last.files && last.indexStamp && fileStamp(join(this.gitdir, 'index')) === last.indexStamp) last.files = snapshotFilesOf(this.gitdir, this.root, LIMITS);
      if (last.files) return new Map(last.files);
    }
    return this.readTreeFiles(parseCommit(this.objects().read(commit).data).tree);
  }

  /** The files of a tree, in its order; yields to the event loop every few milliseconds. */
  private async readTreeFiles(tree: string): Promise<Map<string, SnapshotEntry>> {
    const out = new Map<string, SnapshotEntry>();
    const store = this.objects();
    const slicer = new TimeSlicer(SLICE_MS);
    const walk = async (oid: string, prefix: string): Promise<void> => {
      for (const e of parseTree(store.read(oid).data)) {
        const path = prefix ? `${prefix}/${e.name}` : e.name;
        if (e.mode === MODE_TREE) await walk(e.oid, path);
        else if (e.mode === MODE_FILE || e.mode === MODE_EXEC) out.set(path, { oid: e.oid, mode: e.mode === MODE_EXEC ? '100755' : '100644' });
      }
      await slicer.tick();
    };
    await walk(tree, '');
    return out;
  }

  /** Bytes of a blob, from the shadow repository or (for files unchanged since the user's index) the user's. */
  async readBlob(oid: string): Promise<Uint8Array> {
    await this.init();
    const obj = this.objects().tryRead(oid);
    if (!obj || obj.type !== 'blob') throw new Error(`The checkpoint content ${oid.slice(0, 10)} is missing from the checkpoint store and the repository; it cannot be shown or restored.`);
    return new Uint8Array(obj.data);
  }

  /**
   * Restores a checkpoint as a transaction: snapshot first (the undo point), write back files
   * that differ, delete only files in `createdByRun`, never touch anything else (untracked user
   * files made since, ignored files, and the paths in `options.keep`). Returns what changed and the
   * undo snapshot.
   */
  async restore(checkpoint: string, createdByRun: ReadonlySet<string>, options: RestoreOptions = {}): Promise<RestoreResult> {
    const keep = new Set(options.keep ?? []);
    const undoRef = await this.snapshot(`before restoring ${checkpoint.slice(0, 10)}`);
    const target = await this.readSnapshot(checkpoint);
    const current = await this.readSnapshot(undoRef);
    const restored: string[] = [];
    const deleted: string[] = [];
    for (const [path, entry] of target) {
      if (keep.has(path)) continue;
      const now = current.get(path);
      if (now && now.oid === entry.oid && now.mode === entry.mode) continue;
      const abs = join(this.root, path);
      await fs.promises.mkdir(dirname(abs), { recursive: true });
      await atomicWrite(abs, await this.readBlob(entry.oid), { mode: entry.mode === '100755' ? 0o755 : 0o644 });
      this.statCache.delete(path);
      this.statCacheDirty = true;
      restored.push(path);
    }
    for (const path of current.keys()) {
      if (target.has(path) || !createdByRun.has(path) || keep.has(path)) continue;
      await fs.promises.rm(join(this.root, path), { force: true });
      this.statCache.delete(path);
      this.statCacheDirty = true;
      deleted.push(path);
    }
    return { restored, deleted, undoRef };
  }

  /** Paths whose content differs between two snapshots (added, modified or deleted). */
  static changed(a: SnapshotTree, b: SnapshotTree): string[] {
    const out: string[] = [];
    for (const [p, e] of b) if (a.get(p)?.oid !== e.oid) out.push(p);
    for (const p of a.keys()) if (!b.has(p)) out.push(p);
    return out.sort();
  }
}
