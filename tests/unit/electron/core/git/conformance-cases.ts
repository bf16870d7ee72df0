/**
 * One conformance suite for both git backends: the case list and the runner. Every case builds a
 * repository with native git, checks the backend's status read against `git status`, then makes a write
 * through the backend and the same write with native git on a twin copy, and compares index
 * (`ls-files -s`), work tree, HEAD and refs, merge state, status and `git fsck --strict`. A case a backend
 * refuses must be refused with a clear message and the repository unchanged. docs/git.md lists these
 * cases and what each backend does.
 *
 * One test file per backend calls describeConformance(kind) (conformance-native.test.ts,
 * conformance-embedded.test.ts), so vitest runs the two backends in parallel.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { chooseBackend, type GitBackend } from '../../../../../electron/core/git/backend';
import { computeHunks, splitLines } from '../../../../../electron/core/git/hunks';
import { DiscardStore } from '../../../../../electron/core/git/discard-store';
import { readLog } from '../../../../../electron/core/git/history';
import { readCommitSide, readIndexSide, readWorktreeForDiff } from '../../../../../electron/core/git/object-reads';
import type { StatusResult } from '../../../../../electron/core/git/status-engine';
import { cleanupTemp, git, nativeStatus, renderEntries, tempDir, write } from './git-oracle';

/** The two backends the suite runs on. */
export type Kind = 'native' | 'embedded';

interface Case {
  readonly name: string;
  readonly setup: (dir: string) => void;
  /** The write through the backend (`status`: the backend's own status read). */
  readonly act: (b: GitBackend, dir: string, status: StatusResult) => Promise<unknown>;
  /** The same write with native git, run on the twin copy. */
  readonly oracle: (dir: string) => void;
  /** Backends that refuse the case, with the message they must give. */
  readonly refuses?: Partial<Record<Kind, RegExp>>;
  /** Backends whose status read of this repository is known to differ from git's (documented in docs/git.md). */
  readonly readDiffers?: readonly Kind[];
  /** git's own fsck fails after git's own write (compared with the twin only). */
  readonly fsckFailsForGitToo?: boolean;
  /** The work tree to act on, when not the folder setup got (a submodule's superproject, a linked worktree). */
  readonly workTree?: (dir: string) => string;
  /** History and diffs are not read from this repository (the built-in reader refuses, with this message). */
  readonly readsRefused?: RegExp;
  /** Repairs absolute paths in the twin copy (`made`: the folder setup got; `twin`: its copy). */
  readonly fixTwin?: (twin: string, made: string) => void;
}

const AUTHOR = { name: 'Test Author', email: 'author@example.com', typed: true };

function base(dir: string): void {
  git(dir, 'init', '-q', '-b', 'main');
  write(dir, { 'a.txt': 'a\n', 'b.txt': 'b\n' });
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'initial');
}

function gitIn(dir: string, input: string, ...args: string[]): void {
  execFileSync('git', args, { cwd: dir, input, stdio: ['pipe', 'ignore', 'ignore'], env: { ...process.env, GIT_AUTHOR_NAME: 'T', GIT_AUTHOR_EMAIL: 't@e', GIT_COMMITTER_NAME: 'T', GIT_COMMITTER_EMAIL: 't@e' } });
}

const numbered = (n: number, edit: Record<number, string> = {}) =>
  Array.from({ length: n }, (_, i) => edit[i + 1] ?? `line ${i + 1}`).join('\n') + '\n';

/** The sides of a path's diff as Builder ▸ Changes shows them (the work tree as `git diff` compares it). */
async function diffSides(dir: string, path: string, side: 'unstaged' | 'staged'): Promise<[Uint8Array | null, Uint8Array | null]> {
  if (side === 'staged') return [(await readCommitSide(dir, null, path)).bytes, (await readIndexSide(dir, path)).bytes];
  const index = await readIndexSide(dir, path);
  return [index.bytes, (await readWorktreeForDiff(dir, path, index.bytes)).bytes];
}

async function hunkHeader(dir: string, path: string, side: 'unstaged' | 'staged', index: number): Promise<string> {
  const [before, after] = await diffSides(dir, path, side);
  return computeHunks(splitLines(before ?? new Uint8Array()), splitLines(after ?? new Uint8Array()))[index].header;
}

/** Moves files' modification time a minute on, so neither backend can trust their stat data. */
function touch(dir: string, ...paths: string[]): void {
  const t = Date.now() / 1000 + 60;
  for (const p of paths) utimesSync(join(dir, p), t, t);
}

/** A case that only reads: the status of the repository as built is compared with git's. */
function read(name: string, setup: (dir: string) => void, extra: Partial<Case> = {}): Case {
  return { name: `read: ${name}`, setup, act: async () => undefined, oracle: () => undefined, ...extra };
}

