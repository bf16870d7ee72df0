import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { dirname, join } from 'node:path';
import git from 'isomorphic-git';
import * as nodeFs from 'node:fs';
import type { DiscardedEntry } from '../../../shared/contract';
import { RpcError } from '../../../shared/rpc';
import { resolveInsideRoot } from '../app/project-registry';
import { appendLine, atomicWrite, readJsonLines } from '../util/atomic-write';
import { EolRules } from './eol';
import { readIndexEntry } from './object-reads';

/** One file of a discard: what it was before, and what the discard left (to detect later edits). */
interface DiscardedFile {
  readonly path: string;
  /** The file existed in the work tree before the discard. */
  readonly existed: boolean;
  readonly symlink: boolean;
  readonly mode: number;
  /** Name of the stored copy inside the discard's folder. */
  readonly stored: string | null;
  /** SHA-1 of what the discard left there; null when it left nothing. */
  readonly afterHash: string | null;
}

type DiscardRecord =
  | { readonly type: 'discard'; readonly id: string; readonly at: string; readonly files: readonly DiscardedFile[] }
  | { readonly type: 'restored'; readonly id: string; readonly at: string };

const KEEP = 50;

function sha1(bytes: Uint8Array): string {
  return createHash('sha1').update(bytes).digest('hex');
}

/** Current bytes of a path as the discard compares them (a symlink's target text), or null. */
async function currentHash(abs: string): Promise<string | null> {
  try {
    const st = await fs.lstat(abs);
    if (st.isSymbolicLink()) return sha1(Buffer.from(await fs.readlink(abs)));
    if (!st.isFile()) return null;
    return sha1(await fs.readFile(abs));
  } catch {
    return null;
  }
}

async function writeSide(abs: string, bytes: Uint8Array, symlink: boolean, mode: number): Promise<void> {
  await fs.mkdir(dirname(abs), { recursive: true });
  if (symlink) {
    await fs.rm(abs, { force: true });
    await fs.symlink(Buffer.from(bytes).toString(), abs);
    return;
  }
  const st = await fs.lstat(abs).catch(() => null);
  if (st?.isSymbolicLink()) await fs.rm(abs);
  await atomicWrite(abs, bytes, { mode });
}

/** Expands an untracked folder into the files under it, leaving ignored files (and nested repositories) alone. */
async function expand(root: string, rel: string, top = true): Promise<string[]> {
  const clean = rel.replace(/\/$/, '');
  const abs = join(root, clean);
  const st = await fs.lstat(abs).catch(() => null);
  if (!top && (await git.isIgnored({ fs: nodeFs, dir: root, filepath: clean }))) return [];
  if (!st?.isDirectory()) return [clean];
  const entries = await fs.readdir(abs, { withFileTypes: true });
  if (!top && entries.some((d) => d.name === '.git')) return [];
  const out: string[] = [];
  for (const d of entries) {
    if (d.name === '.git') continue;
    out.push(...(await expand(root, `${clean}/${d.name}`, false)));
  }
  return out;
}

/**
 * Discards work-tree changes (back to the index; untracked files removed) after copying what was
 * there into the app data folder, so "bring back" can restore it. Nothing is lost on a discard.
 */
export class DiscardStore {
  constructor(private readonly dataDir: string) {}

  private folder(root: string): string {
    return join(this.dataDir, 'discarded', createHash('sha1').update(root).digest('hex').slice(0, 16));
  }

  private async records(root: string): Promise<DiscardRecord[]> {
    return readJsonLines<DiscardRecord>(join(this.folder(root), 'log.jsonl'));
  }

  /** Recently discarded sets, newest first. */
  async list(root: string): Promise<DiscardedEntry[]> {
    const recs = await this.records(root);
    const restored = new Set(recs.filter((r) => r.type === 'restored').map((r) => r.id));
    return recs
      .filter((r): r is Extract<DiscardRecord, { type: 'discard' }> => r.type === 'discard')
      .map((r) => ({ id: r.id, at: r.at, paths: r.files.map((f) => f.path), restored: restored.has(r.id) }))
      .reverse()
      .slice(0, KEEP);
  }

