import { join, relative, sep } from 'node:path';
import { RpcError } from '../../../shared/rpc';
import { resolveLayout } from '../git/repo-layout';
import { realPathLenient, within } from '../util/real-path';

/** A path segment that names a git dir on any file system (case-insensitive ones, and Windows' trailing dots and spaces). */
function isGitSegment(segment: string): boolean {
  return segment.replace(/[. ]+$/, '').toLowerCase() === '.git' || segment.toLowerCase() === 'git~1';
}

/** The real paths of the repository's git data: `.git` itself, the git dir it names and the common dir. */
async function gitDirs(root: string): Promise<string[]> {
  const dirs = [join(root, '.git')];
  try {
    const layout = resolveLayout(root);
    dirs.push(layout.gitdir, layout.commondir);
  } catch {
    // Not a repository (or a broken .git file): `.git` alone is guarded.
  }
  return Promise.all(dirs.map((d) => realPathLenient(d)));
}

/**
 * Refuses a write to a path that is, or resolves into, the repository's git data. Only the git
 * backend writes there: a hook or a `core.fsmonitor` line written by anything else runs code the
 * next time anyone uses git. Checked on the path as given and on its real path (symlinks resolved,
 * `.git` files pointing at a worktree's git dir followed); any `.git` segment (nested repositories,
 * case variants) is refused too.
 */
export async function refuseGitDirWrite(root: string, abs: string, shown: string): Promise<void> {
  const refuse = (): never => {
    throw new RpcError('FORBIDDEN', `${shown} is inside the repository's .git folder; only Plumbline's git operations write there. Choose a path outside .git.`);
  };
  if (relative(root, abs).split(sep).some(isGitSegment)) refuse();
  const [real, realRoot, dirs] = await Promise.all([realPathLenient(abs), realPathLenient(root), gitDirs(root)]);
  if (dirs.some((d) => within(d, real))) refuse();
  if (within(realRoot, real) && relative(realRoot, real).split(sep).some(isGitSegment)) refuse();
}
