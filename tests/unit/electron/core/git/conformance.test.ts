/**
 * One conformance suite for both git backends. Every case builds a repository with native git, checks
 * the backend's status read against `git status`, then makes a write through the backend and the same
 * write with native git on a twin copy, and compares index (`ls-files -s`), work tree, HEAD and refs,
 * merge state, status and `git fsck --strict`. A case a backend refuses must be refused with a clear
 * message and the repository unchanged. docs/git.md lists these cases and what each backend does.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, cpSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { chooseBackend, type GitBackend } from '../../../../../electron/core/git/backend';
import { computeHunks, splitLines } from '../../../../../electron/core/git/hunks';
import { readCommitSide, readIndexSide } from '../../../../../electron/core/git/object-reads';
import type { StatusResult } from '../../../../../electron/core/git/status-engine';
import { cleanupTemp, git, nativeStatus, renderEntries, tempDir, write } from './git-oracle';

afterAll(cleanupTemp);

type Kind = 'native' | 'embedded';
const BACKENDS: Record<Kind, GitBackend> = { native: chooseBackend('native'), embedded: chooseBackend('embedded') };

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
  /** The work tree to act on, when not the folder setup got (a submodule's superproject). */
  readonly workTree?: (dir: string) => string;
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

async function hunkHeader(dir: string, path: string, side: 'unstaged' | 'staged', index: number): Promise<string> {
  const [before, after] =
    side === 'unstaged'
      ? [await readIndexSide(dir, path), { bytes: readFileSync(join(dir, path)) }]
      : [await readCommitSide(dir, null, path), await readIndexSide(dir, path)];
  return computeHunks(splitLines(before.bytes ?? new Uint8Array()), splitLines(after.bytes ?? new Uint8Array()))[index].header;
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

function sha1(b: Uint8Array): string {
  return createHash('sha1').update(b).digest('hex');
}

/** Every path of the work tree (outside .git) with its kind, exec bit and content hash. */
function workTree(dir: string, rel = ''): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(dir, rel)).sort()) {
    if (name === '.git') continue;
    const r = rel ? `${rel}/${name}` : name;
    const st = lstatSync(join(dir, r));
    if (st.isDirectory()) out.push(...workTree(dir, r));
    else if (st.isSymbolicLink()) out.push(`${r} -> ${readlinkSync(join(dir, r))}`);
    else out.push(`${r} ${st.mode & 0o111 ? 'x' : '-'} ${sha1(readFileSync(join(dir, r)))}`);
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

describe.each(Object.keys(BACKENDS) as Kind[])('git backend conformance: %s', (kind) => {
  const backend = BACKENDS[kind];

  it.each([...READS, ...CASES])('$name', async (c) => {
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
    cpSync(made, twinTop, { recursive: true, verbatimSymlinks: true, preserveTimestamps: true });
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

    // The read after the write: the backend sees what git sees.
    if (!c.readDiffers?.includes(kind)) {
      const again = backend.statusSource(dir);
      try {
        expect(renderEntries((await again.status()).entries)).toEqual(nativeStatus(dir));
      } finally {
        again.dispose();
      }
    }
  });
});
