/**
 * The files of the work tree as a native-git checkpoint would record them, without taking one: from the
 * user's git index and one `git status` (the project's live status, which the evidence ledger reads anyway),
 * hashing only the files that status names and the few the shadow index holds beyond the user's index.
 *
 *   const files = await filesFromStatus(git, root, shadowGitdir, status, limits);   // null: take a snapshot
 *
 * A checkpoint (native-snapshot.ts) is the shadow index after `git add -A` plus the files the user tracks
 * although they are ignored: every regular file that is in the user's index, in the shadow's index, or
 * untracked and not ignored, within the size policy. Here:
 *   - a file git status reports unchanged against the user's index has the index's blob id and mode (git
 *     compared its content when the stat data was racy, and its executable bit, core.fileMode being on);
 *     one over the binary limit is probed for binary content as the files are gathered, not when looked up;
 *   - a file it reports modified, type-changed, unmerged or untracked (untracked folders listed by
 *     `git ls-files --others`), and a file only the shadow's index holds (ignored since it was first
 *     checkpointed), is read and hashed as it is on disk.
 * When that is not certain to give the checkpoint's answer — no index, a split or sparse index,
 * skip-worktree, intent-to-add or assume-unchanged entries, content conversion (autocrlf, attributes),
 * core.fileMode or core.symlinks off, ignore rules the shadow does not share (.git/info/exclude, the
 * repository's own core.excludesFile, another core.ignorecase), a status that failed — the answer is null
 * with the reason, and the caller takes a real snapshot.
 */
import { readFileSync } from 'node:fs';
import * as fsp from 'node:fs/promises';
import { join } from 'node:path';
import type { GitIndex, IndexEntry } from '../git/index-reader';
import { runGit, type NativeGit } from '../git/native/git-runner';
import { parseConfig, readConfig, type RepoLayout } from '../git/repo-layout';
import type { StatusResult } from '../git/status-engine';
import { blobHash } from '../util/text-format';
import { fileStamp, readIndexCached, readIndexCachedAsync } from './index-cache';
import { converts, isPlainIndex, layoutOf } from './index-seed';
import type { SnapshotEntry } from './shadow-repo';
import { TimeSlicer } from './time-slicer';

/** The snapshot size policy: files over sizeLimit, and binary files over binaryLimit, are left out. */
export interface SizePolicy {
  readonly sizeLimit: number;
  readonly binaryLimit: number;
}

/** The work tree's files, or why they could not be read without a snapshot. */
export type StatusFiles = { readonly files: Map<string, SnapshotEntry>; readonly why: null } | { readonly files: null; readonly why: string };

const SLICE_MS = 8;
/** Entries handled between two looks at the clock (a mask: every 512th). */
const TICK_EVERY = 511;
/** As in native-snapshot.ts: a NUL in the first 8,000 bytes makes a file binary. */
const BINARY_PROBE = 8000;
const MODE_FILE = 0o100644;
const MODE_EXEC = 0o100755;

/** True when an exclude file holds a pattern (a line neither blank nor a comment); false when it is missing. */
function hasPatterns(file: string): boolean {
  try {
    return readFileSync(file, 'utf8')
      .split('\n')
      .some((l) => l.trim() !== '' && !l.startsWith('#'));
  } catch {
    return false;
  }
}

/** A setting of one config file, or undefined. */
function configValue(file: string, key: string): string | undefined {
  try {
    return parseConfig(readFileSync(file, 'utf8')).get(key);
  } catch {
    return undefined;
  }
}

function isTrue(value: string | undefined): boolean {
  return value !== undefined && ['true', 'yes', 'on', '1'].includes(value.toLowerCase());
}

