/**
 * Child-process entry of the cold status case: a fresh process imports the engine, then the time of
 * `new StatusEngine(...).status()` is printed as JSON. Usage: node cold-status.mjs <repo>
 */
import { performance } from 'node:perf_hooks';
import { StatusEngine } from '../electron/core/git/status-engine';

const dir = process.argv[2];
const t0 = performance.now();
const engine = new StatusEngine({ dir });
const result = await engine.status();
const ms = performance.now() - t0;
process.stdout.write(`${JSON.stringify({ ms, entries: result.entries.length })}\n`);
engine.dispose();
