import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { dirname, join } from 'node:path';
import git from 'isomorphic-git';
import { IgnoreStack } from '../files/ignore-stack';
import { atomicWrite } from '../util/atomic-write';
import { blobHash, looksBinary } from './text-format';

/** One file of a snapshot. */
export interface SnapshotEntry {
  readonly oid: string;
  readonly mode: '100644' | '100755';
}

/** A snapshot: path → blob. */
export type SnapshotTree = ReadonlyMap<string, SnapshotEntry>;

/** Result of a restore: what was written back and what was deleted, plus the snapshot that undoes it. */
export interface RestoreResult {
  readonly restored: readonly string[];
  readonly deleted: readonly string[];
  readonly undoRef: string;
}

/** Files skipped by policy: larger than this, or binary and larger than BINARY_LIMIT. */
export const SIZE_LIMIT = 5 * 1024 * 1024;
const BINARY_LIMIT = 1024 * 1024;

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

  /** Walks the working tree and returns path → blob, writing new blobs into the shadow repository. */
  async scan(): Promise<Map<string, SnapshotEntry>> {
    await this.init();
    const ignore = new IgnoreStack(this.root);
    const out = new Map<string, SnapshotEntry>();
    const walk = async (rel: string): Promise<void> => {
      const abs = rel ? join(this.root, rel) : this.root;
      let entries: fs.Dirent[];
      try {
        entries = await fs.promises.readdir(abs, { withFileTypes: true });
      } catch {
        return;
      }
      const files: string[] = [];
      for (const e of entries) {
        if (e.name === '.git') continue;
        const path = rel ? `${rel}/${e.name}` : e.name;
        if (e.isDirectory()) {
          if (await ignore.isIgnored(path, true)) continue;
          await walk(path);
        } else if (e.isFile()) {
          if (!(await ignore.isIgnored(path, false))) files.push(path);
        }
        // Symlinks and special files are not snapshotted: restoring them could point outside the project.
      }
      // A few files at a time: the disk works while hashing, without opening thousands of handles.
      for (let i = 0; i < files.length; i += 16) {
        const batch = files.slice(i, i + 16);
        const blobs = await Promise.all(batch.map((p) => this.blobFor(p)));
        batch.forEach((p, j) => {
          const entry = blobs[j];
          if (entry) out.set(p, entry);
        });
      }
    };
    await walk('');
    return out;
  }

  private async blobFor(path: string): Promise<SnapshotEntry | null> {
    const abs = join(this.root, path);
    let st: fs.Stats;
    try {
      st = await fs.promises.stat(abs);
    } catch {
      return null;
    }
    if (st.size > SIZE_LIMIT) return null;
    const mode = st.mode & 0o111 ? '100755' : '100644';
    const cached = this.statCache.get(path);
    // A file modified in the last two seconds is re-read even when its stat matches (same-tick edits).
    const settled = Date.now() - st.mtimeMs > 2000;
    if (settled && cached && cached.size === st.size && cached.mtimeMs === st.mtimeMs && cached.ino === st.ino) return { oid: cached.oid, mode };
    const bytes = new Uint8Array(await fs.promises.readFile(abs));
    if (bytes.byteLength > BINARY_LIMIT && looksBinary(bytes)) return null;
    // Hash first: an object the shadow repository already holds is not compressed and written again.
    let oid = blobHash(bytes);
    if (!fs.existsSync(join(this.gitdir, 'objects', oid.slice(0, 2), oid.slice(2)))) oid = await git.writeBlob({ fs, gitdir: this.gitdir, blob: bytes });
    this.statCache.set(path, { size: st.size, mtimeMs: st.mtimeMs, ino: st.ino, oid });
    return { oid, mode };
  }

  /** Takes a checkpoint: a commit of the current working tree; returns its id. */
  async snapshot(reason: string): Promise<string> {
    const files = await this.scan();
    const tree = await this.writeTree(files);
    const now = Math.floor(Date.now() / 1000);
    const who = { name: 'Plumbline checkpoint', email: 'checkpoint@plumbline.invalid', timestamp: now, timezoneOffset: 0 };
    let parent: string[];
    try {
      parent = [await git.resolveRef({ fs, gitdir: this.gitdir, ref: 'refs/heads/checkpoints' })];
    } catch {
      parent = [];
    }
    const commit = await git.writeCommit({ fs, gitdir: this.gitdir, commit: { message: `${reason}\n`, tree, parent, author: who, committer: who } });
    await git.writeRef({ fs, gitdir: this.gitdir, ref: 'refs/heads/checkpoints', value: commit, force: true });
    await atomicWrite(this.cacheFile, JSON.stringify(Object.fromEntries(this.statCache))).catch(() => {});
    return commit;
  }

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
    const write = async (d: Dir): Promise<string> => {
      const tree: Array<{ mode: string; path: string; oid: string; type: 'blob' | 'tree' }> = [];
      for (const [name, e] of d.files) tree.push({ mode: e.mode, path: name, oid: e.oid, type: 'blob' });
      for (const [name, sub] of d.dirs) tree.push({ mode: '040000', path: name, oid: await write(sub), type: 'tree' });
      return git.writeTree({ fs, gitdir: this.gitdir, tree });
    };
    return write(top);
  }

  /** The files of a checkpoint. */
  async readSnapshot(commit: string): Promise<Map<string, SnapshotEntry>> {
    await this.init();
    const out = new Map<string, SnapshotEntry>();
    const { commit: c } = await git.readCommit({ fs, gitdir: this.gitdir, oid: commit });
    const walk = async (oid: string, prefix: string): Promise<void> => {
      const { tree } = await git.readTree({ fs, gitdir: this.gitdir, oid });
      for (const e of tree) {
        const path = prefix ? `${prefix}/${e.path}` : e.path;
        if (e.type === 'tree') await walk(e.oid, path);
        else if (e.type === 'blob') out.set(path, { oid: e.oid, mode: e.mode === '100755' ? '100755' : '100644' });
      }
    };
    await walk(c.tree, '');
    return out;
  }

  /** Bytes of a blob. */
  async readBlob(oid: string): Promise<Uint8Array> {
    const { blob } = await git.readBlob({ fs, gitdir: this.gitdir, oid });
    return blob;
  }

  /**
   * Restores a checkpoint as a transaction: snapshot first (the undo point), write back files
   * that differ, delete only files in `createdByRun`, never touch anything else (untracked user
   * files made since, ignored files). Returns what changed and the undo snapshot.
   */
  async restore(checkpoint: string, createdByRun: ReadonlySet<string>): Promise<RestoreResult> {
    const undoRef = await this.snapshot(`before restoring ${checkpoint.slice(0, 10)}`);
    const target = await this.readSnapshot(checkpoint);
    const current = await this.readSnapshot(undoRef);
    const restored: string[] = [];
    const deleted: string[] = [];
    for (const [path, entry] of target) {
      const now = current.get(path);
      if (now && now.oid === entry.oid && now.mode === entry.mode) continue;
      const abs = join(this.root, path);
      await fs.promises.mkdir(dirname(abs), { recursive: true });
      await atomicWrite(abs, await this.readBlob(entry.oid), { mode: entry.mode === '100755' ? 0o755 : 0o644 });
      this.statCache.delete(path);
      restored.push(path);
    }
    for (const path of current.keys()) {
      if (target.has(path) || !createdByRun.has(path)) continue;
      await fs.promises.rm(join(this.root, path), { force: true });
      this.statCache.delete(path);
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
