/**
 * Commit history, paged and cached.
 *
 *   readLog(dir, { ref = 'HEAD', skip = 0, limit, gitdir? }) → CommitSummary[]
 *       same commits in the same order as `git log --format=%H -n <limit> --skip <skip> <ref>`
 *       (committer-date order, ties first-come); an unborn branch gives [].
 *   commitChanges(dir, oid, { gitdir? }) → { path, status: 'A'|'M'|'D'|'T' }[]
 *       == `git diff --name-status --no-renames <oid>^ <oid>` (root commit: every file 'A'), sorted by path.
 *   readCommit(dir, oid, { gitdir? }) → CommitSummary
 *
 * A shallow clone's boundary commits (`.git/shallow`) have no parents, as git shows them.
 * A walk from a given start commit is immutable, so it is kept and extended: the next page continues
 * where the last one stopped instead of walking again.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MissingObjectError } from './object-store';
import { parseCommit, type ParsedCommit } from './object-parse';
import { openRepo, type OpenRepo } from './repo-cache';
import { resolveRef } from './repo-layout';
import { comparePaths, diffTrees, type TreeChange } from './tree-compare';

/** Who made a commit, and when (seconds since the epoch; offset in minutes, positive west of UTC). */
export interface CommitPerson {
  readonly name: string;
  readonly email: string;
  readonly timestamp: number;
  readonly timezoneOffset: number;
}

/** One commit as the history view shows it. */
export interface CommitSummary {
  readonly oid: string;
  readonly parents: readonly string[];
  readonly message: string;
  readonly author: CommitPerson;
  readonly committer: CommitPerson;
}

/** One changed path of a commit. */
export interface CommitChange {
  readonly path: string;
  readonly status: TreeChange;
}

/** The commits a shallow clone cut history at (`.git/shallow`): git shows them without parents. */
function shallowCommits(repo: OpenRepo): ReadonlySet<string> {
  try {
    return new Set(readFileSync(join(repo.layout.commondir, 'shallow'), 'utf8').split('\n').map((l) => l.trim()).filter(Boolean));
  } catch {
    return new Set();
  }
}

function withoutShallowParents(shallow: ReadonlySet<string>, oid: string, c: ParsedCommit): ParsedCommit {
  return shallow.has(oid) ? { ...c, parents: [] } : c;
}

interface QueueItem {
  readonly oid: string;
  readonly commit: ParsedCommit;
  readonly seq: number;
}

/** A date-ordered walk from one start commit, extended on demand. */
class LogWalk {
  readonly commits: CommitSummary[] = [];
  private readonly heap: QueueItem[] = [];
  private readonly seen = new Set<string>();
  private seq = 0;
  private readonly shallow: ReadonlySet<string>;

  constructor(
    private readonly repo: OpenRepo,
    start: string,
  ) {
    this.shallow = shallowCommits(repo);
    this.push(start);
  }

  private load(oid: string): ParsedCommit {
    const o = this.repo.store.read(oid);
    if (o.type !== 'commit') throw new Error(`Object ${oid} is a ${o.type}, not a commit; history cannot be read from it.`);
    return withoutShallowParents(this.shallow, oid, parseCommit(o.data));
  }

  private before(a: QueueItem, b: QueueItem): boolean {
    const da = a.commit.committer.timestamp;
    const db = b.commit.committer.timestamp;
    return da !== db ? da > db : a.seq < b.seq;
  }

  private push(oid: string): void {
    if (this.seen.has(oid)) return;
    this.seen.add(oid);
    const item = { oid, commit: this.load(oid), seq: this.seq++ };
    const h = this.heap;
    h.push(item);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.before(h[i], h[p])) break;
      [h[i], h[p]] = [h[p], h[i]];
      i = p;
    }
  }

  private pop(): QueueItem | undefined {
    const h = this.heap;
    if (h.length === 0) return undefined;
    const top = h[0];
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.before(h[l], h[m])) m = l;
        if (r < h.length && this.before(h[r], h[m])) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m], h[i]];
        i = m;
      }
    }
    return top;
  }

  /** Walks until `count` commits are known or history ends. */
  fill(count: number): void {
    while (this.commits.length < count) {
      const item = this.pop();
      if (!item) return;
      const c = item.commit;
      this.commits.push({ oid: item.oid, parents: c.parents, message: c.message, author: c.author, committer: c.committer });
      for (const p of c.parents) this.push(p);
    }
  }
}

