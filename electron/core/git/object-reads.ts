import * as fs from 'node:fs';
import git, { STAGE, TREE, type WalkerEntry } from 'isomorphic-git';
import type { ChangeKind } from '../../../shared/contract';

/** One entry of the index (staging area). */
export interface IndexEntry {
  readonly oid: string;
  /** Git mode as a number: 0o100644, 0o100755, 0o120000 (symlink), 0o160000 (submodule). */
  readonly mode: number;
}

/** One side of a file: its bytes, or null when it does not exist there. */
export interface Side {
  readonly bytes: Uint8Array | null;
  readonly mode: number | null;
}

const EMPTY_SIDE: Side = { bytes: null, mode: null };

/** True when `path` is `dir` or lies inside it (forward-slash paths; '.' is the root). */
function onTheWay(dir: string, path: string): boolean {
  return dir === '.' || path === dir || path.startsWith(`${dir}/`);
}

/** Reads the index entry of one path, walking only the folders on its way. */
export async function readIndexEntry(dir: string, path: string, cache: object = {}): Promise<IndexEntry | null> {
  let found: IndexEntry | null = null;
  await git.walk({
    fs,
    dir,
    cache,
    trees: [STAGE()],
    map: async (filepath: string, [entry]: Array<WalkerEntry | null>) => {
      if (!onTheWay(filepath, path)) return null;
      if (filepath === path && entry) {
        const oid = await entry.oid();
        const mode = await entry.mode();
        found = { oid, mode };
        return null;
      }
      return undefined;
    },
  });
  return found;
}

/** The bytes of a path as staged in the index. */
export async function readIndexSide(dir: string, path: string, cache: object = {}): Promise<Side> {
  const entry = await readIndexEntry(dir, path, cache);
  if (!entry) return EMPTY_SIDE;
  if (entry.mode === 0o160000) return { bytes: Buffer.from(`Subproject commit ${entry.oid}\n`), mode: entry.mode };
  const { blob } = await git.readBlob({ fs, dir, oid: entry.oid, cache });
  return { bytes: blob, mode: entry.mode };
}

/** The bytes of a path in a commit (HEAD when `oid` is null and HEAD exists). */
export async function readCommitSide(dir: string, oid: string | null, path: string, cache: object = {}): Promise<Side> {
  const commitOid = oid ?? (await resolveHead(dir));
  if (!commitOid) return EMPTY_SIDE;
  try {
    const { blob } = await git.readBlob({ fs, dir, oid: commitOid, filepath: path, cache });
    const mode = await modeInCommit(dir, commitOid, path, cache);
    return { bytes: blob, mode };
  } catch (error) {
    if ((error as { code?: string }).code === 'NotFoundError') return EMPTY_SIDE;
    throw error;
  }
}

async function modeInCommit(dir: string, commitOid: string, path: string, cache: object): Promise<number | null> {
  const slash = path.lastIndexOf('/');
  const parent = slash < 0 ? undefined : path.slice(0, slash);
  const name = path.slice(slash + 1);
  const { tree } = await git.readTree({ fs, dir, oid: commitOid, filepath: parent, cache });
  const entry = tree.find((e) => e.path === name);
  return entry ? parseInt(entry.mode, 8) : null;
}

/** The bytes of a path in the work tree (a symlink gives its target, as git stores it). */
export async function readWorktreeSide(abs: string): Promise<Side> {
  try {
    const st = await fs.promises.lstat(abs);
    if (st.isSymbolicLink()) return { bytes: Buffer.from(await fs.promises.readlink(abs)), mode: 0o120000 };
    if (!st.isFile()) return EMPTY_SIDE;
    return { bytes: await fs.promises.readFile(abs), mode: st.mode & 0o111 ? 0o100755 : 0o100644 };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return EMPTY_SIDE;
    throw error;
  }
}

/** HEAD's commit id, or null on an unborn branch. */
export async function resolveHead(dir: string): Promise<string | null> {
  try {
    return await git.resolveRef({ fs, dir, ref: 'HEAD' });
  } catch (error) {
    if ((error as { code?: string }).code === 'NotFoundError') return null;
    throw error;
  }
}

/** A path that differs between two commits. */
export interface TreeChange {
  readonly path: string;
  readonly kind: ChangeKind;
}

/**
 * The files that differ between two commits (null = the empty tree), skipping subtrees whose ids
 * are equal so the cost follows the size of the change, not of the repository.
 */
export async function diffCommits(dir: string, from: string | null, to: string | null, cache: object = {}): Promise<TreeChange[]> {
  const trees = [from ? TREE({ ref: from }) : null, to ? TREE({ ref: to }) : null].filter((t) => t !== null);
  if (trees.length === 0) return [];
  const changes: TreeChange[] = [];
  await git.walk({
    fs,
    dir,
    cache,
    trees,
    map: async (filepath: string, entries: Array<WalkerEntry | null>) => {
      const a = from ? entries[0] : null;
      const b = to ? entries[from ? 1 : 0] : null;
      if (filepath === '.') return undefined;
      const [aType, bType] = await Promise.all([a?.type(), b?.type()]);
      const [aOid, bOid] = await Promise.all([a?.oid(), b?.oid()]);
      if (aOid !== undefined && aOid === bOid) return null;
      const aFile = aType !== undefined && aType !== 'tree';
      const bFile = bType !== undefined && bType !== 'tree';
      if (aFile && bFile) {
        const [am, bm] = await Promise.all([a!.mode(), b!.mode()]);
        const typechange = (am === 0o120000) !== (bm === 0o120000) || (am === 0o160000) !== (bm === 0o160000);
        changes.push({ path: filepath, kind: typechange ? 'typechange' : 'modified' });
      } else if (aFile) {
        changes.push({ path: filepath, kind: 'deleted' });
        if (bType === 'tree') return undefined;
      } else if (bFile) {
        changes.push({ path: filepath, kind: 'added' });
      }
      return aType === 'tree' || bType === 'tree' ? undefined : null;
    },
  });
  return changes.sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0));
}