  /**
   * Discards the work-tree changes of `paths` and records how to bring them back. `refresh` takes the
   * rewritten files' stat data into the index (as a checkout does), so git does not see them as changed.
   */
  async discard(root: string, paths: readonly string[], refresh?: (paths: readonly string[]) => Promise<void>): Promise<DiscardedEntry> {
    const id = `${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
    const store = join(this.folder(root), id);
    await fs.mkdir(store, { recursive: true });
    const rels: string[] = [];
    for (const p of paths) rels.push(...(await expand(root, p)));
    // First copy everything away, so a failure half-way never leaves a change without its copy.
    let eol: EolRules | null = null;
    const files: Array<DiscardedFile & { restoreTo: { bytes: Uint8Array; mode: number; symlink: boolean } | null }> = [];
    for (const [n, rel] of rels.entries()) {
      const abs = await resolveInsideRoot(root, rel);
      const st = await fs.lstat(abs).catch(() => null);
      let stored: string | null = null;
      const symlink = st?.isSymbolicLink() ?? false;
      if (st && (st.isFile() || symlink)) {
        stored = `${n}.bin`;
        const bytes = symlink ? Buffer.from(await fs.readlink(abs)) : await fs.readFile(abs);
        await atomicWrite(join(store, stored), bytes, { mode: 0o600 });
      }
      const entry = await readIndexEntry(root, rel);
      let restoreTo: { bytes: Uint8Array; mode: number; symlink: boolean } | null = null;
      if (entry && entry.mode !== 0o160000) {
        const { blob } = await git.readBlob({ fs: nodeFs, dir: root, oid: entry.oid });
        // Written back as a checkout writes it: line endings converted for the work tree (core.autocrlf, .gitattributes).
        const symlink = entry.mode === 0o120000;
        restoreTo = { bytes: symlink ? blob : (eol ??= EolRules.load(root)).smudge(rel, blob), mode: entry.mode === 0o100755 ? 0o755 : 0o644, symlink };
      }
      files.push({
        path: rel,
        existed: stored !== null,
        symlink,
        mode: st ? st.mode & 0o7777 : 0o644,
        stored,
        afterHash: restoreTo ? sha1(restoreTo.bytes) : null,
        restoreTo,
      });
    }
    const at = new Date().toISOString();
    const record: DiscardRecord = { type: 'discard', id, at, files: files.map(({ restoreTo: _r, ...f }) => f) };
    await appendLine(join(this.folder(root), 'log.jsonl'), JSON.stringify(record));
    for (const f of files) {
      const abs = join(root, f.path);
      if (f.restoreTo) await writeSide(abs, f.restoreTo.bytes, f.restoreTo.symlink, f.restoreTo.mode);
      else await fs.rm(abs, { force: true });
    }
    const rewritten = files.filter((f) => f.restoreTo).map((f) => f.path);
    if (refresh && rewritten.length) await refresh(rewritten);
    await this.prune(root);
    return { id, at, paths: files.map((f) => f.path), restored: false };
  }

  /** Keeps the stored copies of the newest KEEP discards only (the list never shows older ones). */
  private async prune(root: string): Promise<void> {
    const discards = (await this.records(root)).filter((r) => r.type === 'discard');
    for (const old of discards.slice(0, Math.max(0, discards.length - KEEP))) {
      await fs.rm(join(this.folder(root), old.id), { recursive: true, force: true });
    }
  }

  /** Brings a discard back; refused (CONFLICT naming the files) when they were changed since. */
  async restore(root: string, id: string): Promise<void> {
    const recs = await this.records(root);
    const rec = recs.find((r): r is Extract<DiscardRecord, { type: 'discard' }> => r.type === 'discard' && r.id === id);
    const kept = rec ? await fs.stat(join(this.folder(root), id)).then(() => true, () => false) : false;
    if (!rec || !kept) throw new RpcError('NOT_FOUND', 'That discarded change is no longer kept. Nothing was changed.');
    if (recs.some((r) => r.type === 'restored' && r.id === id)) throw new RpcError('CONFLICT', 'That change was already brought back.');
    const changed: string[] = [];
    for (const f of rec.files) {
      const abs = await resolveInsideRoot(root, f.path);
      if ((await currentHash(abs)) !== f.afterHash) changed.push(f.path);
    }
    if (changed.length) {
      throw new RpcError('CONFLICT', `Cannot bring back: ${changed.join(', ')} changed since the discard. Commit or discard those edits first.`, { files: changed });
    }
    const store = join(this.folder(root), id);
    for (const f of rec.files) {
      const abs = join(root, f.path);
      if (f.stored) await writeSide(abs, await fs.readFile(join(store, f.stored)), f.symlink, f.mode);
      else await fs.rm(abs, { force: true });
    }
    await appendLine(join(this.folder(root), 'log.jsonl'), JSON.stringify({ type: 'restored', id, at: new Date().toISOString() } satisfies DiscardRecord));
  }
}
