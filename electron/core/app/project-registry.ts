import { promises as fs } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { RpcError } from '../../../shared/rpc';

/**
 * The set of folders opened in this core. Every project-scoped request names its root, and
 * only roots opened through `project.open` are served: a renderer cannot read arbitrary paths.
 *
 * A root is reference-counted per holder (a connection: one browser tab, one window): it stays
 * open while any holder has it open, so one tab closing a project never closes it for another.
 * A provisional holder (the folder a host opens at start) keeps a root open only until a real
 * holder opens it.
 */
export class ProjectRegistry {
  /** root → holder → number of opens not yet closed. */
  private readonly holders = new Map<string, Map<string, number>>();
  private readonly provisional = new Set<string>();
  private readonly removeListeners = new Set<(root: string) => void>();

  /** Records one open of a root (the real path) by `holder`. */
  add(root: string, holder = 'core', options: { provisional?: boolean } = {}): void {
    let counts = this.holders.get(root);
    if (!counts) this.holders.set(root, (counts = new Map()));
    counts.set(holder, (counts.get(holder) ?? 0) + 1);
    if (options.provisional) {
      this.provisional.add(holder);
      return;
    }
    for (const h of [...counts.keys()]) if (this.provisional.has(h)) counts.delete(h);
  }

  /** Releases one open of a root by `holder`; the root closes when no holder has it open any more. */
  release(root: string, holder = 'core'): void {
    const counts = this.holders.get(root);
    const n = counts?.get(holder);
    if (!counts || n === undefined) return;
    if (n > 1) counts.set(holder, n - 1);
    else counts.delete(holder);
    if (counts.size === 0) this.close(root);
  }

  /** Releases every root a holder has open (its connection went away). */
  releaseHolder(holder: string): void {
    for (const [root, counts] of [...this.holders]) {
      if (!counts.delete(holder)) continue;
      if (counts.size === 0) this.close(root);
    }
    this.provisional.delete(holder);
  }

  /** Forgets a root and tells the services that hold resources for it (watchers, caches). */
  private close(root: string): void {
    if (!this.holders.delete(root)) return;
    for (const listener of this.removeListeners) listener(root);
  }

  /** Calls `listener` whenever a root is closed; returns the unsubscribe function. */
  onRemove(listener: (root: string) => void): () => void {
    this.removeListeners.add(listener);
    return () => this.removeListeners.delete(listener);
  }

  /** All opened roots. */
  list(): string[] {
    return [...this.holders.keys()];
  }

  /** Returns the root if it was opened, else throws FORBIDDEN. */
  require(root: string): string {
    if (!this.holders.has(root)) throw new RpcError('FORBIDDEN', `The folder ${root} is not open in Plumbline. Open it first.`);
    return root;
  }

  /**
   * Resolves a project-relative path to an absolute one inside the root; `..`, absolute paths,
   * NUL bytes and symlinks leading outside are refused.
   */
  async resolveInside(root: string, rel: string): Promise<string> {
    this.require(root);
    return resolveInsideRoot(root, rel);
  }
}

/** Resolves `rel` inside `root`, refusing anything that would leave it (symlinks resolved first). */
export async function resolveInsideRoot(root: string, rel: string): Promise<string> {
  if (rel.includes('\0')) throw new RpcError('FORBIDDEN', 'The path contains a NUL byte.');
  const abs = isAbsolute(rel) ? resolve(rel) : resolve(root, rel);
  if (!isWithin(root, abs)) throw new RpcError('FORBIDDEN', `The path ${rel} is outside the project.`);
  // Resolve symlinks on the longest existing prefix, then check again.
  let probe = abs;
  const rest: string[] = [];
  for (;;) {
    try {
      const real = await fs.realpath(probe);
      const full = rest.length ? join(real, ...rest.reverse()) : real;
      const realRoot = await fs.realpath(root);
      if (!isWithin(realRoot, full)) throw new RpcError('FORBIDDEN', `The path ${rel} leads outside the project through a symbolic link.`);
      return abs;
    } catch (error) {
      if (error instanceof RpcError) throw error;
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENAMETOOLONG') throw new RpcError('INVALID_REQUEST', `The path ${rel.slice(0, 120)}… is too long for the file system. Use a shorter path.`);
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw error;
      const parent = resolve(probe, '..');
      if (parent === probe) return abs;
      rest.push(probe.slice(parent.length + (parent.endsWith(sep) ? 0 : 1)));
      probe = parent;
    }
  }
}

/** True when `child` is `parent` or inside it. */
export function isWithin(parent: string, child: string): boolean {
  const rel = relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** Converts an absolute path inside root to the contract's forward-slash relative form. */
export function toRel(root: string, abs: string): string {
  return relative(root, abs).split(sep).join('/');
}
