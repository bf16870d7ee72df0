import * as fs from 'node:fs';
import { join } from 'node:path';
import git from 'isomorphic-git';
import { RpcError } from '../../../shared/rpc';

/** One file of a run's change set, as the review diff shows it. */
export interface RunChange {
  readonly path: string;
  readonly status: 'added' | 'modified' | 'deleted';
}

/** The new state of one path in the commit: a blob with its mode, or null for a deletion. */
type PathState = { readonly oid: string; readonly mode: string } | null;

interface TreeItem {
  readonly mode: string;
  readonly path: string;
  readonly oid: string;
  readonly type: 'blob' | 'tree' | 'commit';
}

/** Reads the current HEAD commit and its tree, or nulls on an unborn branch. */
async function readHead(dir: string): Promise<{ commit: string | null; tree: string | null }> {
  let commit: string;
  try {
    commit = await git.resolveRef({ fs, dir, ref: 'HEAD' });
  } catch {
    return { commit: null, tree: null };
  }
  const { commit: c } = await git.readCommit({ fs, dir, oid: commit });
  return { commit, tree: c.tree };
}

/** The blob id of a path in a tree, or null when the tree does not hold it as a blob. */
async function blobAt(dir: string, tree: string | null, path: string): Promise<string | null> {
  if (!tree) return null;
  try {
    return (await git.readBlob({ fs, dir, oid: tree, filepath: path })).oid;
  } catch {
    return null;
  }
}

/**
 * Rewrites one tree with `changes` (paths relative to it) applied; only the folders on a changed path are
 * written again, everything else keeps its id. Returns null when the folder ends up empty (git has no empty trees).
 */
async function rewriteTree(dir: string, tree: string | null, changes: ReadonlyMap<string, PathState>): Promise<string | null> {
  const items = new Map<string, TreeItem>();
  if (tree) for (const e of (await git.readTree({ fs, dir, oid: tree })).tree) items.set(e.path, e);
  const nested = new Map<string, Map<string, PathState>>();
  for (const [path, state] of changes) {
    const slash = path.indexOf('/');
    if (slash < 0) {
      if (state) items.set(path, { mode: state.mode, path, oid: state.oid, type: 'blob' });
      else items.delete(path);
      continue;
    }
    const name = path.slice(0, slash);
    let sub = nested.get(name);
    if (!sub) nested.set(name, (sub = new Map()));
    sub.set(path.slice(slash + 1), state);
  }
  for (const [name, sub] of nested) {
    const current = items.get(name);
    const oid = await rewriteTree(dir, current?.type === 'tree' ? current.oid : null, sub);
    if (oid) items.set(name, { mode: '040000', path: name, oid, type: 'tree' });
    else if (current?.type === 'tree') items.delete(name);
  }
  if (items.size === 0) return null;
  return git.writeTree({ fs, dir, tree: [...items.values()] });
}

/**
 * Commits exactly a run's changes to the user's repository and leaves the rest of the index alone.
 *
 * The commit's tree is HEAD's tree with the run's paths replaced by their work-tree content (or removed),
 * built with explicit tree objects — never from the index, so whatever the user had staged for other
 * files stays staged and out of this commit, and unstaged work stays unstaged. Afterwards only the index
 * entries of the run's paths are updated (to the committed content, with fresh stat data).
 *
 * A path whose content at the run's checkpoint differed from HEAD (the user had uncommitted edits, staged
 * or not, or an untracked file, before the run began) is refused, naming the files: committing it would
 * carry the user's own edits into the run's commit, and splitting one file's edits between two authors
 * cannot be done reliably. The user commits such a file from Builder ▸ Changes instead.
 * `checkpointOid(path)` gives the blob of a path at the run's checkpoint (null when absent there).
 */
export async function commitRunChanges(
  dir: string,
  changes: readonly RunChange[],
  checkpointOid: (path: string) => string | null,
  opts: { readonly message: string; readonly author: { readonly name: string; readonly email: string } },
): Promise<string> {
  const head = await readHead(dir);
  const mixed: string[] = [];
  for (const c of changes) if ((await blobAt(dir, head.tree, c.path)) !== checkpointOid(c.path)) mixed.push(c.path);
  if (mixed.length) {
    const list = mixed.slice(0, 5).join(', ') + (mixed.length > 5 ? ` and ${mixed.length - 5} more` : '');
    throw new RpcError(
      'CONFLICT',
      `${list} already had uncommitted changes of yours when the run started, so accepting would commit your edits as the run's. Commit ${mixed.length === 1 ? 'this file' : 'these files'} yourself from Builder ▸ Changes (review the whole file), or reject the run.`,
    );
  }
  const states = new Map<string, PathState>();
  for (const c of changes) {
    const abs = join(dir, c.path);
    const st = await fs.promises.lstat(abs).catch(() => null);
    if (!st || c.status === 'deleted') {
      states.set(c.path, null);
      continue;
    }
    if (st.isSymbolicLink()) {
      const target = Buffer.from(await fs.promises.readlink(abs), 'utf8');
      states.set(c.path, { oid: await git.writeBlob({ fs, dir, blob: new Uint8Array(target) }), mode: '120000' });
      continue;
    }
    const bytes = new Uint8Array(await fs.promises.readFile(abs));
    states.set(c.path, { oid: await git.writeBlob({ fs, dir, blob: bytes }), mode: st.mode & 0o111 ? '100755' : '100644' });
  }
  // An empty root tree (the run deleted the last file) is still a valid commit.
  const tree = (await rewriteTree(dir, head.tree, states)) ?? (await git.writeTree({ fs, dir, tree: [] }));
  const commit = await git.commit({ fs, dir, message: opts.message, author: opts.author, committer: opts.author, tree, parent: head.commit ? [head.commit] : [] });
  for (const [path, state] of states) {
    if (!state) {
      await git.remove({ fs, dir, filepath: path });
      continue;
    }
    // Re-reading the file records its stat data, so git and the status engine see it as clean.
    const staged = await git.updateIndex({ fs, dir, filepath: path, add: true }).catch(() => null);
    // The file changed again after the commit was built: the index holds exactly what was committed
    // (zero stat data makes git re-check the content), so the newer edit shows as unstaged.
    if (staged !== state.oid) await git.updateIndex({ fs, dir, filepath: path, oid: state.oid, mode: Number.parseInt(state.mode, 8), add: true });
  }
  return commit;
}
