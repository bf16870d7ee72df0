/**
 * One interface for git writes and status, two implementations chosen per project:
 *   native   — the user's git (≥ 2.30 on PATH or PLUMBLINE_GIT), as VS Code and GitHub Desktop use it;
 *   embedded — the built-in status engine + isomorphic-git, for machines without git. It refuses what it
 *              cannot write exactly as git does (embedded-guard.ts).
 */
import { RpcError } from '../../../shared/rpc';
import { activeCommitHooks, assertEmbeddedCanWrite } from './embedded-guard';
import { findNativeGit } from './native/find-git';
import { NativeGitBackend } from './native/native-backend';
import { checkPathNames, commitStaged, createBranch, refreshEntries, type LocalStatus, stageHunk, stagePaths, switchBranch, unstageHunk, unstagePaths } from './operations';
import type { StatusSource } from './repo-services';
import { StatusEngine } from './status-engine';
import { StatusWorkerClient } from './status-worker';

/** Who a commit is made by; `typed` when the user entered it for this commit (not from git config). */
export interface CommitAuthor {
  readonly name: string;
  readonly email: string;
  readonly typed: boolean;
}

export interface CommitOptions {
  readonly message: string;
  readonly amend: boolean;
  readonly author: CommitAuthor;
}

/** What the UI shows about the backend in use. */
export interface BackendInfo {
  readonly kind: 'native' | 'embedded';
  /** Native git's version. */
  readonly version: string | null;
  /** Native git's path as configured ('git' = from PATH). */
  readonly path: string | null;
  /** Why the embedded engine is used (no git found, too old, chosen). */
  readonly reason: string | null;
}

export interface GitBackend {
  readonly info: BackendInfo;
  /** The status source of one work tree (`workerPath`: run the built-in engine in a worker thread). */
  statusSource(dir: string, workerPath?: string): StatusSource;
  stage(dir: string, paths: readonly string[]): Promise<void>;
  unstage(dir: string, paths: readonly string[]): Promise<void>;
  stageHunk(dir: string, path: string, index: number, header: string): Promise<void>;
  unstageHunk(dir: string, path: string, index: number, header: string): Promise<void>;
  /** Commits what is staged; resolves with the new commit id. */
  commit(dir: string, status: LocalStatus, options: CommitOptions): Promise<string>;
  createBranch(dir: string, name: string, checkout: boolean): Promise<void>;
  switchBranch(dir: string, name: string, status: LocalStatus): Promise<void>;
  /** Takes the work tree's stat data into the index entries of `paths` whose files hold what the index does (as a checkout does). */
  refreshIndex(dir: string, paths: readonly string[]): Promise<void>;
  /** Throws (UNAVAILABLE, naming the feature) when this backend cannot change the repository at all. */
  assertCanWrite(dir: string, paths?: readonly string[]): void;
}

/** The built-in engine: status engine + isomorphic-git, refusing what it cannot write exactly. */
export class EmbeddedGitBackend implements GitBackend {
  /** Repositories whose commit hooks the user was told about (the next commit goes ahead). */
  private readonly hooksAcknowledged = new Set<string>();

  constructor(readonly info: BackendInfo) {}

  statusSource(dir: string, workerPath?: string): StatusSource {
    return workerPath ? new StatusWorkerClient({ dir, workerUrl: workerPath }) : new StatusEngine({ dir });
  }

  assertCanWrite(dir: string, paths: readonly string[] = []): void {
    checkPathNames(dir, paths);
    assertEmbeddedCanWrite(dir, paths);
  }

  async stage(dir: string, paths: readonly string[]): Promise<void> {
    this.assertCanWrite(dir, paths);
    await stagePaths(dir, paths);
  }

  async unstage(dir: string, paths: readonly string[]): Promise<void> {
    this.assertCanWrite(dir, paths);
    await unstagePaths(dir, paths);
  }

  async refreshIndex(dir: string, paths: readonly string[]): Promise<void> {
    this.assertCanWrite(dir, paths);
    await refreshEntries(dir, paths);
  }

  async stageHunk(dir: string, path: string, index: number, header: string): Promise<void> {
    this.assertCanWrite(dir, [path]);
    await stageHunk(dir, path, index, header);
  }

  async unstageHunk(dir: string, path: string, index: number, header: string): Promise<void> {
    this.assertCanWrite(dir, [path]);
    await unstageHunk(dir, path, index, header);
  }

  async commit(dir: string, status: LocalStatus, options: CommitOptions): Promise<string> {
    this.assertCanWrite(dir);
    const hooks = activeCommitHooks(dir);
    if (hooks.length && !this.hooksAcknowledged.has(dir)) {
      this.hooksAcknowledged.add(dir);
      throw new RpcError(
        'CONFLICT',
        `This repository has commit hooks (${hooks.join(', ')}) that the built-in git engine does not run. Install git 2.30 or newer so they run, or commit again to commit without them.`,
        { hooks },
      );
    }
    return commitStaged(dir, status, { message: options.message, amend: options.amend, author: options.author });
  }

  async createBranch(dir: string, name: string, checkout: boolean): Promise<void> {
    this.assertCanWrite(dir);
    await createBranch(dir, name, checkout);
  }

  async switchBranch(dir: string, name: string, status: LocalStatus): Promise<void> {
    this.assertCanWrite(dir);
    await switchBranch(dir, name, status);
  }
}

/** Which backend to use: 'auto' (native when a usable git is found), or one forced. */
export type BackendChoice = 'auto' | 'native' | 'embedded';

/** Picks the backend; `setting` is PLUMBLINE_GIT (a git path, or `embedded`). */
export function chooseBackend(choice: BackendChoice = 'auto', setting: string | undefined = process.env.PLUMBLINE_GIT): GitBackend {
  const probe = findNativeGit(choice === 'embedded' ? 'embedded' : setting);
  if (probe.git) return new NativeGitBackend(probe.git);
  if (choice === 'native') throw new Error(`Native git is not usable: ${probe.reason}`);
  return new EmbeddedGitBackend({ kind: 'embedded', version: null, path: null, reason: probe.reason });
}
