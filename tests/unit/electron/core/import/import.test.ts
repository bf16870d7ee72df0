import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { detectImports, previewImport } from '../../../../../electron/core/import/import-service';
import { buildExportDocument } from '../../../../../electron/core/export/export-document';
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

const sortedItems = (snap: Awaited<ReturnType<typeof service.snapshot>>, file: string) => snap.specs.find((x) => x.path === file)!.items;

describe('spec-kit', () => {
  it('maps each feature to a spec of its own, keeping original IDs as IDs or visible aliases; originals untouched; idempotent', async () => {
    const root = await project('spec-kit');
    const before = await hashes(root);
    const sources = await detectImports(root);
    expect(sources.map((s) => [s.kind, s.path, s.imported])).toEqual([
      ['spec-kit', 'specs/001-photo-albums', false],
      ['spec-kit', 'specs/002-album-sharing', false],
      ['spec-kit', '.specify/memory/constitution.md', false],
    ]);
    const summary = await service.importSources(root, sources.map((s) => s.path));
    expect(summary).toEqual([
      'spec-kit feature 001-photo-albums: 15 spec items, 5 tasks, 0 decisions imported.',
      'spec-kit feature 002-album-sharing: 10 spec items, 3 tasks, 0 decisions imported.',
      'spec-kit constitution: 2 spec items, 0 tasks, 0 decisions imported.',
    ]);
    const snap = await service.snapshot(root);
    expect(snap.specs.map((x) => [x.path, x.title])).toEqual([
      ['.plumbline/spec.md', 'Spec: ' + root.split('/').at(-1)],
      ['.plumbline/specs/001-photo-albums.md', 'Spec: Photo Albums'],
      ['.plumbline/specs/002-album-sharing.md', 'Spec: Album Sharing'],
    ]);
    const one = sortedItems(snap, '.plumbline/specs/001-photo-albums.md');
    const two = sortedItems(snap, '.plumbline/specs/002-album-sharing.md');
    const count = (items: typeof one, prefix: string) => items.filter((i) => i.prefix === prefix).length;
    expect([count(one, 'FR'), count(one, 'AC'), count(one, 'FM'), count(one, 'AD')]).toEqual([3, 5, 2, 5]);
    expect([count(two, 'FR'), count(two, 'AC'), count(two, 'FM'), count(two, 'AD')]).toEqual([3, 3, 1, 3]);
    // FR numbers are kept where free; where taken (a second feature's FR-001), the original shows as an alias.
    expect(one.filter((i) => i.prefix === 'FR').map((i) => [i.id, i.text, i.source])).toEqual([
      ['FR-1', 'System MUST let users create albums with a name (FR-001)', 'specs/001-photo-albums/spec.md#FR-001'],
      ['FR-2', 'System MUST let users reorder albums by drag and drop (FR-002)', 'specs/001-photo-albums/spec.md#FR-002'],
      ['FR-3', 'System MUST store photo metadata locally [NEEDS CLARIFICATION: which database — SQLite or files?] (FR-003)', 'specs/001-photo-albums/spec.md#FR-003'],
    ]);
    expect(two.filter((i) => i.prefix === 'FR').map((i) => [i.id, i.text])).toEqual([
      ['FR-4', 'System MUST create a share link per album (FR-001)'],
      ['FR-6', 'System MUST expire share links: (FR-006)'],
      // A requirement written over two lines arrives whole.
      ['FR-50', "System MUST log every visit of a shared album with the visitor's country only, never the address (FR-050)"],
    ]);
    // FR sub-lists are kept under their item.
    expect(snap.specs[2]!.content).toContain('(FR-006) <!-- from: specs/002-album-sharing/spec.md#FR-006 -->\n  - after 30 days by default\n  - at once when the owner revokes them\n');
    expect(one.filter((i) => i.prefix === 'AC').map((i) => i.text)).toEqual([
      'User Story 1 - Create an album: Given no albums, When the user creates "Rome 2024", Then the album appears on the main page',
      'User Story 1 - Create an album: Given an album, When the user drops two photos on it, Then both photos are in the album',
      'User Story 2 - Reorder albums: Given two albums, When the user drags the second above the first, Then the order is kept after a reload',
      'Users create an album with ten photos in under a minute (SC-001)',
      'Albums load in under a second with 1,000 photos (SC-002)',
    ]);
    // Plan fields keep their continuation lines; N/A and NEEDS CLARIFICATION fields are left out.
    expect(two.filter((i) => i.prefix === 'AD').map((i) => i.text)).toEqual(['Language/Version: TypeScript 5.6', "Storage: the albums' SQLite file, one table of share links with an expiry index", 'Testing: Vitest']);
    expect(snap.spec.items.filter((i) => i.prefix === 'AD').map((i) => i.text.split(' — ')[0])).toEqual(['Library-First', 'Test-First (NON-NEGOTIABLE)']);
    expect(snap.specs[1]!.sections.find((x) => x.kind === 'purpose')!.prose).toContain('Build an application that helps me organize my photos');
    expect(snap.specs[1]!.clarifications.map((c) => c.question)).toEqual(['which database — SQLite or files?']);
    const t = snap.tasks.tasks;
    // Eight checkbox tasks; the prose bullet "- T021 and later …" is not one.
    // Dependencies from the task's line ("depends on T004") and the Dependencies section ("T001 blocks T002").
    expect(t.map((x) => [x.id, x.title, x.status, x.serves.join(' '), x.depends.join(' '), x.source])).toEqual([
      ['T-1', 'Create project structure per implementation plan', 'done', '', '', 'specs/001-photo-albums/tasks.md#T001'],
      ['T-2', 'Configure linting in eslint.config.js', 'todo', '', '', 'specs/001-photo-albums/tasks.md#T002'],
      ['T-3', 'Album model in src/models/album.ts', 'todo', 'AC-1 AC-2', '', 'specs/001-photo-albums/tasks.md#T003'],
      ['T-4', 'Album list view in src/views/albums.ts', 'todo', 'AC-1 AC-2', '', 'specs/001-photo-albums/tasks.md#T004'],
      ['T-5', 'Drag and drop ordering in src/views/albums.ts', 'todo', 'AC-3', 'T-4', 'specs/001-photo-albums/tasks.md#T005'],
      ['T-6', 'Share link model in src/models/share.ts', 'todo', 'AC-6 AC-7', '', 'specs/002-album-sharing/tasks.md#T001'],
      ['T-7', 'Revoke endpoint in src/api/share.ts', 'done', 'AC-6 AC-7', 'T-6', 'specs/002-album-sharing/tasks.md#T002'],
      ['T-21', 'Expiry job in src/jobs/expire.ts', 'todo', '', 'T-6', 'specs/002-album-sharing/tasks.md#T021'],
    ]);
    expect(t[2]).toMatchObject({ scope: ['src/models/album.ts'] });
    expect(t[2]!.description).toMatch(/\[P\]/);
    expect(t[5]!.description).toMatch(/spec-kit T001/);
    expect(await hashes(root)).toEqual(before);
    expect((await detectImports(root)).every((s) => s.imported)).toBe(true);
    const contents = snap.specs.map((x) => x.content);
    const tasks = snap.tasks.hash;
    expect(await service.importSources(root, sources.map((s) => s.path))).toEqual([
      'spec-kit feature 001-photo-albums: 0 spec items, 0 tasks, 0 decisions imported.',
      'spec-kit feature 002-album-sharing: 0 spec items, 0 tasks, 0 decisions imported.',
      'spec-kit constitution: 0 spec items, 0 tasks, 0 decisions imported.',
    ]);
    const again = await service.snapshot(root);
    expect(again.specs.map((x) => x.content)).toEqual(contents);
    expect(again.tasks.hash).toBe(tasks);
  });
});

