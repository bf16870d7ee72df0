/**
 * A scan of a git index file's raw bytes, for questions that need neither every object id nor every path as
 * a string: which extensions it has, whether an entry is skip-worktree, intent-to-add or assume-unchanged,
 * the few entries a snapshot leaves out, the attributes files the index holds (eol.ts). A path or object id
 * is decoded only when asked for.
 *
 *   scanIndex(buf, (e) => { if (e.mode !== 0o100644) list.push(e.path()); }) → { extensions } | null
 *
 * Versions 2 and 3 only (fixed-width entries); version 4 (prefix-compressed paths) gives null, and the
 * caller parses the index with index-reader.ts.
 */

/** One entry as the scan sees it: the fields at fixed offsets, the path decoded only on demand. */
export interface ScannedEntry {
  readonly mode: number;
  readonly size: number;
  readonly stage: number;
  readonly assumeValid: boolean;
  readonly intentToAdd: boolean;
  readonly skipWorktree: boolean;
  /** The entry's blob id (hex), decoded on demand. */
  oid(): string;
  /** True when the path ends with `suffix` (compared as bytes, without decoding). */
  endsWith(suffix: Buffer): boolean;
  path(): string;
}

/** What the scan found besides the entries. */
export interface IndexScan {
  readonly version: number;
  /** Signatures of the extensions present ('TREE', 'link' = split index, 'sdir' = sparse index, …). */
  readonly extensions: readonly string[];
}

/** Calls `each` for every entry of index bytes in order; null when the index is not version 2 or 3, or malformed. */
export function scanIndex(buf: Buffer, each: (e: ScannedEntry) => void): IndexScan | null {
  if (buf.length < 32 || buf.toString('latin1', 0, 4) !== 'DIRC') return null;
  const version = buf.readUInt32BE(4);
  if (version !== 2 && version !== 3) return null;
  const count = buf.readUInt32BE(8);
  const end = buf.length - 20;
  let p = 12;
  // One reusable view of the current entry: no object and no string per entry.
  let at = 0;
  let nameStart = 0;
  let nameEnd = 0;
  const entry = {
    mode: 0,
    size: 0,
    stage: 0,
    assumeValid: false,
    intentToAdd: false,
    skipWorktree: false,
    oid: () => buf.toString('hex', at + 40, at + 60),
    endsWith(suffix: Buffer): boolean {
      const from = nameEnd - suffix.length;
      if (from < nameStart) return false;
      for (let i = suffix.length - 1; i >= 0; i--) if (buf[from + i] !== suffix[i]) return false;
      return true;
    },
    path: () => buf.toString('utf8', nameStart, nameEnd),
  };
  for (let i = 0; i < count; i++) {
    if (p + 62 > end) return null;
    const flags = (buf[p + 60]! << 8) | buf[p + 61]!;
    let q = p + 62;
    let extended = 0;
    if (flags & 0x4000) {
      if (version < 3) return null;
      extended = (buf[q]! << 8) | buf[q + 1]!;
      q += 2;
    }
    const nameLen = flags & 0xfff;
    const nul = nameLen < 0xfff ? q + nameLen : buf.indexOf(0, q);
    if (nul < 0 || nul >= end || buf[nul] !== 0) return null;
    at = p;
    nameStart = q;
    nameEnd = nul;
    entry.mode = buf.readUInt32BE(p + 24);
    entry.size = buf.readUInt32BE(p + 36);
    entry.stage = (flags >> 12) & 3;
    entry.assumeValid = (flags & 0x8000) !== 0;
    entry.intentToAdd = (extended & 0x2000) !== 0;
    entry.skipWorktree = (extended & 0x4000) !== 0;
    each(entry);
    // Entries are padded with 1–8 NULs to a multiple of 8 bytes.
    p = p + ((nul - p + 8) & ~7);
  }
  const extensions: string[] = [];
  while (p + 8 <= end) {
    extensions.push(buf.toString('latin1', p, p + 4));
    p += 8 + buf.readUInt32BE(p + 4);
  }
  return { version, extensions };
}
