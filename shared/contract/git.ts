import { z } from 'zod';
import { method, ok, projectRoot, relPath } from './define';
import { projectInfo } from './app';

/** How one path differs between two sides (HEAD↔index for staged, index↔work tree for unstaged). */
export const changeKind = z.enum(['modified', 'added', 'deleted', 'typechange', 'conflicted']);
export type ChangeKind = z.infer<typeof changeKind>;

/** One changed path in a group of the Changes list. */
export const gitChange = z.object({ path: z.string(), kind: changeKind });
export type GitChange = z.infer<typeof gitChange>;

/** The Changes list: staged, unstaged and untracked groups plus where HEAD points. */
export const gitStatus = z.object({
  branch: z.string().nullable(),
  detached: z.boolean(),
  unborn: z.boolean(),
  headOid: z.string().nullable(),
  staged: z.array(gitChange),
  unstaged: z.array(gitChange),
  untracked: z.array(z.string()),
});
export type GitStatus = z.infer<typeof gitStatus>;

/** Which pair of sides a diff compares. */
export const diffSide = z.enum(['unstaged', 'staged']);
export type DiffSide = z.infer<typeof diffSide>;

/** One hunk of a text diff, 1-based line numbers; `header` identifies it for per-hunk actions. */
export const diffHunk = z.object({
  index: z.number().int(),
  oldStart: z.number().int(),
  oldLines: z.number().int(),
  newStart: z.number().int(),
  newLines: z.number().int(),
  header: z.string(),
});
export type DiffHunk = z.infer<typeof diffHunk>;

/** A diff ready for the Monaco diff editor, or a note that it cannot be shown as text. */
export const gitDiff = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('text'),
    path: z.string(),
    original: z.string(),
    modified: z.string(),
    hunks: z.array(diffHunk),
    /** Either side has bytes that are not valid UTF-8; shown decoded with replacement characters. */
    invalidUtf8: z.boolean(),
  }),
  z.object({ kind: z.literal('binary'), path: z.string(), oldSize: z.number(), newSize: z.number() }),
  z.object({ kind: z.literal('tooLarge'), path: z.string(), size: z.number(), limit: z.number() }),
]);
export type GitDiff = z.infer<typeof gitDiff>;

/** A name and email for commits, and where they came from. */
export const gitAuthor = z.object({
  name: z.string().nullable(),
  email: z.string().nullable(),
  source: z.enum(['repo', 'global', 'none']),
});
export type GitAuthor = z.infer<typeof gitAuthor>;

/** One local branch. */
export const gitBranch = z.object({ name: z.string(), oid: z.string().nullable(), current: z.boolean() });
export type GitBranch = z.infer<typeof gitBranch>;

/** A person and moment on a commit. */
export const gitSignature = z.object({ name: z.string(), email: z.string(), timestamp: z.number(), timezoneOffset: z.number() });

/** One line of History. */
export const commitSummary = z.object({
  oid: z.string(),
  parents: z.array(z.string()),
  subject: z.string(),
  author: gitSignature,
});
export type CommitSummary = z.infer<typeof commitSummary>;

/** A file a commit changed, compared with its first parent. */
export const commitFileChange = z.object({ path: z.string(), kind: changeKind });

/** Everything History shows for a selected commit. */
export const commitDetails = z.object({
  oid: z.string(),
  parents: z.array(z.string()),
  message: z.string(),
  author: gitSignature,
  committer: gitSignature,
  files: z.array(commitFileChange),
});
export type CommitDetails = z.infer<typeof commitDetails>;

/** A set of discarded changes kept in the app data folder so it can be brought back. */
export const discardedEntry = z.object({
  id: z.string(),
  at: z.string(),
  paths: z.array(z.string()),
  restored: z.boolean(),
});
export type DiscardedEntry = z.infer<typeof discardedEntry>;

/** Which git does the work for a project: the user's git, or the built-in engine when none is installed. */
export const gitBackendInfo = z.object({
  kind: z.enum(['native', 'embedded']),
  /** Native git's version ("2.39.5"). */
  version: z.string().nullable(),
  /** Native git's path as configured ("git" = found on PATH). */
  path: z.string().nullable(),
  /** Why the built-in engine is used. */
  reason: z.string().nullable(),
});
export type GitBackendInfo = z.infer<typeof gitBackendInfo>;

const pathsRequest = z.object({ root: projectRoot, paths: z.array(relPath).max(100_000).default([]), all: z.boolean().default(false) });
const hunkRequest = z.object({ root: projectRoot, path: relPath, index: z.number().int().min(0), header: z.string() });

