/**
 * Parses git's index file (versions 2, 3 and 4) into entries with their stat data.
 *
 *   readIndex(gitdir) → GitIndex | null   (null when there is no index yet; throws on a broken one)
 *
 * Extensions (TREE, REUC, UNTR, …) are skipped: the status engine computes tree ids itself.
 */
import { isUtf8 } from 'node:buffer';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** One index entry: path, blob id, mode, merge stage and the stat data git recorded at staging time. */
export interface IndexEntry {
  readonly path: string;
  readonly oid: string;
  readonly mode: number;
  readonly stage: number;
  readonly ctimeS: number;
  readonly ctimeNs: number;
  readonly mtimeS: number;
  readonly mtimeNs: number;
  readonly dev: number;
  readonly ino: number;
  readonly uid: number;
  readonly gid: number;
  readonly size: number;
  readonly intentToAdd: boolean;
  readonly skipWorktree: boolean;
  /** The assume-unchanged bit (`git update-index --assume-unchanged`). */
  readonly assumeValid: boolean;
}

/** A parsed index plus the file's own mtime (for racy-git checks). */
export interface GitIndex {
  readonly version: number;
  readonly entries: readonly IndexEntry[];
  readonly mtimeMs: number;
  /** Valid folder tree ids from the TREE extension ('' = root); folders git invalidated are absent. */
  readonly cacheTree: ReadonlyMap<string, string>;
  /** Signatures of the extensions present ('TREE', 'link' = split index, 'sdir' = sparse index, …). */
  readonly extensions: readonly string[];
  /** Paths whose bytes are not valid UTF-8 (shown with U+FFFD; they cannot be written back as they are). */
  readonly invalidNames: readonly string[];
}

/** Decodes a path (UTF-8, as git stores it). */
function decodePath(buf: Buffer, start: number, end: number): string {
  return buf.toString('utf8', start, end);
}

/** An index entry whose object id is decoded only when asked for (most never are). */
class LazyEntry implements IndexEntry {
  private hex: string | null = null;
  constructor(
    private readonly buf: Buffer,
    private readonly at: number,
    readonly path: string,
    readonly stage: number,
    readonly intentToAdd: boolean,
    readonly skipWorktree: boolean,
  ) {}
  get assumeValid(): boolean {
    return (this.buf.readUInt16BE(this.at + 60) & 0x8000) !== 0;
  }
  get oid(): string {
    return (this.hex ??= this.buf.toString('hex', this.at + 40, this.at + 60));
  }
  get mode(): number {
    return this.buf.readUInt32BE(this.at + 24);
  }
  get ctimeS(): number {
    return this.buf.readUInt32BE(this.at);
  }
  get ctimeNs(): number {
    return this.buf.readUInt32BE(this.at + 4);
  }
  get mtimeS(): number {
    return this.buf.readUInt32BE(this.at + 8);
  }
  get mtimeNs(): number {
    return this.buf.readUInt32BE(this.at + 12);
  }
  get dev(): number {
    return this.buf.readUInt32BE(this.at + 16);
  }
  get ino(): number {
    return this.buf.readUInt32BE(this.at + 20);
  }
  get uid(): number {
    return this.buf.readUInt32BE(this.at + 28);
  }
  get gid(): number {
    return this.buf.readUInt32BE(this.at + 32);
  }
  get size(): number {
    return this.buf.readUInt32BE(this.at + 36);
  }
}

/** Parses the TREE (cache-tree) extension into folder → tree id for the folders still valid. */
function parseCacheTree(buf: Buffer, start: number, end: number): Map<string, string> {
  const out = new Map<string, string>();
  let p = start;
  const node = (prefix: string): void => {
    const nul = buf.indexOf(0, p);
    if (nul < 0 || nul >= end) throw new Error('bad TREE');
    const name = buf.toString('utf8', p, nul);
    const lf = buf.indexOf(10, nul);
    if (lf < 0 || lf >= end) throw new Error('bad TREE');
    const [countText, subText] = buf.toString('latin1', nul + 1, lf).split(' ');
    p = lf + 1;
    const path = prefix ? `${prefix}/${name}` : name;
    if (Number(countText) >= 0) {
      out.set(path, buf.toString('hex', p, p + 20));
      p += 20;
    }
    const subtrees = Number(subText);
    for (let i = 0; i < subtrees; i++) node(path);
  };
  node('');
  return out;
}


