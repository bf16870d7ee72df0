import type { GitDiff } from '../../../shared/contract';
import { RpcError, type Handlers } from '../../../shared/rpc';
import type { CoreContext } from '../core-context';
import type { DomainModule } from '../create-core';
import { readAuthor, writeRepoAuthor } from './author-config';
import { EDITOR_SIZE_LIMIT } from '../files/file-reader';
import { readSide } from './blobs';
import { buildDiffFromSides } from './diff-view';
import { EolRules } from './eol';
import { MODE_LINK } from './object-parse';
import { commitChanges, readCommit, readLog } from './history';
import { DiscardStore } from './discard-store';
import { listBranches, toChangesView } from './operations';

type GitMethod =
  | 'git.backend'
  | 'git.status'
  | 'git.diff'
  | 'git.stage'
  | 'git.unstage'
  | 'git.stageHunk'
  | 'git.unstageHunk'
  | 'git.discard'
  | 'git.discarded'
  | 'git.restoreDiscarded'
  | 'git.author'
  | 'git.setAuthor'
  | 'git.commit'
  | 'git.branches'
  | 'git.createBranch'
  | 'git.switchBranch'
  | 'git.log'
  | 'git.commitDetails'
  | 'git.commitDiff';

/** Turns isomorphic-git's errors into messages that say what to do; RpcErrors pass through. */
async function guard<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof RpcError) throw error;
    const e = error as { code?: string; message?: string };
    if (e.code === 'NotFoundError') throw new RpcError('NOT_FOUND', `Could not ${what}: ${e.message}. The repository may have changed; refresh and try again.`);
    if (e.code === 'InvalidRefNameError') throw new RpcError('INVALID_REQUEST', `Could not ${what}: ${e.message}`);
    throw new RpcError('INTERNAL', `Could not ${what}: ${e.message ?? String(error)}`);
  }
}