const READS: Case[] = [
  read('unborn branch with staged and untracked files', (d) => {
    git(d, 'init', '-q', '-b', 'main');
    write(d, { 'a.txt': 'a\n', 'b.txt': 'b\n' });
    git(d, 'add', 'a.txt');
  }),
  read('detached HEAD', (d) => (base(d), git(d, 'checkout', '-q', '--detach'), write(d, { 'a.txt': 'x\n' }))),
  read('ignores at every level (root, nested, info/exclude, negation)', (d) => {
    base(d);
    write(d, { '.gitignore': '*.log\n!keep.log\nbuild/\n', 'sub/.gitignore': 'local.txt\n', '.git/info/exclude': 'secret\n' });
    write(d, { 'x.log': '', 'keep.log': '', 'build/out.js': '', 'sub/local.txt': '', 'sub/other.txt': '', secret: '', 'deep/er/x.log': '', 'deep/er/y.txt': '' });
  }),
  read('symlinks, modes, binary and a large file', (d) => {
    base(d);
    execFileSync('ln', ['-s', 'a.txt', join(d, 'link')]);
    write(d, { 'bin.dat': Buffer.from([0, 1, 2, 3, 0, 255]), 'large.txt': 'x'.repeat(3 * 1024 * 1024) });
    git(d, 'add', '-A');
    git(d, 'commit', '-q', '-m', 'more');
    chmodSync(join(d, 'b.txt'), 0o755);
    write(d, { 'bin.dat': Buffer.from([0, 1, 2, 4]), 'large.txt': 'y'.repeat(3 * 1024 * 1024) });
    rmSync(join(d, 'link'));
    execFileSync('ln', ['-s', 'b.txt', join(d, 'link')]);
  }),
  read('renames and deletes, staged and not', (d) => (base(d), git(d, 'mv', 'a.txt', 'renamed.txt'), rmSync(join(d, 'b.txt')))),
  read('a merge conflict', (d) => {
    base(d);
    git(d, 'switch', '-q', '-c', 'side');
    write(d, { 'a.txt': 'side\n' });
    git(d, 'commit', '-q', '-am', 'side');
    git(d, 'switch', '-q', 'main');
    write(d, { 'a.txt': 'main\n' });
    git(d, 'commit', '-q', '-am', 'main');
    try {
      git(d, 'merge', '-q', 'side');
    } catch {
      // The conflict is the point.
    }
  }),
  read('packs only, packed refs only, history with merges', (d) => {
    base(d);
    git(d, 'switch', '-q', '-c', 'side');
    write(d, { 'c.txt': 'c\n' });
    git(d, 'add', '-A');
    git(d, 'commit', '-q', '-m', 'side');
    git(d, 'switch', '-q', 'main');
    git(d, 'merge', '-q', '--no-ff', '-m', 'merge', 'side');
    git(d, 'gc', '-q', '--prune=now');
    write(d, { 'c.txt': 'changed\n' });
  }),
  read('intent-to-add', (d) => (base(d), write(d, { 'n.txt': 'new\n' }), git(d, 'add', '-N', 'n.txt'))),
  read('assume-unchanged and skip-worktree', (d) => {
    base(d);
    git(d, 'update-index', '--assume-unchanged', 'a.txt');
    git(d, 'update-index', '--skip-worktree', 'b.txt');
    write(d, { 'a.txt': 'edited\n', 'b.txt': 'edited\n' });
  }),
  read('core.autocrlf=true with CRLF files', (d) => {
    git(d, 'init', '-q', '-b', 'main');
    git(d, 'config', 'core.autocrlf', 'true');
    write(d, { 'crlf.txt': 'a\r\nb\r\n' });
    git(d, 'add', '-A');
    git(d, 'commit', '-q', '-m', 'crlf');
    write(d, { 'crlf.txt': 'a\r\nB\r\n' });
  }),
  read('.gitattributes text=auto eol=crlf', (d) => {
    git(d, 'init', '-q', '-b', 'main');
    write(d, { '.gitattributes': '* text=auto eol=crlf\n', 'f.txt': 'one\r\ntwo\r\n', 'g.txt': 'same\r\n' });
    git(d, 'add', '-A');
    git(d, 'commit', '-q', '-m', 'attrs');
    write(d, { 'f.txt': 'one\r\nTWO\r\n' });
  }),
  // Touched files (same size, new mtime) are compared by content as git would store it; a size change is a change.
  read('a .gitattributes only in a subfolder: eol=crlf', (d) => {
    git(d, 'init', '-q', '-b', 'main');
    write(d, { 'sub/.gitattributes': '*.txt eol=crlf\n', 'sub/f.txt': 'one\r\ntwo\r\n', 'sub/g.txt': 'g\n', 'sub/e.txt': 'e\r\n', 'top.txt': 'top\r\n' });
    git(d, 'add', '-A');
    git(d, 'commit', '-q', '-m', 'attrs');
    write(d, { 'sub/g.txt': 'g\r\n', 'sub/e.txt': 'E\r\n' });
    touch(d, 'sub/f.txt', 'sub/g.txt', 'sub/e.txt', 'top.txt');
  }),
  read('-text in a subfolder overriding a root text=auto', (d) => {
    git(d, 'init', '-q', '-b', 'main');
    write(d, { '.gitattributes': '* text=auto\n', 'sub/.gitattributes': '*.txt -text\n', 'r.txt': 'a\r\nb\n', 'sub/s.txt': 'a\r\nb\n', 'sub/t.md': 'a\r\nb\n' });
    git(d, 'add', '-A');
    git(d, 'commit', '-q', '-m', 'attrs');
    // Same size, line ends moved: equal once converted (text=auto), not as they are (-text).
    write(d, { 'r.txt': 'a\nb\r\n', 'sub/s.txt': 'a\nb\r\n', 'sub/t.md': 'a\nb\r\n' });
    touch(d, 'r.txt', 'sub/s.txt', 'sub/t.md');
  }),
  read('a deeper .gitattributes overriding a shallower one', (d) => {
    git(d, 'init', '-q', '-b', 'main');
    write(d, {
      'sub/.gitattributes': '*.txt -text\n',
      'sub/deep/.gitattributes': '*.txt text eol=crlf\n',
      'sub/a.txt': 'a\r\nb\n',
      'sub/deep/b.txt': 'a\r\nb\n',
      'sub/deep/er/c.txt': 'a\r\nb\n',
    });
    git(d, 'add', '-A');
    git(d, 'commit', '-q', '-m', 'attrs');
    write(d, { 'sub/a.txt': 'a\nb\r\n', 'sub/deep/b.txt': 'a\nb\r\n', 'sub/deep/er/c.txt': 'a\nb\r\n' });
    touch(d, 'sub/a.txt', 'sub/deep/b.txt', 'sub/deep/er/c.txt');
  }),
  read('a global attributes file (core.attributesFile) only', (d) => {
    git(d, 'init', '-q', '-b', 'main');
    const attributes = join(tempDir('pl-attrs-'), 'attributes');
    writeFileSync(attributes, '*.txt eol=crlf\n');
    git(d, 'config', 'core.attributesFile', attributes);
    write(d, { 'f.txt': 'one\r\n', 'e.txt': 'e\r\n' });
    git(d, 'add', '-A');
    git(d, 'commit', '-q', '-m', 'global attributes');
    write(d, { 'e.txt': 'E\r\n' });
    touch(d, 'f.txt', 'e.txt');
  }),
  // git reads a .gitattributes missing from the work tree from the index (attr.c, GIT_ATTR_CHECKIN).
  read('a .gitattributes deleted from the work tree, still in the index (root and subfolder)', (d) => {
    git(d, 'init', '-q', '-b', 'main');
    write(d, { '.gitattributes': '* text=auto\n', 'sub/.gitattributes': '*.txt eol=crlf\n', 'f.txt': 'one\r\ntwo\r\n', 'e.txt': 'e\r\n', 'sub/s.txt': 's\r\n', 'sub/t.txt': 't\r\n' });
    git(d, 'add', '-A');
    git(d, 'commit', '-q', '-m', 'attrs');
    rmSync(join(d, '.gitattributes'));
    rmSync(join(d, 'sub/.gitattributes'));
    write(d, { 'e.txt': 'E\r\n', 'sub/t.txt': 'T\r\n' });
    touch(d, 'f.txt', 'e.txt', 'sub/s.txt', 'sub/t.txt');
  }),
  read('core.fileMode=false', (d) => (base(d), git(d, 'config', 'core.fileMode', 'false'), chmodSync(join(d, 'a.txt'), 0o755))),
  read('a nested repository that is not a submodule', (d) => {
    base(d);
    const inner = join(d, 'inner');
    mkdirSync(inner);
    git(inner, 'init', '-q', '-b', 'main');
    write(inner, { 'x.txt': 'x\n' });
  }),
  read('a shallow clone', (d) => {
    const src = join(d, '..', 'shallow-src');
    mkdirSync(src);
    base(src);
    write(src, { 'a.txt': 'two\n' });
    git(src, 'commit', '-q', '-am', 'two');
    git(d, 'clone', '-q', '--depth', '1', `file://${src}`, '.');
    write(d, { 'a.txt': 'three\n' });
  }),
];