const walks = new WeakMap<OpenRepo, Map<string, LogWalk>>();

/** Follows annotated tags to the commit they name. */
function peelToCommit(repo: OpenRepo, oid: string): string {
  for (let depth = 0; depth < 10; depth++) {
    const o = repo.store.read(oid);
    if (o.type !== 'tag') return oid;
    const m = /^object ([0-9a-f]{40})$/m.exec(o.data.toString('utf8'));
    if (!m) throw new Error(`Tag object ${oid} is corrupt (it names no object). Repair the repository with git.`);
    oid = m[1];
  }
  throw new Error(`Tag ${oid} is part of a chain of tags too long to follow.`);
}

/** A page of history from `ref` (default HEAD), in `git log` order. */
export async function readLog(dir: string, opts: { ref?: string; skip?: number; limit: number; gitdir?: string }): Promise<CommitSummary[]> {
  const repo = openRepo(dir, opts.gitdir);
  const ref = opts.ref ?? 'HEAD';
  let start = resolveRef(repo.layout, ref);
  if (start === null) {
    if (ref === 'HEAD') return [];
    throw new Error(`There is no branch, tag or commit named "${ref}".`);
  }
  start = peelToCommit(repo, start);
  let byStart = walks.get(repo);
  if (!byStart) {
    byStart = new Map();
    walks.set(repo, byStart);
  }
  let walk = byStart.get(start);
  if (!walk) {
    walk = new LogWalk(repo, start);
    // Keep a few walks per repository: each branch tip the user looks at.
    if (byStart.size >= 8) byStart.delete(byStart.keys().next().value as string);
    byStart.set(start, walk);
  }
  const skip = Math.max(0, opts.skip ?? 0);
  walk.fill(skip + Math.max(0, opts.limit));
  return walk.commits.slice(skip, skip + opts.limit);
}

/** One commit's metadata. */
export async function readCommit(dir: string, oid: string, opts: { gitdir?: string } = {}): Promise<CommitSummary> {
  const repo = openRepo(dir, opts.gitdir);
  const o = repo.store.read(oid);
  if (o.type !== 'commit') throw new Error(`Object ${oid} is a ${o.type}, not a commit.`);
  const c = withoutShallowParents(shallowCommits(repo), oid, parseCommit(o.data));
  return { oid, parents: c.parents, message: c.message, author: c.author, committer: c.committer };
}

function treeOf(repo: OpenRepo, oid: string): string {
  const o = repo.store.tryRead(oid);
  if (!o) throw new MissingObjectError(oid);
  if (o.type !== 'commit') throw new Error(`Object ${oid} is a ${o.type}, not a commit.`);
  return parseCommit(o.data).tree;
}

/** Files a commit changed against its first parent (root commit: all added), sorted by path. */
export async function commitChanges(dir: string, oid: string, opts: { gitdir?: string } = {}): Promise<CommitChange[]> {
  const repo = openRepo(dir, opts.gitdir);
  const o = repo.store.read(oid);
  if (o.type !== 'commit') throw new Error(`Object ${oid} is a ${o.type}, not a commit.`);
  const c = withoutShallowParents(shallowCommits(repo), oid, parseCommit(o.data));
  const parentTree = c.parents.length > 0 ? treeOf(repo, c.parents[0]) : null;
  const out = diffTrees(repo.store, parentTree, c.tree);
  return out.sort((a, b) => comparePaths(a.path, b.path));
}