describe('Kiro', () => {
  it('imports criteria in both spellings, optional tasks, range references, design sections and steering files whole', async () => {
    const root = await project('kiro');
    const before = await hashes(root);
    const sources = await detectImports(root);
    expect(sources.map((s) => s.label)).toEqual(['Kiro spec user-auth', 'Kiro steering']);
    await service.importSources(root, sources.map((s) => s.path));
    const snap = await service.snapshot(root);
    const items = sortedItems(snap, '.plumbline/specs/user-auth.md');
    expect(items.filter((i) => i.prefix === 'FR').map((i) => [i.id, i.text])).toEqual([
      ['FR-1', 'As a visitor, I want to create an account, so that my notes are saved. (Kiro requirement 1)'],
      ['FR-2', 'As a user, I want to sign in, so that I can see my notes. (Kiro requirement 2)'],
      ['FR-3', 'Sign out — As a user, I want to sign out, so that nobody else at this computer sees my notes. (Kiro requirement 3)'],
    ]);
    const acs = items.filter((i) => i.prefix === 'AC');
    expect(acs.map((i) => [i.id, i.source])).toEqual(['1.1', '1.2', '2.1', '2.2', '3.1', '3.2'].map((k, n) => [`AC-${n + 1}`, `.kiro/specs/user-auth/requirements.md#${k}`]));
    expect(acs[3]!.text).toBe('WHILE a user has failed five times in a minute THE system SHALL refuse further attempts for one minute (Kiro 2.2)');
    // `3.2. WHEN …` written over two lines is one criterion.
    expect(acs[5]!.text).toBe('WHEN a signed-out session cookie is presented THEN the system SHALL refuse it and show the sign-in page (Kiro 3.2)');
    // Every design section, including one that starts with a subheading.
    expect(items.filter((i) => i.prefix === 'AD').map((i) => i.text)).toEqual([
      'Overview: A session service in front of the notes API, with passwords hashed by argon2id.',
      'Architecture: One Node process; sessions in signed cookies.',
      'Components and Interfaces: Sessions live in a signed cookie; the server keeps only a revocation list.',
      'Error Handling: Authentication errors are uniform to avoid account enumeration.',
    ]);
    expect(snap.specs[1]!.sections.find((s) => s.kind === 'purpose')!.prose).toContain('Users sign in with email and password');
    expect(snap.spec.sections.find((s) => s.kind === 'purpose')!.prose).toContain('A private notes app');
    expect(snap.tasks.tasks.map((t) => [t.title, t.status, t.serves.join(' ')])).toEqual([
      ['Set up the auth module structure', 'done', 'AC-1'],
      ['Implement account creation', 'todo', ''],
      ['Write the registration handler in src/auth/register.ts', 'todo', 'AC-1 AC-2'],
      ['Write property tests for registration', 'todo', 'AC-1 AC-2'],
      ['Implement sign-in with rate limiting', 'todo', 'AC-3 AC-4'],
      ['Implement sign-out', 'todo', 'AC-5 AC-6'],
    ]);
    expect(snap.tasks.tasks[3]!.description).toMatch(/Optional/);
    expect(snap.tasks.tasks[2]!.scope).toEqual(['src/auth/register.ts']);
    // A steering file is one decision holding the whole file, not one item per bullet.
    expect(snap.spec.items).toHaveLength(0);
    expect(snap.decisions.map((d) => [d.title, d.status, d.date, d.source])).toEqual([['Steering: Technology', 'accepted', null, '.kiro/steering/tech.md']]);
    expect(snap.decisions[0]!.decision).toContain('- pnpm workspaces');
    expect(snap.decisions[0]!.decision).toContain('`pnpm test` runs every test');
    expect(snap.decisions[0]!.decision).not.toContain('inclusion');
    expect(await hashes(root)).toEqual(before);
  });
});

