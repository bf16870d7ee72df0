/**
 * The file system the built-in engine hands isomorphic-git, so that what it writes lands as git's own
 * writes do:
 *
 *   - a loose object is written to a temp file in its folder and renamed into place (never seen half
 *     written), and an object already there is never written again;
 *   - the index goes through `index.lock` and a rename, as git's lock protocol does; before that, entries
 *     written without stat data (isomorphic-git's updateIndex) get the file's stat data when the file holds
 *     what they record, and racily clean entries (changed in the same instant as the previous index write,
 *     whose content changed) are smudged (size 0) as git's do_write_index does, so git — and the
 *     status engine — look at their content again instead of trusting the stat data.
 *
 *   const fs = embeddedGitFs(dir);  git.add({ fs, dir, … })
 */
import { createHash, randomBytes } from 'node:crypto';
import * as nodeFs from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { RpcError } from '../../../shared/rpc';
import { EolRules, indexAttributesFrom } from './eol';
import { ObjectStore } from './object-store';
import { resolveLayout, type RepoLayout } from './repo-layout';

/** The file operations an object write uses (replaced in tests to inject faults). */
export interface ObjectWriteIo {
  exists(path: string): Promise<boolean>;
  mkdir(path: string): Promise<void>;
  writeFile(path: string, data: Uint8Array): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  rm(path: string): Promise<void>;
}

const nodeIo: ObjectWriteIo = {
  exists: (p) => nodeFs.promises.lstat(p).then(() => true, () => false),
  mkdir: async (p) => void (await nodeFs.promises.mkdir(p, { recursive: true })),
  writeFile: (p, data) => nodeFs.promises.writeFile(p, data, { mode: 0o444, flag: 'wx' }),
  rename: (a, b) => nodeFs.promises.rename(a, b),
  rm: (p) => nodeFs.promises.rm(p, { force: true }),
};

/** Test hook: the io object writes use (see ObjectWriteIo). */
export const objectWrites: { io: ObjectWriteIo } = { io: nodeIo };

const LOOSE_OBJECT = /[\\/]objects[\\/][0-9a-f]{2}[\\/][0-9a-f]{38}$/;

/** Writes one loose object file: temp file in the same folder, then rename; an existing object is kept as it is. */
export async function writeLooseObject(path: string, data: Uint8Array, io: ObjectWriteIo = objectWrites.io): Promise<void> {
  if (await io.exists(path)) return;
  const folder = dirname(path);
  await io.mkdir(folder);
  const temp = join(folder, `tmp_obj_${randomBytes(6).toString('hex')}`);
  try {
    await io.writeFile(temp, data);
    await io.rename(temp, path);
  } catch (error) {
    await io.rm(temp).catch(() => undefined);
    throw error;
  }
}

/** Reads a file's stat data with nanoseconds. */
function lstatNs(path: string): nodeFs.BigIntStats | null {
  try {
    return nodeFs.lstatSync(path, { bigint: true });
  } catch {
    return null;
  }
}

function hashBlob(bytes: Uint8Array): string {
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}

/**
 * Completes index bytes before they are written (see the file comment): fills stat data of entries staged
 * without it, smudges racily clean ones and renews the trailing checksum. Content is compared as `git add`
 * would store it under the attributes of these bytes' index, not the one on disk. `previousMtimeNs` is the
 * mtime of the index being replaced (null when there was none).
 */
