/**
 * A small per-process cache of open repositories (layout + object store) for the stateless read
 * functions (history, blobs). Objects are immutable, so cached objects never go stale; a few
 * repositories are kept, least recently used dropped first.
 *
 *   openRepo(dir, gitdir?) → { layout, store }
 *   closeRepo(dir) — release a repository's pack files (when a project closes)
 */
import { resolve } from 'node:path';
import { ObjectStore } from './object-store';
import { type RepoLayout, resolveLayout } from './repo-layout';

/** An opened repository: where it lives and its object reader. */
export interface OpenRepo {
  readonly layout: RepoLayout;
  readonly store: ObjectStore;
}

const MAX_REPOS = 8;
const repos = new Map<string, OpenRepo>();

/** Returns the cached repository for a work tree, opening it on first use. */
export function openRepo(dir: string, gitdir?: string): OpenRepo {
  const key = `${resolve(dir)}\0${gitdir ? resolve(gitdir) : ''}`;
  let repo = repos.get(key);
  if (repo) {
    repos.delete(key);
    repos.set(key, repo);
    return repo;
  }
  const layout = resolveLayout(dir, gitdir);
  repo = { layout, store: new ObjectStore(layout) };
  repos.set(key, repo);
  while (repos.size > MAX_REPOS) {
    const [oldKey, old] = repos.entries().next().value as [string, OpenRepo];
    repos.delete(oldKey);
    old.store.dispose();
  }
  return repo;
}

/** Releases every cached handle of a work tree. */
export function closeRepo(dir: string): void {
  const prefix = `${resolve(dir)}\0`;
  for (const [key, repo] of [...repos]) {
    if (key.startsWith(prefix)) {
      repos.delete(key);
      repo.store.dispose();
    }
  }
}
