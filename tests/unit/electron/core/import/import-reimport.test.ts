import { promises as fs } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { detectImports, previewImport } from '../../../../../electron/core/import/import-service';
import { PlanService } from '../../../../../electron/core/spec/plan-service';

const FIXTURES = join(process.cwd(), 'tests/fixtures/import');
const service = new PlanService(() => undefined);
const temps: string[] = [];

async function project(name: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `plumbline-reimport-${name}-`));
  temps.push(dir);
  await fs.cp(join(FIXTURES, name), dir, { recursive: true });
  return dir;
}

async function edit(path: string, from: string | RegExp, to: string): Promise<void> {
  const text = await fs.readFile(path, 'utf8');
  expect(text).toMatch(from);
  await fs.writeFile(path, text.replace(from, to));
}

/** The bytes of every file under a folder, by path (the originals a re-import must leave alone). */
async function bytes(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const e of await fs.readdir(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) out[join(e.parentPath, e.name)] = (await fs.readFile(join(e.parentPath, e.name))).toString('base64');
  }
  return out;
}

const exists = (path: string): Promise<boolean> => fs.access(path).then(() => true, () => false);

afterEach(async () => {
  for (const d of temps.splice(0)) await fs.rm(d, { recursive: true, force: true });
});

describe('re-import of tasks', () => {
  it('updates a task changed upstream by status, description, scope or dependencies while it reads as imported, lists each change, and leaves one edited here alone', async () => {
    const root = await project('spec-kit');
    const feature = 'specs/001-photo-albums';
    await service.importSources(root, [feature]);
    // Edited here: a check added to T-4 (upstream changes T004 too).
    await service.updateTask(root, 'T-4', { checks: ['npm test'] });
    const tasksPath = join(root, feature, 'tasks.md');
    await edit(tasksPath, '- [X] T001', '- [ ] T001');
    await edit(tasksPath, 'Configure linting in eslint.config.js\n', 'Configure linting in eslint.config.js\n  - run it in CI too\n');
    await edit(tasksPath, 'src/models/album.ts', 'src/models/albums.ts');
    await edit(tasksPath, '- [ ] T004', '- [x] T004');
    await edit(tasksPath, ' (depends on T004)', '');
    await fs.appendFile(tasksPath, '\n## Dependencies\n\n- T005 depends on T003\n');

    const changes = await previewImport(root, [feature]);
    expect(changes.map((c) => [c.change, c.id, c.details.map((d) => `${d.field}: ${d.before} → ${d.after}`)])).toEqual([
      ['changed', 'T-1', ['status: done → todo']],
      ['changed', 'T-2', ['description: Imported from spec-kit T002 (Phase 1: Setup (Shared Infrastructure)). Marked [P]: can run in parallel with other [P] tasks of its phase. → Imported from spec-kit T002 (Phase 1: Setup (Shared Infrastructure)). Marked [P]: can run in parallel with other [P] tasks of its phase. - run it in CI too']],
      ['changed', 'T-3', ['title: Album model in src/models/album.ts → Album model in src/models/albums.ts', 'scope: src/models/album.ts → src/models/albums.ts']],
      ['conflict', 'T-4', ['status: todo → done', 'checks: npm test → none']],
      ['changed', 'T-5', ['depends: T-4 → T-3']],
    ]);
    expect(changes[3]!.after).toMatch(/^Not applied: T-4 was edited here since it was imported/);

    const before = (await service.snapshot(root)).tasks.tasks;
    const originals = await bytes(join(root, feature));
    const summary = await service.importSources(root, [feature], { accept: changes.map((c) => c.key) });
    expect(summary).toEqual(['spec-kit feature 001-photo-albums: 0 spec items, 0 tasks, 0 decisions imported.', '4 changed or removed entries updated.', 'T-4 left as it is: edited here since the import. Merge the upstream change by hand.']);
    const after = (await service.snapshot(root)).tasks.tasks;
    expect(after.map((t) => [t.id, t.title, t.status, t.scope.join(' '), t.depends.join(' '), t.checks.join(' ')])).toEqual([
      ['T-1', 'Create project structure per implementation plan', 'todo', '', '', ''],
      ['T-2', 'Configure linting in eslint.config.js', 'todo', '', '', ''],
      ['T-3', 'Album model in src/models/albums.ts', 'todo', 'src/models/albums.ts', '', ''],
      ['T-4', 'Album list view in src/views/albums.ts', 'todo', 'src/views/albums.ts', '', 'npm test'],
      ['T-5', 'Drag and drop ordering in src/views/albums.ts', 'todo', 'src/views/albums.ts', 'T-3', ''],
    ]);
    expect(after[1]!.description).toContain('- run it in CI too');
    expect(await bytes(join(root, feature))).toEqual(originals);
    // Serves and provenance stay.
    expect(after.map((t) => [t.serves, t.source])).toEqual(before.map((t) => [t.serves, t.source]));
    // Only the conflict is still offered.
    expect((await previewImport(root, [feature])).map((c) => [c.change, c.id])).toEqual([['conflict', 'T-4']]);
    // A rewritten task reads as the import wrote it: a further upstream change is offered again, not a conflict.
    await edit(tasksPath, '- [ ] T001', '- [X] T001');
    expect((await previewImport(root, [feature])).map((c) => [c.change, c.id, c.details.map((d) => d.field)])).toEqual([
      ['changed', 'T-1', ['status']],
      ['conflict', 'T-4', ['status', 'checks']],
    ]);
  });
});