/** Why git status of the user's repository would not tell what a checkpoint records, or null. */
function untrustedSetup(layout: RepoLayout, index: GitIndex, shadowGitdir: string): string | null {
  if (!isPlainIndex(index)) return 'the index is split or sparse, or has skip-worktree, intent-to-add or assume-unchanged entries';
  const config = readConfig(layout);
  if (converts(layout, config, index.entries)) return 'git converts content (core.autocrlf or attributes)';
  if (!config.fileMode) return 'core.fileMode is off';
  if (!config.symlinks) return 'core.symlinks is off';
  // The shadow sees the .gitignore files and the global excludes, not the repository's own exclude settings.
  if (hasPatterns(join(layout.commondir, 'info', 'exclude'))) return '.git/info/exclude has patterns';
  if (configValue(join(layout.commondir, 'config'), 'core.excludesfile') !== undefined) return 'the repository sets core.excludesFile';
  if (hasPatterns(join(shadowGitdir, 'info', 'exclude'))) return 'the shadow repository has exclude patterns';
  if (isTrue(configValue(join(shadowGitdir, 'config'), 'core.ignorecase')) !== config.ignoreCase) return 'the shadow repository matches case differently';
  return null;
}

/** The user's index and its stamp (read without blocking); index null when there is none or it is unreadable. */
async function readUserIndex(layout: RepoLayout): Promise<{ index: GitIndex | null; stamp: string }> {
  try {
    return await readIndexCachedAsync(layout.gitdir);
  } catch {
    return { index: null, stamp: fileStamp(join(layout.gitdir, 'index')) };
  }
}

/** True when the first BINARY_PROBE bytes hold a NUL. */
function binaryHead(bytes: Uint8Array): boolean {
  return bytes.subarray(0, BINARY_PROBE).includes(0);
}

/** True when a file's first BINARY_PROBE bytes hold a NUL, or it cannot be read (a checkpoint leaves it out). */
async function binaryFile(abs: string): Promise<boolean> {
  let handle: fsp.FileHandle | null = null;
  try {
    handle = await fsp.open(abs, 'r');
    const buf = Buffer.alloc(BINARY_PROBE);
    const { bytesRead } = await handle.read(buf, 0, BINARY_PROBE, 0);
    return binaryHead(buf.subarray(0, bytesRead));
  } catch {
    return true;
  } finally {
    await handle?.close();
  }
}

/**
 * The stage-0 regular files of the index over the binary limit (and within the size limit) that are binary
 * on disk now, so a checkpoint would leave them out; `skip` names those read from disk anyway. Decided once,
 * when the files are gathered: a later lookup answers for that moment even when a command rewrote them since.
 */
async function binaryIndexed(root: string, index: GitIndex, skip: ReadonlyMap<string, unknown>, limits: SizePolicy, slicer: TimeSlicer): Promise<Set<string>> {
  const large: string[] = [];
  const entries = index.entries;
  for (let i = 0; i < entries.length; i++) {
    if ((i & TICK_EVERY) === 0) await slicer.tick();
    const e = entries[i]!;
    if (e.stage !== 0 || (e.mode !== MODE_FILE && e.mode !== MODE_EXEC)) continue;
    if (e.size > limits.binaryLimit && e.size <= limits.sizeLimit && !skip.has(e.path)) large.push(e.path);
  }
  const binary = new Set<string>();
  for (const path of large) if (await binaryFile(join(root, path))) binary.add(path);
  return binary;
}

/** A UTF-16 code unit as a rank in UTF-8 byte order (astral characters, as surrogates, sort above U+FFFF). */
function rank(c: number): number {
  if (c < 0xd800) return c;
  return c < 0xe000 ? c + 0x2000 : c - 0x800;
}

/** Order of git's index and trees: by the UTF-8 bytes of the path. */
export function byteOrder(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return rank(x) - rank(y);
  }
  return a.length - b.length;
}

/** A file as `git add` records it (regular files only; the executable bit is the owner's), or null. */
async function hashFile(root: string, path: string, limits: SizePolicy): Promise<SnapshotEntry | null> {
  const abs = join(root, path);
  try {
    const st = await fsp.lstat(abs);
    if (!st.isFile() || st.size > limits.sizeLimit) return null;
    const bytes = new Uint8Array(await fsp.readFile(abs));
    if (st.size > limits.binaryLimit && binaryHead(bytes)) return null;
    return { oid: blobHash(bytes), mode: st.mode & 0o100 ? '100755' : '100644' };
  } catch {
    return null;
  }
}

