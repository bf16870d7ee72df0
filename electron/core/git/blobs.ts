/**
 * One file's bytes as HEAD, the index, the work tree or any commit has them — for diffs and the editor.
 *
 *   readSide(dir, 'src/a.ts', { kind: 'head' | 'index' | 'worktree' } | { kind: 'commit', oid }, { maxBytes?, gitdir? })
 *     → { exists, bytes, size, binary, tooLarge, mode? }
 *
 * `bytes` is null when the file does not exist on that side or is larger than maxBytes (default 5 MB);
 * `binary` (a NUL byte in the first 8,000 bytes, as git decides) is set even for files that are too large.
 * A symlink's bytes are its target; a submodule's are "Subproject commit <oid>\n", as git diff shows them.
 */
import { closeSync, lstatSync, openSync, readFileSync, readlinkSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { assertNever } from '../../../shared/rpc';
import { type GitIndex, readIndex } from './index-reader';
import { MODE_EXEC, MODE_FILE, MODE_LINK, parseCommit, parseTree } from './object-parse';
import { openRepo, type OpenRepo } from './repo-cache';
import { readHead } from './repo-layout';
import { modeKind } from './tree-compare';

/** Which version of a file to read. */
export type Side = { readonly kind: 'head' } | { readonly kind: 'index' } | { readonly kind: 'worktree' } | { readonly kind: 'commit'; readonly oid: string };

/** A file's content on one side. */
export interface SideContent {
  readonly exists: boolean;
  readonly bytes: Uint8Array | null;
  readonly size: number;
  readonly binary: boolean;
  readonly tooLarge: boolean;
  readonly mode?: number;
}

/** Default size limit: larger files are reported, never loaded whole. */
export const DEFAULT_MAX_BYTES = 5 * 1024 * 1024;

const MISSING: SideContent = { exists: false, bytes: null, size: 0, binary: false, tooLarge: false };

function looksBinary(buf: Uint8Array): boolean {
  const n = Math.min(buf.length, 8000);
  for (let i = 0; i < n; i++) if (buf[i] === 0) return true;
  return false;
}

function fromBytes(data: Uint8Array, mode: number, maxBytes: number): SideContent {
  const tooLarge = data.length > maxBytes;
  return { exists: true, bytes: tooLarge ? null : data, size: data.length, binary: looksBinary(data), tooLarge, mode };
}

function findInTree(repo: OpenRepo, treeOid: string, path: string): { oid: string; mode: number } | null {
  let tree = treeOid;
  const parts = path.split('/');
  for (let i = 0; i < parts.length; i++) {
    const o = repo.store.read(tree);
    if (o.type !== 'tree') return null;
    const hit = parseTree(o.data).find((e) => e.name === parts[i]);
    if (!hit) return null;
    if (i === parts.length - 1) return { oid: hit.oid, mode: hit.mode };
    if (modeKind(hit.mode) !== 'tree') return null;
    tree = hit.oid;
  }
  return null;
}

function blobContent(repo: OpenRepo, oid: string, mode: number, maxBytes: number): SideContent {
  if (modeKind(mode) === 'gitlink') return fromBytes(Buffer.from(`Subproject commit ${oid}\n`), mode, maxBytes);
  const o = repo.store.read(oid);
  return fromBytes(o.data, mode, maxBytes);
}

function fromCommit(repo: OpenRepo, commitOid: string, path: string, maxBytes: number): SideContent {
  const c = repo.store.read(commitOid);
  if (c.type !== 'commit') throw new Error(`Object ${commitOid} is a ${c.type}, not a commit.`);
  const hit = findInTree(repo, parseCommit(c.data).tree, path);
  return hit && modeKind(hit.mode) !== 'tree' ? blobContent(repo, hit.oid, hit.mode, maxBytes) : MISSING;
}

function fromWorktree(abs: string, maxBytes: number): SideContent {
  const st = lstatSync(abs, { throwIfNoEntry: false });
  if (!st) return MISSING;
  if (st.isSymbolicLink()) return fromBytes(readlinkSync(abs, { encoding: 'buffer' }), MODE_LINK, maxBytes);
  if (!st.isFile()) return MISSING;
  const mode = st.mode & 0o100 ? MODE_EXEC : MODE_FILE;
  if (st.size <= maxBytes) return fromBytes(readFileSync(abs), mode, maxBytes);
  // Too large: read only the head to decide binary-ness.
  const fd = openSync(abs, 'r');
  try {
    const head = Buffer.alloc(8000);
    const n = readSync(fd, head, 0, head.length, 0);
    return { exists: true, bytes: null, size: st.size, binary: looksBinary(head.subarray(0, n)), tooLarge: true, mode };
  } finally {
    closeSync(fd);
  }
}

const indexCache = new WeakMap<OpenRepo, { sig: string; index: GitIndex | null }>();

/** The repository's index, re-read only when the file changed (clicking through a diff list is common). */
function cachedIndex(repo: OpenRepo): GitIndex | null {
  let sig = 'none';
  try {
    const st = statSync(join(repo.layout.gitdir, 'index'));
    sig = `${st.mtimeMs}:${st.size}:${st.ino}`;
  } catch {}
  const hit = indexCache.get(repo);
  if (hit && hit.sig === sig) return hit.index;
  const index = readIndex(repo.layout.gitdir);
  indexCache.set(repo, { sig, index });
  return index;
}

/** Reads one side of a file for a diff or the editor. `path` is relative to the work tree, '/'-separated. */
export async function readSide(dir: string, path: string, side: Side, opts: { maxBytes?: number; gitdir?: string } = {}): Promise<SideContent> {
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  const rel = path.replace(/\\/g, '/').replace(/^\/+/, '');
  if (rel === '' || rel.split('/').some((p) => p === '..' || p === '.' || p === '.git')) {
    throw new Error(`"${path}" is not a file path inside the repository.`);
  }
  const repo = openRepo(dir, opts.gitdir);
  switch (side.kind) {
    case 'worktree':
      return fromWorktree(`${repo.layout.dir}/${rel}`, maxBytes);
    case 'head': {
      const head = readHead(repo.layout);
      return head.oid ? fromCommit(repo, head.oid, rel, maxBytes) : MISSING;
    }
    case 'commit':
      return fromCommit(repo, side.oid, rel, maxBytes);
    case 'index': {
      const index = cachedIndex(repo);
      const entries = index?.entries.filter((e) => e.path === rel) ?? [];
      // An unmerged path shows "ours" (stage 2), like git's index side of a conflict.
      const e = entries.find((x) => x.stage === 0) ?? entries.find((x) => x.stage === 2);
      return e ? blobContent(repo, e.oid, e.mode, maxBytes) : MISSING;
    }
    default:
      return assertNever(side);
  }
}