describe('entries removed upstream', () => {
  it('lists decision records removed upstream and removes one only when the user accepts it and it was not edited here', async () => {
    const root = await project('nygard');
    await service.importSources(root, ['doc/adr']);
    const dec = (n: string) => join(root, '.plumbline/decisions', n);
    await edit(dec('0002-use-postgresql.md'), 'We need a relational store.', 'We need a relational store; we looked again in March.');
    await fs.rm(join(root, 'doc/adr/0002-use-postgresql.md'));
    await fs.rm(join(root, 'doc/adr/0004-keep-sqlite-in-wal-mode.md'));
    expect((await detectImports(root)).map((s) => [s.path, s.imported, s.changed])).toEqual([['doc/adr', false, true]]);

    const removed = (await previewImport(root, ['doc/adr'])).filter((c) => c.change === 'removed');
    expect(removed.map((c) => [c.kind, c.id, c.before, c.edited])).toEqual([
      ['decision', '0002', 'Use PostgreSQL (superseded by 0003)', true],
      ['decision', '0004', 'Keep SQLite in WAL mode (accepted)', false],
    ]);
    // Never removed on its own: a plain import and one accepting nothing leave both records.
    await service.importSources(root, ['doc/adr']);
    await service.importSources(root, ['doc/adr'], { accept: [] });
    expect([await exists(dec('0002-use-postgresql.md')), await exists(dec('0004-keep-sqlite-in-wal-mode.md'))]).toEqual([true, true]);

    const originals = await bytes(join(root, 'doc/adr'));
    const summary = await service.importSources(root, ['doc/adr'], { accept: removed.map((c) => c.key) });
    expect(await bytes(join(root, 'doc/adr'))).toEqual(originals);
    expect(summary).toEqual(['Decision records in doc/adr/: 0 spec items, 0 tasks, 0 decisions imported.', '1 changed or removed entries updated.', '0002 kept: removed upstream, but edited here since the import. Delete it by hand if no longer wanted.']);
    expect([await exists(dec('0002-use-postgresql.md')), await exists(dec('0004-keep-sqlite-in-wal-mode.md'))]).toEqual([true, false]);
    expect((await service.snapshot(root)).decisions.map((d) => d.id)).toEqual(['0001', '0002', '0003']);
    // The user decided: the offer goes away.
    expect((await detectImports(root)).map((s) => [s.imported, s.changed])).toEqual([[true, false]]);
  });

  it('removes spec items and tasks gone upstream only when accepted and not edited here', async () => {
    const root = await project('spec-kit');
    const feature = 'specs/001-photo-albums';
    await service.importSources(root, [feature]);
    const mine = join(root, '.plumbline/specs/001-photo-albums.md');
    await edit(mine, 'store photo metadata locally', 'store photo metadata in SQLite');
    await edit(join(root, feature, 'spec.md'), /- \*\*FR-003\*\*:.*\n/, '');
    await edit(join(root, feature, 'spec.md'), /- \*\*FR-002\*\*:.*\n/, '');
    await edit(join(root, feature, 'tasks.md'), /- \[ \] T004 .*\n/, '');
    const removed = (await previewImport(root, [feature])).filter((c) => c.change === 'removed');
    expect(removed.map((c) => [c.kind, c.id, c.edited])).toEqual([
      ['item', 'FR-2', false],
      ['item', 'FR-3', true],
      ['task', 'T-4', false],
    ]);
    const summary = await service.importSources(root, [feature], { accept: removed.map((c) => c.key) });
    expect(summary.slice(1)).toEqual(['2 changed or removed entries updated.', 'FR-3 kept: removed upstream, but edited here since the import. Delete it by hand if no longer wanted.']);
    const snap = await service.snapshot(root);
    expect(snap.specs.find((s) => s.path === '.plumbline/specs/001-photo-albums.md')!.items.filter((i) => i.prefix === 'FR').map((i) => i.id)).toEqual(['FR-1', 'FR-3']);
    expect(snap.tasks.tasks.map((t) => t.id)).toEqual(['T-1', 'T-2', 'T-3', 'T-5']);
  });
});
