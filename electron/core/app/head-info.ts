import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import git from 'isomorphic-git';
import type { GitHeadInfo } from '../../../shared/contract';

/** Reads what the header shows about a folder's git state; problems are reported, never thrown. */
export async function readHeadInfo(dir: string): Promise<GitHeadInfo> {
  const none: GitHeadInfo = { isRepo: false, branch: null, detached: false, unborn: false, head: null, problem: null };
  const gitdir = join(dir, '.git');
  let stat;
  try {
    stat = await fs.stat(gitdir);
  } catch {
    return none;
  }
  if (!stat.isDirectory()) {
    // A .git file (worktree or submodule checkout) points elsewhere; follow it.
    return { ...none, isRepo: true, problem: null, ...(await readGitFileHead(dir)) };
  }
  let headText: string;
  try {
    headText = (await fs.readFile(join(gitdir, 'HEAD'), 'utf8')).trim();
  } catch {
    return { ...none, isRepo: true, problem: 'The repository has no HEAD file (.git/HEAD is missing). Repair it with git, or remove .git to start over.' };
  }
  if (headText.startsWith('ref:')) {
    const ref = headText.slice(4).trim();
    const branch = ref.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : ref;
    try {
      const oid = await git.resolveRef({ fs, dir, ref: 'HEAD' });
      return { isRepo: true, branch, detached: false, unborn: false, head: oid.slice(0, 7), problem: null };
    } catch {
      return { isRepo: true, branch, detached: false, unborn: true, head: null, problem: null };
    }
  }
  if (/^[0-9a-f]{40}$/.test(headText)) {
    return { isRepo: true, branch: null, detached: true, unborn: false, head: headText.slice(0, 7), problem: null };
  }
  return { ...none, isRepo: true, problem: `The repository's HEAD is corrupt ("${headText.slice(0, 60)}"). Repair it with git (for example \`git checkout main\`).` };
}

async function readGitFileHead(dir: string): Promise<Partial<GitHeadInfo>> {
  try {
    const branch = await git.currentBranch({ fs, dir, fullname: false });
    if (branch) return { branch };
    return { detached: true };
  } catch (error) {
    return { problem: `Could not read the repository: ${(error as Error).message}` };
  }
}
