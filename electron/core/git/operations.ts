import * as nodeFs from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import git from 'isomorphic-git';
import type { GitChange, GitStatus } from '../../../shared/contract';
import { RpcError } from '../../../shared/rpc';
import { looksBinary } from '../files/file-reader';
import { EolRules, indexAttributesOf } from './eol';
import { embeddedGitFs, writeLooseObject } from './git-fs';
import { ObjectStore } from './object-store';
import { applyHunk, computeHunks, joinLines, revertHunk, splitLines, type LineHunk } from './hunks';
import { type IndexEntry as RawIndexEntry, readIndex } from './index-reader';
import { readConfig, resolveLayout } from './repo-layout';
import { diffCommits, readCommitSide, readIndexEntry, readIndexSide, readWorktreeForDiff, resolveHead } from './object-reads';

/** A status entry as the status engine reports it (see status-engine.ts). */
export type LocalEntry =
  | { readonly kind: 'tracked'; readonly path: string; readonly index: string; readonly worktree: string }
  | { readonly kind: 'untracked'; readonly path: string }
  | { readonly kind: 'ignored'; readonly path: string };

/** A status snapshot as the status engine reports it. */
export interface LocalStatus {
  readonly entries: readonly LocalEntry[];
  readonly headOid: string | null;
  readonly branch: string | null;
  readonly detached: boolean;
  readonly unborn: boolean;
}

const KIND_OF: Record<string, GitChange['kind'] | undefined> = { M: 'modified', A: 'added', D: 'deleted', T: 'typechange', U: 'conflicted' };

/** Turns the engine's entries into the Changes list's three groups. */
export function toChangesView(status: LocalStatus): GitStatus {
  const staged: GitChange[] = [];
  const unstaged: GitChange[] = [];
  const untracked: string[] = [];
  for (const e of status.entries) {
    if (e.kind === 'untracked') untracked.push(e.path);
    else if (e.kind === 'tracked') {
      const conflicted = e.index === 'U' || e.worktree === 'U';
      if (conflicted) {
        unstaged.push({ path: e.path, kind: 'conflicted' });
        continue;
      }
      const s = KIND_OF[e.index];
      if (s) staged.push({ path: e.path, kind: s });
      const w = KIND_OF[e.worktree];
      if (w) unstaged.push({ path: e.path, kind: w });
    }
  }
  return { branch: status.branch, detached: status.detached, unborn: status.unborn, headOid: status.headOid, staged, unstaged, untracked };
}

/**
 * Refuses a path that names no file because the file's real name is not valid UTF-8 (the name arrives with
 * U+FFFD in place of the bytes it cannot show, so no git command could name that file).
 */
export function checkPathNames(dir: string, paths: readonly string[]): void {
  for (const p of paths) {
    if (!p.includes('\uFFFD')) continue;
    const clean = p.replace(/\/$/, '');
    if (nodeFs.existsSync(join(dir, clean))) continue;
    throw new RpcError(
      'UNAVAILABLE',
      `The name of ${clean} is not valid UTF-8, so Plumbline cannot pass it to git as it is. Rename the file, or stage it with git in a terminal. Nothing was changed.`,
      { files: [clean] },
    );
  }
}

/** What staging one work-tree file stores: the blob (line endings converted as git does) and the mode. */
async function stagedBlob(dir: string, path: string, eol: EolRules, fileMode: boolean, tracked: ReadonlyMap<string, RawIndexEntry>): Promise<{ blob: Uint8Array; mode: number }> {
  const abs = join(dir, path);
  const st = await nodeFs.promises.lstat(abs);
  if (st.isSymbolicLink()) return { blob: Buffer.from(await nodeFs.promises.readlink(abs, { encoding: 'buffer' })), mode: 0o120000 };
  const old = tracked.get(path);
  const raw = await nodeFs.promises.readFile(abs);
  const blob = eol.clean(path, raw, () => (old ? readBlobSync(dir, old.oid) : null));
  // core.fileMode=false: the executable bit on disk means nothing; a file keeps the mode it is staged with.
  const mode = fileMode ? (st.mode & 0o100 ? 0o100755 : 0o100644) : old && (old.mode === 0o100755 || old.mode === 0o100644) ? old.mode : 0o100644;
  return { blob, mode };
}