describe('ADR folders', () => {
  it('imports MADR 2–4 by exact headings, keeps numbers (0000 too), dates only from the source, statuses never from code', async () => {
    const root = await project('madr');
    const before = await hashes(root);
    const sources = await detectImports(root);
    expect(sources.map((s) => [s.kind, s.path, s.files.length])).toEqual([['adr', 'docs/decisions', 5]]);
    await service.importSources(root, ['docs/decisions']);
    const d = (await service.snapshot(root)).decisions;
    expect(d.map((x) => [x.id, x.title, x.status, x.date, x.supersededBy, x.supersedes, x.source])).toEqual([
      ['0000', 'Use Markdown Architectural Decision Records', 'accepted', '2017-12-01', null, null, 'docs/decisions/0000-use-madr.md'],
      ['0001', 'Use Markdown Architectural Decision Records', 'accepted', '2024-02-01', null, null, 'docs/decisions/0001-use-markdown-architectural-decision-records.md'],
      ['0002', 'Use a REST API', 'superseded', '2024-03-10', 3, null, 'docs/decisions/0002-use-rest-api.md'],
      ['0003', 'Use GraphQL', 'accepted', '2024-06-02', null, 2, 'docs/decisions/0003-use-graphql.md'],
      // Proposed from front matter, not "accepted" from the fenced example; no date in the source, none invented.
      ['0004', 'Use YAML front matter for metadata', 'proposed', null, null, null, 'docs/decisions/0004-use-yaml-front-matter.md'],
    ]);
    const [m2, , , g, m4] = d as [typeof d[0], typeof d[0], typeof d[0], typeof d[0], typeof d[0]];
    // MADR 2: drivers to context, chosen option stays the decision, pros and cons and links kept.
    expect(m2.decision).toBe('Chosen option: "MADR 2.1.2", because it keeps the options with their pros and cons.');
    expect(m2.context).toContain('**Decision Drivers**\n\n* the format is plain text');
    expect(m2.context).toContain('Deciders: Ana, Ben');
    expect(m2.options).toContain('**Pros and Cons of the Options**');
    expect(m2.options).toContain('* Good, because it is short');
    expect(m2.consequences).toContain('**Negative Consequences**\n\n* Someone has to keep the index current.');
    expect(m2.consequences).toContain('Refined by [ADR-0004]');
    // MADR 4: "Decision Drivers" is not "Decision Outcome"; More Information and Confirmation kept.
    expect(m4.decision).toBe('Chosen option: "YAML front matter", because every static site generator reads it.');
    expect(m4.context).toContain('* tools read it');
    expect(m4.context).toContain('```yaml\nstatus: accepted');
    expect(m4.options).toContain('* Good, because it is standard');
    expect(m4.consequences).toContain('Revisit when MADR 5 ships.');
    expect(m4.confirmation).toBe('npm run lint:adr');
    expect(g.confirmation).toBe('npm run test:schema');
    expect(await hashes(root)).toEqual(before);
  });

  it('imports adr-tools records: "Superceded by", "Amends" and "Amended by" links, renumbering after existing decisions with the original number as alias', async () => {
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
      ['0005', 'Keep SQLite in WAL mode', 'accepted', null, null, '2016-06-02'],
    ]);
    expect(d[3]!.decision).toBe('We will use SQLite, since the data fits on one machine.');
    expect(d[3]!.context).toContain('Originally decision 0003');
    expect(d[3]!.context).toContain('Amended by 0005.');
    expect(d[4]!.context).toContain('Amends 0004.');
    const text = await fs.readFile(join(root, d[4]!.file), 'utf8');
    expect(text).toContain('amends: ["0004"]');
    expect(text).toContain('alias: "0004"');
    expect(await hashes(root)).toEqual(before);
  });

  it('refuses a path that was not detected', async () => {
    const root = await project('nygard');
    await expect(service.importSources(root, ['../etc'])).rejects.toThrow(/Nothing to import/);
  });
});

