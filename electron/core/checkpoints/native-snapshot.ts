/**
 * A checkpoint through native git: the shadow repository's own index is brought up to date with
 * `git --git-dir=<shadow> --work-tree=<root> add -A` (objects the user's repository holds are found through
 * the shadow's alternates and not written again) and its tree is written by `git write-tree`, which reuses
 * every folder tree the index's cache tree still knows. Nothing walks or reads the 25,000 entries in
 * JavaScript: the index is only scanned (index-scan.ts) for the few entries the snapshot rules leave out,
 * which are taken out of the shadow's index before the tree is written.
 *
 * The snapshot rules stay those of the built-in scan: regular files only, the size policy, and files the
 * user tracks although they match .gitignore are included. Bytes are stored exactly as they are on disk
 * (no line-ending or filter conversion), so a restore gives back the same bytes.
 */
import { closeSync, copyFileSync, existsSync, mkdirSync, openSync, readFileSync, readSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readIndex } from '../git/index-reader';
import { type NativeGit, runGit } from '../git/native/git-runner';
import { fileStamp, readIndexCached } from './index-cache';
import { scanIndex } from './index-scan';

export { fileStamp } from './index-cache';

export interface CheckpointFile {
  readonly oid: string;
  readonly mode: '100644' | '100755';
}

/** The snapshot size policy: files over sizeLimit, and binary files over binaryLimit, are left out. */
export interface SnapshotLimits {
  readonly sizeLimit: number;
  readonly binaryLimit: number;
}

/** What a native checkpoint wrote: its root tree, or null when git could not write it (see `files`). */
export interface NativeSnapshot {
  /** The root tree id (`git write-tree`), or null when the index could not be written as a tree. */
  readonly tree: string | null;
  /** Identity of the shadow index the tree was written from: it lists the snapshot's files while unchanged. */
  readonly indexStamp: string;
}

/** Attributes of the shadow (its info/attributes wins over the project's .gitattributes): store raw bytes. */
const RAW_ATTRIBUTES = '* -text -filter -ident -diff -merge !working-tree-encoding !eol\n';
const MODE_FILE = 0o100644;
const MODE_EXEC = 0o100755;

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
 * True when an index entry is left out of a snapshot: not a regular file at stage 0, or over the size
 * policy. `path` is asked for only when the file must be looked at.
 */
function leftOut(root: string, path: () => string, mode: number, stage: number, size: number, limits: SnapshotLimits): boolean {
  if (stage !== 0 || (mode !== MODE_FILE && mode !== MODE_EXEC)) return true;
  return size > limits.sizeLimit || (size > limits.binaryLimit && looksBinaryFile(join(root, path())));
}

/** The paths of an index file that a snapshot leaves out (a scan of the raw bytes; a full parse for index v4). */
function leftOutPaths(root: string, indexFile: string, limits: SnapshotLimits): string[] {
  const out: string[] = [];
  const buf = readFileSync(indexFile);
  const scanned = scanIndex(buf, (e) => {
    if (leftOut(root, e.path, e.mode, e.stage, e.size, limits)) out.push(e.path());
  });
  if (scanned) return out;
  for (const e of readIndex(join(indexFile, '..'))?.entries ?? []) if (leftOut(root, () => e.path, e.mode, e.stage, e.size, limits)) out.push(e.path);
  return out;
}

/**
 * The files of the shadow index as a snapshot records them, in index order (the order of the trees). Used
 * when git could not write the tree, and to list a checkpoint's files while its index is unchanged.
 */
export function snapshotFilesOf(shadowGitdir: string, root: string, limits: SnapshotLimits): Map<string, CheckpointFile> {
  const files = new Map<string, CheckpointFile>();
  for (const e of readIndexCached(shadowGitdir)?.entries ?? []) {
    if (leftOut(root, () => e.path, e.mode, e.stage, e.size, limits)) continue;
    files.set(e.path, { oid: e.oid, mode: e.mode === MODE_EXEC ? '100755' : '100644' });
  }
  return files;
}

/**
 * Stages the work tree into the shadow's index and writes its tree. `userIsRepo`: the project is a git
 * repository, whose tracked-but-ignored files are added too; `seedIndex`: the user's index file when a copy
 * of it may start the shadow's index (see index-seed.ts); the limits: the snapshot size policy.
 */
export async function nativeSnapshot(
  git: NativeGit,
  shadowGitdir: string,
  root: string,
  options: SnapshotLimits & { readonly userIsRepo: boolean; readonly seedIndex: string | null },
): Promise<NativeSnapshot> {
  const { userIsRepo, seedIndex } = options;
  mkdirSync(join(shadowGitdir, 'info'), { recursive: true });
  // The first checkpoint starts from a copy of the user's index (its mtime kept, for git's racy check),
  // so `add -A` only re-checks stat data instead of hashing every file, and its cache tree lets
  // `write-tree` reuse the trees of every folder nothing changed in.
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
  const what = 'take a checkpoint';
  await runGit(git, [...shadow, 'add', '-A', '--ignore-errors', '--', '.'], { cwd: root, what, successCodes: new Set([0, 1]) });
  // Files the user tracks although they match .gitignore: already in a seeded index, else added by name.
  if (userIsRepo && !seeded) {
    const forced = await runGit(git, ['ls-files', '-z', '--cached', '--ignored', '--exclude-standard'], { cwd: root, read: true, what });
    if (forced.stdout.length) {
      await runGit(git, [...shadow, 'add', '-f', '--ignore-errors', '--pathspec-from-file=-', '--pathspec-file-nul'], { cwd: root, input: forced.stdout, what, successCodes: new Set([0, 1]) });
    }
  }
  // The index then holds exactly the snapshot's files, so git writes the snapshot's tree.
  const dropped = leftOutPaths(root, shadowIndex, options);
  if (dropped.length) {
    await runGit(git, [...shadow, 'rm', '--cached', '-q', '-r', '--ignore-unmatch', '--pathspec-from-file=-', '--pathspec-file-nul'], {
      cwd: root,
      input: Buffer.from(dropped.map((p) => `${p}\0`).join('')),
      what,
    });
  }
  // A tree git refuses to write (an index left with conflicts) is written by the caller from the index's files.
  const written = await runGit(git, ['--git-dir', shadowGitdir, 'write-tree'], { cwd: root, what, successCodes: new Set([0, 128]) });
  const tree = written.exitCode === 0 ? written.stdout.toString('utf8').trim() : null;
  return { tree: tree && /^[0-9a-f]{40}$/.test(tree) ? tree : null, indexStamp: fileStamp(shadowIndex) };
}

/**
 * The blob ids a new checkpoint replaced or dropped since the previous one (`git diff-tree` of the two
 * trees in the shadow repository: only changed paths are listed, never the whole tree).
 */
export async function replacedBlobs(git: NativeGit, shadowGitdir: string, root: string, before: string, after: string): Promise<string[]> {
  if (before === after) return [];
  const { stdout } = await runGit(git, ['--git-dir', shadowGitdir, 'diff-tree', '-r', '-z', '--no-renames', before, after], { cwd: root, read: true, what: 'take a checkpoint' });
  const out: string[] = [];
  // Records: ":<old mode> <new mode> <old oid> <new oid> <status>\0<path>\0".
  const parts = stdout.toString('utf8').split('\0');
  for (let i = 0; i + 1 < parts.length; i += 2) {
    const [oldMode, , oldOid] = parts[i]!.slice(1).split(' ');
    if ((oldMode === '100644' || oldMode === '100755') && oldOid && !/^0+$/.test(oldOid)) out.push(oldOid);
  }
  return out;
}
