/** Gives back a held working-tree lock. */
export type ReleaseLock = () => void;

/**
 * One check run per project working tree at a time. Verify jobs and breaker review checks both run
 * commands in the same folder; two at once would see each other's build output and temp files.
 * Keyed by the absolute project root, so it is process-wide like the folder itself.
 */
export class WorkingTreeLock {
  private readonly held = new Set<string>();
  private readonly waiters = new Map<string, Array<() => void>>();

  /** A check run holds the tree of this project now. */
  isBusy(root: string): boolean {
    return this.held.has(root);
  }

  /** Takes the lock if it is free; null when another run holds it. */
  tryAcquire(root: string): ReleaseLock | null {
    if (this.held.has(root)) return null;
    this.held.add(root);
    return this.releaser(root);
  }

  /** Waits for the lock in arrival order; null when the signal aborts first (the lock is then not held). */
  acquire(root: string, signal?: AbortSignal): Promise<ReleaseLock | null> {
    if (signal?.aborted) return Promise.resolve(null);
    const now = this.tryAcquire(root);
    if (now) return Promise.resolve(now);
    return new Promise((resolve) => {
      const queue = this.waiters.get(root) ?? [];
      this.waiters.set(root, queue);
      const onAbort = () => {
        const i = queue.indexOf(grant);
        if (i >= 0) queue.splice(i, 1);
        if (queue.length === 0 && this.waiters.get(root) === queue) this.waiters.delete(root);
        resolve(null);
      };
      // Called by the releasing holder, which hands the lock over without letting it go free in between.
      const grant = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve(this.releaser(root));
      };
      queue.push(grant);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  private releaser(root: string): ReleaseLock {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const queue = this.waiters.get(root);
      const next = queue?.shift();
      if (queue && queue.length === 0) this.waiters.delete(root);
      if (next) next();
      else this.held.delete(root);
    };
  }
}

/** The lock every check run of this process takes (Verify jobs and breaker review checks). */
export const workingTreeLock = new WorkingTreeLock();