const CASES: Case[] = [
  {
    name: 'stage a modified file',
    setup: (d) => (base(d), write(d, { 'a.txt': 'changed\n' })),
    act: (b, d) => b.stage(d, ['a.txt']),
    oracle: (d) => git(d, 'add', '-A', '--', 'a.txt'),
  },
  {
    name: 'stage a deleted file',
    setup: (d) => (base(d), rmSync(join(d, 'b.txt'))),
    act: (b, d) => b.stage(d, ['b.txt']),
    oracle: (d) => git(d, 'add', '-A', '--', 'b.txt'),
  },
  {
    name: 'stage an untracked folder, leaving its ignored files out',
    setup: (d) => {
      base(d);
      write(d, { '.gitignore': '*.log\n' });
      git(d, 'add', '.gitignore');
      git(d, 'commit', '-q', '-m', 'ignore');
      write(d, { 'dir/x.txt': 'x\n', 'dir/deeper/y.txt': 'y\n', 'dir/z.log': 'z\n' });
    },
    act: (b, d) => b.stage(d, ['dir/']),
    oracle: (d) => git(d, 'add', '-A', '--', 'dir/'),
  },
  {
    name: 'stage an executable-bit change',
    setup: (d) => (base(d), chmodSync(join(d, 'a.txt'), 0o755)),
    act: (b, d) => b.stage(d, ['a.txt']),
    oracle: (d) => git(d, 'add', '-A', '--', 'a.txt'),
  },
  {
    name: 'unstage back to HEAD',
    setup: (d) => (base(d), write(d, { 'a.txt': 'changed\n' }), git(d, 'add', 'a.txt')),
    act: (b, d) => b.unstage(d, ['a.txt']),
    oracle: (d) => git(d, 'reset', '-q', '--', 'a.txt'),
  },
  {
    name: 'unstage on an unborn branch',
    setup: (d) => (git(d, 'init', '-q', '-b', 'main'), write(d, { 'a.txt': 'a\n' }), git(d, 'add', 'a.txt')),
    act: (b, d) => b.unstage(d, ['a.txt']),
    oracle: (d) => git(d, 'rm', '--cached', '-q', 'a.txt'),
  },
  {
    name: 'stage one hunk of two',
    setup: (d) => {
      git(d, 'init', '-q', '-b', 'main');
      write(d, { 'f.txt': numbered(20) });
      git(d, 'add', '-A');
      git(d, 'commit', '-q', '-m', 'initial');
      write(d, { 'f.txt': numbered(20, { 2: 'two', 18: 'eighteen' }) });
    },
    act: async (b, d) => b.stageHunk(d, 'f.txt', 0, await hunkHeader(d, 'f.txt', 'unstaged', 0)),
    oracle: (d) => gitIn(d, 'y\nn\n', 'add', '-p', '--', 'f.txt'),
  },
  {
    name: 'unstage one hunk of two',
    setup: (d) => {
      git(d, 'init', '-q', '-b', 'main');
      write(d, { 'f.txt': numbered(20) });
      git(d, 'add', '-A');
      git(d, 'commit', '-q', '-m', 'initial');
      write(d, { 'f.txt': numbered(20, { 2: 'two', 18: 'eighteen' }) });
      git(d, 'add', 'f.txt');
    },
    act: async (b, d) => b.unstageHunk(d, 'f.txt', 1, await hunkHeader(d, 'f.txt', 'staged', 1)),
    oracle: (d) => gitIn(d, 'n\ny\n', 'reset', '-p', '--', 'f.txt'),
  },
  {
    name: 'commit the staged changes',
    setup: (d) => (base(d), write(d, { 'a.txt': 'changed\n', 'b.txt': 'unstaged\n' }), git(d, 'add', 'a.txt')),
    act: (b, d, s) => b.commit(d, s, { message: 'second', amend: false, author: AUTHOR }),
    oracle: (d) => git(d, 'commit', '-q', '-m', 'second'),
  },
  {
    name: 'commit a resolved merge with both parents',
    setup: (d) => {
      base(d);
      git(d, 'switch', '-q', '-c', 'side');
      write(d, { 'a.txt': 'side\n' });
      git(d, 'commit', '-q', '-am', 'side');
      git(d, 'switch', '-q', 'main');
      write(d, { 'a.txt': 'main\n' });
      git(d, 'commit', '-q', '-am', 'main');
      try {
        git(d, 'merge', '-q', 'side');
      } catch {
        // The conflict is expected; it is resolved below.
      }
      write(d, { 'a.txt': 'resolved\n' });
      git(d, 'add', 'a.txt');
    },
    act: (b, d, s) => b.commit(d, s, { message: 'merge side', amend: false, author: AUTHOR }),
    oracle: (d) => git(d, 'commit', '-q', '-m', 'merge side'),
  },
  {
    name: 'a file replaced by a folder: stage all, then commit',
    setup: (d) => {
      base(d);
      rmSync(join(d, 'a.txt'));
      write(d, { 'a.txt/inner.txt': 'inner\n' });
    },
    act: async (b, d) => {
      await b.stage(d, ['a.txt', 'a.txt/']);
      const s = await b.statusSource(d).status();
      return b.commit(d, s, { message: 'folder', amend: false, author: AUTHOR });
    },
    oracle: (d) => (git(d, 'add', '-A'), git(d, 'commit', '-q', '-m', 'folder')),
    refuses: {},
  },
  {
    name: 'a folder replaced by a file: stage all, then commit',
    setup: (d) => {
      base(d);
      write(d, { 'dir/x.txt': 'x\n', 'dir/y.txt': 'y\n' });
      git(d, 'add', '-A');
      git(d, 'commit', '-q', '-m', 'dir');
      rmSync(join(d, 'dir'), { recursive: true });
      write(d, { dir: 'now a file\n' });
    },
    act: async (b, d) => {
      await b.stage(d, ['dir', 'dir/x.txt', 'dir/y.txt']);
      const s = await b.statusSource(d).status();
      return b.commit(d, s, { message: 'file', amend: false, author: AUTHOR });
    },
    oracle: (d) => (git(d, 'add', '-A'), git(d, 'commit', '-q', '-m', 'file')),
  },
  {
    name: 'switch to a branch that adds and deletes files',
    setup: (d) => {
      base(d);
      git(d, 'switch', '-q', '-c', 'other');
      git(d, 'rm', '-q', 'b.txt');
      write(d, { 'new/c.txt': 'c\n' });
      git(d, 'add', '-A');
      git(d, 'commit', '-q', '-m', 'other');
      git(d, 'switch', '-q', 'main');
      write(d, { 'a.txt': 'unstaged edit\n', 'untracked.txt': 'u\n' });
    },
    act: (b, d, s) => b.switchBranch(d, 'other', s),
    oracle: (d) => git(d, 'switch', '-q', 'other'),
  },
  {
    name: 'create a branch and switch to it',
    setup: (d) => (base(d), write(d, { 'a.txt': 'local\n' })),
    act: (b, d) => b.createBranch(d, 'feature', true),
    oracle: (d) => git(d, 'switch', '-q', '-c', 'feature'),
  },
  {
    name: 'switch branch carrying a staged change over',
    setup: (d) => {
      base(d);
      git(d, 'switch', '-q', '-c', 'other');
      write(d, { 'b.txt': 'other\n' });
      git(d, 'commit', '-q', '-am', 'other');
      git(d, 'switch', '-q', 'main');
      write(d, { 'a.txt': 'staged\n' });
      git(d, 'add', 'a.txt');
    },
    act: (b, d, s) => b.switchBranch(d, 'other', s),
    oracle: (d) => git(d, 'switch', '-q', 'other'),
  },
  {
    name: 'switch refused when it would overwrite local changes',
    setup: (d) => {
      base(d);
      git(d, 'switch', '-q', '-c', 'other');
      write(d, { 'a.txt': 'other\n' });
      git(d, 'commit', '-q', '-am', 'other');
      git(d, 'switch', '-q', 'main');
      write(d, { 'a.txt': 'mine\n' });
    },
    act: (b, d, s) => b.switchBranch(d, 'other', s),
    oracle: () => undefined,
    refuses: { native: /local changes to a\.txt would be overwritten/, embedded: /local changes to a\.txt would be overwritten/ },
  },
  {
    name: 'a pre-commit hook rejects the commit',
    setup: (d) => {
      base(d);
      write(d, { '.git/hooks/pre-commit': '#!/bin/sh\necho "lint failed: a.txt" >&2\nexit 1\n' });
      chmodSync(join(d, '.git/hooks/pre-commit'), 0o755);
      write(d, { 'a.txt': 'changed\n' });
      git(d, 'add', 'a.txt');
    },
    act: (b, d, s) => b.commit(d, s, { message: 'blocked', amend: false, author: AUTHOR }),
    oracle: () => undefined,
    refuses: { native: /lint failed: a\.txt/, embedded: /hooks \(pre-commit\) that the built-in git engine does not run/ },
  },
  {
    name: 'split index (core.splitIndex)',
    setup: (d) => (base(d), git(d, 'config', 'core.splitIndex', 'true'), git(d, 'update-index', '--split-index'), write(d, { 'a.txt': 'changed\n' })),
    act: (b, d) => b.stage(d, ['a.txt']),
    oracle: (d) => git(d, 'add', '-A', '--', 'a.txt'),
    refuses: { embedded: /split index/ },
    readDiffers: ['embedded'],
  },
  {
    name: 'sparse index',
    setup: (d) => {
      git(d, 'init', '-q', '-b', 'main');
      write(d, { 'in/x.txt': 'x\n', 'out/y.txt': 'y\n', 'top.txt': 't\n' });
      git(d, 'add', '-A');
      git(d, 'commit', '-q', '-m', 'initial');
      git(d, 'sparse-checkout', 'init', '--cone', '--sparse-index');
      git(d, 'sparse-checkout', 'set', 'in');
      write(d, { 'in/x.txt': 'changed\n' });
    },
    act: (b, d) => b.stage(d, ['in/x.txt']),
    oracle: (d) => git(d, 'add', '-A', '--', 'in/x.txt'),
    refuses: { embedded: /sparse index/ },
    // git 2.39's first `fsck --strict` after `git add` in a sparse index reports the index's cache-tree trees as missing.
    fsckFailsForGitToo: true,
    readDiffers: ['embedded'],
  },
  {
    name: 'index version 4',
    setup: (d) => (base(d), git(d, 'update-index', '--index-version', '4'), write(d, { 'a.txt': 'changed\n' })),
    act: (b, d) => b.stage(d, ['a.txt']),
    oracle: (d) => git(d, 'add', '-A', '--', 'a.txt'),
    refuses: { embedded: /index is version 4/ },
  },
  {
    name: 'SHA-256 repository',
    setup: (d) => {
      git(d, 'init', '-q', '-b', 'main', '--object-format=sha256');
      write(d, { 'a.txt': 'a\n' });
      git(d, 'add', '-A');
      git(d, 'commit', '-q', '-m', 'initial');
      write(d, { 'a.txt': 'changed\n' });
    },
    act: (b, d) => b.stage(d, ['a.txt']),
    oracle: (d) => git(d, 'add', '-A', '--', 'a.txt'),
    refuses: { embedded: /SHA-256/ },
    readDiffers: ['embedded'],
    readsRefused: /SHA-256/,
  },
  {
    name: 'a submodule moved to another commit',
    setup: (d) => {
      const src = join(d, 'src');
      mkdirSync(src);
      base(src);
      const top = join(d, 'top');
      mkdirSync(top);
      base(top);
      git(top, 'submodule', '-q', 'add', src, 'sub');
      git(top, 'commit', '-q', '-m', 'add sub');
      write(join(top, 'sub'), { 'a.txt': 'newer\n' });
      git(join(top, 'sub'), 'commit', '-q', '-am', 'newer');
    },
    workTree: (d) => join(d, 'top'),
    act: (b, d) => b.stage(d, ['sub']),
    oracle: (d) => git(d, 'add', '-A', '--', 'sub'),
    refuses: { embedded: /sub is a submodule/ },
  },
];