export const gitMethods = {
  /** Which git backend serves this project (shown on the branch line and in Settings). */
  'git.backend': method(z.object({ root: projectRoot }), gitBackendInfo),
  /** The Changes list (staged, unstaged, untracked). Starts watching the repository on first use. */
  'git.status': method(z.object({ root: projectRoot }), gitStatus),
  /** Diff of one path: work tree ↔ index (`unstaged`) or index ↔ HEAD (`staged`). */
  'git.diff': method(z.object({ root: projectRoot, path: relPath, side: diffSide }), gitDiff),
  /** Stages paths (or every change with `all`); deleted files are staged as deletions. */
  'git.stage': method(pathsRequest, ok),
  /** Unstages paths (or everything with `all`), back to HEAD. */
  'git.unstage': method(pathsRequest, ok),
  /** Stages one hunk of the unstaged diff; CONFLICT when the diff changed since it was shown. */
  'git.stageHunk': method(hunkRequest, ok),
  /** Unstages one hunk of the staged diff; CONFLICT when the diff changed since it was shown. */
  'git.unstageHunk': method(hunkRequest, ok),
  /** Throws away work-tree changes of paths, keeping their content so they can be brought back. */
  'git.discard': method(z.object({ root: projectRoot, paths: z.array(relPath).min(1).max(10_000) }), discardedEntry),
  /** Recently discarded changes of this project, newest first. */
  'git.discarded': method(z.object({ root: projectRoot }), z.object({ entries: z.array(discardedEntry) })),
  /** Writes discarded content back; CONFLICT (naming the files) when they changed since the discard. */
  'git.restoreDiscarded': method(z.object({ root: projectRoot, id: z.string().min(1).max(100) }), ok),
  /** The commit author from the repository config, else the global one. */
  'git.author': method(z.object({ root: projectRoot }), gitAuthor),
  /** Saves name and email to the repository's config. */
  'git.setAuthor': method(z.object({ root: projectRoot, name: z.string().trim().min(1).max(200), email: z.string().trim().min(1).max(200) }), gitAuthor),
  /** Commits the staged changes (or amends the last commit); returns the new commit id. */
  'git.commit': method(
    z.object({
      root: projectRoot,
      message: z.string().max(100_000),
      amend: z.boolean().default(false),
      /** Used when no author is configured and the user typed one for this commit. */
      author: z.object({ name: z.string().trim().min(1), email: z.string().trim().min(1) }).optional(),
    }),
    z.object({ oid: z.string() }),
  ),
  /** Local branches and where HEAD is. */
  'git.branches': method(
    z.object({ root: projectRoot }),
    z.object({ current: z.string().nullable(), detached: z.boolean(), unborn: z.boolean(), headOid: z.string().nullable(), branches: z.array(gitBranch) }),
  ),
  /** Creates a branch at HEAD, optionally switching to it. */
  'git.createBranch': method(z.object({ root: projectRoot, name: z.string().min(1).max(250), checkout: z.boolean().default(true) }), projectInfo),
  /** Switches branch; refused with CONFLICT naming the files when local changes would be overwritten. */
  'git.switchBranch': method(z.object({ root: projectRoot, name: z.string().min(1).max(250) }), projectInfo),
  /** One page of History from HEAD (or `ref`), newest first. */
  'git.log': method(
    z.object({ root: projectRoot, ref: z.string().max(250).optional(), skip: z.number().int().min(0).default(0), limit: z.number().int().min(1).max(2000).default(200) }),
    z.object({ commits: z.array(commitSummary), hasMore: z.boolean() }),
  ),
  /** Message, author, date, parents and changed files of one commit. */
  'git.commitDetails': method(z.object({ root: projectRoot, oid: z.string().regex(/^[0-9a-f]{40}$/) }), commitDetails),
  /** Diff of one file in a commit against its first parent. */
  'git.commitDiff': method(z.object({ root: projectRoot, oid: z.string().regex(/^[0-9a-f]{40}$/), path: relPath }), gitDiff),
} as const;

export const gitEvents = {
  /**
   * A project's files or git state changed on disk (debounced). `status` is the Changes view after the change when
   * the core computed it anyway (its own writes, the watcher's reports): the renderer takes it instead of asking;
   * without it, the renderer asks `git.status`.
   */
  'repo.didChange': z.object({ root: z.string(), paths: z.array(z.string()), git: z.boolean(), status: gitStatus.optional() }),
  /** A discard was recorded or brought back. */
  'git.didDiscard': z.object({ root: z.string(), entries: z.array(discardedEntry) }),
} as const;