describe('re-import', () => {
  it('shows what changed upstream and applies only what the user accepts', async () => {
    const root = await project('spec-kit');
    await service.importSources(root, ['specs/001-photo-albums']);
    expect((await detectImports(root)).find((s) => s.path === 'specs/001-photo-albums')).toMatchObject({ imported: true, changed: false });
    const specPath = join(root, 'specs/001-photo-albums/spec.md');
    const tasksPath = join(root, 'specs/001-photo-albums/tasks.md');
    const spec = await fs.readFile(specPath, 'utf8');
    await fs.writeFile(
      specPath,
      spec
        .replace('reorder albums by drag and drop', 'reorder albums by drag and drop or keyboard')
        .replace(/- \*\*FR-003\*\*:.*\n/, '- **FR-004**: System MUST export an album as a zip\n- **FR-005**: System MUST show album sizes\n'),
    );
    await fs.writeFile(tasksPath, (await fs.readFile(tasksPath, 'utf8')).replace('Drag and drop ordering', 'Keyboard and drag ordering'));
    expect((await detectImports(root)).find((s) => s.path === 'specs/001-photo-albums')).toMatchObject({ imported: false, changed: true });

    const changes = await previewImport(root, ['specs/001-photo-albums']);
    expect(changes.map((c) => [c.change, c.kind, c.id, c.after])).toEqual([
      ['changed', 'item', 'FR-2', 'System MUST let users reorder albums by drag and drop or keyboard (FR-002)'],
      ['new', 'item', null, 'System MUST export an album as a zip'],
      ['new', 'item', null, 'System MUST show album sizes'],
      ['changed', 'task', 'T-5', 'Keyboard and drag ordering in src/views/albums.ts'],
      ['removed', 'item', 'FR-3', null],
    ]);
    // Accept everything except the second new requirement.
    const accept = changes.filter((c) => c.after !== 'System MUST show album sizes').map((c) => c.key);
    const summary = await service.importSources(root, ['specs/001-photo-albums'], { accept });
    expect(summary).toEqual(['spec-kit feature 001-photo-albums: 1 spec items, 0 tasks, 0 decisions imported.', '3 changed or removed entries updated.']);
    const snap = await service.snapshot(root);
    const frs = snap.specs.find((s) => s.path === '.plumbline/specs/001-photo-albums.md')!.items.filter((i) => i.prefix === 'FR');
    // FR-4 keeps its number; FR-3 is gone and its number stays retired.
    expect(frs.map((i) => [i.id, i.text])).toEqual([
      ['FR-1', 'System MUST let users create albums with a name (FR-001)'],
      ['FR-2', 'System MUST let users reorder albums by drag and drop or keyboard (FR-002)'],
      ['FR-4', 'System MUST export an album as a zip (FR-004)'],
    ]);
    expect(snap.tasks.tasks.find((t) => t.id === 'T-5')!.title).toBe('Keyboard and drag ordering in src/views/albums.ts');
    expect(snap.tasks.tasks).toHaveLength(5);
    // The one left out is still offered.
    expect((await previewImport(root, ['specs/001-photo-albums'])).map((c) => [c.change, c.after])).toEqual([['new', 'System MUST show album sizes']]);
  });
});