function readBlobSync(dir: string, oid: string): Uint8Array | null {
  const store = new ObjectStore(resolveLayout(dir));
  try {
    return store.tryRead(oid)?.data ?? null;
  } finally {
    store.dispose();
  }
}

/** The files of an untracked folder that `git add dir/` takes: ignored files and nested repositories left out. */
async function expandFolder(dir: string, folder: string, fs: typeof nodeFs): Promise<string[]> {
  const out: string[] = [];
  const names = await nodeFs.promises.readdir(join(dir, folder), { withFileTypes: true });
  for (const d of names.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (d.name === '.git') continue;
    const rel = `${folder}/${d.name}`;
    checkPathNames(dir, [rel]);
    if (await git.isIgnored({ fs, dir, filepath: rel })) continue;
    if (d.isDirectory()) {
      if (nodeFs.existsSync(join(dir, rel, '.git'))) continue;
      out.push(...(await expandFolder(dir, rel, fs)));
    } else if (d.isFile() || d.isSymbolicLink()) out.push(rel);
  }
  return out;
}

/**
 * Stages paths: present files are added (content converted as git does, mode as core.fileMode says),
 * missing ones staged as deletions, untracked folders added without their ignored files.
 */
export async function stagePaths(dir: string, paths: readonly string[]): Promise<void> {
  const fs = embeddedGitFs(dir);
  const layout = resolveLayout(dir);
  const index = readIndex(layout.gitdir)?.entries ?? [];
  const tracked = new Map(index.filter((e) => e.stage === 0).map((e) => [e.path, e]));
  const files: string[] = [];
  const removals: string[] = [];
  for (const p of paths) {
    const clean = p.replace(/\/$/, '');
    const st = await nodeFs.promises.lstat(join(dir, clean)).catch(() => null);
    // A file replaced by a folder (or a folder by a file): the old entries go first, as `git add -A` does,
    // so the index never holds both `a` and `a/…` (a tree git rejects).
    if (st?.isDirectory()) {
      if (tracked.has(clean)) removals.push(clean);
      files.push(...(await expandFolder(dir, clean, fs)));
    } else if (st) {
      if (index.some((t) => t.path.startsWith(`${clean}/`))) removals.push(clean);
      // Files come from the Changes list, so a tracked file matching .gitignore still stages.
      files.push(clean);
    } else if (await readIndexEntry(dir, clean)) removals.push(clean);
  }
  // Everything is read and checked before the first write. An attributes file whose deletion is staged
  // here no longer applies: git removes it from the index before it adds the files it converted.
  const fromIndex = indexAttributesOf(layout);
  const eol = EolRules.load(dir, layout, undefined, (file) => (removals.includes(file) ? null : fromIndex(file)));
  for (const f of files) {
    const filter = eol.unsupported(f);
    if (filter) {
      throw new RpcError('UNAVAILABLE', `The built-in git engine cannot stage ${f}: it uses ${filter}, which only git can apply. Install git 2.30 or newer (Plumbline then uses it for this repository). Nothing was changed.`, { feature: 'filter' });
    }
  }
  const fileMode = readConfig(layout).fileMode;
  const staged = [];
  for (const f of files) staged.push({ path: f, ...(await stagedBlob(dir, f, eol, fileMode, tracked)) });
  for (const r of removals) await git.remove({ fs, dir, filepath: r });
  for (const f of staged) {
    const oid = await git.writeBlob({ fs, dir, blob: f.blob });
    // Written without stat data; the index writer takes the file's own once it holds this blob (git-fs.ts).
    await git.updateIndex({ fs, dir, filepath: f.path, oid, mode: f.mode, add: true });
  }
}

/** Rewrites the index entries of `paths` unchanged; the index writer takes the stat data of files that hold them (git-fs.ts). */
export async function refreshEntries(dir: string, paths: readonly string[]): Promise<void> {
  const fs = embeddedGitFs(dir);
  for (const p of paths) {
    const entry = await readIndexEntry(dir, p);
    if (entry && entry.mode !== 0o160000) await git.updateIndex({ fs, dir, filepath: p, oid: entry.oid, mode: entry.mode });
  }
}

/** Unstages paths: their index entries go back to HEAD (or away, when HEAD does not have them). */
export async function unstagePaths(dir: string, paths: readonly string[]): Promise<void> {
  const fs = embeddedGitFs(dir);
  const head = await resolveHead(dir);
  for (const p of paths) {
    if (head) await git.resetIndex({ fs, dir, filepath: p, ref: head });
    else if (await readIndexEntry(dir, p)) await git.remove({ fs, dir, filepath: p });
  }
}

