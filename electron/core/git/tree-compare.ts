/**
 * Index ↔ HEAD comparison through tree ids: the index is folded into tree objects (hashed, never
 * written) and only subtrees whose id differs from HEAD's are read and compared entry by entry.
 *
 *   compareIndexToTree(entries, headTree, store) → Map<path, 'A' | 'M' | 'D' | 'T'>
 *   diffTrees(store, oldTree, newTree) → { path, status }[]   (commit vs parent)
 */
import { createHash } from 'node:crypto';
import type { IndexEntry } from './index-reader';
import type { ObjectStore } from './object-store';
import { MODE_EXEC, MODE_FILE, MODE_GITLINK, MODE_LINK, MODE_TREE, parseTree, type TreeEntry } from './object-parse';

/** How a path differs between two trees (or a tree and the index). */
export type TreeChange = 'A' | 'M' | 'D' | 'T';

/** A child of an index folder: a file entry, or a sub-folder as a range of the sorted entries. */
type Child =
  | { readonly name: string; readonly entry: IndexEntry }
  | { readonly name: string; readonly dir: string; readonly lo: number; readonly hi: number; readonly prefixLen: number };

/** Folds git's blob/tree/link/gitlink mode into a type so that 644↔755 is "M" and file↔link is "T". */
export function modeKind(mode: number): 'file' | 'link' | 'gitlink' | 'tree' {
  const t = mode & 0o170000;
  if (t === MODE_LINK) return 'link';
  if (t === MODE_GITLINK) return 'gitlink';
  if (t === MODE_TREE) return 'tree';
  return 'file';
}

function normaliseMode(mode: number): number {
  switch (modeKind(mode)) {
    case 'link':
      return MODE_LINK;
    case 'gitlink':
      return MODE_GITLINK;
    case 'tree':
      return MODE_TREE;
    default:
      return mode & 0o111 ? MODE_EXEC : MODE_FILE;
  }
}

/** Folds sorted stage-0 index entries into folders, hashing folders only when the cache tree lacks them. */
class IndexTrees {
  private readonly oids = new Map<string, string>();
  constructor(
    private readonly entries: readonly IndexEntry[],
    private readonly cacheTree: ReadonlyMap<string, string>,
  ) {}

  /** The direct children of the folder holding entries [lo, hi) (whose paths share `prefixLen` chars). */
  children(lo: number, hi: number, prefixLen: number): Child[] {
    const out: Child[] = [];
    const entries = this.entries;
    let i = lo;
    while (i < hi) {
      const e = entries[i];
      const slash = e.path.indexOf('/', prefixLen);
      if (slash < 0) {
        out.push({ name: e.path.slice(prefixLen), entry: e });
        i++;
        continue;
      }
      const dirPrefix = e.path.slice(0, slash + 1);
      let j = i + 1;
      while (j < hi && entries[j].path.startsWith(dirPrefix)) j++;
      out.push({ name: e.path.slice(prefixLen, slash), dir: e.path.slice(0, slash), lo: i, hi: j, prefixLen: slash + 1 });
      i = j;
    }
    return out;
  }

  /** The tree id git would write for a folder. */
  oid(dir: string, lo: number, hi: number, prefixLen: number): string {
    const known = this.cacheTree.get(dir) ?? this.oids.get(dir);
    if (known) return known;
    const kids = this.children(lo, hi, prefixLen);
    const heads: string[] = [];
    const hexes: string[] = [];
    let size = 0;
    for (const c of kids) {
      const head = 'entry' in c ? `${normaliseMode(c.entry.mode).toString(8)} ${c.name}\0` : `40000 ${c.name}\0`;
      heads.push(head);
      hexes.push('entry' in c ? c.entry.oid : this.oid(c.dir, c.lo, c.hi, c.prefixLen));
      size += Buffer.byteLength(head, 'utf8') + 20;
    }
    // One buffer per folder, not two per entry: this runs over every tracked file when the cache tree is gone.
    const body = Buffer.allocUnsafe(size);
    let o = 0;
    for (let k = 0; k < heads.length; k++) {
      o += body.write(heads[k], o, 'utf8');
      o += body.write(hexes[k], o, 'hex');
    }
    const oid = createHash('sha1').update(`tree ${size}\0`).update(body).digest('hex');
    this.oids.set(dir, oid);
    return oid;
  }
}

/** The tree id git would write for these index entries (sorted, stage 0 only). */
export function indexTreeOid(entries: readonly IndexEntry[], cacheTree: ReadonlyMap<string, string> = new Map()): string {
  return new IndexTrees(entries, cacheTree).oid('', 0, entries.length, 0);
}

function readTree(store: ObjectStore, oid: string): TreeEntry[] {
  const o = store.read(oid);
  if (o.type !== 'tree') throw new Error(`Object ${oid} should be a tree but is a ${o.type}; the repository is corrupt. Repair it with git (git fsck).`);
  return parseTree(o.data);
}

