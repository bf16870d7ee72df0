/**
 * Line-ending conversion as git does it (convert.c), from `core.autocrlf`, `core.eol` and the `text`, `eol`
 * and `binary` attributes of `.gitattributes` (every level) and `info/attributes`:
 *
 *   const eol = EolRules.load(dir);
 *   eol.clean(path, workTreeBytes, indexBytes)  → the bytes `git add` stores (CRLF → LF where git converts)
 *   eol.smudge(path, blobBytes)                 → the bytes a checkout writes (LF → CRLF where git converts)
 *   eol.unsupported(path)                       → a content filter git would run (`filter`, `ident`,
 *                                                 `working-tree-encoding`), which the built-in engine cannot
 *
 * A folder's `.gitattributes` is read from the work tree and, when it is not there (deleted, or a symlink,
 * which git does not follow), from the index, as git reads attributes for `git add`, `git status`, `git diff`
 * and `git checkout -- <file>` (attr.c, GIT_ATTR_CHECKIN).
 * Diffs of the work tree are computed on the cleaned bytes, as `git diff` shows them, so a hunk staged from
 * the diff is exactly the hunk shown.
 */
import { closeSync, constants, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileStamp } from '../checkpoints/index-cache';
import { scanIndex } from '../checkpoints/index-scan';
import { parseIndex } from './index-reader';
import { ObjectStore } from './object-store';
import { readConfigMap, resolveLayout, type RepoLayout } from './repo-layout';

/** An attribute's state: set, unset (`-a`), a value (`a=v`), or unspecified again (`!a`, null). */
type AttrState = true | false | string | null;

interface AttrRule {
  /** Folder of the attributes file, '' for the root and info/attributes. */
  readonly base: string;
  readonly re: RegExp;
  /** Matched against the name alone (a pattern without '/'). */
  readonly basename: boolean;
  readonly attrs: ReadonlyArray<readonly [string, AttrState]>;
}

/** How one path converts: never, always (text), or when it looks like text (auto); and the work tree's line end. */
export interface EolAction {
  readonly action: 'binary' | 'text' | 'auto';
  readonly crlf: boolean;
}

const MACROS: Record<string, ReadonlyArray<readonly [string, AttrState]>> = {
  binary: [
    ['diff', false],
    ['merge', false],
    ['text', false],
  ],
};

function escapeRe(c: string): string {
  return /[.*+?^${}()|[\]\\/]/.test(c) ? `\\${c}` : c;
}

/** A gitattributes pattern as a regular expression over '/'-separated paths (wildmatch with FNM_PATHNAME). */
export function patternToRegex(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') {
      if (glob[i + 1] === '*') {
        const atStart = i === 0 || glob[i - 1] === '/';
        if (atStart && glob[i + 2] === '/') {
          re += '(?:.*/)?';
          i += 2;
          continue;
        }
        if (atStart && i + 2 === glob.length) {
          re += '.*';
          i += 1;
          continue;
        }
        i += 1;
      }
      re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const close = glob.indexOf(']', i + 2);
      if (close < 0) re += '\\[';
      else {
        let cls = glob.slice(i + 1, close).replace(/\\/g, '\\\\');
        if (cls[0] === '!') cls = `^${cls.slice(1)}`;
        re += `[${cls}]`;
        i = close;
      }
    } else if (c === '\\' && i + 1 < glob.length) re += escapeRe(glob[++i]);
    else re += escapeRe(c);
  }
  return new RegExp(`^${re}$`);
}