const crlf = (text: string) => text.replace(/\n/g, '\r\n');

/** Repositories whose content or modes git converts on the way in (docs/git.md lists them). */
const CONVERSIONS: ReadonlyArray<{
  readonly name: string;
  readonly prepare: (dir: string) => void;
  readonly hunks?: false;
  readonly fileMode?: false;
  /** Runs after the files are committed and edited. */
  readonly after?: (dir: string) => void;
}> = [
  { name: 'core.autocrlf=true', prepare: (d) => git(d, 'config', 'core.autocrlf', 'true') },
  { name: 'core.autocrlf=input', prepare: (d) => git(d, 'config', 'core.autocrlf', 'input') },
  { name: 'gitattributes text=auto for every file', prepare: (d) => write(d, { '.gitattributes': '* text=auto\n' }) },
  { name: 'gitattributes eol=crlf for .txt', prepare: (d) => write(d, { '.gitattributes': '*.txt eol=crlf\n' }) },
  { name: 'gitattributes -text for .txt', prepare: (d) => write(d, { '.gitattributes': '*.txt -text\n' }) },
  // `binary` is also -diff: git shows no hunks of such a file, so there is no hunk to stage.
  { name: 'gitattributes binary for .txt, autocrlf=true', prepare: (d) => (git(d, 'config', 'core.autocrlf', 'true'), write(d, { '.gitattributes': '*.txt binary\n' })), hunks: false },
  { name: 'core.fileMode=false', prepare: (d) => git(d, 'config', 'core.fileMode', 'false'), fileMode: false },
  {
    name: 'gitattributes eol=crlf for .txt, deleted from the work tree (still in the index)',
    prepare: (d) => write(d, { '.gitattributes': '*.txt eol=crlf\n' }),
    after: (d) => rmSync(join(d, '.gitattributes')),
  },
];

