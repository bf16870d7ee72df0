/**
 * Parsed git index files, kept while the file is unchanged: a checkpoint's shadow index is read when the
 * run's baseline reads the checkpoint and again when the run is judged, and the user's index between two
 * judgements of the same tree. The identity of a file version is its inode, size and mtime (git replaces
 * the index by renaming a new file over it, so every rewrite changes the inode).
 *
 *   const index = readIndexCached(gitdir);   // as readIndex(gitdir), parsed once per version of the file
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { type GitIndex, readIndex } from '../git/index-reader';

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

/** `<gitdir>/index` parsed, from the cache while the file is the version parsed last; null when absent. */
export function readIndexCached(gitdir: string): GitIndex | null {
  const file = join(gitdir, 'index');
  // The stamp is taken before reading: a version written meanwhile is re-read on the next call.
  const stamp = fileStamp(file);
  const hit = cache.get(file);
  if (hit && hit.stamp === stamp) {
    // Most recently used last.
    cache.delete(file);
    cache.set(file, hit);
    return hit.index;
  }
  cache.delete(file);
  const index = readIndex(gitdir);
  if (!index) return null;
  cache.set(file, { stamp, index });
  while (cache.size > KEEP) cache.delete(cache.keys().next().value!);
  return index;
}
