/**
 * A checkpoint's file list through native git: the shadow repository's own index is brought up to date
 * with `git --git-dir=<shadow> --work-tree=<root> add -A` (objects the user's repository holds are found
 * through the shadow's alternates and not written again), then read back. The snapshot rules stay those
 * of the built-in scan: regular files only, the size policy, and files the user tracks although they
 * match .gitignore are included. Bytes are stored exactly as they are on disk (no line-ending or filter
 * conversion), so a restore gives back the same bytes.
 */
import { closeSync, copyFileSync, existsSync, mkdirSync, openSync, readSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readIndex } from '../index-reader';
import { type NativeGit, runGit } from './git-runner';

export interface CheckpointFile {
  readonly oid: string;
  readonly mode: '100644' | '100755';
}

/** Attributes of the shadow (its info/attributes wins over the project's .gitattributes): store raw bytes. */
const RAW_ATTRIBUTES = '* -text -filter -ident -diff -merge !working-tree-encoding !eol\n';

function looksBinaryFile(abs: string): boolean {
  const buf = Buffer.alloc(8000);
  let fd: number | null = null;
  try {
    fd = openSync(abs, 'r');
    const n = readSync(fd, buf, 0, buf.length, 0);
    return buf.subarray(0, n).includes(0);
  } catch {
    return true;
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

/**
 * Stages the work tree into the shadow's index and returns path → blob. `userIsRepo`: the project is a git
 * repository, whose tracked-but-ignored files are added too; `seedIndex`: the user's index file when a copy
 * of it may start the shadow's index (see index-seed.ts); the limits: the snapshot size policy. The
 * snapshot's trees are written by the shadow repository itself, into its own object store, where the
 * checkpoint readers (which do not follow alternates) find them.
 */
export async function nativeCheckpointScan(
  git: NativeGit,
  shadowGitdir: string,
  root: string,
  options: { readonly userIsRepo: boolean; readonly seedIndex: string | null; readonly sizeLimit: number; readonly binaryLimit: number },
): Promise<Map<string, CheckpointFile>> {
  const { userIsRepo, seedIndex } = options;
  const limits = options;
  mkdirSync(join(shadowGitdir, 'info'), { recursive: true });
  // The first checkpoint starts from a copy of the user's index (its mtime kept, for git's racy check),
  // so `add -A` only re-checks stat data instead of hashing every file.
  const shadowIndex = join(shadowGitdir, 'index');
  let seeded = false;
  if (seedIndex && !existsSync(shadowIndex)) {
    try {
      copyFileSync(seedIndex, shadowIndex);
      seeded = true;
      const st = statSync(seedIndex);
      utimesSync(shadowIndex, st.atime, st.mtime);
    } catch {
      rmSync(shadowIndex, { force: true });
    }
  }
  writeFileSync(join(shadowGitdir, 'info', 'attributes'), RAW_ATTRIBUTES);
  const shadow = ['--git-dir', shadowGitdir, '--work-tree', root, '-c', 'core.bare=false', '-c', 'core.fileMode=true', '-c', 'core.symlinks=true', '-c', 'core.autocrlf=false', '-c', 'core.safecrlf=false', '--literal-pathspecs'];
  await runGit(git, [...shadow, 'add', '-A', '--ignore-errors', '--', '.'], { cwd: root, what: 'take a checkpoint', successCodes: new Set([0, 1]) });
  // Files the user tracks although they match .gitignore: already in a seeded index, else added by name.
  if (userIsRepo && !seeded) {
    const forced = await runGit(git, ['ls-files', '-z', '--cached', '--ignored', '--exclude-standard'], { cwd: root, read: true, what: 'take a checkpoint' });
    if (forced.stdout.length) {
      await runGit(git, [...shadow, 'add', '-f', '--ignore-errors', '--pathspec-from-file=-', '--pathspec-file-nul'], {
        cwd: root,
        input: forced.stdout,
        what: 'take a checkpoint',
        successCodes: new Set([0, 1]),
      });
    }
  }
  const index = readIndex(shadowGitdir);
  const files = new Map<string, CheckpointFile>();
  for (const e of index?.entries ?? []) {
    const regular = e.stage === 0 && (e.mode === 0o100644 || e.mode === 0o100755);
    if (!regular || e.size > limits.sizeLimit || (e.size > limits.binaryLimit && looksBinaryFile(join(root, e.path)))) continue;
    files.set(e.path, { oid: e.oid, mode: e.mode === 0o100755 ? '100755' : '100644' });
  }
  return files;
}