/** The git workbench: Changes, diffs, staging (files and hunks), discard with bring-back, commit, branches, history. */
export function createGitModule(ctx: CoreContext): DomainModule<Pick<Handlers, GitMethod>> {
  const repos = ctx.services.repos;
  const backend = repos.backend;
  const discards = new DiscardStore(ctx.dataDir);

  const open = (root: string) => repos.get(ctx.projects.require(root));

  /** Validates every path against the project before any write. */
  const checkPaths = async (root: string, paths: readonly string[]) => {
    for (const p of paths) await ctx.projects.resolveInside(root, p);
  };

  const allPaths = async (root: string, which: 'unstaged' | 'staged') => {
    const view = toChangesView(await open(root).freshStatus());
    return which === 'staged' ? view.staged.map((c) => c.path) : [...view.unstaged.map((c) => c.path), ...view.untracked];
  };

  const emitDiscarded = async (root: string) => ctx.bus.emit('git.didDiscard', { root, entries: await discards.list(root) });

  const handlers: Pick<Handlers, GitMethod> = {
    'git.backend': async ({ root }) => {
      ctx.projects.require(root);
      return { ...backend.info };
    },

    'git.status': async ({ root }) => toChangesView(await open(root).status()),

    'git.diff': async ({ root, path, side }) => {
      const svc = open(root);
      await ctx.projects.resolveInside(root, path);
      return guard('read the diff', async (): Promise<GitDiff> => {
        const opts = { maxBytes: EDITOR_SIZE_LIMIT };
        if (side === 'staged') {
          const [before, after] = await Promise.all([readSide(svc.root, path, { kind: 'head' }, opts), readSide(svc.root, path, { kind: 'index' }, opts)]);
          return buildDiffFromSides(path, before, after);
        }
        const [before, work] = await Promise.all([readSide(svc.root, path, { kind: 'index' }, opts), readSide(svc.root, path, { kind: 'worktree' }, opts)]);
        // The work tree as git diff shows it (line endings converted as git would store them): the hunks staged are the ones shown.
        const after = work.bytes && !work.binary && work.mode !== MODE_LINK ? { ...work, bytes: EolRules.load(svc.root).clean(path, work.bytes, () => before.bytes) } : work;
        return buildDiffFromSides(path, before, after);
      });
    },

    'git.stage': async ({ root, paths, all }) => {
      const svc = open(root);
      const list = all ? await allPaths(root, 'unstaged') : paths;
      await checkPaths(root, list);
      await svc.write(list, true, () => guard('stage', () => backend.stage(svc.root, list)));
      return { ok: true };
    },

    'git.unstage': async ({ root, paths, all }) => {
      const svc = open(root);
      const list = all ? await allPaths(root, 'staged') : paths;
      await checkPaths(root, list);
      await svc.write(list, true, () => guard('unstage', () => backend.unstage(svc.root, list)));
      return { ok: true };
    },

    'git.stageHunk': async ({ root, path, index, header }) => {
      const svc = open(root);
      await checkPaths(root, [path]);
      await svc.write([path], true, () => guard('stage the hunk', () => backend.stageHunk(svc.root, path, index, header)));
      return { ok: true };
    },

    'git.unstageHunk': async ({ root, path, index, header }) => {
      const svc = open(root);
      await checkPaths(root, [path]);
      await svc.write([path], true, () => guard('unstage the hunk', () => backend.unstageHunk(svc.root, path, index, header)));
      return { ok: true };
    },

    'git.discard': async ({ root, paths }) => {
      const svc = open(root);
      await checkPaths(root, paths);
      const entry = await svc.write(paths, false, () =>
        guard('discard', async () => {
          backend.assertCanWrite(svc.root, paths);
          return discards.discard(svc.root, paths, (rewritten) => backend.refreshIndex(svc.root, rewritten));
        }),
      );
      await emitDiscarded(root);
      return entry;
    },

    'git.discarded': async ({ root }) => ({ entries: await discards.list(ctx.projects.require(root)) }),

    'git.restoreDiscarded': async ({ root, id }) => {
      const svc = open(root);
      await svc.write([], false, () => guard('bring the change back', () => discards.restore(svc.root, id)));
      await emitDiscarded(root);
      return { ok: true };
    },

    'git.author': async ({ root }) => guard('read the author', () => readAuthor(ctx.projects.require(root))),

    'git.setAuthor': async ({ root, name, email }) => {
      const svc = open(root);
      return svc.write([], true, () => guard('save the author', () => writeRepoAuthor(svc.root, name, email)));
    },

    'git.commit': async ({ root, message, amend, author }) => {
      const svc = open(root);
      const configured = await readAuthor(svc.root);
      const who = author ? { ...author, typed: true } : configured.name && configured.email ? { name: configured.name, email: configured.email, typed: false } : null;
      if (!who) throw new RpcError('INVALID_REQUEST', 'No author is set. Enter your name and email (they can be saved to this repository).');
      const oid = await svc.write([], true, async () => guard('commit', async () => backend.commit(svc.root, await svc.freshStatus(), { message, amend, author: who })));
      await svc.emitProjectInfo();
      return { oid };
    },

    'git.branches': async ({ root }) => {
      const svc = open(root);
      const status = await svc.status();
      const branches = await guard('list branches', () => listBranches(svc.root));
      const current = status.detached ? null : status.branch;
      const list = branches.map((b) => ({ name: b.name, oid: b.oid, current: b.name === current }));
      // An unborn branch has no ref file yet but is where HEAD is; list it as such.
      if (current && !list.some((b) => b.current)) list.unshift({ name: current, oid: null, current: true });
      return { current, detached: status.detached, unborn: status.unborn, headOid: status.headOid, branches: list };
    },

    'git.createBranch': async ({ root, name, checkout }) => {
      const svc = open(root);
      await svc.write([], true, () => guard('create the branch', () => backend.createBranch(svc.root, name, checkout)));
      return svc.emitProjectInfo();
    },

    'git.switchBranch': async ({ root, name }) => {
      const svc = open(root);
      await svc.write([], true, async () => guard('switch branch', async () => backend.switchBranch(svc.root, name, await svc.freshStatus())));
      return svc.emitProjectInfo();
    },

    'git.log': async ({ root, ref, skip, limit }) => {
      const svc = open(root);
      return guard('read the history', async () => {
        // One extra commit tells whether another page exists.
        const commits = await readLog(svc.root, { ref, skip, limit: limit + 1 });
        const page = commits.slice(0, limit).map((c) => ({ oid: c.oid, parents: [...c.parents], subject: c.message.split('\n')[0], author: c.author }));
        return { commits: page, hasMore: commits.length > limit };
      });
    },

    'git.commitDetails': async ({ root, oid }) => {
      const svc = open(root);
      return guard('read the commit', async () => {
        const [commit, changes] = await Promise.all([readCommit(svc.root, oid), commitChanges(svc.root, oid)]);
        const kinds = { A: 'added', M: 'modified', D: 'deleted', T: 'typechange' } as const;
        const files = changes.map((c) => ({ path: c.path, kind: kinds[c.status] }));
        return { oid, parents: [...commit.parents], message: commit.message, author: commit.author, committer: commit.committer, files };
      });
    },

    'git.commitDiff': async ({ root, oid, path }) => {
      const svc = open(root);
      await checkPaths(root, [path]);
      return guard('read the diff', async () => {
        const commit = await readCommit(svc.root, oid);
        const parent = commit.parents[0];
        const opts = { maxBytes: EDITOR_SIZE_LIMIT };
        const empty = { exists: false, bytes: null, size: 0, binary: false, tooLarge: false };
        const [before, after] = await Promise.all([
          parent ? readSide(svc.root, path, { kind: 'commit', oid: parent }, opts) : Promise.resolve(empty),
          readSide(svc.root, path, { kind: 'commit', oid }, opts),
        ]);
        return buildDiffFromSides(path, before, after);
      });
    },
  };
  return { handlers };
}
