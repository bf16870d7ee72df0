import { promises as fs } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectImports, importSources, prepareImport, previewImport } from '../../../../../electron/core/import/import-service';
import { prepareInWorker } from '../../../../../electron/core/import/import-worker-client';

const FIXTURES = join(process.cwd(), 'tests/fixtures/import');
const temps: string[] = [];

/** A copy of a fixture in a folder named after it (the new spec's title is the folder's name). */
async function project(name: string): Promise<string> {
  const parent = await mkdtemp(join(tmpdir(), `plumbline-import-worker-${name}-`));
  temps.push(parent);
  const dir = join(parent, name);
  await fs.cp(join(FIXTURES, name), dir, { recursive: true });
  return dir;
}

/** Every file of a folder with its text. */
async function tree(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (d: string): Promise<void> => {
    for (const e of await fs.readdir(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else out[relative(dir, p)] = await fs.readFile(p, 'utf8');
    }
  };
  await walk(dir);
  return out;
}

// The worker needs a JavaScript entry: bundle it the way a host build would.
let workerPath = '';
beforeAll(async () => {
  const outDir = await mkdtemp(join(tmpdir(), 'plumbline-import-worker-bundle-'));
  temps.push(outDir);
  workerPath = join(outDir, 'import-worker.mjs');
  await build({
    entryPoints: [join(process.cwd(), 'electron/core/import/import-worker-entry.ts')],
    outfile: workerPath,
    bundle: true,
    platform: 'node',
    format: 'esm',
    absWorkingDir: process.cwd(),
    // CommonJS dependencies bundled into ESM still call require().
    banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
    logLevel: 'silent',
  });
});

afterAll(async () => {
  for (const d of temps.splice(0)) await fs.rm(d, { recursive: true, force: true });
});

const FIXTURE_NAMES = ['spec-kit', 'kiro', 'madr', 'nygard'];

describe('the import worker', () => {
  it.each(FIXTURE_NAMES)('builds the same plan as the calling thread for the %s fixture', async (name) => {
    const root = await project(name);
    const paths = (await detectImports(root)).map((s) => s.path);
    expect(paths.length).toBeGreaterThan(0);
    const here = { sources: [] as number[], read: [] as number[] };
    const there = { sources: [] as number[], read: [] as number[] };
    const inThread = await prepareImport(root, paths, undefined, { sources: (n) => here.sources.push(n), read: (n) => void here.read.push(n) });
    const inWorker = await prepareInWorker(workerPath, { op: 'prepare', root, paths }, { sources: (n) => there.sources.push(n), read: (n) => void there.read.push(n) });
    expect(inThread.built.files.size).toBeGreaterThan(0);
    expect(inWorker).toEqual(inThread);
    expect(there).toEqual(here);
  });

  it.each(FIXTURE_NAMES)('writes the same files, summary and progress through importSources for the %s fixture', async (name) => {
    const a = await project(name);
    const b = await project(name);
    const paths = (await detectImports(a)).map((s) => s.path);
    const progressA: number[][] = [];
    const progressB: number[][] = [];
    const summaryA = await importSources(a, paths, { onProgress: (...p) => progressA.push(p) });
    const summaryB = await importSources(b, paths, { workerPath, onProgress: (...p) => progressB.push(p) });
    expect(summaryB).toEqual(summaryA);
    expect(progressB).toEqual(progressA);
    const strip = (files: Record<string, string>): Record<string, string> => {
      // imports.json records when the decision was made.
      const { ['.plumbline/imports.json']: record, ...rest } = files;
      return { ...rest, record: JSON.stringify(Object.values((JSON.parse(record!) as { sources: Record<string, { files: unknown }> }).sources).map((s) => s.files)) };
    };
    expect(strip(await tree(b))).toEqual(strip(await tree(a)));
  });

  it('previews a re-import the same way', async () => {
    const root = await project('spec-kit');
    await importSources(root, ['specs/001-photo-albums']);
    const specPath = join(root, 'specs/001-photo-albums/spec.md');
    await fs.writeFile(specPath, (await fs.readFile(specPath, 'utf8')).replace('reorder albums by drag and drop', 'reorder albums by keyboard'));
    const inThread = await previewImport(root, ['specs/001-photo-albums']);
    expect(inThread.length).toBeGreaterThan(0);
    expect(await previewImport(root, ['specs/001-photo-albums'], workerPath)).toEqual(inThread);
  });

  it('passes a refusal through with its code and message', async () => {
    const root = await project('nygard');
    await expect(importSources(root, ['../etc'], { workerPath })).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringMatching(/Nothing to import at \.\.\/etc/) });
  });

  it('stops the worker on cancel and writes nothing', async () => {
    const root = await project('spec-kit');
    const before = await tree(root);
    const paths = (await detectImports(root)).map((s) => s.path);
    const abort = new AbortController();
    let reported = 0;
    const run = importSources(root, paths, {
      workerPath,
      signal: abort.signal,
      onProgress: () => {
        reported++;
        abort.abort();
      },
    });
    await expect(run).rejects.toThrow(/cancelled\. Nothing was written/);
    // The worker was stopped at the cancel: no file read after it is reported.
    expect(reported).toBe(1);
    expect(await tree(root)).toEqual(before);
  });

  it('says what to do when the worker cannot start', async () => {
    const root = await project('nygard');
    const paths = (await detectImports(root)).map((s) => s.path);
    await expect(importSources(root, paths, { workerPath: join(tmpdir(), 'no-such-import-worker.mjs') })).rejects.toThrow(/The import could not run: .*Nothing was imported/);
  });
});
