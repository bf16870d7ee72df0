import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { detectImports } from '../../../../../electron/core/import/import-service';
import { PlanService } from '../../../../../electron/core/spec/plan-service';

const FIXTURES = join(process.cwd(), 'tests/fixtures/import');
const service = new PlanService(() => undefined);
const temps: string[] = [];

async function project(name: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `plumbline-import-${name}-`));
  temps.push(dir);
  await fs.cp(join(FIXTURES, name), dir, { recursive: true });
  return dir;
}

async function hashes(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (d: string): Promise<void> => {
    for (const e of await fs.readdir(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) {
        if (e.name !== '.plumbline') await walk(p);
      } else out[relative(dir, p)] = createHash('sha1').update(await fs.readFile(p)).digest('hex');
    }
  };
  await walk(dir);
  return out;
}

afterEach(async () => {
  for (const d of temps.splice(0)) await fs.rm(d, { recursive: true, force: true });
});

describe('spec-kit', () => {
  it('detects the feature and constitution, imports with provenance, never touches originals, and is idempotent', async () => {
    const root = await project('spec-kit');
    const before = await hashes(root);
    const sources = await detectImports(root);
    expect(sources.map((s) => [s.kind, s.path, s.imported])).toEqual([
      ['spec-kit', 'specs/001-photo-albums', false],
      ['spec-kit', '.specify/memory/constitution.md', false],
    ]);
    const summary = await service.importSources(root, sources.map((s) => s.path));
    expect(summary[0]).toMatch(/15 spec items, 5 tasks/);
    const snap = await service.snapshot(root);
    const byId = new Map(snap.spec.items.map((i) => [i.id, i]));
    expect(byId.get('FR-1')).toMatchObject({ text: 'System MUST let users create albums with a name', source: 'specs/001-photo-albums/spec.md#FR-001', section: 'functional' });
    expect(snap.spec.items.filter((i) => i.prefix === 'AC').map((i) => i.text)).toEqual([
      'User Story 1 - Create an album: Given no albums, When the user creates "Rome 2024", Then the album appears on the main page',
      'User Story 1 - Create an album: Given an album, When the user drops two photos on it, Then both photos are in the album',
      'User Story 2 - Reorder albums: Given two albums, When the user drags the second above the first, Then the order is kept after a reload',
      'Users create an album with ten photos in under a minute',
      'Albums load in under a second with 1,000 photos',
    ]);
    expect(snap.spec.items.filter((i) => i.prefix === 'FM')).toHaveLength(2);
    expect(snap.spec.items.filter((i) => i.prefix === 'AD').map((i) => i.text)).toContain('Storage: SQLite via sql.js');
    expect(snap.spec.items.filter((i) => i.prefix === 'AD').map((i) => i.text.split(' — ')[0])).toEqual(expect.arrayContaining(['Library-First', 'Test-First (NON-NEGOTIABLE)']));
    expect(snap.spec.clarifications.map((c) => c.question)).toEqual(['which database — SQLite or files?']);
    const t = snap.tasks.tasks;
    expect(t.map((x) => [x.title, x.status])).toEqual([
      ['Create project structure per implementation plan', 'done'],
      ['Configure linting in eslint.config.js', 'todo'],
      ['Album model in src/models/album.ts', 'todo'],
      ['Album list view in src/views/albums.ts', 'todo'],
      ['Drag and drop ordering in src/views/albums.ts', 'todo'],
    ]);
    expect(t[2]).toMatchObject({ serves: ['AC-1', 'AC-2'], scope: ['src/models/album.ts'], source: 'specs/001-photo-albums/tasks.md#T003' });
    expect(t[2]!.description).toMatch(/\[P\]/);
    expect(t[4]!.serves).toEqual(['AC-3']);
    expect(await hashes(root)).toEqual(before);
    expect((await detectImports(root)).every((s) => s.imported)).toBe(true);
    const spec = snap.spec.content;
    await service.importSources(root, ['specs/001-photo-albums']);
    const again = await service.snapshot(root);
    expect(again.spec.content).toBe(spec);
    expect(again.tasks.tasks).toHaveLength(5);
  });
});