describe('re-import of decision records', () => {
  it('rewrites a record upstream changed in place, and leaves one edited here since the import alone, as a conflict', async () => {
    const root = await project('nygard');
    await service.importSources(root, ['doc/adr']);
    const dec = (n: string) => join(root, '.plumbline/decisions', n);
    const adr = (n: string) => join(root, 'doc/adr', n);
    const edit = async (path: string, from: string, to: string) => {
      const text = await fs.readFile(path, 'utf8');
      expect(text).toContain(from);
      await fs.writeFile(path, text.replace(from, to));
    };
    // Edited here: 0001 (upstream changes it too) and 0004 (upstream leaves it).
    await edit(dec('0001-record-architecture-decisions.md'), 'We need to record', 'We, the team, need to record');
    await edit(dec('0004-keep-sqlite-in-wal-mode.md'), 'We will open the database in WAL mode.', 'We will open the database in WAL mode, always.');
    const mine1 = await fs.readFile(dec('0001-record-architecture-decisions.md'), 'utf8');
    const mine4 = await fs.readFile(dec('0004-keep-sqlite-in-wal-mode.md'), 'utf8');
    // Upstream: 0001's context changes; a new 0005 supersedes 0003, whose status says so.
    await edit(adr('0001-record-architecture-decisions.md'), 'made on this project.', 'made on this project and why.');
    await edit(adr('0003-use-sqlite.md'), '\nAccepted\n', '\nSuperceded by [5. Use DuckDB](0005-use-duckdb.md)\n');
    await fs.writeFile(adr('0005-use-duckdb.md'), '# 5. Use DuckDB\n\nDate: 2017-01-09\n\n## Status\n\nAccepted\n\nSupersedes [3. Use SQLite](0003-use-sqlite.md)\n\n## Context\n\nAnalytics.\n\n## Decision\n\nWe will use DuckDB, since queries scan columns.\n');

    const changes = await previewImport(root, ['doc/adr']);
    expect(changes.map((c) => [c.change, c.kind, c.id, c.before, c.after])).toEqual([
      ['conflict', 'decision', '0001', 'Record architecture decisions (accepted)', 'Not applied: 0001 was edited here since it was imported, and upstream now reads "Record architecture decisions (accepted), text changed upstream". Merge the change by hand; 0001 stays as it is.'],
      ['changed', 'decision', '0003', 'Use SQLite (accepted)', 'Use SQLite (superseded by 0005)'],
      ['new', 'decision', null, null, 'Use DuckDB'],
    ]);
    const summary = await service.importSources(root, ['doc/adr'], { accept: changes.map((c) => c.key) });
    expect(summary).toEqual([
      'Decision records in doc/adr/: 0 spec items, 0 tasks, 1 decisions imported.',
      '1 changed or removed entries updated.',
      '0001 left as it is: edited here since the import. Merge the upstream change by hand.',
    ]);
    const d = (await service.snapshot(root)).decisions;
    // Number and file name kept; status and link from upstream.
    expect(d.map((x) => [x.id, x.file, x.status, x.supersededBy, x.supersedes])).toEqual([
      ['0001', '.plumbline/decisions/0001-record-architecture-decisions.md', 'accepted', null, null],
      ['0002', '.plumbline/decisions/0002-use-postgresql.md', 'superseded', 3, null],
      ['0003', '.plumbline/decisions/0003-use-sqlite.md', 'superseded', 5, 2],
      ['0004', '.plumbline/decisions/0004-keep-sqlite-in-wal-mode.md', 'accepted', null, null],
      ['0005', '.plumbline/decisions/0005-use-duckdb.md', 'accepted', null, 3],
    ]);
    expect(d[2]!.context).toContain('Amended by 0004.');
    expect(await fs.readFile(dec('0001-record-architecture-decisions.md'), 'utf8')).toBe(mine1);
    expect(await fs.readFile(dec('0004-keep-sqlite-in-wal-mode.md'), 'utf8')).toBe(mine4);
    // The rewritten record reads as imported again; only the conflict is still offered.
    expect((await previewImport(root, ['doc/adr'])).map((c) => c.id)).toEqual(['0001']);
    // Changed upstream again: the rewritten record reads as the import wrote it, so it is offered again.
    await edit(adr('0003-use-sqlite.md'), 'A server is too much', 'A server is far too much');
    expect((await previewImport(root, ['doc/adr'])).map((c) => [c.id, c.after!.startsWith('Not applied')])).toEqual([
      ['0001', true],
      ['0003', false],
    ]);
    // Edited here after the rewrite: now a conflict.
    await edit(dec('0003-use-sqlite.md'), 'Backups are file copies.', 'Backups are file copies, nightly.');
    expect((await previewImport(root, ['doc/adr'])).map((c) => [c.id, c.after!.startsWith('Not applied')])).toEqual([
      ['0001', true],
      ['0003', true],
    ]);
  });
});

