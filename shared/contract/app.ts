import { z } from 'zod';
import { method, ok, projectRoot } from './define';

/** What the host can do; the only way the renderer tells the desktop and web hosts apart. */
export const hostCapabilities = z.object({
  kind: z.enum(['desktop', 'web']),
  nativeFolderDialog: z.boolean(),
  printToPdf: z.boolean(),
  platform: z.string(),
});
export type HostCapabilities = z.infer<typeof hostCapabilities>;

/** The OS sandbox of agent and check commands on this host, with a sentence to show. */
export const commandSandbox = z.object({
  kind: z.enum(['bubblewrap', 'sandbox-exec', 'none']),
  message: z.string(),
});
export type CommandSandbox = z.infer<typeof commandSandbox>;

export const gitHeadInfo = z.object({
  isRepo: z.boolean(),
  /** Current branch name; null when detached or not a repository. */
  branch: z.string().nullable(),
  detached: z.boolean(),
  /** A branch with no commits yet. */
  unborn: z.boolean(),
  /** Abbreviated commit id of HEAD, when there is one. */
  head: z.string().nullable(),
  /** A problem reading the repository (corrupt HEAD, missing objects), said plainly. */
  problem: z.string().nullable(),
});
export type GitHeadInfo = z.infer<typeof gitHeadInfo>;

export const projectInfo = z.object({
  root: z.string(),
  name: z.string(),
  git: gitHeadInfo,
});
export type ProjectInfo = z.infer<typeof projectInfo>;

export const recentProject = z.object({
  root: z.string(),
  name: z.string(),
  openedAt: z.string(),
  /** False when the folder no longer exists; the entry is kept and marked. */
  exists: z.boolean(),
});
export type RecentProject = z.infer<typeof recentProject>;

export const browseListing = z.object({
  dir: z.string(),
  parent: z.string().nullable(),
  roots: z.array(z.string()),
  entries: z.array(z.object({ name: z.string(), path: z.string() })),
});

export const appMethods = {
  /** Version and host capabilities. */
  /** `sandbox`: the OS sandbox agent and check commands run in ('none': every command asks for approval). */
  'app.info': method(z.object({}), z.object({ version: z.string(), host: hostCapabilities, dataDir: z.string(), sandbox: commandSandbox })),
  'recent.list': method(z.object({}), z.object({ projects: z.array(recentProject) })),
  'recent.remove': method(z.object({ root: z.string() }), ok),
  /** Opens a folder as a project (it need not be a git repository) and records it as recent. */
  'project.open': method(z.object({ path: z.string().min(1).max(4096) }), projectInfo),
  'project.close': method(z.object({ root: projectRoot }), ok),
  'project.info': method(z.object({ root: projectRoot }), projectInfo),
  /** Runs `git init` (isomorphic-git) in a project that is not a repository yet. */
  'project.initGit': method(z.object({ root: projectRoot, defaultBranch: z.string().default('main') }), projectInfo),
  /** Copies the bundled example project to a folder (or the app data folder) and opens the copy. */
  'project.openExample': method(z.object({ targetDir: z.string().optional() }), projectInfo),
  /** Native folder dialog in the desktop host; null when cancelled or unavailable. */
  'dialog.pickFolder': method(z.object({ title: z.string().optional() }), z.object({ path: z.string().nullable() })),
  /** Folder browser for hosts without a native dialog; confined to the host's allowed roots. */
  'fs.browse': method(z.object({ dir: z.string().optional() }), browseListing),
} as const;

export const appEvents = {
  /** The project's HEAD/branch changed. */
  'project.didChange': projectInfo,
} as const;
