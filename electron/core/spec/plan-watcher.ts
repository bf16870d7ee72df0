import { watch, type FSWatcher } from 'chokidar';
import { relative, sep } from 'node:path';

/**
 * Files beside the plan that are no plan edit: the plan writer's bookkeeping (the highest IDs handed
 * out) and the Calibrator's ledger (its appends are announced by the verify events).
 */
const BOOKKEEPING = new Set(['.plumbline/ids.json', '.plumbline/evidence.jsonl']);

/** Files under the root whose changes concern the Orchestrator. */
function isPlanPath(rel: string): boolean {
  const p = rel.split(sep).join('/');
  if (BOOKKEEPING.has(p)) return false;
  return p === '' || p === '.plumbline' || p.startsWith('.plumbline/') || p === 'AGENTS.md' || p === 'CLAUDE.md';
}

/**
 * Watches `.plumbline/` and the memory files of opened projects, so hand edits made in another
 * editor reach the renderer even in folders that are not git repositories (where no repository
 * watcher runs). Changes are batched for a short moment and reported as project-relative paths.
 */
export class PlanWatchers {
  private readonly watchers = new Map<string, { watcher: FSWatcher; pending: Set<string>; timer: NodeJS.Timeout | null }>();

  constructor(private readonly onChange: (root: string, files: string[]) => void) {}

  /** Starts watching a root (no-op when already watched). */
  ensure(root: string): void {
    if (this.watchers.has(root)) return;
    const watcher = watch(root, {
      ignoreInitial: true,
      depth: 3,
      ignored: (path: string) => !isPlanPath(relative(root, path)),
    });
    const entry = { watcher, pending: new Set<string>(), timer: null as NodeJS.Timeout | null };
    const note = (path: string): void => {
      entry.pending.add(relative(root, path).split(sep).join('/'));
      if (entry.timer) return;
      entry.timer = setTimeout(() => {
        entry.timer = null;
        const files = [...entry.pending].filter((f) => !/\/\.[^/]*\.tmp$/.test(f));
        entry.pending.clear();
        if (files.length) this.onChange(root, files);
      }, 60);
    };
    watcher.on('add', note).on('change', note).on('unlink', note).on('addDir', note).on('unlinkDir', note);
    watcher.on('error', () => {
      // A watcher that fails (too many watches, folder gone) only costs live updates.
    });
    this.watchers.set(root, entry);
  }

  /** Stops watching roots not in `keep`. */
  retain(keep: readonly string[]): void {
    for (const root of [...this.watchers.keys()]) if (!keep.includes(root)) void this.stop(root);
  }

  private async stop(root: string): Promise<void> {
    const entry = this.watchers.get(root);
    if (!entry) return;
    this.watchers.delete(root);
    if (entry.timer) clearTimeout(entry.timer);
    await entry.watcher.close();
  }

  /** Stops every watcher. */
  async dispose(): Promise<void> {
    await Promise.all([...this.watchers.keys()].map((r) => this.stop(r)));
  }
}