function requireText(path: string, ...sides: Array<Uint8Array | null>): void {
  if (sides.some((b) => b && looksBinary(b))) throw new RpcError('CONFLICT', `${path} is binary; stage or unstage the whole file instead of a hunk.`);
}

function findHunk(hunks: readonly LineHunk[], index: number, header: string, path: string): LineHunk {
  const hunk = hunks[index];
  if (!hunk || hunk.header !== header) {
    throw new RpcError('CONFLICT', `The diff of ${path} changed since it was shown; look at the refreshed diff and try again.`);
  }
  return hunk;
}

function modeOfWorktree(mode: number | null): number {
  return mode === 0o100755 ? 0o100755 : 0o100644;
}

/** Stages one hunk of the work tree ↔ index diff (the work tree as git diff shows it), leaving the rest unstaged. */
export async function stageHunk(dir: string, path: string, index: number, header: string): Promise<void> {
  const fs = embeddedGitFs(dir);
  const staged = await readIndexSide(dir, path);
  const work = await readWorktreeForDiff(dir, path, staged.bytes);
  if (work.mode === 0o120000 || staged.mode === 0o120000) throw new RpcError('CONFLICT', `${path} is a symbolic link; stage the whole file.`);
  requireText(path, staged.bytes, work.bytes);
  const oldLines = splitLines(staged.bytes ?? new Uint8Array());
  const newLines = splitLines(work.bytes ?? new Uint8Array());
  const hunk = findHunk(computeHunks(oldLines, newLines), index, header, path);
  const blob = joinLines(applyHunk(oldLines, newLines, hunk));
  const oid = await git.writeBlob({ fs, dir, blob });
  const fileMode = readConfig(resolveLayout(dir)).fileMode;
  const mode = staged.mode ?? (fileMode ? modeOfWorktree(work.mode) : 0o100644);
  await git.updateIndex({ fs, dir, filepath: path, oid, mode, add: true });
}

/** Unstages one hunk of the index ↔ HEAD diff, leaving the rest staged. */
export async function unstageHunk(dir: string, path: string, index: number, header: string): Promise<void> {
  const fs = embeddedGitFs(dir);
  const [head, staged] = await Promise.all([readCommitSide(dir, null, path), readIndexSide(dir, path)]);
  if (head.mode === 0o120000 || staged.mode === 0o120000) throw new RpcError('CONFLICT', `${path} is a symbolic link; unstage the whole file.`);
  requireText(path, head.bytes, staged.bytes);
  const oldLines = splitLines(head.bytes ?? new Uint8Array());
  const newLines = splitLines(staged.bytes ?? new Uint8Array());
  const hunk = findHunk(computeHunks(oldLines, newLines), index, header, path);
  const blob = joinLines(revertHunk(oldLines, newLines, hunk));
  const oid = await git.writeBlob({ fs, dir, blob });
  await git.updateIndex({ fs, dir, filepath: path, oid, mode: staged.mode ?? head.mode ?? 0o100644, add: true });
}

/**
 * The checks both backends make before a commit, with messages that say what to do; returns the trimmed
 * message. `merging`: a merge is being completed, which may commit a tree equal to HEAD's.
 */
export function checkCommittable(status: LocalStatus, options: { readonly message: string; readonly amend: boolean }, merging: boolean): string {
  const message = options.message.trim();
  if (options.amend && status.unborn) throw new RpcError('CONFLICT', 'There is no commit to amend yet. Make a first commit instead.');
  if (!message && !options.amend) throw new RpcError('INVALID_REQUEST', 'Write a commit message first.');
  const staged = status.entries.some((e) => e.kind === 'tracked' && e.index !== ' ');
  if (!staged && !options.amend && !merging) throw new RpcError('CONFLICT', 'Nothing is staged. Stage the changes to commit first.');
  if (status.entries.some((e) => e.kind === 'tracked' && (e.index === 'U' || e.worktree === 'U'))) {
    throw new RpcError('CONFLICT', 'Some files have unresolved conflicts. Resolve and stage them before committing.');
  }
  return message;
}

