import type { Stats } from 'node:fs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type GitIndex, type IndexEntry, readIndex } from '../git/index-reader';
import { type GitConfig, readConfig, type RepoLayout, resolveLayout } from '../git/repo-layout';
import { scanIndex } from './index-scan';

/**
 * What the user's own git index tells a checkpoint about the work tree: for a file whose stat data still
 * matches its index entry, the blob id git already computed (no need to read or hash the file).
 */
export interface IndexSeed {
  readonly layout: RepoLayout;
  readonly config: GitConfig;
  /** Folders that hold tracked files (git never ignores a tracked file, even under an ignored folder). */
  readonly trackedDirs: ReadonlySet<string>;
  /** Whether the path is tracked (stage 0, not intent-to-add). */
  isTracked(path: string): boolean;
  /** The index's blob id for a file when its stat data proves the content unchanged, else null. */
  reusableOid(path: string, st: Stats): string | null;
}

const U32 = 4294967296;
// Attributes that make the stored blob differ from the file's bytes (line-ending conversion, filters).
const CONVERTING_ATTR = /(^|\s)(text|eol|filter|crlf|ident|working-tree-encoding)(=|\s|$)/m;

/** The layout of a project's repository, or a stand-in for a folder without git (no index, no excludes). */
export function layoutOf(root: string): { layout: RepoLayout; isRepo: boolean } {
  try {
    return { layout: resolveLayout(root), isRepo: true };
  } catch {
    return { layout: { dir: root, gitdir: join(root, '.git'), commondir: join(root, '.git') }, isRepo: false };
  }
}

/**
 * True when git converts content between the work tree and the object store (core.autocrlf, or text/eol/
 * filter attributes): then the index's blob ids are not the hash of the file's bytes and cannot be reused.
 */
export function converts(layout: RepoLayout, config: GitConfig, entries: readonly IndexEntry[]): boolean {
  return convertsWith(layout, config, entries.filter((e) => isAttributesFile(e.path)).map((e) => e.path));
}

/** True for a path naming a .gitattributes file. */
function isAttributesFile(path: string): boolean {
  return path === '.gitattributes' || path.endsWith('/.gitattributes');
}

/** As converts(), given the project-relative .gitattributes files the index lists. */
function convertsWith(layout: RepoLayout, config: GitConfig, attributeFiles: readonly string[]): boolean {
  if (config.autocrlf !== 'false') return true;
  const files = [join(layout.commondir, 'info', 'attributes'), ...attributeFiles.map((p) => join(layout.dir, p))];
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    const lines = text.split('\n').filter((l) => !l.trimStart().startsWith('#'));
    if (CONVERTING_ATTR.test(lines.join('\n'))) return true;
  }
  return false;
}

/**
 * True for an index that lists the work tree as it is: no split or sparse index, and no skip-worktree,
 * intent-to-add or assume-unchanged entries (whose files git does not compare, or compares to no blob).
 */
export function isPlainIndex(index: GitIndex): boolean {
  return !index.extensions.some((x) => x === 'link' || x === 'sdir') && !index.entries.some((e) => e.skipWorktree || e.intentToAdd || e.assumeValid);
}

/**
 * The user's index file when native git may start a shadow index from a copy of it: a plain index (no
 * split or sparse index, no skip-worktree, intent-to-add or assume-unchanged entries) of a repository that
 * converts no content. The index is only scanned, not parsed into entries (index-scan.ts).
 */
export function seedableIndexFile(root: string): string | null {
  const { layout, isRepo } = layoutOf(root);
  if (!isRepo) return null;
  const file = join(layout.gitdir, 'index');
  try {
    const attributeFiles: string[] = [];
    let plain = true;
    const scan = scanIndex(readFileSync(file), (e) => {
      if (e.skipWorktree || e.intentToAdd || e.assumeValid) plain = false;
      else if (e.endsWith(GITATTRIBUTES)) {
        const path = e.path();
        if (isAttributesFile(path)) attributeFiles.push(path);
      }
    });
    if (!scan) return seedableParsed(layout);
    if (!plain || scan.extensions.some((x) => x === 'link' || x === 'sdir')) return null;
    return convertsWith(layout, readConfig(layout), attributeFiles) ? null : file;
  } catch {
    return null;
  }
}

const GITATTRIBUTES = Buffer.from('.gitattributes');

/** seedableIndexFile() for an index the scan does not read (version 4): parsed whole. */
function seedableParsed(layout: RepoLayout): string | null {
  const index = readIndex(layout.gitdir);
  if (!index || !isPlainIndex(index)) return null;
  return converts(layout, readConfig(layout), index.entries) ? null : join(layout.gitdir, 'index');
}

/** Reads the user's index once; null when the folder is no repository or has no (readable) index. */
export function loadIndexSeed(root: string): IndexSeed | null {
  const { layout, isRepo } = layoutOf(root);
  if (!isRepo) return null;
  let index;
  try {
    index = readIndex(layout.gitdir);
  } catch {
    // A broken index only costs speed here: every file is hashed as if there were none.
    return null;
  }
  if (!index) return null;
  const config = readConfig(layout);
  const byPath = new Map<string, IndexEntry>();
  const trackedDirs = new Set<string>();
  for (const e of index.entries) {
    for (let i = e.path.lastIndexOf('/'); i > 0 && !trackedDirs.has(e.path.slice(0, i)); i = e.path.lastIndexOf('/', i - 1)) trackedDirs.add(e.path.slice(0, i));
    if (e.stage === 0 && !e.intentToAdd) byPath.set(e.path, e);
  }
  const trusted = !converts(layout, config, index.entries);
  const indexMtimeMs = index.mtimeMs;
  return {
    layout,
    config,
    trackedDirs,
    isTracked: (path) => byPath.has(path),
    reusableOid(path, st) {
      if (!trusted) return null;
      const e = byPath.get(path);
      if (!e || e.skipWorktree || (e.mode & 0o170000) !== 0o100000) return null;
      if (e.size !== st.size % U32 || e.ino !== st.ino % U32) return null;
      const mtimeS = Math.floor(st.mtimeMs / 1000);
      if (mtimeS !== e.mtimeS || Math.abs(Math.round((st.mtimeMs - mtimeS * 1000) * 1e6) - e.mtimeNs) >= 2000) return null;
      // Racy git: a file written in the same instant as the index may have changed without a stat change.
      if (!(st.mtimeMs < indexMtimeMs)) return null;
      return e.oid;
    },
  };
}
