import { Worker } from 'node:worker_threads';

/** One file the search may read: its absolute path (already confined to the project) and its shown path. */
export interface SearchFile {
  readonly abs: string;
  readonly rel: string;
}

/** How long a model-supplied regular expression may run over all files before the search is stopped. */
export const REGEX_BUDGET_MS = 5_000;

// Plain CommonJS run with `eval`: no separate file to bundle, the same in tests, the web host and Electron.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const re = new RegExp(workerData.pattern, workerData.flags);
const hits = [];
for (const f of workerData.files) {
  if (hits.length >= workerData.limit) break;
  let text;
  try { text = fs.readFileSync(f.abs, 'utf8'); } catch { continue; }
  if (text.includes('\\0')) continue;
  const lines = text.split(/\\r?\\n/);
  for (let i = 0; i < lines.length && hits.length < workerData.limit; i++) {
    re.lastIndex = 0;
    if (re.test(lines[i])) hits.push(f.rel + ':' + (i + 1) + ': ' + lines[i].slice(0, 300));
  }
}
parentPort.postMessage(hits);
`;

/** The outcome of a search: the hits, or why there are none. */
export type SearchResult = { readonly ok: true; readonly hits: string[] } | { readonly ok: false; readonly message: string };

/**
 * Runs a regular expression from the model over files in a worker thread with a time budget, so a
 * catastrophic pattern (`^(a+)+$`) never blocks the host's event loop: past the budget the worker is
 * terminated and the model is told to simplify the pattern.
 */
export function searchFiles(pattern: string, files: readonly SearchFile[], options: { limit?: number; budgetMs?: number; signal?: AbortSignal } = {}): Promise<SearchResult> {
  try {
    new RegExp(pattern);
  } catch (error) {
    return Promise.resolve({ ok: false, message: `Invalid regular expression: ${(error as Error).message}` });
  }
  if (options.signal?.aborted) return Promise.resolve({ ok: false, message: 'The search was cancelled.' });
  const budget = options.budgetMs ?? REGEX_BUDGET_MS;
  return new Promise((resolve) => {
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { pattern, flags: '', files, limit: options.limit ?? 200 } });
    let settled = false;
    const done = (result: SearchResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      void worker.terminate();
      resolve(result);
    };
    const timer = setTimeout(
      () => done({ ok: false, message: `The regular expression ran longer than ${budget / 1000} s and was stopped. Simplify it (avoid nested quantifiers such as (a+)+ or (.*)*), or narrow the files with "glob".` }),
      budget,
    );
    const onAbort = (): void => done({ ok: false, message: 'The search was cancelled.' });
    options.signal?.addEventListener('abort', onAbort, { once: true });
    worker.once('message', (hits: string[]) => done({ ok: true, hits }));
    worker.once('error', (error) => done({ ok: false, message: `The search failed: ${error.message}` }));
    worker.once('exit', () => done({ ok: false, message: 'The search stopped unexpectedly; try again.' }));
  });
}