/** Writes one object (type + content) as a loose object; returns its id. */
async function writeObject(dir: string, type: 'tree', content: Buffer): Promise<string> {
  const full = Buffer.concat([Buffer.from(`${type} ${content.length}\0`), content]);
  const oid = createHash('sha1').update(full).digest('hex');
  await writeLooseObject(join(resolveLayout(dir).commondir, 'objects', oid.slice(0, 2), oid.slice(2)), deflateSync(full));
  return oid;
}

/** git's tree order: names compared bytewise, a folder as if its name ended with '/'. */
function treeOrder(a: { name: string; folder: boolean }, b: { name: string; folder: boolean }): number {
  return Buffer.compare(Buffer.from(a.folder ? `${a.name}/` : a.name), Buffer.from(b.folder ? `${b.name}/` : b.name));
}

/**
 * Writes the tree of the index as `git write-tree` does: intent-to-add entries left out, names kept byte
 * for byte (a backslash is a character of the name, not a separator).
 */
export async function writeIndexTree(dir: string): Promise<string> {
  const entries = (readIndex(resolveLayout(dir).gitdir)?.entries ?? []).filter((e) => e.stage === 0 && !e.intentToAdd);
  const write = async (items: ReadonlyArray<{ rest: string; oid: string; mode: number }>): Promise<string> => {
    const folders = new Map<string, Array<{ rest: string; oid: string; mode: number }>>();
    const rows: Array<{ name: string; folder: boolean; mode: number; oid: string }> = [];
    for (const it of items) {
      const slash = it.rest.indexOf('/');
      if (slash < 0) rows.push({ name: it.rest, folder: false, mode: it.mode, oid: it.oid });
      else {
        const name = it.rest.slice(0, slash);
        if (!folders.has(name)) folders.set(name, []);
        folders.get(name)!.push({ ...it, rest: it.rest.slice(slash + 1) });
      }
    }
    for (const [name, sub] of folders) rows.push({ name, folder: true, mode: 0o40000, oid: await write(sub) });
    rows.sort(treeOrder);
    const content = Buffer.concat(rows.map((r) => Buffer.concat([Buffer.from(`${r.mode.toString(8)} ${r.name}\0`), Buffer.from(r.oid, 'hex')])));
    return writeObject(dir, 'tree', content);
  };
  return write(entries.map((e) => ({ rest: e.path, oid: e.oid, mode: e.mode })));
}

/** Commits what is staged (or amends HEAD); refuses an empty message or nothing staged, saying why. */
export async function commitStaged(
  dir: string,
  status: LocalStatus,
  options: { readonly message: string; readonly amend: boolean; readonly author: { readonly name: string; readonly email: string } },
): Promise<string> {
  const fs = embeddedGitFs(dir);
  const gitdir = resolveLayout(dir).gitdir;
  const mergeHeads = await readMergeHeads(gitdir);
  if (mergeHeads.length && options.amend) throw new RpcError('CONFLICT', 'A merge is in progress; finish it with a new commit instead of amending.');
  const message = checkCommittable(status, options, mergeHeads.length > 0);
  const author = { name: options.author.name, email: options.author.email };
  const full = message ? `${message}\n` : undefined;
  const tree = await writeIndexTree(dir);
  if (!mergeHeads.length) return git.commit({ fs, dir, message: full, author, committer: author, amend: options.amend, tree });
  // Completing a merge: both parents, then the merge state goes away as `git commit` does it.
  const head = await resolveHead(dir);
  const oid = await git.commit({ fs, dir, message: full, author, committer: author, parent: [...(head ? [head] : []), ...mergeHeads], tree });
  for (const f of ['MERGE_HEAD', 'MERGE_MSG', 'MERGE_MODE', 'AUTO_MERGE']) await nodeFs.promises.rm(join(gitdir, f), { force: true });
  return oid;
}

async function readMergeHeads(gitdir: string): Promise<string[]> {
  try {
    return (await nodeFs.promises.readFile(join(gitdir, 'MERGE_HEAD'), 'utf8')).split('\n').map((l) => l.trim()).filter((l) => /^[0-9a-f]{40}$/.test(l));
  } catch {
    return [];
  }
}

