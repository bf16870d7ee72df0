import * as fs from 'node:fs';
import git, { TREE, type WalkerEntry } from 'isomorphic-git';
import { join } from 'node:path';
import type { ChangeKind } from '../../../shared/contract';
import { readSide, type SideContent } from './blobs';
import { EolRules } from './eol';
import { readIndex } from './index-reader';
import { resolveLayout } from './repo-layout';

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

/** Reads the index entry of one path (merge stage 0), with the built-in index reader (versions 2–4). */
export async function readIndexEntry(dir: string, path: string): Promise<IndexEntry | null> {
  const e = readIndex(resolveLayout(dir).gitdir)?.entries.find((x) => x.path === path && x.stage === 0);
  return e ? { oid: e.oid, mode: e.mode } : null;
}

function toSide(side: SideContent): Side {
  return side.exists ? { bytes: side.bytes, mode: side.mode ?? null } : EMPTY_SIDE;
}

/** The bytes of a path as staged in the index (a submodule's are "Subproject commit <oid>\n"). */
export async function readIndexSide(dir: string, path: string): Promise<Side> {
  return toSide(await readSide(dir, path, { kind: 'index' }, { maxBytes: Infinity }));
}

/** The bytes of a path in a commit (HEAD when `oid` is null and HEAD exists). */
export async function readCommitSide(dir: string, oid: string | null, path: string): Promise<Side> {
  return toSide(await readSide(dir, path, oid ? { kind: 'commit', oid } : { kind: 'head' }, { maxBytes: Infinity }));
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

/**
 * The work-tree side of a path as `git diff` compares it with the index: line endings converted as `git add`
 * would store them (core.autocrlf, .gitattributes). Hunks computed on it are the hunks git stages.
 * `indexBytes`: the path's blob in the index (an auto-converted file whose index version holds a CR is
 * compared as it is, as git does).
 */
export async function readWorktreeForDiff(dir: string, path: string, indexBytes: Uint8Array | null): Promise<Side> {
  const side = await readWorktreeSide(join(dir, path));
  if (!side.bytes || side.mode === 0o120000) return side;
  return { bytes: EolRules.load(dir).clean(path, side.bytes, () => indexBytes), mode: side.mode };
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
