import { promises as fs, constants as fsc } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import git from 'isomorphic-git';
import type { ProjectInfo } from '../../../shared/contract';
import { PATH_TOO_LONG, RpcError, type Handlers } from '../../../shared/rpc';
import type { CoreContext } from '../core-context';
import type { DomainModule } from '../create-core';
import { readHeadInfo } from './head-info';
import { isWithin } from './project-registry';
import { copyExample } from '../spec/example';
import { RecentProjects } from './recent-projects';
import { realPathLenient } from '../util/real-path';
import { detectSandboxAsync } from '../commands/sandbox';

type AppMethod =
  | 'app.info'
  | 'recent.list'
  | 'recent.remove'
  | 'project.open'
  | 'project.close'
  | 'project.info'
  | 'project.initGit'
  | 'project.openExample'
  | 'dialog.pickFolder'
  | 'fs.browse';

/**
 * Connections that open a folder on a host's behalf before any window shows it (the web host's
 * FOLDER, the desktop app's launch folder): they keep it open only until a window opens it.
 */
export const PROVISIONAL_HOLDERS: ReadonlySet<string> = new Set(['startup', 'launch']);

/** Explains an fs error about a folder the user picked, with what to do. */
export function folderError(path: string, error: unknown): RpcError {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new RpcError('NOT_FOUND', `The folder ${path} does not exist (it may have been moved or deleted). Pick another folder.`);
  if (code === 'EACCES' || code === 'EPERM') return new RpcError('FORBIDDEN', `Plumbline may not read ${path}. Check the folder's permissions.`);
  if (code === 'ENOTDIR') return new RpcError('INVALID_REQUEST', `${path} is a file, not a folder. Pick its folder instead.`);
  if (code === 'ENAMETOOLONG') return new RpcError('INVALID_REQUEST', `${path.length > 80 ? `${path.slice(0, 80)}…` : path}: ${PATH_TOO_LONG}`);
  return new RpcError('INTERNAL', `Could not open ${path}: ${(error as Error).message}`);
}

/** The first of `<parent>/quota-service`, `quota-service-2`, … that does not exist yet. */
async function freeExampleFolder(parent: string): Promise<string> {
  for (let n = 1; ; n++) {
    const candidate = join(parent, n === 1 ? 'quota-service' : `quota-service-${n}`);
    if (!(await fs.stat(candidate).then(() => true, () => false))) return candidate;
  }
}

/** Project, recent-list and folder-picking handlers. */
export function createAppHandlers(ctx: CoreContext): DomainModule<Pick<Handlers, AppMethod>> {
  const recent = new RecentProjects(ctx.dataDir);

  const info = async (root: string): Promise<ProjectInfo> => ({ root, name: basename(root), git: await readHeadInfo(root) });

  const examplesDir = join(ctx.dataDir, 'examples');
  /**
   * On the web host (no native dialog, only the in-app browser) every folder a page names must lie
   * inside the browse roots or the app's examples folder, symlinks resolved: a page cannot open `/`
   * or `/etc`. The desktop host opens what the user picked in the native dialog.
   */
  const confined = ctx.host.capabilities.kind === 'web';
  const allowedRoots = async (): Promise<string[]> => Promise.all([...ctx.host.browseRoots, examplesDir].map((r) => realPathLenient(resolve(r))));
  const requireAllowed = async (path: string, what: string): Promise<void> => {
    if (!confined) return;
    const real = await realPathLenient(resolve(path));
    if ((await allowedRoots()).some((r) => isWithin(r, real))) return;
    throw new RpcError('FORBIDDEN', `${what} ${path} is outside the folders this host serves (${ctx.host.browseRoots.join(', ') || 'none'}). Pick a folder inside them, or restart the host with --root for that folder.`);
  };

  const open = async (path: string, holder: string, trusted = false): Promise<ProjectInfo> => {
    let root: string;
    if (!trusted) await requireAllowed(path, 'The folder');
    try {
      root = await fs.realpath(resolve(path));
      const st = await fs.stat(root);
      if (!st.isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
      await fs.access(root, fsc.R_OK | fsc.X_OK);
      await fs.readdir(root);
    } catch (error) {
      throw folderError(path, error);
    }
    ctx.projects.add(root, holder, { provisional: PROVISIONAL_HOLDERS.has(holder) });
    const result = await info(root);
    await recent.touch(root, result.name);
    return result;
  };

  const handlers: Pick<Handlers, AppMethod> = {
    'app.info': async () => ({ version: ctx.version, host: ctx.host.capabilities, dataDir: ctx.dataDir, sandbox: await detectSandboxAsync() }),
    'recent.list': async () => ({ projects: await recent.list() }),
    'recent.remove': async ({ root }) => {
      await recent.remove(root);
      return { ok: true };
    },
    // The folder named on the host's command line (connection "startup") is the user's own choice.
    'project.open': ({ path }, call) => open(path, call.connectionId, call.connectionId === 'startup'),
    'project.close': ({ root }, call) => {
      ctx.projects.release(root, call.connectionId);
      return { ok: true };
    },
    'project.info': ({ root }) => info(ctx.projects.require(root)),
    'project.initGit': async ({ root, defaultBranch }) => {
      ctx.projects.require(root);
      const current = await readHeadInfo(root);
      if (current.isRepo) throw new RpcError('CONFLICT', `${root} is already a git repository.`);
      await git.init({ fs, dir: root, defaultBranch });
      const result = await info(root);
      ctx.bus.emit('project.didChange', result);
      return result;
    },
    'project.openExample': async ({ targetDir }, call) => {
      if (targetDir !== undefined) await requireAllowed(targetDir, 'The example folder');
      const copied = await copyExample(ctx.resourcesDir, targetDir ?? (await freeExampleFolder(examplesDir)));
      return open(copied, call.connectionId);
    },
    'dialog.pickFolder': async ({ title }) => {
      if (!ctx.host.pickFolder) return { path: null };
      return { path: await ctx.host.pickFolder(title) };
    },
    'fs.browse': async ({ dir }) => {
      // Roots and the folder asked for are compared as real paths, so a symlink inside a root cannot lead out of it.
      const roots = await Promise.all(ctx.host.browseRoots.map((r) => realPathLenient(resolve(r))));
      if (roots.length === 0) throw new RpcError('UNAVAILABLE', 'This host has no folders to browse.');
      const target = await realPathLenient(resolve(dir ?? roots[0]));
      const within = roots.find((r) => isWithin(r, target));
      if (!within) {
        throw new RpcError(
          'FORBIDDEN',
          `Browsing is limited to ${roots.join(', ')}. To browse elsewhere, start the web host again with --root DIR (repeatable, e.g. npm run serve -- --root ${target}), or name the project folder itself: npm run serve -- ${target}.`,
        );
      }
      let dirents;
      try {
        dirents = await fs.readdir(target, { withFileTypes: true });
      } catch (error) {
        throw folderError(target, error);
      }
      const entries = dirents
        .filter((d) => d.isDirectory() && !d.name.startsWith('.'))
        .map((d) => ({ name: d.name, path: join(target, d.name) }))
        .sort((a, b) => a.name.localeCompare(b.name));
      const parent = target === within ? null : dirname(target);
      return { dir: target, parent, roots, entries };
    },
  };
  return { handlers };
}