function broken(path: string, why: string): Error {
  return new Error(`The git index (${path}) is broken: ${why}. Rebuild it with "git reset" (keeps your files) or repair the repository.`);
}

/** Reads and parses `<gitdir>/index`. */
export function readIndex(gitdir: string): GitIndex | null {
  const file = join(gitdir, 'index');
  let buf: Buffer;
  let mtimeMs: number;
  try {
    mtimeMs = statSync(file).mtimeMs;
    buf = readFileSync(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
  return parseIndex(buf, file, mtimeMs);
}

/** Parses index bytes; `label` names the file in error messages. */
export function parseIndex(buf: Buffer, label: string, mtimeMs: number): GitIndex {
  if (buf.length < 32 || buf.toString('latin1', 0, 4) !== 'DIRC') throw broken(label, 'it does not start with the DIRC signature');
  const version = buf.readUInt32BE(4);
  if (version < 2 || version > 4) throw broken(label, `version ${version} is not supported`);
  // The trailing SHA-1 is not verified (as with git's index.skipHash): it would cost a hash of the whole
  // file on every read, and the structural checks below already refuse a truncated or garbled index.
  const count = buf.readUInt32BE(8);
  const entries: IndexEntry[] = new Array(count);
  const end = buf.length - 20;
  let p = 12;
  let prev: Buffer = Buffer.alloc(0);
  const invalidNames: string[] = [];
  for (let i = 0; i < count; i++) {
    if (p + 62 > end) throw broken(label, 'it is truncated');
    const flags = buf.readUInt16BE(p + 60);
    let q = p + 62;
    let extended = 0;
    if (flags & 0x4000) {
      if (version < 3) throw broken(label, 'an entry uses extended flags in a version 2 index');
      extended = buf.readUInt16BE(q);
      q += 2;
    }
    let path: string;
    if (version === 4) {
      let c = buf[q++];
      let strip = c & 127;
      while (c & 128) {
        strip += 1;
        c = buf[q++];
        strip = (strip << 7) + (c & 127);
      }
      const nul = buf.indexOf(0, q);
      if (nul < 0 || nul >= end || strip > prev.length) throw broken(label, 'an entry path is malformed');
      const pathBuf = Buffer.concat([prev.subarray(0, prev.length - strip), buf.subarray(q, nul)]);
      path = decodePath(pathBuf, 0, pathBuf.length);
      if (path.includes('\uFFFD') && !isUtf8(pathBuf)) invalidNames.push(path);
      prev = pathBuf;
      q = nul + 1;
    } else {
      const nameLen = flags & 0xfff;
      const nul = nameLen < 0xfff ? q + nameLen : buf.indexOf(0, q);
      if (nul < 0 || nul >= end || buf[nul] !== 0) throw broken(label, 'an entry path is malformed');
      path = decodePath(buf, q, nul);
      if (path.includes('\uFFFD') && !isUtf8(buf.subarray(q, nul))) invalidNames.push(path);
      // Entries are padded with 1–8 NULs to a multiple of 8 bytes.
      q = p + ((nul - p + 8) & ~7);
    }
    entries[i] = new LazyEntry(buf, p, path, (flags >> 12) & 3, (extended & 0x2000) !== 0, (extended & 0x4000) !== 0);
    p = q;
  }
  // Extensions: only TREE is used; a malformed one is ignored (git rebuilds it too).
  let cacheTree = new Map<string, string>();
  const extensions: string[] = [];
  while (p + 8 <= end) {
    const sig = buf.toString('latin1', p, p + 4);
    extensions.push(sig);
    const size = buf.readUInt32BE(p + 4);
    if (sig === 'TREE' && p + 8 + size <= end) {
      try {
        cacheTree = parseCacheTree(buf, p + 8, p + 8 + size);
      } catch {
        cacheTree = new Map();
      }
    }
    p += 8 + size;
  }
  return { version, entries, mtimeMs, cacheTree, extensions, invalidNames };
}