/**
 * A repository for one conversion: f.txt (CRLF in the work tree) committed, then two lines of it edited;
 * g.txt new with CRLF; h.txt committed and, with core.fileMode=false, only made executable.
 */
function conversionRepo(d: string, prepare: (dir: string) => void, fileModeOff: boolean, after?: (dir: string) => void): void {
  git(d, 'init', '-q', '-b', 'main');
  prepare(d);
  write(d, { 'f.txt': crlf(numbered(20)), 'h.txt': 'h\n' });
  git(d, 'add', '-A');
  git(d, 'commit', '-q', '-m', 'initial');
  write(d, { 'f.txt': crlf(numbered(20, { 2: 'two', 18: 'eighteen' })), 'g.txt': 'new\r\nfile\r\n' });
  if (fileModeOff) {
    chmodSync(join(d, 'f.txt'), 0o755);
    chmodSync(join(d, 'h.txt'), 0o755);
  }
  after?.(d);
}

/** A .gitattributes deleted from the work tree: staging its deletion with the files it converted. */
const ATTRIBUTES_CASES: Case[] = [
  {
    name: 'a .gitattributes deleted from the work tree: stage its deletion with the files',
    setup: (d) => conversionRepo(d, (r) => write(r, { '.gitattributes': '*.txt eol=crlf\n' }), false, (r) => rmSync(join(r, '.gitattributes'))),
    act: (b, d) => b.stage(d, ['.gitattributes', 'f.txt', 'g.txt']),
    // git removes .gitattributes from the index first, so f.txt and g.txt are stored with their CRLF.
    oracle: (d) => git(d, 'add', '-A', '--', '.gitattributes', 'f.txt', 'g.txt'),
  },
];

