/**
 * lstat in parallel: a few worker threads take a share of the paths while the calling thread does its
 * own share, as git's preload-index threads do. Each result is a packed row of numbers, so nothing but
 * one Float64Array crosses back per batch.
 *
 *   const pool = new StatPool(1);            // workers start in the background right away
 *   const rows = await pool.statMany(paths);  // STAT_FIELDS numbers per path, see below
 *   fillStat(rows, i, lstatSync(p))           // the same packing on the calling thread
 *   pool.dispose();
 */
import type { Stats } from 'node:fs';
import { Worker } from 'node:worker_threads';

/** Numbers per path: kind, mode, size, mtimeMs, ctimeMs, ino, uid, gid. */
export const STAT_FIELDS = 8;
/** Values of the kind field. */
export const KIND_MISSING = 0;
export const KIND_FILE = 1;
export const KIND_DIR = 2;
export const KIND_LINK = 3;
export const KIND_OTHER = 4;

/** Packs one lstat result (or undefined for a missing path) into row `i`. */
export function fillStat(out: Float64Array, i: number, st: Stats | undefined): void {
  const o = i * STAT_FIELDS;
  if (!st) {
    out[o] = KIND_MISSING;
    return;
  }
  out[o] = st.isFile() ? KIND_FILE : st.isDirectory() ? KIND_DIR : st.isSymbolicLink() ? KIND_LINK : KIND_OTHER;
  out[o + 1] = st.mode;
  out[o + 2] = st.size;
  out[o + 3] = st.mtimeMs;
  out[o + 4] = st.ctimeMs;
  out[o + 5] = st.ino;
  out[o + 6] = st.uid;
  out[o + 7] = st.gid;
}

// The worker is plain JavaScript evaluated from this string, so it needs no separate file in any bundle.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { lstatSync } = require('node:fs');
parentPort.on('message', ({ id, paths }) => {
  const out = new Float64Array(paths.length * 8);
  for (let i = 0; i < paths.length; i++) {
    let st;
    try { st = lstatSync(paths[i], { throwIfNoEntry: false }); } catch { st = undefined; }
    const o = i * 8;
    if (!st) { out[o] = 0; continue; }
    out[o] = st.isFile() ? 1 : st.isDirectory() ? 2 : st.isSymbolicLink() ? 3 : 4;
    out[o + 1] = st.mode; out[o + 2] = st.size; out[o + 3] = st.mtimeMs; out[o + 4] = st.ctimeMs;
    out[o + 5] = st.ino; out[o + 6] = st.uid; out[o + 7] = st.gid;
  }
  parentPort.postMessage({ id, out }, [out.buffer]);
});
`;

interface PoolWorker {
  readonly worker: Worker;
  readonly waiting: Map<number, { resolve: (a: Float64Array) => void; reject: (e: Error) => void }>;
}

/** A small pool of lstat workers; with size 0 it does nothing and callers stat on their own thread. */
export class StatPool {
  private readonly workers: PoolWorker[] = [];
  private nextId = 1;
  private broken = false;

  constructor(readonly size: number) {
    for (let i = 0; i < size; i++) {
      try {
        const worker = new Worker(WORKER_SOURCE, { eval: true });
        const pw: PoolWorker = { worker, waiting: new Map() };
        worker.on('message', (m: { id: number; out: Float64Array }) => {
          const w = pw.waiting.get(m.id);
          pw.waiting.delete(m.id);
          if (pw.waiting.size === 0) worker.unref();
          w?.resolve(m.out);
        });
        const fail = (e: Error): void => {
          this.broken = true;
          for (const w of pw.waiting.values()) w.reject(e);
          pw.waiting.clear();
        };
        worker.on('error', fail);
        worker.on('exit', () => fail(new Error('stat worker exited')));
        // After the listeners: adding a 'message' listener re-refs the port. An idle pool must not keep
        // the process alive.
        worker.unref();
        this.workers.push(pw);
      } catch {
        this.broken = true;
      }
    }
  }

  /** How many workers can take a share now (0 when the pool is empty or a worker failed). */
  get available(): number {
    return this.broken ? 0 : this.workers.length;
  }

  /** lstat of each path on worker `k`, packed STAT_FIELDS per path. */
  statMany(k: number, paths: readonly string[]): Promise<Float64Array> {
    const pw = this.workers[k];
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      // Referenced only while a request is out, so a pending status keeps the process alive but an idle pool does not.
      if (pw.waiting.size === 0) pw.worker.ref();
      pw.waiting.set(id, { resolve, reject });
      pw.worker.postMessage({ id, paths });
    });
  }

  /** Stops the workers. */
  dispose(): void {
    for (const pw of this.workers) {
      pw.worker.removeAllListeners('exit');
      void pw.worker.terminate();
    }
    this.workers.length = 0;
  }
}
