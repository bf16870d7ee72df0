/**
 * The status engine in a worker thread, so hashing and walking never block the calling thread
 * (the Electron main process pumps window events; the web host serves requests).
 *
 *   // in the worker's entry file (bundled separately, e.g. dist/node/status-worker.mjs):
 *   import { runStatusWorker } from './status-worker';  runStatusWorker();
 *   // where the core runs:
 *   const engine = new StatusWorkerClient({ dir, workerUrl: new URL('./status-worker.mjs', import.meta.url) });
 *   await engine.status({ includeIgnored, signal }); engine.notifyChanged(paths); engine.invalidateAll(); engine.dispose();
 *
 * StatusWorkerClient has the same methods as StatusEngine. One worker per repository; requests are
 * answered in order. An aborted signal rejects the caller's promise (the worker finishes its scan and
 * keeps the result cached for the next call).
 */
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { StatusEngine, type StatusOptions, type StatusResult } from './status-engine';

type Request =
  | { readonly id: number; readonly op: 'status'; readonly includeIgnored: boolean }
  | { readonly id: number; readonly op: 'notify'; readonly paths: readonly string[] }
  | { readonly id: number; readonly op: 'invalidate' };

type RequestBody = Request extends infer R ? (R extends unknown ? Omit<R, 'id'> : never) : never;

type Reply = { readonly id: number; readonly result: StatusResult | null } | { readonly id: number; readonly error: string };

/** Runs inside the worker: serves one StatusEngine for `workerData.dir` until the port closes. */
export function runStatusWorker(): void {
  if (isMainThread || !parentPort) throw new Error('runStatusWorker() must run in a worker thread.');
  const port = parentPort;
  const { dir, gitdir } = workerData as { dir: string; gitdir?: string };
  let engine: StatusEngine | null = null;
  let failure: string | null = null;
  try {
    engine = new StatusEngine({ dir, gitdir });
  } catch (error) {
    failure = (error as Error).message;
  }
  let queue: Promise<void> = Promise.resolve();
  port.on('message', (req: Request) => {
    queue = queue.then(async () => {
      let reply: Reply;
      try {
        if (!engine) throw new Error(failure ?? 'The status engine could not start.');
        if (req.op === 'status') reply = { id: req.id, result: await engine.status({ includeIgnored: req.includeIgnored }) };
        else if (req.op === 'notify') {
          engine.notifyChanged(req.paths);
          reply = { id: req.id, result: null };
        } else {
          engine.invalidateAll();
          reply = { id: req.id, result: null };
        }
      } catch (error) {
        reply = { id: req.id, error: (error as Error).message };
      }
      port.postMessage(reply);
    });
  });
}

/** The calling side: a StatusEngine look-alike whose work happens in a worker thread. */
export class StatusWorkerClient {
  private readonly worker: Worker;
  private readonly waiting = new Map<number, { resolve: (r: StatusResult | null) => void; reject: (e: Error) => void }>();
  private nextId = 1;
  private dead: Error | null = null;

  constructor(opts: { dir: string; gitdir?: string; workerUrl: URL | string }) {
    this.worker = new Worker(opts.workerUrl, { workerData: { dir: opts.dir, gitdir: opts.gitdir } });
    this.worker.on('message', (reply: Reply) => {
      const w = this.waiting.get(reply.id);
      this.waiting.delete(reply.id);
      if (this.waiting.size === 0) this.worker.unref();
      if (!w) return;
      if ('error' in reply) w.reject(new Error(reply.error));
      else w.resolve(reply.result);
    });
    const fail = (error: Error): void => {
      this.dead = error;
      for (const w of this.waiting.values()) w.reject(error);
      this.waiting.clear();
    };
    this.worker.on('error', fail);
    this.worker.on('exit', () => fail(new Error('The status worker stopped; reopen the project.')));
    // After the listeners (a 'message' listener re-refs the worker): idle, it must not keep the process alive.
    this.worker.unref();
  }

  private call(req: RequestBody): Promise<StatusResult | null> {
    if (this.dead) return Promise.reject(this.dead);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      if (this.waiting.size === 0) this.worker.ref();
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ ...req, id });
    });
  }

  /** Same as StatusEngine.status(), computed in the worker. */
  async status(opts: StatusOptions = {}): Promise<StatusResult> {
    opts.signal?.throwIfAborted();
    const pending = this.call({ op: 'status', includeIgnored: opts.includeIgnored === true }) as Promise<StatusResult>;
    if (!opts.signal) return pending;
    const signal = opts.signal;
    return new Promise<StatusResult>((resolve, reject) => {
      const onAbort = (): void => reject(signal.reason instanceof Error ? signal.reason : new Error('Status was cancelled.'));
      signal.addEventListener('abort', onAbort, { once: true });
      pending.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
    });
  }

  /** Same as StatusEngine.notifyChanged(). */
  notifyChanged(paths: readonly string[]): void {
    if (paths.length > 0) void this.call({ op: 'notify', paths: [...paths] }).catch(() => undefined);
  }

  /** Same as StatusEngine.invalidateAll(). */
  invalidateAll(): void {
    void this.call({ op: 'invalidate' }).catch(() => undefined);
  }

  /** Stops the worker. */
  dispose(): void {
    this.worker.removeAllListeners('exit');
    for (const w of this.waiting.values()) w.reject(new Error('The status engine was closed.'));
    this.waiting.clear();
    void this.worker.terminate();
  }
}
