/**
 * The errors native git reports, recognised from its output and turned into messages that say what to do.
 * Modelled on GitHub Desktop's `expectedErrors`: every entry has a kind, the pattern git prints and the
 * RpcError code the app answers with; a caller lists the kinds it expects and handles them itself.
 */
import type { RpcErrorCode } from '../../../../shared/rpc';

export type GitErrorKind =
  | 'NotAGitRepository'
  | 'LockFileExists'
  | 'LocalChangesOverwritten'
  | 'UntrackedFilesOverwritten'
  | 'NothingToCommit'
  | 'UnresolvedConflicts'
  | 'EmptyCommitMessage'
  | 'NoIdentity'
  | 'SigningFailed'
  | 'PatchDoesNotApply'
  | 'BranchAlreadyExists'
  | 'InvalidBranchName'
  | 'BadRevision'
  | 'PathspecNoMatch'
  | 'OutsideRepository'
  | 'DubiousOwnership'
  | 'CorruptObject'
  | 'PermissionDenied'
  | 'ShallowHistory';

interface ErrorRule {
  readonly kind: GitErrorKind;
  readonly pattern: RegExp;
  readonly code: RpcErrorCode;
  /** The message shown; `m` is the pattern's match. */
  readonly message: (m: RegExpExecArray) => string;
}