describe('re-import of new decision records', () => {
  it('adds a new record only when accepted', async () => {
    const root = await project('nygard');
    await service.importSources(root, ['doc/adr']);
    await fs.writeFile(join(root, 'doc/adr/0005-use-duckdb.md'), '# 5. Use DuckDB\n\n## Status\n\nProposed\n');
    expect((await previewImport(root, ['doc/adr'])).map((c) => [c.change, c.after])).toEqual([['new', 'Use DuckDB']]);
    await service.importSources(root, ['doc/adr'], { accept: [] });
    expect((await service.snapshot(root)).decisions.map((d) => d.id)).toEqual(['0001', '0002', '0003', '0004']);
    await service.importSources(root, ['doc/adr'], { accept: ['doc/adr/0005-use-duckdb.md'] });
    expect((await service.snapshot(root)).decisions.map((d) => d.id)).toEqual(['0001', '0002', '0003', '0004', '0005']);
  });
});

describe('re-import of items edited here', () => {
  it('offers upstream changes of items still as imported, shows edited ones as conflicts, and leaves them alone', async () => {
    const root = await project('spec-kit');
    await service.importSources(root, ['specs/001-photo-albums']);
    const mine = join(root, '.plumbline/specs/001-photo-albums.md');
    await fs.writeFile(mine, (await fs.readFile(mine, 'utf8')).replace('create albums with a name (FR-001)', 'create albums with a name and a cover (FR-001)').replace('store photo metadata locally', 'store photo metadata in SQLite'));
    const edited = await fs.readFile(mine, 'utf8');
    const specPath = join(root, 'specs/001-photo-albums/spec.md');
    await fs.writeFile(specPath, (await fs.readFile(specPath, 'utf8')).replace('create albums with a name', 'create albums with a unique name').replace('reorder albums by drag and drop', 'reorder albums by keyboard'));
    const changes = await previewImport(root, ['specs/001-photo-albums']);
    // FR-3 was edited here but not upstream: nothing to offer.
    expect(changes.map((c) => [c.id, c.after])).toEqual([
      ['FR-1', 'Not applied: FR-1 was edited here since it was imported, and upstream now reads "System MUST let users create albums with a unique name (FR-001)". Merge the change by hand; FR-1 stays as it is.'],
      ['FR-2', 'System MUST let users reorder albums by keyboard (FR-002)'],
    ]);
    expect(await service.importSources(root, ['specs/001-photo-albums'], { accept: changes.map((c) => c.key) })).toEqual([
      'spec-kit feature 001-photo-albums: 0 spec items, 0 tasks, 0 decisions imported.',
      '1 changed or removed entries updated.',
      'FR-1 left as it is: edited here since the import. Merge the upstream change by hand.',
    ]);
    expect(await fs.readFile(mine, 'utf8')).toBe(edited.replace('reorder albums by drag and drop', 'reorder albums by keyboard'));
    // FR-2 reads as imported again; the conflict stays offered until merged by hand.
    expect((await previewImport(root, ['specs/001-photo-albums'])).map((c) => c.id)).toEqual(['FR-1']);
    // FR-2 as rewritten is what the import wrote: a further upstream change is offered, not a conflict.
    await fs.writeFile(specPath, (await fs.readFile(specPath, 'utf8')).replace('reorder albums by keyboard', 'reorder albums by keyboard or mouse'));
    expect((await previewImport(root, ['specs/001-photo-albums'])).map((c) => [c.id, c.after!.startsWith('Not applied')])).toEqual([
      ['FR-1', true],
      ['FR-2', false],
    ]);
  });

  it('treats an entry imported before hashes were kept as edited here: it is offered as a conflict, never rewritten', async () => {
    const root = await project('spec-kit');
    await service.importSources(root, ['specs/001-photo-albums']);
    const record = join(root, '.plumbline/imports.json');
    await fs.writeFile(record, JSON.stringify({ ...JSON.parse(await fs.readFile(record, 'utf8')), written: undefined }));
    const specPath = join(root, 'specs/001-photo-albums/spec.md');
    await fs.writeFile(specPath, (await fs.readFile(specPath, 'utf8')).replace('reorder albums by drag and drop', 'reorder albums by keyboard'));
    expect((await previewImport(root, ['specs/001-photo-albums'])).map((c) => [c.id, c.after!.startsWith('Not applied')])).toEqual([['FR-2', true]]);
  });
});

