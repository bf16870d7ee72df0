/**
 * Rows for work on model or file input that must stay linear: the editor save merge on a file in
 * which every line changed (it runs on the host's event loop, so every client waits for it).
 */
import { performance } from 'node:perf_hooks';
import { mergeEditorText } from '../../electron/core/files/file-save';
import type { BenchCase } from '../harness';

export function safetyCases(): BenchCase[] {
  return [
    {
      name: 'save merge: 6,000-line file, every line changed',
      target: '≤ 200 ms',
      targetMs: 200,
      run: async (ctx) => {
        const n = 6000;
        const original = Buffer.from(Array.from({ length: n }, (_, i) => `const value${i} = compute(${i}); // original line\n`).join(''));
        const edited = Array.from({ length: n }, (_, i) => `const value${i} = computeAgain(${i}); // edited line\n`).join('');
        const times: number[] = [];
        for (let i = 0; i < ctx.repeat; i++) {
          const t0 = performance.now();
          mergeEditorText(original, edited);
          times.push(performance.now() - t0);
        }
        return { plumbline: times, native: null };
      },
    },
  ];
}