/** Order matters: the first rule whose pattern matches git's output wins. */
const RULES: readonly ErrorRule[] = [
  {
    kind: 'DubiousOwnership',
    pattern: /detected dubious ownership in repository at '([^']+)'/,
    code: 'UNAVAILABLE',
    message: (m) => `Git refuses to work in ${m[1]} because another user owns it. Run \`git config --global --add safe.directory ${m[1]}\` if you trust it, then try again.`,
  },
  {
    kind: 'NotAGitRepository',
    pattern: /fatal: not a git repository/,
    code: 'UNAVAILABLE',
    message: () => 'This folder is not a git repository (or its .git folder is unreadable). Initialise git in it, or open the repository folder.',
  },
  {
    kind: 'LockFileExists',
    pattern: /Unable to create '(.+?\.lock)': File exists/,
    code: 'CONFLICT',
    message: (m) => `Another git program is working in this repository (${m[1]} exists). Wait for it to finish; if none is running, delete that file and try again.`,
  },
  {
    kind: 'LocalChangesOverwritten',
    pattern: /Your local changes to the following files would be overwritten by (?:checkout|merge|switch):\n((?:\t.*\n)+)/,
    code: 'CONFLICT',
    message: (m) => `Your local changes to ${listFiles(m[1])} would be overwritten. Commit, stash or discard them first.`,
  },
  {
    kind: 'UntrackedFilesOverwritten',
    pattern: /The following untracked working tree files would be (?:overwritten|removed) by (?:checkout|merge|switch):\n((?:\t.*\n)+)/,
    code: 'CONFLICT',
    message: (m) => `Untracked files ${listFiles(m[1])} would be overwritten. Move, commit or delete them first.`,
  },
  {
    kind: 'UnresolvedConflicts',
    pattern: /(?:Committing is not possible because you have unmerged files|you need to resolve your current index first|is in the middle of a conflicted merge)/,
    code: 'CONFLICT',
    message: () => 'Some files have unresolved conflicts. Resolve and stage them before committing.',
  },
  {
    kind: 'NothingToCommit',
    pattern: /(?:nothing to commit|nothing added to commit|no changes added to commit)/,
    code: 'CONFLICT',
    message: () => 'Nothing is staged. Stage the changes to commit first.',
  },
  {
    kind: 'EmptyCommitMessage',
    pattern: /Aborting commit due to empty commit message/,
    code: 'INVALID_REQUEST',
    message: () => 'Write a commit message first.',
  },
  {
    kind: 'NoIdentity',
    pattern: /(?:Please tell me who you are|unable to auto-detect email address|empty ident name)/,
    code: 'INVALID_REQUEST',
    message: () => 'No author is set. Enter your name and email (they can be saved to this repository).',
  },
  {
    kind: 'SigningFailed',
    pattern: /(?:gpg failed to sign the data|error: (?:gpg|ssh|x509)? ?failed to sign|failed to write commit object)/,
    code: 'UNAVAILABLE',
    message: () => 'Git could not sign the commit (commit.gpgSign is on). Unlock or fix your signing key (try `git commit -S` in a terminal), then commit again. Nothing was committed.',
  },
  {
    kind: 'PatchDoesNotApply',
    pattern: /(?:patch does not apply|error: corrupt patch|patch failed:)/,
    code: 'CONFLICT',
    message: () => 'The change no longer matches the file. Look at the refreshed diff and try again.',
  },
  {
    kind: 'BranchAlreadyExists',
    pattern: /fatal: a branch named '(.+)' already exists/,
    code: 'CONFLICT',
    message: (m) => `A branch named ${m[1]} already exists. Switch to it or choose another name.`,
  },
  {
    kind: 'InvalidBranchName',
    pattern: /fatal: '(.+)' is not a valid branch name/,
    code: 'INVALID_REQUEST',
    message: (m) => `"${m[1]}" is not a valid branch name. Use letters, digits, "-", "_" and "/" (no spaces, "..", "~", "^", ":").`,
  },
  {
    kind: 'BadRevision',
    pattern: /(?:fatal: bad revision|fatal: invalid reference: (.+)|fatal: ambiguous argument '(.+)': unknown revision)/,
    code: 'NOT_FOUND',
    message: () => 'That commit or branch does not exist (any more). Refresh and try again.',
  },
  {
    kind: 'PathspecNoMatch',
    pattern: /pathspec '(.+)' did not match any files/,
    code: 'NOT_FOUND',
    message: (m) => `${m[1]} is not in the repository any more. Refresh the Changes list and try again.`,
  },
  {
    kind: 'OutsideRepository',
    pattern: /fatal: (.+): '(.+)' is outside repository/,
    code: 'FORBIDDEN',
    message: (m) => `${m[2]} is outside the repository.`,
  },
  {
    kind: 'ShallowHistory',
    pattern: /(?:shallow file has changed|grafted|object .* is a shallow)/,
    code: 'UNAVAILABLE',
    message: () => 'This is a shallow clone: older history was not downloaded. Run `git fetch --unshallow` to get it.',
  },
  {
    kind: 'CorruptObject',
    pattern: /(?:fatal: (?:bad object|loose object .* is corrupt|packed object .* is corrupt|unable to read tree|index file corrupt)|error: object file .* is empty)/,
    code: 'INTERNAL',
    message: () => 'Git found damaged data in this repository. Run `git fsck` in a terminal to see what is broken; nothing was changed.',
  },
  {
    kind: 'PermissionDenied',
    pattern: /(?:Permission denied|insufficient permission for adding an object)/,
    code: 'FORBIDDEN',
    message: () => 'Git may not write to this repository (permission denied). Check the owner and permissions of the .git folder.',
  },
];

function listFiles(block: string): string {
  const files = block.split('\n').map((l) => l.trim()).filter(Boolean);
  return files.slice(0, 10).join(', ') + (files.length > 10 ? ` and ${files.length - 10} more` : '');
}

/** The files named in an indented block of git's output (the "would be overwritten" lists). */
export function filesInOutput(output: string): string[] {
  const m = /would be (?:overwritten|removed) by \w+:\n((?:\t.*\n)+)/.exec(output);
  return m ? m[1].split('\n').map((l) => l.trim()).filter(Boolean) : [];
}

/** The first known error in git's output, with its kind, code and message; null when none is recognised. */
export function parseGitError(output: string): { kind: GitErrorKind; code: RpcErrorCode; message: string } | null {
  for (const rule of RULES) {
    const m = rule.pattern.exec(output);
    if (m) return { kind: rule.kind, code: rule.code, message: rule.message(m) };
  }
  return null;
}

/** Every kind the table knows (for tests). */
export const GIT_ERROR_KINDS: readonly GitErrorKind[] = RULES.map((r) => r.kind);