export function finishIndex(layout: RepoLayout, buf: Buffer, previousMtimeNs: bigint | null): Buffer {
  if (buf.length < 32 || buf.toString('latin1', 0, 4) !== 'DIRC') return buf;
  const version = buf.readUInt32BE(4);
  if (version !== 2 && version !== 3) return buf;
  const out = Buffer.from(buf);
  const count = out.readUInt32BE(8);
  let eol: EolRules | null = null;
  let store: ObjectStore | null = null;
  const contentOid = (path: string, st: nodeFs.BigIntStats, oid: string): string | null => {
    const abs = join(layout.dir, path);
    try {
      if (st.isSymbolicLink()) return hashBlob(nodeFs.readlinkSync(abs, { encoding: 'buffer' }));
      if (!st.isFile()) return null;
      // The attributes of the index being written: a .gitattributes it changes or removes counts as it will be.
      eol ??= EolRules.load(layout.dir, layout, undefined, indexAttributesFrom(layout, out));
      const raw = nodeFs.readFileSync(abs);
      return hashBlob(
        eol.clean(path, raw, () => {
          store ??= new ObjectStore(layout);
          return store.tryRead(oid)?.data ?? null;
        }),
      );
    } catch {
      return null;
    }
  };
  let p = 12;
  try {
    for (let i = 0; i < count; i++) {
      const flags = out.readUInt16BE(p + 60);
      const extended = flags & 0x4000 ? out.readUInt16BE(p + 62) : 0;
      const nameStart = p + 62 + (flags & 0x4000 ? 2 : 0);
      const nul = out.indexOf(0, nameStart);
      const path = out.toString('utf8', nameStart, nul);
      const mode = out.readUInt32BE(p + 24);
      const stage = (flags >> 12) & 3;
      const intentToAdd = (extended & 0x2000) !== 0;
      if (stage === 0 && !intentToAdd && mode !== 0o160000) {
        const oid = out.toString('hex', p + 40, p + 60);
        const mtimeNs = BigInt(out.readUInt32BE(p + 8)) * 1_000_000_000n + BigInt(out.readUInt32BE(p + 12));
        const size = out.readUInt32BE(p + 36);
        const noStat = mtimeNs === 0n && size === 0 && out.readUInt32BE(p + 20) === 0;
        const racy = previousMtimeNs !== null && mtimeNs >= previousMtimeNs;
        if (noStat || racy) {
          const st = lstatNs(join(layout.dir, path));
          if (st) {
            // A racy entry whose file changed is smudged even when its stat data differs: git compares whole
            // seconds only (without USE_NSEC), so a change within the second may look unchanged to it.
            if (noStat && contentOid(path, st, oid) === oid) writeStat(out, p, st);
            else if (racy && contentOid(path, st, oid) !== oid) out.writeUInt32BE(0, p + 36);
          }
        }
      }
      // Entries are padded with 1–8 NULs to a multiple of 8 bytes.
      p += (nul - p + 8) & ~7;
    }
  } catch {
    // An index isomorphic-git wrote that this reader cannot walk is written as it is.
    return buf;
  }
  const body = out.subarray(0, out.length - 20);
  createHash('sha1').update(body).digest().copy(out, out.length - 20);
  return out;
}

function writeStat(out: Buffer, p: number, st: nodeFs.BigIntStats): void {
  const sec = (ns: bigint) => Number((ns / 1_000_000_000n) % 4294967296n);
  const nsec = (ns: bigint) => Number(ns % 1_000_000_000n);
  const u32 = (v: bigint) => Number(v % 4294967296n);
  out.writeUInt32BE(sec(st.ctimeNs), p);
  out.writeUInt32BE(nsec(st.ctimeNs), p + 4);
  out.writeUInt32BE(sec(st.mtimeNs), p + 8);
  out.writeUInt32BE(nsec(st.mtimeNs), p + 12);
  out.writeUInt32BE(u32(st.dev), p + 16);
  out.writeUInt32BE(u32(st.ino), p + 20);
  out.writeUInt32BE(u32(st.uid), p + 28);
  out.writeUInt32BE(u32(st.gid), p + 32);
  out.writeUInt32BE(u32(st.size), p + 36);
}

/** Writes the index as git does: `index.lock` created exclusively, then renamed over `index`. */
async function writeIndexFile(layout: RepoLayout, data: Uint8Array): Promise<void> {
  const target = join(layout.gitdir, 'index');
  const previous = lstatNs(target);
  const finished = finishIndex(layout, Buffer.from(data.buffer, data.byteOffset, data.byteLength), previous ? previous.mtimeNs : null);
  const lock = `${target}.lock`;
  try {
    await nodeFs.promises.writeFile(lock, finished, { flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new RpcError('CONFLICT', `Another git process is changing this repository (${lock} exists). Wait for it to finish; if none is running, delete that file and try again.`);
    }
    throw error;
  }
  try {
    await nodeFs.promises.rename(lock, target);
  } catch (error) {
    await nodeFs.promises.rm(lock, { force: true });
    throw error;
  }
}

/** The `fs` to pass to isomorphic-git for the work tree `dir` (see the file comment). */
export function embeddedGitFs(dir: string): typeof nodeFs {
  const layout = resolveLayout(dir);
  const indexPath = resolve(layout.gitdir, 'index');
  const writeFile = async (path: nodeFs.PathLike, data: string | Uint8Array, options?: unknown): Promise<void> => {
    const p = resolve(String(path));
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    if (p === indexPath) return writeIndexFile(layout, bytes);
    if (LOOSE_OBJECT.test(p) && basename(dirname(dirname(p))) === 'objects') return writeLooseObject(p, bytes);
    return nodeFs.promises.writeFile(path, data, options as nodeFs.WriteFileOptions);
  };
  return { ...nodeFs, promises: { ...nodeFs.promises, writeFile } } as typeof nodeFs;
}