/** The untracked, not ignored files inside untracked folders git status showed as one entry. */
async function untrackedIn(git: NativeGit, root: string, dirs: readonly string[]): Promise<string[]> {
  if (dirs.length === 0) return [];
  const { stdout } = await runGit(git, ['--literal-pathspecs', 'ls-files', '-z', '--others', '--exclude-standard', '--', ...dirs], { cwd: root, read: true, what: 'list new files' });
  // A path ending in "/" is a repository of its own inside the project, which a checkpoint leaves out
  // (hashFile finds no regular file there).
  return stdout
    .toString('utf8')
    .split('\0')
    .filter((p) => p !== '');
}

/**
 * Stage-0 paths of the shadow's index that the user's index lacks: a checkpoint keeps them although now
 * ignored. Both indexes are in git's order, so one walk over both finds them.
 */
async function shadowOnlyPaths(user: GitIndex, shadow: GitIndex | null, slicer: TimeSlicer): Promise<string[]> {
  if (!shadow) return [];
  const mine = user.entries;
  const out: string[] = [];
  let i = 0;
  for (let j = 0; j < shadow.entries.length; j++) {
    if ((j & TICK_EVERY) === 0) await slicer.tick();
    const e = shadow.entries[j]!;
    if (e.stage !== 0) continue;
    const path = e.path;
    while (i < mine.length && mine[i]!.path !== path && byteOrder(mine[i]!.path, path) < 0) i++;
    if (i >= mine.length || mine[i]!.path !== path) out.push(path);
  }
  return out;
}

/** One file's blob at a checkpoint and now: null = absent. */
export interface FileChange {
  readonly before: string | null;
  readonly after: string | null;
}

/** The work tree's files as a checkpoint taken now would record them: looked up one by one, listed, or compared with a checkpoint. */
export interface WorkTreeFiles {
  /** A file as a checkpoint taken now would record it, or undefined when it would hold none there. */
  get(path: string): SnapshotEntry | undefined;
  /** Every file, in git's order (a checkpoint tree's). */
  list(): Promise<Map<string, SnapshotEntry>>;
  /**
   * The files whose blob differs from a checkpoint's (`checkpoint`: path → blob id): those changed or deleted in
   * the checkpoint's order, then the new ones in git's order. Paths `skip` names are never counted.
   */
  changesFrom(checkpoint: ReadonlyMap<string, string>, skip: (path: string) => boolean): Promise<Map<string, FileChange>>;
}

/** The files that differ between a checkpoint and a full list of the files now (see WorkTreeFiles.changesFrom). */
export function changesBetween(checkpoint: ReadonlyMap<string, string>, current: ReadonlyMap<string, SnapshotEntry>, skip: (path: string) => boolean): Map<string, FileChange> {
  const changes = new Map<string, FileChange>();
  for (const [path, oid] of checkpoint) {
    if (skip(path)) continue;
    const now = current.get(path)?.oid ?? null;
    if (now !== oid) changes.set(path, { before: oid, after: now });
  }
  for (const [path, entry] of current) if (!checkpoint.has(path) && !skip(path)) changes.set(path, { before: null, after: entry.oid });
  return changes;
}

/** The work tree's files from a full list of them (a checkpoint just taken). */
export class ListedFiles implements WorkTreeFiles {
  constructor(private readonly files: ReadonlyMap<string, SnapshotEntry>) {}

  get(path: string): SnapshotEntry | undefined {
    return this.files.get(path);
  }

  async list(): Promise<Map<string, SnapshotEntry>> {
    return new Map(this.files);
  }

  async changesFrom(checkpoint: ReadonlyMap<string, string>, skip: (path: string) => boolean): Promise<Map<string, FileChange>> {
    return changesBetween(checkpoint, this.files, skip);
  }
}

/**
 * The work tree's files from the user's index and one git status, never listed unless asked: a file status
 * names (or the shadow index holds beyond the user's) was hashed from disk; every other file is its index
 * entry, looked up (the index is in git's order) or walked beside a checkpoint's files. Nothing is read from
 * disk after gathering: the answers are the work tree of that moment, whatever commands change since.
 */
class IndexedFiles implements WorkTreeFiles {
  constructor(
    private readonly index: GitIndex,
    /** The files read from disk, by path: null when a checkpoint would leave it out. */
    private readonly fromDisk: ReadonlyMap<string, SnapshotEntry | null>,
    private readonly limits: SizePolicy,
    /** Index entries over the binary limit that were binary when the files were gathered (binaryIndexed). */
    private readonly binary: ReadonlySet<string>,
  ) {}

