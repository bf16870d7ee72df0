import { randomUUID } from 'node:crypto';
import { RpcError } from '../../../shared/rpc';
import { ImportCancelled, type ImportProgress } from './import-service';

interface Running {
  readonly importId: string;
  readonly key: string;
  readonly abort: AbortController;
  readonly result: Promise<string[]>;
}

/** How many finished imports per project are remembered, so a late retry of one gets its answer instead of a second run. */
const REMEMBERED = 20;

/**
 * One import at a time per project. A request carries an import ID: a second request with the same ID
 * (a double click, a client retrying after a time-out) joins the running import or gets the finished
 * one's answer; a request with another ID while one runs is refused with CONFLICT. Cancel aborts a
 * running import before anything is written.
 */
export class ImportRunner {
  private readonly running = new Map<string, Running>();
  private readonly finished = new Map<string, Map<string, Promise<string[]>>>();

  /** Runs `job` as import `importId` of `root` (a fresh ID when none is given). */
  run(root: string, importId: string | undefined, paths: readonly string[], job: (signal: AbortSignal, progress: ImportProgress) => Promise<string[]>, onProgress: (importId: string, done: number, total: number, items: number) => void): Promise<string[]> {
    const id = importId ?? randomUUID();
    const key = [...paths].sort().join('\n');
    const current = this.running.get(root);
    if (current) {
      if (current.importId === id) {
        if (current.key !== key) throw new RpcError('CONFLICT', `Import ${id} is already running with other folders. Use a new import ID for a different import.`);
        return current.result;
      }
      throw new RpcError('CONFLICT', 'Another import is running in this project. Wait for it to finish (or cancel it), then import again.');
    }
    const done = this.finished.get(root)?.get(id);
    if (done) return done;
    const abort = new AbortController();
    const result = job(abort.signal, (d, t, n) => onProgress(id, d, t, n)).catch((error: unknown) => {
      if (error instanceof ImportCancelled) throw new RpcError('CANCELLED', error.message);
      throw error;
    });
    const entry: Running = { importId: id, key, abort, result };
    this.running.set(root, entry);
    const settle = (): void => {
      if (this.running.get(root) === entry) this.running.delete(root);
    };
    void result.then(
      () => {
        settle();
        const map = this.finished.get(root) ?? new Map<string, Promise<string[]>>();
        map.set(id, result);
        while (map.size > REMEMBERED) map.delete(map.keys().next().value!);
        this.finished.set(root, map);
      },
      settle,
    );
    return result;
  }

  /** Cancels a running import; false when that import is not running. */
  cancel(root: string, importId: string): boolean {
    const current = this.running.get(root);
    if (!current || current.importId !== importId) return false;
    current.abort.abort();
    return true;
  }

  /** The running import of a project, if any. */
  current(root: string): string | null {
    return this.running.get(root)?.importId ?? null;
  }
}