function allOfTree(store: ObjectStore, oid: string, prefix: string, status: TreeChange, out: Map<string, TreeChange>): void {
  for (const t of readTree(store, oid)) {
    if (modeKind(t.mode) === 'tree') allOfTree(store, t.oid, `${prefix}${t.name}/`, status, out);
    else out.set(prefix + t.name, status);
  }
}

function allOfRange(entries: readonly IndexEntry[], lo: number, hi: number, out: Map<string, TreeChange>): void {
  for (let i = lo; i < hi; i++) out.set(entries[i].path, 'A');
}

function compareDir(trees: IndexTrees, entries: readonly IndexEntry[], store: ObjectStore, headOid: string, dir: string, lo: number, hi: number, prefixLen: number, out: Map<string, TreeChange>): void {
  if (trees.oid(dir, lo, hi, prefixLen) === headOid) return;
  const prefix = dir ? `${dir}/` : '';
  const kids = new Map(trees.children(lo, hi, prefixLen).map((c) => [c.name, c]));
  for (const h of readTree(store, headOid)) {
    const path = prefix + h.name;
    const c = kids.get(h.name);
    kids.delete(h.name);
    const hk = modeKind(h.mode);
    if (!c) {
      if (hk === 'tree') allOfTree(store, h.oid, `${path}/`, 'D', out);
      else out.set(path, 'D');
    } else if ('dir' in c) {
      if (hk === 'tree') compareDir(trees, entries, store, h.oid, c.dir, c.lo, c.hi, c.prefixLen, out);
      else {
        out.set(path, 'D');
        allOfRange(entries, c.lo, c.hi, out);
      }
    } else if (hk === 'tree') {
      allOfTree(store, h.oid, `${path}/`, 'D', out);
      out.set(path, 'A');
    } else if (modeKind(c.entry.mode) !== hk) {
      out.set(path, 'T');
    } else if (c.entry.oid !== h.oid || normaliseMode(c.entry.mode) !== normaliseMode(h.mode)) {
      out.set(path, 'M');
    }
  }
  for (const c of kids.values()) {
    if ('dir' in c) allOfRange(entries, c.lo, c.hi, out);
    else out.set(c.entry.path, 'A');
  }
}

/**
 * Staged changes: each path whose index entry differs from HEAD's tree (null tree = unborn branch).
 * `cacheTree` (the index's TREE extension) supplies folder ids git already knows, so an unchanged
 * index costs one comparison of root ids.
 */
export function compareIndexToTree(entries: readonly IndexEntry[], headTree: string | null, store: ObjectStore, cacheTree: ReadonlyMap<string, string> = new Map()): Map<string, TreeChange> {
  const out = new Map<string, TreeChange>();
  if (headTree === null) allOfRange(entries, 0, entries.length, out);
  else compareDir(new IndexTrees(entries, cacheTree), entries, store, headTree, '', 0, entries.length, 0, out);
  return out;
}

/** Changes from one tree to another (null = empty tree), like `git diff --name-status --no-renames`. */
export function diffTrees(store: ObjectStore, oldTree: string | null, newTree: string | null, prefix = '', out: { path: string; status: TreeChange }[] = []): { path: string; status: TreeChange }[] {
  if (oldTree === newTree) return out;
  const a = oldTree ? readTree(store, oldTree) : [];
  const b = newTree ? readTree(store, newTree) : [];
  const bm = new Map(b.map((t) => [t.name, t]));
  const am = new Map(a.map((t) => [t.name, t]));
  const names = [...new Set([...a.map((t) => t.name), ...b.map((t) => t.name)])];
  const collected: { path: string; status: TreeChange }[] = [];
  for (const name of names) {
    const x = am.get(name);
    const y = bm.get(name);
    const path = prefix + name;
    const xt = x && modeKind(x.mode) === 'tree';
    const yt = y && modeKind(y.mode) === 'tree';
    if (x && y && xt && yt) {
      diffTrees(store, x.oid, y.oid, `${path}/`, collected);
      continue;
    }
    if (x && xt) diffTrees(store, x.oid, null, `${path}/`, collected);
    if (y && yt) diffTrees(store, null, y.oid, `${path}/`, collected);
    if (x && !xt && y && !yt) {
      if (modeKind(x.mode) !== modeKind(y.mode)) collected.push({ path, status: 'T' });
      else if (x.oid !== y.oid || normaliseMode(x.mode) !== normaliseMode(y.mode)) collected.push({ path, status: 'M' });
    } else {
      if (x && !xt) collected.push({ path, status: 'D' });
      if (y && !yt) collected.push({ path, status: 'A' });
    }
  }
  out.push(...collected);
  return out;
}

/** Compares two paths the way git orders them (bytewise on UTF-8). */
export function comparePaths(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
