/**
 * The calling side of the import worker (`import-worker.ts`): one worker thread per job, so reading and
 * parsing the sources never stall the host's thread (the Electron main process pumps window events; the
 * web host answers every other client meanwhile).
 *
 *   const prepared = await prepareInWorker(workerPath, { op: 'prepare', root, paths }, { sources, read }, signal);
 *   const changes = await prepareInWorker(workerPath, { op: 'preview', root, paths });
 *
 * An aborted signal terminates the worker at once and rejects with ImportCancelled (nothing has been
 * written: the worker only reads). A failure inside the worker rejects with the same RpcError code and
 * message as on the calling thread.
 */
import { Worker } from 'node:worker_threads';
import type { ImportChange } from '../../../shared/contract/spec';
import { RpcError, type RpcErrorCode } from '../../../shared/rpc';
import type { PrepareHooks, PreparedImport } from './import-service';
import { ImportCancelled } from './import-cancelled';

/** A job for the worker: build an import's writes, or a re-import's preview. */
export type ImportJob =
  | { readonly op: 'prepare'; readonly root: string; readonly paths: readonly string[]; readonly accept?: readonly string[] }
  | { readonly op: 'preview'; readonly root: string; readonly paths: readonly string[] };

/** A message from the worker. */
export type ImportWorkerMessage =
  | { readonly type: 'sources'; readonly files: number }
  | { readonly type: 'read'; readonly entries: number }
  | { readonly type: 'done'; readonly result: PreparedImport | ImportChange[] }
  | { readonly type: 'error'; readonly message: string; readonly code?: RpcErrorCode; readonly details?: unknown };

type Result<J extends ImportJob> = J extends { op: 'prepare' } ? PreparedImport : ImportChange[];

/** Runs `job` in a fresh worker thread from `workerPath`; progress reaches `hooks` on the calling thread. */
export function prepareInWorker<J extends ImportJob>(workerPath: string, job: J, hooks: PrepareHooks = {}, signal?: AbortSignal): Promise<Result<J>> {
  if (signal?.aborted) return Promise.reject(new ImportCancelled());
  return new Promise<Result<J>>((resolve, reject) => {
    let settled = false;
    const worker = new Worker(workerPath, { workerData: job });
    const finish = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      worker.removeAllListeners();
      worker.on('error', () => undefined);
      void worker.terminate();
      fn();
    };
    const onAbort = (): void => finish(() => reject(new ImportCancelled()));
    signal?.addEventListener('abort', onAbort, { once: true });
    worker.on('message', (m: ImportWorkerMessage) => {
      if (settled) return;
      if (m.type === 'sources') hooks.sources?.(m.files);
      else if (m.type === 'read') void hooks.read?.(m.entries);
      else if (m.type === 'done') finish(() => resolve(m.result as Result<J>));
      else finish(() => reject(m.code ? new RpcError(m.code, m.message, m.details) : new Error(m.message)));
    });
    worker.on('error', (error) => finish(() => reject(new Error(`The import could not run: ${error.message}. Nothing was imported; try again, or reinstall Plumbline if this repeats.`))));
    worker.on('exit', (code) => finish(() => reject(new Error(`The import stopped unexpectedly (exit code ${code}). Nothing was imported; try again.`))));
  });
}
