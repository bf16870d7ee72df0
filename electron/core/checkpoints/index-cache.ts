/**
 * Parsed git index files, kept while the file is unchanged: a checkpoint's shadow index is read when the
 * run's baseline reads the checkpoint and again when the run is judged, and the user's index between two
 * judgements of the same tree. The identity of a file version is its inode, size and mtime (git replaces
 * the index by renaming a new file over it, so every rewrite changes the inode).
 *
 *   const index = readIndexCached(gitdir);              // as readIndex(gitdir), parsed once per version of the file
 *   const index = await readIndexCachedAsync(gitdir);   // the same, the file read without blocking
 */
import { statSync } from 'node:fs';
import * as fsp from 'node:fs/promises';
import { join } from 'node:path';
import { type GitIndex, parseIndex, readIndex } from '../git/index-reader';

/** Index files remembered at once (the user's and the shadow's of a project or two). */
const KEEP = 4;
const cache = new Map<string, { readonly stamp: string; readonly index: GitIndex }>();

/** Identity of a file's current version (inode, size, mtime), or 'absent'. */
export function fileStamp(file: string): string {
  try {
    const st = statSync(file);
    return `${st.ino}:${st.size}:${st.mtimeMs}`;
  } catch {
    return 'absent';
  }
}

/** The cached parse of a file version, or undefined (a hit becomes the most recently used). */
function cached(file: string, stamp: string): GitIndex | undefined {
  const hit = cache.get(file);
  if (!hit || hit.stamp !== stamp) return undefined;
  cache.delete(file);
  cache.set(file, hit);
  return hit.index;
}

function remember(file: string, stamp: string, index: GitIndex): void {
  cache.delete(file);
  cache.set(file, { stamp, index });
  while (cache.size > KEEP) cache.delete(cache.keys().next().value!);
}

/** `<gitdir>/index` parsed, from the cache while the file is the version parsed last; null when absent. */
export function readIndexCached(gitdir: string): GitIndex | null {
  const file = join(gitdir, 'index');
  // The stamp is taken before reading: a version written meanwhile is re-read on the next call.
  const stamp = fileStamp(file);
  const hit = cached(file, stamp);
  if (hit) return hit;
  cache.delete(file);
  const index = readIndex(gitdir);
  if (!index) return null;
  remember(file, stamp, index);
  return index;
}

/**
 * As readIndexCached, with the file read asynchronously (a 25,000-entry index is a few MB: the event loop
 * goes on meanwhile); only the parse is synchronous. Its stamp is returned with it.
 */
export async function readIndexCachedAsync(gitdir: string): Promise<{ readonly index: GitIndex | null; readonly stamp: string }> {
  const file = join(gitdir, 'index');
  let st: { ino: number; size: number; mtimeMs: number };
  try {
    st = await fsp.stat(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { index: null, stamp: 'absent' };
    throw error;
  }
  // As fileStamp: taken before reading, so a version written meanwhile is re-read on the next call.
  const stamp = `${st.ino}:${st.size}:${st.mtimeMs}`;
  const hit = cached(file, stamp);
  if (hit) return { index: hit, stamp };
  const index = parseIndex(await fsp.readFile(file), file, st.mtimeMs);
  remember(file, stamp, index);
  return { index, stamp };
}
