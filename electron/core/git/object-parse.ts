/**
 * Parses raw tree and commit objects and hashes git objects.
 *
 *   parseTree(data) → TreeEntry[]      (in stored order)
 *   parseCommit(data) → ParsedCommit
 *   hashObject(type, data) → hex oid   (sha1 of "<type> <len>\0<data>")
 */
import { createHash } from 'node:crypto';

/** One entry of a tree object; `mode` is the octal mode as a number (0o100644, 0o40000, …). */
export interface TreeEntry {
  readonly name: string;
  readonly mode: number;
  readonly oid: string;
}

/** A person line of a commit. */
export interface Signature {
  readonly name: string;
  readonly email: string;
  readonly timestamp: number;
  readonly timezoneOffset: number;
}

/** The parts of a commit the history view needs. */
export interface ParsedCommit {
  readonly tree: string;
  readonly parents: readonly string[];
  readonly author: Signature;
  readonly committer: Signature;
  readonly message: string;
}

/** Git's mode constants. */
export const MODE_TREE = 0o40000;
export const MODE_FILE = 0o100644;
export const MODE_EXEC = 0o100755;
export const MODE_LINK = 0o120000;
export const MODE_GITLINK = 0o160000;

/** Splits a raw tree object into entries. */
export function parseTree(data: Buffer): TreeEntry[] {
  const out: TreeEntry[] = [];
  let p = 0;
  while (p < data.length) {
    const sp = data.indexOf(0x20, p);
    const nul = data.indexOf(0, sp);
    if (sp < 0 || nul < 0 || nul + 21 > data.length) throw new Error('A tree object is corrupt (truncated entry). Repair the repository with git (git fsck).');
    const mode = parseInt(data.toString('latin1', p, sp), 8);
    const name = data.toString('utf8', sp + 1, nul);
    const oid = data.toString('hex', nul + 1, nul + 21);
    out.push({ name, mode, oid });
    p = nul + 21;
  }
  return out;
}

function parseSignature(line: string): Signature {
  const m = /^(.*?) ?<([^>]*)> (-?\d+) ([+-])(\d\d)(\d\d)$/.exec(line);
  if (!m) return { name: line, email: '', timestamp: 0, timezoneOffset: 0 };
  const minutes = Number(m[5]) * 60 + Number(m[6]);
  // Same sign convention as isomorphic-git: minutes to add to local time to get UTC (+0100 → -60).
  return { name: m[1], email: m[2], timestamp: Number(m[3]), timezoneOffset: m[4] === '+' ? -minutes : minutes };
}

/** Parses a raw commit object. */
export function parseCommit(data: Buffer): ParsedCommit {
  const text = data.toString('utf8');
  const end = text.indexOf('\n\n');
  const headerText = end < 0 ? text : text.slice(0, end);
  const message = end < 0 ? '' : text.slice(end + 2);
  let tree = '';
  const parents: string[] = [];
  let author: Signature | null = null;
  let committer: Signature | null = null;
  for (const line of headerText.split('\n')) {
    if (line.startsWith(' ')) continue; // continuation of gpgsig/mergetag
    const sp = line.indexOf(' ');
    const key = line.slice(0, sp);
    const value = line.slice(sp + 1);
    if (key === 'tree') tree = value;
    else if (key === 'parent') parents.push(value);
    else if (key === 'author') author = parseSignature(value);
    else if (key === 'committer') committer = parseSignature(value);
  }
  if (!/^[0-9a-f]{40}$/.test(tree)) throw new Error('A commit object is corrupt (no tree). Repair the repository with git (git fsck).');
  const who = author ?? committer ?? { name: '', email: '', timestamp: 0, timezoneOffset: 0 };
  return { tree, parents, author: who, committer: committer ?? who, message };
}

/** The object id git would give these bytes. */
export function hashObject(type: string, data: Uint8Array): string {
  const h = createHash('sha1');
  h.update(`${type} ${data.length}\0`);
  h.update(data);
  return h.digest('hex');
}