describe('Kiro', () => {
  it('imports EARS criteria as acceptance checks and maps task requirements to them', async () => {
    const root = await project('kiro');
    const before = await hashes(root);
    const sources = await detectImports(root);
    expect(sources.map((s) => s.label)).toEqual(['Kiro spec user-auth', 'Kiro steering']);
    await service.importSources(root, sources.map((s) => s.path));
    const snap = await service.snapshot(root);
    expect(snap.spec.items.filter((i) => i.prefix === 'FR').map((i) => i.text)).toEqual([
      'As a visitor, I want to create an account, so that my notes are saved.',
      'As a user, I want to sign in, so that I can see my notes.',
    ]);
    const acs = snap.spec.items.filter((i) => i.prefix === 'AC');
    expect(acs.map((i) => i.id)).toEqual(['AC-1', 'AC-2', 'AC-3', 'AC-4']);
    expect(acs[3]!.text).toBe('WHILE a user has failed five times in a minute THE system SHALL refuse further attempts for one minute');
    expect(snap.spec.sections.find((s) => s.kind === 'purpose')!.prose).toContain('Users sign in with email and password');
    expect(snap.spec.sections.find((s) => s.kind === 'purpose')!.prose).toContain('A private notes app');
    expect(snap.spec.items.filter((i) => i.prefix === 'AD').map((i) => i.text)).toEqual(expect.arrayContaining(['Node 20 with TypeScript', 'Architecture: One Node process; sessions in signed cookies.']));
    expect(snap.tasks.tasks.map((t) => [t.title, t.status, t.serves.join(' ')])).toEqual([
      ['Set up the auth module structure', 'done', 'AC-1'],
      ['Implement account creation', 'todo', ''],
      ['Write the registration handler in src/auth/register.ts', 'todo', 'AC-1 AC-2'],
      ['Implement sign-in with rate limiting', 'todo', 'AC-3 AC-4'],
    ]);
    expect(snap.tasks.tasks[2]!.scope).toEqual(['src/auth/register.ts']);
    expect(await hashes(root)).toEqual(before);
  });
});

describe('ADR folders', () => {
  it('imports MADR records with statuses, supersede links and confirmation', async () => {
    const root = await project('madr');
    const sources = await detectImports(root);
    expect(sources.map((s) => [s.kind, s.path, s.files.length])).toEqual([['adr', 'docs/decisions', 3]]);
    await service.importSources(root, ['docs/decisions']);
    const d = (await service.snapshot(root)).decisions;
    expect(d.map((x) => [x.id, x.title, x.status, x.supersededBy, x.supersedes, x.source])).toEqual([
      ['0001', 'Use Markdown Architectural Decision Records', 'accepted', null, null, 'docs/decisions/0001-use-markdown-architectural-decision-records.md'],
      ['0002', 'Use a REST API', 'superseded', 3, null, 'docs/decisions/0002-use-rest-api.md'],
      ['0003', 'Use GraphQL', 'accepted', null, 2, 'docs/decisions/0003-use-graphql.md'],
    ]);
    expect(d[2]!.confirmation).toBe('npm run test:schema');
    expect(d[0]!.options).toContain('Michael Nygard');
  });

  it('imports Nygard records, renumbering after existing decisions', async () => {
    const root = await project('nygard');
    await service.createDecision(root, { title: 'Existing', status: 'accepted', context: 'c', options: '', decision: 'd because e', consequences: '', confirmation: null, links: [] });
    const before = await hashes(root);
    await service.importSources(root, ['doc/adr']);
    const d = (await service.snapshot(root)).decisions;
    expect(d.map((x) => [x.id, x.title, x.status, x.supersededBy, x.supersedes, x.date])).toEqual([
      ['0001', 'Existing', 'accepted', null, null, expect.any(String)],
      ['0002', 'Record architecture decisions', 'accepted', null, null, '2016-02-12'],
      ['0003', 'Use PostgreSQL', 'superseded', 4, null, '2016-03-01'],
      ['0004', 'Use SQLite', 'accepted', null, 3, '2016-05-20'],
    ]);
    expect(d[3]!.decision).toBe('We will use SQLite, since the data fits on one machine.');
    expect(await hashes(root)).toEqual(before);
  });

  it('refuses a path that was not detected', async () => {
    const root = await project('nygard');
    await expect(service.importSources(root, ['../etc'])).rejects.toThrow(/Nothing to import/);
  });
});