/** Parses one attributes file; `base` is its folder relative to the work tree ('' = root). */
function parseAttributes(text: string, base: string): AttrRule[] {
  const rules: AttrRule[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith('[attr]')) continue;
    const [pattern, ...words] = line.split(/\s+/);
    // A folder pattern never matches a file; negative patterns are not allowed in attributes files.
    if (pattern.endsWith('/') || pattern.startsWith('!')) continue;
    const attrs: Array<readonly [string, AttrState]> = [];
    for (const w of words) {
      if (MACROS[w]) attrs.push(...MACROS[w]);
      else if (w.startsWith('-')) attrs.push([w.slice(1), false]);
      else if (w.startsWith('!')) attrs.push([w.slice(1), null]);
      else if (w.includes('=')) attrs.push([w.slice(0, w.indexOf('=')), w.slice(w.indexOf('=') + 1)]);
      else attrs.push([w, true]);
    }
    const anchored = pattern.includes('/');
    rules.push({ base, re: patternToRegex(anchored ? pattern.replace(/^\//, '') : pattern), basename: !anchored, attrs });
  }
  return rules;
}

/** The global attributes file: `core.attributesFile` (`~/` expanded), else `$XDG_CONFIG_HOME/git/attributes`; '' when none. */
export function globalAttributesPath(configured: string | null | undefined): string {
  const home = process.env.HOME ?? '';
  if (configured) return configured.replace(/^~(?=\/)/, home);
  const xdg = process.env.XDG_CONFIG_HOME || (home ? join(home, '.config') : '');
  return xdg ? join(xdg, 'git', 'attributes') : '';
}

function readText(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

/**
 * A work tree's `.gitattributes` as git reads it: not followed when it is a symlink; null when it cannot be
 * opened (git then takes the index's), '' when it is a folder (git reads it as an empty file).
 */
function readWorkTreeAttributes(path: string): string | null {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch {
    return null;
  }
  try {
    return readFileSync(fd, 'utf8');
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EISDIR' ? '' : null;
  } finally {
    closeSync(fd);
  }
}

/** The blob of an attributes file the index holds, by its path ('.gitattributes', 'sub/.gitattributes'); null when none. */
export type IndexAttributes = (file: string) => Uint8Array | null;

/** True for a path naming a `.gitattributes` file. */
export function isAttributesFile(path: string): boolean {
  return path === '.gitattributes' || path.endsWith('/.gitattributes');
}

const ATTRIBUTES = Buffer.from('.gitattributes');

/**
 * The attributes files named in index bytes, path → blob id: stage 0, else stage 2 ("ours") during a merge,
 * as git's read_blob_data_from_index. Versions 2 and 3 are walked without a parse, decoding only the names
 * ending in `.gitattributes`; version 4 (prefix-compressed names) is parsed. Throws on a broken index.
 */
function attributeEntries(buf: Buffer, label: string): Map<string, string> {
  const found = new Map<string, string>();
  if (buf.length < 12) return found;
  if (buf.readUInt32BE(4) !== 4) {
    // Most indexes name no attributes file: one byte search spares the walk.
    if (!buf.includes(ATTRIBUTES)) return found;
    const scanned = scanIndex(buf, (e) => {
      if ((e.stage === 0 || e.stage === 2) && e.endsWith(ATTRIBUTES)) {
        const path = e.path();
        if (isAttributesFile(path)) found.set(path, e.oid());
      }
    });
    if (scanned) return found;
    found.clear();
  }
  for (const e of parseIndex(buf, label, 0).entries) {
    if ((e.stage === 0 || e.stage === 2) && isAttributesFile(e.path)) found.set(e.path, e.oid);
  }
  return found;
}

/** Blob contents by id, read once per `IndexAttributes` (null: missing or not a blob). */
function blobReader(layout: RepoLayout, entries: () => ReadonlyMap<string, string>, blobs = new Map<string, Uint8Array | null>()): IndexAttributes {
  return (file) => {
    const oid = entries().get(file);
    if (!oid) return null;
    if (!blobs.has(oid)) {
      const store = new ObjectStore(layout);
      try {
        const object = store.tryRead(oid);
        blobs.set(oid, object?.type === 'blob' ? object.data : null);
      } finally {
        store.dispose();
      }
    }
    return blobs.get(oid) ?? null;
  };
}

/** Attributes files found per index file, while the file is the version scanned (its stamp: inode, size, mtime). */
const indexFiles = new Map<string, { readonly stamp: string; readonly files: ReadonlyMap<string, string>; readonly blobs: Map<string, Uint8Array | null> }>();
/** Index files remembered at once (a project's, its runs' worktrees). */
const KEEP_INDEXES = 8;

/** The attributes files of `<gitdir>/index` and their blobs read so far, from the cache while the file is unchanged. */
function indexFilesOf(gitdir: string): { readonly files: ReadonlyMap<string, string>; readonly blobs: Map<string, Uint8Array | null> } {
  const file = join(gitdir, 'index');
  // Taken before reading: a version written meanwhile is read again next time.
  const stamp = fileStamp(file);
  const hit = indexFiles.get(file);
  if (hit && hit.stamp === stamp) return hit;
  let files: ReadonlyMap<string, string>;
  try {
    files = stamp === 'absent' ? new Map() : attributeEntries(readFileSync(file), file);
  } catch {
    // No index (or one status reports as broken): no attributes from it.
    files = new Map();
  }
  const entry = { stamp, files, blobs: new Map<string, Uint8Array | null>() };
  indexFiles.delete(file);
  indexFiles.set(file, entry);
  while (indexFiles.size > KEEP_INDEXES) indexFiles.delete(indexFiles.keys().next().value!);
  return entry;
}

/**
 * The attributes files of the index on disk (`<gitdir>/index`), found on first need and remembered while the
 * index file is unchanged, so repeated operations on one index read and walk it once.
 */
export function indexAttributesOf(layout: RepoLayout): IndexAttributes {
  let read: IndexAttributes | null = null;
  return (file) => {
    if (!read) {
      const { files, blobs } = indexFilesOf(layout.gitdir);
      read = blobReader(layout, () => files, blobs);
    }
    return read(file);
  };
}

/** The attributes files of index bytes about to be written (found on first need); none when they cannot be walked. */
export function indexAttributesFrom(layout: RepoLayout, buf: Buffer): IndexAttributes {
  let files: Map<string, string> | null = null;
  return blobReader(layout, () => {
    if (!files) {
      try {
        files = attributeEntries(buf, join(layout.gitdir, 'index'));
      } catch {
        files = new Map();
      }
    }
    return files;
  });
}

interface TextStats {
  crlf: number;
  lonecr: number;
  lonelf: number;
  nul: number;
  printable: number;
  nonprintable: number;
}

/** git's gather_stats. */
function gatherStats(buf: Uint8Array): TextStats {
  const s: TextStats = { crlf: 0, lonecr: 0, lonelf: 0, nul: 0, printable: 0, nonprintable: 0 };
  for (let i = 0; i < buf.length; i++) {
    const c = buf[i];
    if (c === 13) {
      if (buf[i + 1] === 10) {
        s.crlf++;
        i++;
      } else s.lonecr++;
      continue;
    }
    if (c === 10) s.lonelf++;
    else if (c === 127) s.nonprintable++;
    else if (c < 32) {
      if (c === 8 || c === 9 || c === 27 || c === 12) s.printable++;
      else {
        if (c === 0) s.nul++;
        s.nonprintable++;
      }
    } else s.printable++;
  }
  // A trailing ^Z (DOS end of file) does not count.
  if (buf.length && buf[buf.length - 1] === 26) s.nonprintable--;
  return s;
}

/** git's convert_is_binary. */
function looksBinary(s: TextStats): boolean {
  return s.lonecr > 0 || s.nul > 0 || s.printable >> 7 < s.nonprintable;
}

/** The line-ending rules of one work tree; load once per operation (attributes files may change between). */
export class EolRules {
  private readonly folderRules = new Map<string, AttrRule[]>();

  private constructor(
    private readonly layout: RepoLayout,
    private readonly autocrlf: 'true' | 'input' | 'false',
    private readonly eolCrlf: boolean,
    private readonly globalRules: readonly AttrRule[],
    private readonly infoRules: readonly AttrRule[],
    private readonly hasAttributesFile: (folder: string) => boolean | undefined,
    private readonly fromIndex: IndexAttributes,
  ) {}

  /**
   * Reads config and the attributes files that apply to every path (global and info/attributes); each
   * folder's `.gitattributes` is read on first need, from the work tree, else from the index.
   * `hasAttributesFile(folder)` may say whether a folder holds one in the work tree (from a listing the
   * caller already has), sparing a failed read per folder; undefined means "don't know, look". `fromIndex`
   * reads the index's attributes files (default: the index on disk, walked on first need and only once per
   * version of the file; `indexAttributesFrom` for index bytes about to be written).
   */
  static load(
    dir: string,
    layout: RepoLayout = resolveLayout(dir),
    hasAttributesFile: (folder: string) => boolean | undefined = () => undefined,
    fromIndex: IndexAttributes = indexAttributesOf(layout),
  ): EolRules {
    const config = readConfigMap(layout);
    const ac = (config.get('core.autocrlf') ?? 'false').toLowerCase();
    const autocrlf = ac === 'input' ? 'input' : ['true', 'yes', 'on', '1'].includes(ac) ? 'true' : 'false';
    const eol = (config.get('core.eol') ?? 'native').toLowerCase();
    const eolCrlf = eol === 'crlf' || (eol === 'native' && process.platform === 'win32');
    const globalFile = globalAttributesPath(config.get('core.attributesfile'));
    const globalText = globalFile ? readText(globalFile) : null;
    const infoText = readText(join(layout.commondir, 'info', 'attributes'));
    return new EolRules(layout, autocrlf, eolCrlf, globalText ? parseAttributes(globalText, '') : [], infoText ? parseAttributes(infoText, '') : [], hasAttributesFile, fromIndex);
  }

  private rulesOf(folder: string): AttrRule[] {
    let rules = this.folderRules.get(folder);
    if (!rules) {
      let text = this.hasAttributesFile(folder) === false ? null : readWorkTreeAttributes(join(this.layout.dir, folder, '.gitattributes'));
      if (text === null) {
        const blob = this.fromIndex(folder ? `${folder}/.gitattributes` : '.gitattributes');
        text = blob ? Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength).toString('utf8') : null;
      }
      rules = text ? parseAttributes(text, folder) : [];
      this.folderRules.set(folder, rules);
    }
    return rules;
  }

  /** The attributes of a path: lowest precedence first (global, root, deeper folders, info/attributes). */
  attributes(path: string): Map<string, AttrState> {
    const parts = path.split('/');
    const sources: AttrRule[][] = [[...this.globalRules]];
    for (let i = 0; i < parts.length; i++) sources.push(this.rulesOf(parts.slice(0, i).join('/')));
    sources.push([...this.infoRules]);
    const out = new Map<string, AttrState>();
    const name = parts[parts.length - 1];
    for (const rules of sources) {
      for (const r of rules) {
        const rel = r.base ? path.slice(r.base.length + 1) : path;
        if (!(r.basename ? r.re.test(name) : r.re.test(rel))) continue;
        for (const [k, v] of r.attrs) out.set(k, v);
      }
    }
    return out;
  }

  /** How `path` converts (convert.c's crlf_action and output eol). */
  actionOf(path: string): EolAction {
    const attrs = this.attributes(path);
    const text = attrs.get('text');
    const eol = attrs.get('eol');
    let action: 'binary' | 'text' | 'auto' | null = text === true ? 'text' : text === false ? 'binary' : text === 'auto' ? 'auto' : null;
    if (action === 'binary') return { action, crlf: false };
    if (eol === 'crlf' || eol === 'lf') return { action: action ?? 'text', crlf: eol === 'crlf' };
    if (action === null) {
      if (this.autocrlf === 'false') return { action: 'binary', crlf: false };
      action = 'auto';
    }
    const crlf = this.autocrlf === 'true' ? true : this.autocrlf === 'input' ? false : this.eolCrlf;
    return { action, crlf };
  }

  /** A content filter git would apply to `path` that the built-in engine does not, named; null when none. */
  unsupported(path: string): string | null {
    const attrs = this.attributes(path);
    const filter = attrs.get('filter');
    if (typeof filter === 'string') return `the "${filter}" filter (filter=${filter} in .gitattributes)`;
    if (attrs.get('ident') === true) return 'ident expansion (ident in .gitattributes)';
    const enc = attrs.get('working-tree-encoding');
    if (typeof enc === 'string') return `working-tree-encoding=${enc} (.gitattributes)`;
    return null;
  }

  /**
   * The bytes `git add` stores for work-tree bytes (crlf_to_git). `indexBytes` reads the path's blob in the
   * index: an auto-converted file whose indexed version holds a CR is stored as it is ("safer autocrlf").
   */
  clean(path: string, bytes: Uint8Array, indexBytes: () => Uint8Array | null): Uint8Array {
    const { action } = this.actionOf(path);
    if (action === 'binary' || bytes.length === 0 || bytes.indexOf(13) < 0) return bytes;
    const stats = gatherStats(bytes);
    if (!stats.crlf) return bytes;
    if (action === 'auto') {
      if (looksBinary(stats)) return bytes;
      const indexed = indexBytes();
      if (indexed && indexed.indexOf(13) >= 0) return bytes;
    }
    const out = Buffer.allocUnsafe(bytes.length);
    let o = 0;
    for (let i = 0; i < bytes.length; i++) {
      if (bytes[i] === 13 && bytes[i + 1] === 10) continue;
      out[o++] = bytes[i];
    }
    return out.subarray(0, o);
  }

  /** The bytes a checkout writes for a blob (crlf_to_worktree): LF → CRLF where the work tree's line end is CRLF. */
  smudge(path: string, bytes: Uint8Array): Uint8Array {
    const { action, crlf } = this.actionOf(path);
    if (action === 'binary' || !crlf || bytes.indexOf(10) < 0) return bytes;
    const stats = gatherStats(bytes);
    if (!stats.lonelf) return bytes;
    if (action === 'auto' && (stats.lonecr || stats.crlf || looksBinary(stats))) return bytes;
    const out = Buffer.allocUnsafe(bytes.length + stats.lonelf);
    let o = 0;
    for (let i = 0; i < bytes.length; i++) {
      if (bytes[i] === 10 && (i === 0 || bytes[i - 1] !== 13)) out[o++] = 13;
      out[o++] = bytes[i];
    }
    return out.subarray(0, o);
  }
}
