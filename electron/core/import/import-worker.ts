/**
 * The import worker thread: runs one job (`ImportJob`, from `workerData`) — reading and parsing the
 * sources and building the new plan in memory, or a re-import's preview — and posts its progress and
 * result to the calling thread (`import-worker-client.ts`). It only reads; every write stays with the caller.
 */
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { RpcError } from '../../../shared/rpc';
import type { ImportJob, ImportWorkerMessage } from './import-worker-client';
import { computePreview, prepareImport } from './import-service';

/** Runs inside the worker: the job in `workerData`, then the thread ends. */
export function runImportWorker(): void {
  if (isMainThread || !parentPort) throw new Error('runImportWorker() must run in a worker thread.');
  const port = parentPort;
  const job = workerData as ImportJob;
  const post = (m: ImportWorkerMessage): void => port.postMessage(m);
  const work =
    job.op === 'prepare'
      ? prepareImport(job.root, job.paths, job.accept, { sources: (files) => post({ type: 'sources', files }), read: (entries) => post({ type: 'read', entries }) })
      : computePreview(job.root, job.paths);
  work.then(
    (result) => post({ type: 'done', result }),
    (error: unknown) => post(error instanceof RpcError ? { type: 'error', message: error.message, code: error.code, details: error.details } : { type: 'error', message: (error as Error).message ?? String(error) }),
  );
}