/** Local branches with their tips. */
export async function listBranches(dir: string): Promise<Array<{ name: string; oid: string | null }>> {
  const names = await git.listBranches({ fs: nodeFs, dir });
  return Promise.all(
    names.sort().map(async (name) => {
      try {
        return { name, oid: await git.resolveRef({ fs: nodeFs, dir, ref: `refs/heads/${name}` }) };
      } catch {
        return { name, oid: null };
      }
    }),
  );
}

async function branchOid(dir: string, name: string): Promise<string | null> {
  try {
    return await git.resolveRef({ fs: nodeFs, dir, ref: `refs/heads/${name}` });
  } catch {
    return null;
  }
}

/** Refuses a name git would not take as a branch (check-ref-format --branch rules, no leading "-"). */
export function checkBranchName(name: string): void {
  const valid = /^(?!\/|-|.*([/.]\.|\/\/|@\{|\\))[^\0-\x20\x7f~^:?*[]+(?<![/.])$/.test(name) && !name.endsWith('.lock') && name !== '@';
  if (!valid) throw new RpcError('INVALID_REQUEST', `"${name}" is not a valid branch name. Use letters, digits, "-", "_" and "/" (no spaces, "..", "~", "^", ":").`);
}

/** Creates a branch at HEAD (on an unborn branch, only HEAD can move to the new name). */
export async function createBranch(dir: string, name: string, checkout: boolean): Promise<void> {
  checkBranchName(name);
  const fs = embeddedGitFs(dir);
  if (await branchOid(dir, name)) throw new RpcError('CONFLICT', `A branch named ${name} already exists. Switch to it or choose another name.`);
  const head = await resolveHead(dir);
  if (!head) {
    if (!checkout) throw new RpcError('CONFLICT', 'The current branch has no commits yet, so there is nothing to branch from. Commit first.');
    await git.writeRef({ fs, dir, ref: 'HEAD', value: `refs/heads/${name}`, symbolic: true, force: true });
    return;
  }
  await git.branch({ fs, dir, ref: name, checkout: false });
  if (checkout) await git.writeRef({ fs, dir, ref: 'HEAD', value: `refs/heads/${name}`, symbolic: true, force: true });
}

/**
 * Switches to a branch. Files that differ between the two commits and also have local changes (or
 * exist untracked where the target has a file) would be overwritten: the switch is refused, naming them.
 */
export async function switchBranch(dir: string, name: string, status: LocalStatus): Promise<void> {
  const target = await branchOid(dir, name);
  if (!target) throw new RpcError('NOT_FOUND', `There is no branch named ${name}. Refresh the branch list.`);
  const fs = embeddedGitFs(dir);
  if (!status.detached && status.branch === name) return;
  const changed = await diffCommits(dir, status.headOid, target);
  const local = new Set<string>();
  const untrackedDirs: string[] = [];
  for (const e of status.entries) {
    if (e.kind === 'tracked' && (e.index !== ' ' || e.worktree !== ' ')) local.add(e.path);
    else if (e.kind === 'untracked') {
      if (e.path.endsWith('/')) untrackedDirs.push(e.path);
      else local.add(e.path);
    }
  }
  const conflicts = changed.map((c) => c.path).filter((p) => local.has(p) || untrackedDirs.some((d) => p.startsWith(d)));
  if (conflicts.length) {
    const shown = conflicts.slice(0, 10).join(', ') + (conflicts.length > 10 ? ` and ${conflicts.length - 10} more` : '');
    throw new RpcError('CONFLICT', `Cannot switch to ${name}: your local changes to ${shown} would be overwritten. Commit, stash or discard them first.`, { files: conflicts });
  }
  try {
    // Only the files that differ between the two commits are checked out, so staged and unstaged changes
    // elsewhere are carried over as `git switch` does.
    const paths = changed.map((c) => c.path);
    if (paths.length) await git.checkout({ fs, dir, ref: name, filepaths: paths, noUpdateHead: true });
    await git.writeRef({ fs, dir, ref: 'HEAD', value: `refs/heads/${name}`, symbolic: true, force: true });
  } catch (error) {
    const data = (error as { code?: string; data?: { filepaths?: string[] } }).data;
    if ((error as { code?: string }).code === 'CheckoutConflictError') {
      const files = data?.filepaths ?? [];
      throw new RpcError('CONFLICT', `Cannot switch to ${name}: your local changes to ${files.join(', ')} would be overwritten. Commit, stash or discard them first.`, { files });
    }
    throw error;
  }
}
