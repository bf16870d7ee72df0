import { promises as fs } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dispatch, type Handlers } from '../../../../../shared/rpc';
import { createSpecModule } from '../../../../../electron/core/spec/spec-module';
import { testCoreContext } from '../../../../helpers/core-context';

let base: string;
let root: string;
let module: ReturnType<typeof createSpecModule>;
let events: Array<{ event: string; payload: unknown }>;

beforeEach(async () => {
  base = await mkdtemp(join(tmpdir(), 'plumbline-import-module-'));
  root = join(base, 'p');
  await fs.cp(join(process.cwd(), 'tests/fixtures/import/spec-kit'), root, { recursive: true });
  const ctx = testCoreContext({ dataDir: base, roots: [root], resourcesDir: join(process.cwd(), 'resources') });
  events = [];
  ctx.bus.subscribe((e) => events.push(e));
  module = createSpecModule(ctx);
});

afterEach(async () => {
  await module.dispose?.();
  await fs.rm(base, { recursive: true, force: true });
});

type Reply = { result?: { summary: string[]; snapshot: { tasks: { tasks: unknown[] }; importSources: Array<{ imported: boolean }> } }; error?: { code: string; message: string } };
const call = (method: string, params: unknown) => dispatch(module.handlers as unknown as Handlers, { id: 1, method, params }, { connectionId: 't' }, { validateResponses: true }) as Promise<Reply>;
const paths = ['specs/001-photo-albums', 'specs/002-album-sharing'];

describe('import over the contract', () => {
  it('a retry with the same import ID joins the running import: tasks are imported once', async () => {
    const [a, b] = await Promise.all([call('import.run', { root, paths, importId: 'imp-1' }), call('import.run', { root, paths, importId: 'imp-1' })]);
    expect(a.result!.summary).toEqual(b.result!.summary);
    expect(a.result!.snapshot.tasks.tasks).toHaveLength(8);
    // A late retry of the finished import gets its answer, not a second run.
    const c = await call('import.run', { root, paths, importId: 'imp-1' });
    expect(c.result!.summary).toEqual(a.result!.summary);
    expect(c.result!.snapshot.tasks.tasks).toHaveLength(8);
    const progress = events.filter((e) => e.event === 'import.didProgress').map((e) => e.payload as { importId: string; done: number; total: number; items: number });
    expect(progress.length).toBeGreaterThan(2);
    // One run: its steps counted once.
    expect(progress.filter((p) => p.done === 1)).toHaveLength(1);
    expect(progress.every((p) => p.importId === 'imp-1' && p.done <= p.total)).toBe(true);
    expect(progress.at(-1)!.done).toBe(progress.at(-1)!.total);
    // Items read so far only grow, up to every spec item and task of both features (25 items + 8 tasks).
    expect(progress.map((p) => p.items)).toEqual([...progress.map((p) => p.items)].sort((a, b) => a - b));
    expect(progress.at(-1)!.items).toBe(33);
  });

  it('refuses another import while one runs, with CONFLICT', async () => {
    const first = call('import.run', { root, paths, importId: 'imp-1' });
    const second = await call('import.run', { root, paths, importId: 'imp-2' });
    expect(second.error).toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/Another import is running/) });
    expect((await first).result!.snapshot.tasks.tasks).toHaveLength(8);
  });

  it('a cancelled import writes nothing', async () => {
    const run = call('import.run', { root, paths, importId: 'imp-1' });
    expect(await call('import.cancel', { root, importId: 'imp-1' })).toMatchObject({ result: { cancelled: true } });
    expect((await run).error).toMatchObject({ code: 'CANCELLED' });
    await expect(fs.readdir(join(root, '.plumbline'))).rejects.toThrow(/ENOENT/);
    expect(await call('import.cancel', { root, importId: 'imp-1' })).toMatchObject({ result: { cancelled: false } });
  });

  it('declining remembers the decision, so the offer goes away', async () => {
    const r = (await call('import.decline', { root, paths: ['specs/001-photo-albums'] })) as unknown as { result: { importSources: Array<{ path: string; imported: boolean }> } };
    expect(r.result.importSources.map((s) => [s.path, s.imported])).toEqual([
      ['specs/001-photo-albums', true],
      ['specs/002-album-sharing', false],
      ['.specify/memory/constitution.md', false],
    ]);
    expect(JSON.parse(await fs.readFile(join(root, '.plumbline/imports.json'), 'utf8')).sources['specs/001-photo-albums'].decision).toBe('declined');
  });
});