const CONVERSION_CASES: Case[] = CONVERSIONS.flatMap((cv) => {
  const setup = (d: string) => conversionRepo(d, cv.prepare, cv.fileMode === false, cv.after);
  const cases: Case[] = [
    {
      name: `${cv.name}: stage files`,
      setup,
      act: (b, d) => b.stage(d, ['f.txt', 'g.txt', 'h.txt']),
      oracle: (d) => git(d, 'add', '-A', '--', 'f.txt', 'g.txt', 'h.txt'),
    },
    {
      name: `${cv.name}: unstage`,
      setup: (d) => (setup(d), git(d, 'add', '-A')),
      act: (b, d) => b.unstage(d, ['f.txt', 'g.txt']),
      oracle: (d) => git(d, 'reset', '-q', '--', 'f.txt', 'g.txt'),
    },
    {
      name: `${cv.name}: commit`,
      setup: (d) => (setup(d), git(d, 'add', '-A')),
      act: (b, d, s) => b.commit(d, s, { message: 'converted', amend: false, author: AUTHOR }),
      oracle: (d) => git(d, 'commit', '-q', '-m', 'converted'),
    },
    {
      name: `${cv.name}: discard`,
      setup,
      act: (b, d) => new DiscardStore(tempDir('pl-discard-')).discard(d, ['f.txt'], (paths) => b.refreshIndex(d, paths)),
      oracle: (d) => git(d, 'checkout', '-q', '--', 'f.txt'),
    },
  ];
  if (cv.hunks !== false) {
    cases.push({
      name: `${cv.name}: stage one hunk of two`,
      setup,
      act: async (b, d) => b.stageHunk(d, 'f.txt', 0, await hunkHeader(d, 'f.txt', 'unstaged', 0)),
      oracle: (d) => gitIn(d, 'y\nn\n', 'add', '-p', '--', 'f.txt'),
    });
  }
  return cases;
});

/** A file named with bytes that are not UTF-8 (`caf\xe9.txt`, Latin-1), made through a Buffer path. */
function latin1Name(dir: string, folder = ''): void {
  if (folder) mkdirSync(join(dir, folder), { recursive: true });
  writeFileSync(Buffer.concat([Buffer.from(join(dir, folder, 'caf')), Buffer.from([0xe9]), Buffer.from('.txt')]), 'x\n');
}

const untrackedOf = (s: StatusResult) => s.entries.filter((e) => e.kind === 'untracked').map((e) => e.path);

const NAME_CASES: Case[] = [
  {
    name: 'stage and commit a name with a backslash',
    setup: (d) => (base(d), write(d, { 'back\\slash.txt': 'b\n' })),
    act: async (b, d) => {
      await b.stage(d, ['back\\slash.txt']);
      return b.commit(d, await b.statusSource(d).status(), { message: 'backslash', amend: false, author: AUTHOR });
    },
    oracle: (d) => (git(d, 'add', '-A', '--', 'back\\slash.txt'), git(d, 'commit', '-q', '-m', 'backslash')),
  },
  {
    name: 'stage and commit names with spaces, unicode and a leading dash',
    setup: (d) => (base(d), write(d, { 'with space.txt': 's\n', 'ünï cödé.txt': 'u\n', '-dash.txt': 'd\n', 'dir with space/x.txt': 'x\n' })),
    act: async (b, d) => {
      await b.stage(d, ['with space.txt', 'ünï cödé.txt', '-dash.txt', 'dir with space/']);
      return b.commit(d, await b.statusSource(d).status(), { message: 'names', amend: false, author: AUTHOR });
    },
    oracle: (d) => (git(d, 'add', '-A', '--', 'with space.txt', 'ünï cödé.txt', '-dash.txt', 'dir with space/'), git(d, 'commit', '-q', '-m', 'names')),
  },
  {
    name: 'stage a file whose name is not valid UTF-8',
    setup: (d) => (base(d), latin1Name(d)),
    act: (b, d, s) => b.stage(d, untrackedOf(s)),
    oracle: () => undefined,
    refuses: { native: /caf\uFFFD\.txt is not valid UTF-8/, embedded: /caf\uFFFD\.txt is not valid UTF-8/ },
  },
  {
    name: 'stage a folder holding a file whose name is not valid UTF-8',
    setup: (d) => (base(d), latin1Name(d, 'dir'), write(d, { 'dir/ok.txt': 'ok\n' })),
    act: (b, d) => b.stage(d, ['dir/']),
    oracle: (d) => git(d, 'add', '-A', '--', 'dir/'),
    refuses: { embedded: /dir\/caf\uFFFD\.txt is not valid UTF-8/ },
  },
  {
    name: 'commit a file whose name is not valid UTF-8, staged with git',
    setup: (d) => (base(d), latin1Name(d), git(d, 'add', '-A')),
    act: (b, d, s) => b.commit(d, s, { message: 'latin1', amend: false, author: AUTHOR }),
    oracle: (d) => git(d, 'commit', '-q', '-m', 'latin1'),
    refuses: { embedded: /caf\uFFFD\.txt is not valid UTF-8/ },
    // The built-in status engine cannot stat the file by the name it shows (docs/git.md).
    readDiffers: ['embedded'],
  },
];

