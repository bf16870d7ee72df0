/**
 * Git writes through the user's own git: hooks run, signing and every config setting are honoured, and
 * git's own rules decide what a switch carries over or refuses. Errors come back typed (git-errors.ts).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { RpcError } from '../../../../shared/rpc';
import type { BackendInfo, CommitOptions, GitBackend } from '../backend';
import { computeHunks, splitLines } from '../hunks';
import { looksBinary } from '../../files/file-reader';
import { readCommitSide, readIndexSide, readWorktreeForDiff } from '../object-reads';
import { checkBranchName, checkCommittable, checkPathNames, type LocalStatus } from '../operations';
import type { StatusSource } from '../repo-services';
import { filesInOutput } from './git-errors';
import { GitCommandError, type NativeGit, runGit } from './git-runner';
import { hunkPatch } from './hunk-patch';
import { NativeStatusSource } from './native-status';

const nul = (paths: readonly string[]) => Buffer.from(paths.map((p) => `${p}\0`).join(''), 'utf8');

export class NativeGitBackend implements GitBackend {
  readonly info: BackendInfo;

  constructor(private readonly git: NativeGit) {
    this.info = { kind: 'native', version: git.version, path: git.path, reason: null };
  }

  statusSource(dir: string): StatusSource {
    return new NativeStatusSource(this.git, dir);
  }

  assertCanWrite(dir: string, paths: readonly string[] = []): void {
    checkPathNames(dir, paths);
  }

  private run(dir: string, args: readonly string[], opts: Partial<Parameters<typeof runGit>[2]> = {}) {
    return runGit(this.git, ['--literal-pathspecs', ...args], { cwd: dir, ...opts });
  }

  async stage(dir: string, paths: readonly string[]): Promise<void> {
    if (!paths.length) return;
    checkPathNames(dir, paths);
    // -A: additions, modifications and deletions of exactly these paths; ignored files inside a folder stay out.
    await this.run(dir, ['add', '-A', '--pathspec-from-file=-', '--pathspec-file-nul'], { input: nul(paths), what: 'stage' });
  }

  async unstage(dir: string, paths: readonly string[]): Promise<void> {
    if (!paths.length) return;
    checkPathNames(dir, paths);
    const head = await this.headOid(dir);
    if (head) await this.run(dir, ['reset', '-q', head, '--pathspec-from-file=-', '--pathspec-file-nul'], { input: nul(paths), what: 'unstage' });
    else await this.run(dir, ['rm', '--cached', '-r', '-q', '--ignore-unmatch', '--pathspec-from-file=-', '--pathspec-file-nul'], { input: nul(paths), what: 'unstage' });
  }

  async refreshIndex(dir: string, paths: readonly string[]): Promise<void> {
    if (!paths.length) return;
    // git writes the files as its checkout does (same bytes) and records their stat data in the index.
    await this.run(dir, ['checkout-index', '-f', '-u', '-q', '-z', '--stdin'], { input: nul(paths), what: 'refresh the index' });
  }

  private async headOid(dir: string): Promise<string | null> {
    const r = await this.run(dir, ['rev-parse', '--verify', '-q', 'HEAD^{commit}'], { read: true, successCodes: new Set([0, 1]) });
    return r.exitCode === 0 ? r.stdout.toString('utf8').trim() : null;
  }

  async stageHunk(dir: string, path: string, index: number, header: string): Promise<void> {
    checkPathNames(dir, [path]);
    const staged = await readIndexSide(dir, path);
    // The hunk is cut from the diff as git shows it: the work tree with line endings converted as git stores them.
    const work = await readWorktreeForDiff(dir, path, staged.bytes);
    await this.applyHunk(dir, path, index, header, staged, work, false);
  }

  async unstageHunk(dir: string, path: string, index: number, header: string): Promise<void> {
    const [head, staged] = await Promise.all([readCommitSide(dir, null, path), readIndexSide(dir, path)]);
    await this.applyHunk(dir, path, index, header, head, staged, true);
  }

  /** Applies the hunk the user saw (old → new) to the index with `git apply --cached` (reversed to unstage). */
  private async applyHunk(
    dir: string,
    path: string,
    index: number,
    header: string,
    before: { bytes: Uint8Array | null; mode: number | null },
    after: { bytes: Uint8Array | null; mode: number | null },
    reverse: boolean,
  ): Promise<void> {
    if (before.mode === 0o120000 || after.mode === 0o120000) throw new RpcError('CONFLICT', `${path} is a symbolic link; ${reverse ? 'unstage' : 'stage'} the whole file.`);
    if ([before.bytes, after.bytes].some((b) => b && looksBinary(b))) throw new RpcError('CONFLICT', `${path} is binary; stage or unstage the whole file instead of a hunk.`);
    const oldLines = splitLines(before.bytes ?? new Uint8Array());
    const newLines = splitLines(after.bytes ?? new Uint8Array());
    const hunk = computeHunks(oldLines, newLines)[index];
    if (!hunk || hunk.header !== header) throw new RpcError('CONFLICT', `The diff of ${path} changed since it was shown; look at the refreshed diff and try again.`);
    const mode = (reverse ? after.mode : before.mode) ?? (after.mode === 0o100755 ? 0o100755 : 0o100644);
    // A new file's first hunk adds it; a hunk can delete a file only when it takes all of it (then the whole file was shown).
    const patch = hunkPatch(path, oldLines, newLines, hunk, { oldExists: before.bytes !== null, newExists: after.bytes !== null || !reverse, mode });
    const args = ['apply', '--cached', '--whitespace=nowarn', ...(reverse ? ['--reverse'] : []), '-'];
    await this.run(dir, args, { input: patch, what: reverse ? 'unstage the hunk' : 'stage the hunk' });
  }

  async commit(dir: string, status: LocalStatus, options: CommitOptions): Promise<string> {
    const merging = await this.gitPathExists(dir, 'MERGE_HEAD');
    if (merging && options.amend) throw new RpcError('CONFLICT', 'A merge is in progress; finish it with a new commit instead of amending.');
    const message = checkCommittable(status, options, merging);
    const args = ['commit', '-q', '--cleanup=whitespace'];
    if (options.amend) args.push('--amend');
    if (message) args.push('-F', '-');
    else args.push('--no-edit');
    // Identity: git's own resolution, unless the user typed one for this commit.
    const env = options.author.typed
      ? { GIT_AUTHOR_NAME: options.author.name, GIT_AUTHOR_EMAIL: options.author.email, GIT_COMMITTER_NAME: options.author.name, GIT_COMMITTER_EMAIL: options.author.email }
      : undefined;
    try {
      await this.run(dir, args, { input: message ? `${message}\n` : undefined, env, what: 'commit' });
    } catch (error) {
      if (error instanceof GitCommandError && error.kind === null) {
        throw new RpcError('CONFLICT', `The commit was not made. Git (or a hook of this repository) said:\n${error.output}\n\nFix what it reports, then commit again.`, { output: error.output });
      }
      throw error;
    }
    const oid = await this.headOid(dir);
    if (!oid) throw new RpcError('INTERNAL', 'Git reported a commit but HEAD does not point to one. Run `git status` in a terminal to check the repository.');
    return oid;
  }

  private async gitPathExists(dir: string, name: string): Promise<boolean> {
    const r = await this.run(dir, ['rev-parse', '--git-path', name], { read: true });
    const p = r.stdout.toString('utf8').trim();
    return existsSync(p.startsWith('/') ? p : join(dir, p));
  }

  private async branchExists(dir: string, name: string): Promise<boolean> {
    const r = await this.run(dir, ['rev-parse', '--verify', '-q', `refs/heads/${name}^{commit}`], { read: true, successCodes: new Set([0, 1]) });
    return r.exitCode === 0;
  }

  async createBranch(dir: string, name: string, checkout: boolean): Promise<void> {
    checkBranchName(name);
    if (await this.branchExists(dir, name)) throw new RpcError('CONFLICT', `A branch named ${name} already exists. Switch to it or choose another name.`);
    const head = await this.headOid(dir);
    if (!head) {
      if (!checkout) throw new RpcError('CONFLICT', 'The current branch has no commits yet, so there is nothing to branch from. Commit first.');
      await this.run(dir, ['symbolic-ref', 'HEAD', `refs/heads/${name}`], { what: 'create the branch' });
      return;
    }
    if (checkout) await this.run(dir, ['switch', '-q', '-c', name], { what: 'create the branch' });
    else await this.run(dir, ['branch', name], { what: 'create the branch' });
  }

  async switchBranch(dir: string, name: string, status: LocalStatus): Promise<void> {
    if (name.startsWith('-') || !(await this.branchExists(dir, name))) throw new RpcError('NOT_FOUND', `There is no branch named ${name}. Refresh the branch list.`);
    if (!status.detached && status.branch === name) return;
    const r = await this.run(dir, ['switch', '-q', '--no-guess', name], {
      what: 'switch branch',
      expected: new Set(['LocalChangesOverwritten', 'UntrackedFilesOverwritten'] as const),
    });
    if (r.error) {
      const files = filesInOutput(r.stderr);
      const shown = files.slice(0, 10).join(', ') + (files.length > 10 ? ` and ${files.length - 10} more` : '');
      const what = r.error === 'UntrackedFilesOverwritten' ? `untracked files ${shown} would be overwritten` : `your local changes to ${shown} would be overwritten`;
      throw new RpcError('CONFLICT', `Cannot switch to ${name}: ${what}. Commit, stash or discard them first.`, { files });
    }
  }
}