  /** The blob id a checkpoint records for a stage-0 index entry, or null (not a regular file, over the size policy). */
  private recordedOid(e: IndexEntry): string | null {
    const mode = e.mode;
    if (e.stage !== 0 || (mode !== MODE_FILE && mode !== MODE_EXEC)) return null;
    if (e.size > this.limits.sizeLimit || (e.size > this.limits.binaryLimit && this.binary.has(e.path))) return null;
    return e.oid;
  }

  /** An index entry as a checkpoint records it, or null (see recordedOid). */
  private recorded(e: IndexEntry): SnapshotEntry | null {
    const oid = this.recordedOid(e);
    return oid === null ? null : { oid, mode: e.mode === MODE_EXEC ? '100755' : '100644' };
  }

  /** Position of a path's first entry in the index, or -1 (binary search: the index is in git's order). */
  private find(path: string): number {
    const entries = this.index.entries;
    let lo = 0;
    let hi = entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (byteOrder(entries[mid]!.path, path) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo < entries.length && entries[lo]!.path === path ? lo : -1;
  }

  get(path: string): SnapshotEntry | undefined {
    if (this.fromDisk.has(path)) return this.fromDisk.get(path) ?? undefined;
    const at = this.find(path);
    return (at >= 0 ? this.recorded(this.index.entries[at]!) : null) ?? undefined;
  }

  async list(): Promise<Map<string, SnapshotEntry>> {
    const slicer = new TimeSlicer(SLICE_MS);
    const files = new Map<string, SnapshotEntry>();
    const extra = [...this.fromDisk.keys()].sort(byteOrder);
    // Both lists are in git's order; merged, the map lists paths as a checkpoint's tree does.
    let k = 0;
    const takeExtraBefore = (path: string | null): void => {
      for (; k < extra.length && (path === null || byteOrder(extra[k]!, path) < 0); k++) {
        const entry = this.fromDisk.get(extra[k]!);
        if (entry) files.set(extra[k]!, entry);
      }
    };
    const entries = this.index.entries;
    for (let i = 0; i < entries.length; i++) {
      if ((i & TICK_EVERY) === 0) await slicer.tick();
      const e = entries[i]!;
      if (this.fromDisk.has(e.path)) continue;
      const entry = this.recorded(e);
      if (!entry) continue;
      if (k < extra.length) takeExtraBefore(e.path);
      files.set(e.path, entry);
    }
    takeExtraBefore(null);
    return files;
  }

  /**
   * One walk over the checkpoint's files beside the index (both in git's order, so the next index entry is
   * nearly always the path looked for), without a map of the files now. Gives what changesBetween gives for
   * the listed files.
   */
  async changesFrom(checkpoint: ReadonlyMap<string, string>, skip: (path: string) => boolean): Promise<Map<string, FileChange>> {
    const slicer = new TimeSlicer(SLICE_MS);
    const entries = this.index.entries;
    /** Index entries a checkpoint path was matched with. */
    const matched = new Uint8Array(entries.length);
    const changes = new Map<string, FileChange>();
    let next = 0;
    let n = 0;
    for (const [path, before] of checkpoint) {
      if ((n++ & TICK_EVERY) === 0) await slicer.tick();
      if (skip(path)) continue;
      let after: string | null;
      if (this.fromDisk.has(path)) after = this.fromDisk.get(path)?.oid ?? null;
      else {
        const at = next < entries.length && entries[next]!.path === path ? next : this.find(path);
        if (at >= 0) {
          matched[at] = 1;
          next = at + 1;
          after = this.recordedOid(entries[at]!);
        } else after = null;
      }
      if (after !== before) changes.set(path, { before, after });
    }
    // New files: index entries no checkpoint path matched, and files read from disk the checkpoint lacks.
    const added: Array<[string, string]> = [];
    for (let i = 0; i < entries.length; i++) {
      if ((i & TICK_EVERY) === 0) await slicer.tick();
      if (matched[i]) continue;
      const e = entries[i]!;
      if (this.fromDisk.has(e.path) || skip(e.path)) continue;
      const oid = this.recordedOid(e);
      if (oid !== null) added.push([e.path, oid]);
    }
    for (const [path, entry] of this.fromDisk) if (entry && !checkpoint.has(path) && !skip(path)) added.push([path, entry.oid]);
    added.sort((a, b) => byteOrder(a[0], b[0]));
    for (const [path, after] of added) changes.set(path, { before: null, after });
    return changes;
  }
}

/** The work tree's files from the index and git status, or why they could not be read without a snapshot. */
export type StatusTree = { readonly files: WorkTreeFiles; readonly why: null } | { readonly files: null; readonly why: string };

/**
 * The work tree's files as a checkpoint of `root` would record them now (see the file comment), listed.
 * `status` must be a git status of `root` started after the last change to look at.
 */
export async function filesFromStatus(git: NativeGit, root: string, shadowGitdir: string, status: Promise<StatusResult>, limits: SizePolicy): Promise<StatusFiles> {
  const tree = await treeFromStatus(git, root, shadowGitdir, status, limits);
  return tree.files ? { files: await tree.files.list(), why: null } : tree;
}

/**
 * The work tree's files as a checkpoint of `root` would record them now (see the file comment), to look up
 * or compare without listing them. `status` must be a git status of `root` started after the last change to
 * look at (the live status's fresh run).
 */
export async function treeFromStatus(git: NativeGit, root: string, shadowGitdir: string, status: Promise<StatusResult>, limits: SizePolicy): Promise<StatusTree> {
  // A status this call does not wait for (it returns early) must not end as an unhandled rejection.
  void status.catch(() => undefined);
  const { layout } = layoutOf(root);
  const slicer = new TimeSlicer(SLICE_MS);
  // The indexes are read while git status runs, yielding between the steps.
  let user = await readUserIndex(layout);
  if (!user.index) return { files: null, why: 'the repository has no (readable) index' };
  await slicer.tick();
  let shadowIndex: GitIndex | null;
  try {
    shadowIndex = readIndexCached(shadowGitdir);
  } catch (error) {
    return { files: null, why: `the shadow index is unreadable (${(error as Error).message})` };
  }
  await slicer.tick();
  const setup = untrustedSetup(layout, user.index, shadowGitdir);
  if (setup) return { files: null, why: setup };
  await slicer.tick();
  let shadowOnly = await shadowOnlyPaths(user.index, shadowIndex, slicer);
  let result: StatusResult;
  try {
    result = await status;
  } catch (error) {
    return { files: null, why: `git status failed (${(error as Error).message})` };
  }
  // The index git status compared against must be the one read here: read it again if it was rewritten.
  if (fileStamp(join(layout.gitdir, 'index')) !== user.stamp) {
    user = await readUserIndex(layout);
    if (!user.index || !isPlainIndex(user.index)) return { files: null, why: 'the index changed into one that cannot be trusted while git status ran' };
    shadowOnly = await shadowOnlyPaths(user.index, shadowIndex, slicer);
  }
  const index = user.index;

  // Files whose content must be read from disk.
  const fromDisk = new Set<string>();
  const untrackedDirs: string[] = [];
  for (const e of result.entries) {
    if (e.kind === 'ignored') continue;
    if (e.kind === 'untracked') {
      if (e.path.endsWith('/')) untrackedDirs.push(e.path);
      else fromDisk.add(e.path);
    } else if (e.worktree !== ' ') fromDisk.add(e.path);
  }
  let nested: string[];
  try {
    nested = await untrackedIn(git, root, untrackedDirs);
  } catch (error) {
    return { files: null, why: `listing new files failed (${(error as Error).message})` };
  }
  for (const p of nested) fromDisk.add(p);
  for (const p of shadowOnly) fromDisk.add(p);

  const extra = [...fromDisk].sort(byteOrder);
  const read = new Map<string, SnapshotEntry | null>();
  // A few files at a time: the disk works while hashing, without opening thousands of handles.
  for (let i = 0; i < extra.length; i += 16) {
    const batch = extra.slice(i, i + 16);
    const hashed = await Promise.all(batch.map((p) => hashFile(root, p, limits)));
    batch.forEach((p, j) => read.set(p, hashed[j]!));
  }
  return { files: new IndexedFiles(index, read, limits, await binaryIndexed(root, index, read, limits, slicer)), why: null };
}