const INTENT_TO_ADD_CASES: Case[] = [
  {
    name: 'commit with an intent-to-add entry',
    setup: (d) => (base(d), write(d, { 'n.txt': 'new\n', 'a.txt': 'changed\n' }), git(d, 'add', '-N', 'n.txt'), git(d, 'add', 'a.txt')),
    act: (b, d, s) => b.commit(d, s, { message: 'with ita', amend: false, author: AUTHOR }),
    oracle: (d) => git(d, 'commit', '-q', '-m', 'with ita'),
  },
  {
    name: 'stage an intent-to-add file',
    setup: (d) => (base(d), write(d, { 'n.txt': 'new\n' }), git(d, 'add', '-N', 'n.txt')),
    act: (b, d) => b.stage(d, ['n.txt']),
    oracle: (d) => git(d, 'add', '-A', '--', 'n.txt'),
  },
];

/**
 * Racy git: a.txt was staged and the index written in the same second (mtimes set, not slept for); then
 * a.txt is edited to the same size half a second later (ctime not trusted). git compares whole seconds of
 * mtime, so only the content tells the edit apart.
 */
function racyRepo(d: string): void {
  base(d);
  git(d, 'config', 'core.trustctime', 'false');
  const t = Math.floor(Date.now() / 1000) - 100;
  write(d, { 'a.txt': 'x\n' });
  utimesSync(join(d, 'a.txt'), t, t);
  git(d, 'add', 'a.txt');
  utimesSync(join(d, '.git/index'), t, t);
  write(d, { 'a.txt': 'y\n', 'b.txt': 'c\n' });
  utimesSync(join(d, 'a.txt'), t + 0.5, t + 0.5);
}

const RACY_CASES: Case[] = [
  {
    name: 'racy git: a same-size edit in the second of the index write is seen and staged',
    setup: racyRepo,
    act: (b, d) => b.stage(d, ['a.txt']),
    oracle: (d) => git(d, 'add', '-A', '--', 'a.txt'),
  },
  {
    name: 'racy git: staging another file keeps a racily clean edit visible',
    setup: racyRepo,
    act: (b, d) => b.stage(d, ['b.txt']),
    oracle: (d) => git(d, 'add', '-A', '--', 'b.txt'),
  },
];

const WORKTREE_CASES: Case[] = [
  {
    name: 'a linked worktree: stage and commit',
    setup: (d) => {
      base(d);
      write(d, { '.git/info/exclude': 'wt/\n' });
      git(d, 'worktree', 'add', '-q', '-b', 'feature', 'wt');
      write(join(d, 'wt'), { 'a.txt': 'in the worktree\n' });
    },
    workTree: (d) => join(d, 'wt'),
    fixTwin: (twin) => {
      writeFileSync(join(twin, 'wt/.git'), `gitdir: ${join(twin, '.git/worktrees/wt')}\n`);
      writeFileSync(join(twin, '.git/worktrees/wt/gitdir'), `${join(twin, 'wt/.git')}\n`);
    },
    act: async (b, d) => {
      await b.stage(d, ['a.txt']);
      return b.commit(d, await b.statusSource(d).status(), { message: 'in wt', amend: false, author: AUTHOR });
    },
    oracle: (d) => (git(d, 'add', '-A', '--', 'a.txt'), git(d, 'commit', '-q', '-m', 'in wt')),
    refuses: { embedded: /linked worktree/ },
  },
];

/** Every case, run on each backend. */
export const ALL_CASES: readonly Case[] = [...READS, ...CASES, ...CONVERSION_CASES, ...ATTRIBUTES_CASES, ...NAME_CASES, ...INTENT_TO_ADD_CASES, ...RACY_CASES, ...WORKTREE_CASES];

function sha1(b: Uint8Array): string {
  return createHash('sha1').update(b).digest('hex');
}

/** Every path of the work tree (outside .git) with its kind, exec bit and content hash (names as bytes, shown in hex when not UTF-8). */
function workTree(dir: string, rel: Buffer = Buffer.alloc(0)): string[] {
  const out: string[] = [];
  const abs = (r: Buffer) => Buffer.concat([Buffer.from(`${dir}/`), r]);
  for (const name of readdirSync(abs(rel), { encoding: 'buffer' }).sort(Buffer.compare)) {
    if (name.toString() === '.git') continue;
    const r = rel.length ? Buffer.concat([rel, Buffer.from('/'), name]) : name;
    const shown = r.toString().includes('\uFFFD') ? `hex:${r.toString('hex')}` : r.toString();
    const st = lstatSync(abs(r));
    if (st.isDirectory()) out.push(...workTree(dir, r));
    else if (st.isSymbolicLink()) out.push(`${shown} -> ${readlinkSync(abs(r))}`);
    else out.push(`${shown} ${st.mode & 0o111 ? 'x' : '-'} ${sha1(readFileSync(abs(r)))}`);
  }
  return out;
}