describe('references through original IDs', () => {
  it('resolve to the item that shows the original ID as its alias: tasks, decision links, analysis, coverage and export', async () => {
    const root = await project('spec-kit');
    await service.importSources(root, ['specs/001-photo-albums', 'specs/002-album-sharing']);
    // Written in spec-kit's numbering: FR-001 of the second feature is FR-4 now (FR-1 is the first feature's).
    const fields = { description: '', scope: [], checks: [], depends: [], status: 'todo' as const };
    await service.createTask(root, { ...fields, title: 'Share links', serves: ['FR-001', 'FR-050'] }, 'specs/002-album-sharing/tasks.md#T099');
    await service.createTask(root, { ...fields, title: 'Albums', serves: ['FR-001'] }, 'specs/001-photo-albums/tasks.md#T099');
    await service.createDecision(root, { title: 'Log countries only', status: 'accepted', context: 'c', options: '', decision: 'd because e', consequences: '', confirmation: null, links: ['FR-050'] });
    const snap = await service.snapshot(root);
    const [share, albums] = snap.tasks.tasks.slice(-2);
    expect(share!.serves).toEqual(['FR-4', 'FR-50']);
    expect(albums!.serves).toEqual(['FR-1']);
    expect(snap.decisions.at(-1)!.links).toEqual(['FR-50']);
    expect(snap.analysis.findings.filter((f) => f.code === 'dangling-id')).toEqual([]);
    expect(snap.analysis.coverage.find((r) => r.id === 'FR-4')!.tasks.map((t) => t.id)).toEqual([share!.id]);
    expect(snap.analysis.findings.some((f) => f.code === 'unserved-requirement' && f.itemId === 'FR-50')).toBe(false);
    const doc = await buildExportDocument(root, { withTasks: true, withEvidence: false });
    expect(doc.markdown).toContain(`| ${share!.id} | Share links | todo | FR-4, FR-50 |`);
  });
});

describe('the offer', () => {
  it('goes away after importing a source that yields nothing', async () => {
    const root = await mkdtemp(join(tmpdir(), 'plumbline-import-empty-'));
    temps.push(root);
    await fs.mkdir(join(root, 'specs/001-notes'), { recursive: true });
    await fs.writeFile(join(root, 'specs/001-notes/spec.md'), '# Feature Specification: Notes\n\nNothing written yet.\n');
    expect((await detectImports(root)).map((s) => s.imported)).toEqual([false]);
    expect(await service.importSources(root, ['specs/001-notes'])).toEqual(['spec-kit feature 001-notes: 0 spec items, 0 tasks, 0 decisions imported.']);
    expect((await detectImports(root)).map((s) => [s.imported, s.changed])).toEqual([[true, false]]);
  });
});
