import { promises as fs } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatch, type Handlers } from '../../../../../shared/rpc';
import { copyExample } from '../../../../../electron/core/spec/example';
import { createSpecModule } from '../../../../../electron/core/spec/spec-module';
import { EVIDENCE_FILE, EvidenceLedger } from '../../../../../electron/core/verify/evidence';
import { testCoreContext } from '../../../../helpers/core-context';

let base: string;
let root: string;
let module: ReturnType<typeof createSpecModule>;
const events: Array<{ event: string; payload: unknown }> = [];

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'plumbline-module-'));
  root = await copyExample(join(process.cwd(), 'resources'), join(base, 'p'));
  const ctx = testCoreContext({ dataDir: base, roots: [root], resourcesDir: join(process.cwd(), 'resources') });
  const bus = ctx.bus;
  bus.subscribe((e) => events.push(e));
  module = createSpecModule(ctx);
});

afterAll(async () => {
  await module.dispose?.();
  await fs.rm(base, { recursive: true, force: true });
});

const call = (method: string, params: unknown) => dispatch(module.handlers as unknown as Handlers, { id: 1, method, params }, { connectionId: 't' }, { validateResponses: true });

describe('spec module over dispatch', () => {
  it('writes Purpose as typed and the API contract table, leaving the rest of spec.md byte for byte', async () => {
    const path = join(root, '.plumbline/spec.md');
    const before = await fs.readFile(path, 'utf8');
    type Snap = { result: { spec: { sections: Array<{ kind: string | null; body: string; table: { columns: string[]; rows: string[][] } | null }> } } };
    const words = 'Limits API keys  for teams.\nSecond line | with a pipe.';
    const oldPurpose = before.slice(before.indexOf('A tiny HTTP'), before.indexOf('\n\n## Architecture'));
    const r = (await call('spec.setSectionText', { root, section: 'purpose', text: words, previous: oldPurpose })) as Snap;
    expect(r.result.spec.sections.find((s) => s.kind === 'purpose')?.body).toBe(words);
    expect(await fs.readFile(path, 'utf8')).toBe(before.replace(oldPurpose, words));
    expect(await call('spec.setSectionText', { root, section: 'purpose', text: 'Mine', previous: oldPurpose })).toMatchObject({ error: { code: 'CONFLICT' } });

    const api = r.result.spec.sections.find((s) => s.kind === 'api')!.table!;
    const t = (await call('spec.setTable', { root, section: 'api', columns: api.columns, rows: [...api.rows, ['DELETE', '`/key`', 'a|b', '204']], previous: api })) as Snap;
    expect(t.result.spec.sections.find((s) => s.kind === 'api')?.table?.rows.at(-1)).toEqual(['DELETE', '`/key`', 'a|b', '204']);
    expect(await fs.readFile(path, 'utf8')).toContain('`200 {"remaining": n}` |\n| DELETE | `/key` | a\\|b | 204 |\n\n## Failure modes');
    // A further spec that does not exist is not made by an edit of one of its sections.
    for (const [method, params] of [['spec.setSectionText', { text: 'x' }], ['spec.setTable', { columns: ['A'], rows: [] }]] as const) {
      expect(await call(method, { root, section: method === 'spec.setTable' ? 'api' : 'purpose', spec: '.plumbline/specs/gone.md', ...params })).toMatchObject({ error: { code: 'NOT_FOUND' } });
    }
    await expect(fs.access(join(root, '.plumbline/specs/gone.md'))).rejects.toThrow();
    await call('spec.saveRaw', { root, content: before });
  });

  it('a partial task patch changes only the given field', async () => {
    const r = await call('tasks.update', { root, id: 'T-6', patch: { status: 'in progress' } });
    expect('result' in r).toBe(true);
    const t6 = (r as { result: { tasks: { tasks: Array<{ id: string; status: string; serves: string[]; depends: string[] }> } } }).result.tasks.tasks.find((t) => t.id === 'T-6');
    expect(t6).toMatchObject({ status: 'in progress', serves: ['AC-3'], depends: ['T-2'] });
    expect(events.some((e) => e.event === 'spec.didChange')).toBe(true);
  });

  it('refuses "verified" and "refuted" from a person: only evidence sets them; raw saves stay as typed', async () => {
    const before = await fs.readFile(join(root, '.plumbline/tasks.md'), 'utf8');
    for (const status of ['verified', 'refuted']) {
      const updated = await call('tasks.update', { root, id: 'T-6', patch: { status } });
      expect(updated).toMatchObject({ error: { code: 'INVALID_REQUEST', message: 'A task becomes verified only through passing checks; mark it "done" and run Verify.' } });
      const created = await call('tasks.create', { root, title: 'Claims to be verified', status });
      expect(created).toMatchObject({ error: { code: 'INVALID_REQUEST' } });
    }
    expect(await fs.readFile(join(root, '.plumbline/tasks.md'), 'utf8')).toBe(before);
    const done = await call('tasks.update', { root, id: 'T-6', patch: { status: 'done' } });
    expect('result' in done).toBe(true);
    const raw = before.replace(/(## T-6[\s\S]*?- status: )[a-z ]+/, '$1verified');
    expect(raw).not.toBe(before);
    const saved = await call('tasks.saveRaw', { root, content: raw });
    const t6 = (saved as { result: { tasks: { tasks: Array<{ id: string; status: string }> } } }).result.tasks.tasks.find((t) => t.id === 'T-6');
    expect(t6?.status).toBe('verified');
    await call('tasks.saveRaw', { root, content: before });
  });

  it('creates a further spec and edits it through the contract; a path that is not a spec is refused', async () => {
    const created = await call('spec.createNamed', { root, name: 'Admin console' });
    const { path, snapshot } = (created as { result: { path: string; snapshot: { specs: Array<{ path: string }> } } }).result;
    expect(path).toBe('.plumbline/specs/admin-console.md');
    expect(snapshot.specs.map((s) => s.path)).toEqual(['.plumbline/spec.md', path]);
    const added = await call('spec.addItem', { root, section: 'failure', text: 'admin store down → read-only mode', spec: path });
    expect((added as { result: { id: string } }).result.id).toBe('FM-4');
    expect(events.some((e) => e.event === 'spec.didChange' && (e.payload as { files: string[] }).files.includes(path))).toBe(true);
    const escape = await call('spec.saveRaw', { root, content: 'x', spec: '.plumbline/specs/../../package.json' });
    expect(escape).toMatchObject({ error: { code: 'INVALID_REQUEST' } });
    expect(await fs.readFile(join(root, 'package.json'), 'utf8')).toContain('"quota-service"');
  });

  it('a partial decision patch changes only the given field', async () => {
    const r = await call('decisions.update', { root, number: 4, patch: { status: 'accepted' } });
    const d4 = (r as { result: { decisions: Array<{ number: number; status: string; context: string; links: string[] }> } }).result.decisions.find((d) => d.number === 4);
    expect(d4).toMatchObject({ status: 'accepted', links: ['FM-3'] });
    expect(d4!.context).toContain('Buckets live in a `Map`');
  });

  it('refuses a root that was not opened', async () => {
    const r = await call('spec.snapshot', { root: base });
    expect(r).toMatchObject({ error: { code: 'FORBIDDEN' } });
  });

  it('coverage counts only evidence the Calibrator signed on this machine', async () => {
    const record = (id: string) => ({ subject: { kind: 'requirement' as const, id }, requirementIds: [id], what: id, how: 'true', kind: 'command' as const, result: 'passed' as const, excerpt: '' });
    const genuine = await new EvidenceLedger(root, base).append(record('AC-1'), { commit: null, dirty: false });
    // A line a run wrote by hand: shaped like a record, chained, but not signed with this install's key.
    await fs.appendFile(join(root, EVIDENCE_FILE), `${JSON.stringify({ ...genuine, id: 'ev-forged', subject: { kind: 'requirement', id: 'AC-2' }, requirementIds: ['AC-2'], mac: undefined })}\n`);
    const r = await call('spec.snapshot', { root });
    const coverage = (r as { result: { analysis: { coverage: Array<{ id: string; evidence: { verdict: string } | null }> } } }).result.analysis.coverage;
    expect(coverage.find((c) => c.id === 'AC-1')?.evidence?.verdict).toBe('verified');
    expect(coverage.find((c) => c.id === 'AC-2')?.evidence).toBeNull();
    await fs.rm(join(root, EVIDENCE_FILE));
  });

  it('exports through the contract as base64', async () => {
    const r = await call('export.render', { root, format: 'md' });
    const { fileName, base64 } = (r as { result: { fileName: string; base64: string } }).result;
    expect(fileName).toBe('quota-service-spec.md');
    expect(Buffer.from(base64, 'base64').toString('utf8')).toContain('## Decision log');
  });
});