/** What the comparison looks at; commit ids differ (dates), so refs are compared by tree, parent count and subject. */
function snapshot(dir: string) {
  const refs = git(dir, 'for-each-ref', '--format=%(refname) %(tree) %(parent) %(subject)')
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const [name, tree, ...rest] = l.split(' ');
      const parents = rest.filter((w) => /^[0-9a-f]{40,64}$/.test(w));
      return `${name} ${tree} parents=${parents.length} ${rest.slice(parents.length).join(' ')}`;
    });
  let head: string;
  try {
    head = git(dir, 'symbolic-ref', '-q', 'HEAD').trim();
  } catch {
    head = 'detached';
  }
  let fsck = 'ok';
  try {
    execFileSync('git', ['fsck', '--strict', '--no-progress'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    fsck = String((e as { stderr?: Buffer }).stderr ?? e);
  }
  const gitDir = git(dir, 'rev-parse', '--git-dir').trim();
  return {
    index: git(dir, 'ls-files', '-s'),
    workTree: workTree(dir),
    head,
    refs,
    merging: existsSync(join(dir, gitDir, 'MERGE_HEAD')),
    status: nativeStatus(dir),
    fsck,
  };
}

/** `@@ -a,b +c,d @@` with git's omitted counts filled in (a missing count is 1). */
function normalHeader(h: string): string {
  const m = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/.exec(h);
  return m ? `@@ -${m[1]},${m[2] ?? 1} +${m[3]},${m[4] ?? 1} @@` : h;
}

/**
 * The reads Builder shows, against git's on the same repository: history (`git log`) and the hunks of
 * every changed text file (`git diff`, `git diff --cached`).
 */
async function compareReads(dir: string, status: StatusResult): Promise<void> {
  if (status.headOid) {
    const ours = (await readLog(dir, { limit: 50 })).map((c) => `${c.oid} ${c.parents.join(',')} ${c.message.split('\n')[0]}`);
    const theirs = git(dir, 'log', '-n', '50', '--format=%H %P%x00%s')
      .split('\n')
      .filter(Boolean)
      .map((l) => {
        const [ids, subject] = l.split('\0');
        const [oid, ...parents] = ids.trim().split(' ');
        return `${oid} ${parents.join(',')} ${subject}`;
      });
    expect(ours).toEqual(theirs);
  }
  for (const e of status.entries) {
    if (e.kind !== 'tracked' || e.conflict || e.submodule || e.path.includes('\uFFFD')) continue;
    for (const side of ['unstaged', 'staged'] as const) {
      const code = side === 'unstaged' ? e.worktree : e.index;
      if (code !== 'M') continue;
      const [before, after] = await diffSides(dir, e.path, side);
      // Binary files have no hunks; the diff view does not show files over its size limit.
      if ([before, after].some((x) => !x || x.includes(0) || x.length > 1024 * 1024)) continue;
      const ours = computeHunks(splitLines(before!), splitLines(after!)).map((h) => h.header);
      const out = git(dir, '--no-optional-locks', 'diff', ...(side === 'staged' ? ['--cached'] : []), '-U3', '--', e.path);
      if (out.includes('Binary files') || !out.includes('@@')) continue;
      const theirs = out.split('\n').filter((l) => l.startsWith('@@ ')).map(normalHeader);
      expect(ours, `${side} diff of ${e.path}`).toEqual(theirs);
    }
  }
}

/** Declares the suite for one backend: every case of ALL_CASES as one test. */
export function describeConformance(kind: Kind): void {
  afterAll(cleanupTemp);
  describe(`git backend conformance: ${kind}`, () => {
    const backend = chooseBackend(kind);

    // Named with %s: a `$name` title would be cut at 40 characters.
    it.each(ALL_CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
      const top = tempDir('pl-conf-');
      const made = join(top, 'repo');
      mkdirSync(made);
      c.setup(made);
      const dir = c.workTree?.(made) ?? made;

      // The read: the backend's status of the repository as built, against git's.
      const source = backend.statusSource(dir);
      let status: StatusResult;
      try {
        status = await source.status();
        if (!c.readDiffers?.includes(kind)) expect(renderEntries(status.entries)).toEqual(nativeStatus(dir));
      } catch (error) {
        if (!c.readDiffers?.includes(kind)) throw error;
        status = { entries: [], headOid: null, branch: 'main', detached: false, unborn: false };
      } finally {
        source.dispose();
      }

      const twinTop = join(top, 'twin');
      // cp -a: names that are not UTF-8 are copied as the bytes they are (Node's cpSync reads names as strings).
      execFileSync('cp', ['-a', made, twinTop]);
      c.fixTwin?.(twinTop, made);
      const twin = c.workTree ? join(twinTop, dir.slice(made.length)) : twinTop;
      const before = snapshot(dir);

      const refusal = c.refuses?.[kind];
      if (refusal) {
        await expect(c.act(backend, dir, status)).rejects.toThrow(refusal);
        expect(snapshot(dir)).toEqual(before);
        return;
      }
      await c.act(backend, dir, status);
      c.oracle(twin);
      const after = snapshot(dir);
      expect(after).toEqual(snapshot(twin));
      if (!c.fsckFailsForGitToo) expect(after.fsck).toBe('ok');

      // The read after the write: the backend sees what git sees, and history and diffs read as git's.
      if (!c.readDiffers?.includes(kind)) {
        const again = backend.statusSource(dir);
        try {
          const now = await again.status();
          expect(renderEntries(now.entries)).toEqual(nativeStatus(dir));
          if (c.readsRefused) await expect(compareReads(dir, now)).rejects.toThrow(c.readsRefused);
          else await compareReads(dir, now);
        } finally {
          again.dispose();
        }
      }
    });
  });
}
