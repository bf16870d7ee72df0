import { promises as fs } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildExportDocument } from '../../../../../electron/core/export/export-document';
import { checkSpecPath, listSpecFiles } from '../../../../../electron/core/spec/plan-files';
import { readSnapshot } from '../../../../../electron/core/spec/plan-reader';
import { PlanService } from '../../../../../electron/core/spec/plan-service';

const MAIN = '# Spec: shop\n\n## Purpose\n\nSell things.\n\n## Security requirements\n\n- SEC-1: no card numbers in logs\n- SEC-2: sessions expire\n\n## Acceptance checks\n\n- AC-1: checkout works — `npm test`\n';
/** A further spec written by hand: CRLF, a BOM, a table and a comment the app does not understand. */
const BILLING = '\uFEFF# Spec: Billing\r\n\r\n## Security requirements\r\n\r\n- SEC-3: invoices are signed\r\n\r\n| plan | price |\r\n|---|---|\r\n| a | 1 |\r\n\r\n<!-- kept as written -->\r\n\r\n## Open questions\r\n\r\n- [NEEDS CLARIFICATION: which currency?]\r\n';

let root: string;
const changes: string[][] = [];
const service = new PlanService((_root, files) => changes.push(files));
const noImports = async () => [];

async function write(rel: string, text: string): Promise<void> {
  await fs.mkdir(join(root, rel, '..'), { recursive: true });
  await fs.writeFile(join(root, rel), text);
}
const read = (rel: string): Promise<string> => fs.readFile(join(root, rel), 'utf8');

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'plumbline-specs-'));
  changes.length = 0;
  await write('.plumbline/spec.md', MAIN);
  await write('.plumbline/specs/billing.md', BILLING);
});
afterEach(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

describe('spec files', () => {
  it('lists the main spec first, then the .md files directly in .plumbline/specs/ by name', async () => {
    await write('.plumbline/specs/auth.md', '# Auth\n');
    await write('.plumbline/specs/notes.txt', 'not a spec');
    await write('.plumbline/specs/.hidden.md', 'a dot file');
    await write('.plumbline/specs/deeper/x.md', 'a sub-folder');
    expect(await listSpecFiles(root)).toEqual(['.plumbline/spec.md', '.plumbline/specs/auth.md', '.plumbline/specs/billing.md']);
  });

  it('refuses spec paths that are not a spec file', () => {
    expect(checkSpecPath(undefined)).toBe('.plumbline/spec.md');
    expect(checkSpecPath('.plumbline/specs/billing.md')).toBe('.plumbline/specs/billing.md');
    for (const bad of ['.plumbline/tasks.md', '.plumbline/specs/../tasks.md', '.plumbline/specs/a/b.md', '../spec.md', '/etc/passwd', '.plumbline/specs/.x.md', '.plumbline/specs/x.txt']) {
      expect(() => checkSpecPath(bad), bad).toThrow(/is not a spec/);
    }
  });
});

describe('more specs in the snapshot and the analysis', () => {
  it('reads every spec with its sections, items and questions', async () => {
    const snap = await readSnapshot(root, noImports);
    expect(snap.spec.path).toBe('.plumbline/spec.md');
    expect(snap.specs.map((s) => s.path)).toEqual(['.plumbline/spec.md', '.plumbline/specs/billing.md']);
    const billing = snap.specs[1]!;
    expect(billing.title).toBe('Spec: Billing');
    expect(billing.bom).toBe(true);
    expect(billing.eol).toBe('crlf');
    expect(billing.items.map((i) => i.id)).toEqual(['SEC-3']);
    expect(billing.clarifications.map((c) => c.question)).toEqual(['which currency?']);
  });

  it('tasks serve items of any spec; coverage rows name their file; questions of every spec are open findings', async () => {
    await write('.plumbline/tasks.md', '# Tasks\n\n## T-1: sign invoices\n\n- serves: SEC-3, SEC-1\n- status: todo\n');
    const { analysis } = await readSnapshot(root, noImports);
    expect(analysis.findings.filter((f) => f.code === 'dangling-id')).toEqual([]);
    const row = analysis.coverage.find((r) => r.id === 'SEC-3');
    expect(row).toMatchObject({ file: '.plumbline/specs/billing.md', tasks: [{ id: 'T-1', status: 'todo' }] });
    expect(analysis.coverage.find((r) => r.id === 'SEC-1')?.file).toBe('.plumbline/spec.md');
    expect(analysis.findings.find((f) => f.code === 'open-question')).toMatchObject({ file: '.plumbline/specs/billing.md', message: 'Open question: which currency?' });
    // The further spec lacks sections: a note (info), not a warning.
    const missing = analysis.findings.filter((f) => f.code === 'missing-section' && f.file === '.plumbline/specs/billing.md');
    expect(missing).toHaveLength(1);
    expect(missing[0]!.severity).toBe('info');
  });

  it('flags an ID used in two spec files, naming the other file', async () => {
    await write('.plumbline/specs/auth.md', '# Auth\n\n## Security requirements\n\n- SEC-2: passwords are hashed\n');
    const { analysis } = await readSnapshot(root, noImports);
    const dup = analysis.findings.filter((f) => f.code === 'duplicate-id');
    expect(dup).toHaveLength(1);
    expect(dup[0]).toMatchObject({ severity: 'error', itemId: 'SEC-2', file: '.plumbline/specs/auth.md' });
    expect(dup[0]!.message).toContain('.plumbline/spec.md line 10');
  });

  it('a decision may link items of any spec; a link to no item is dangling', async () => {
    await service.createDecision(root, { title: 'Sign with ed25519', status: 'accepted', context: '', options: '', decision: 'ed25519 because it is small', consequences: '', confirmation: null, links: ['SEC-3', 'SEC-99'] });
    const { analysis, decisions } = await readSnapshot(root, noImports);
    expect(decisions[0]!.links).toEqual(['SEC-3', 'SEC-99']);
    const dangling = analysis.findings.filter((f) => f.code === 'dangling-id');
    expect(dangling.map((f) => f.message)).toEqual(['Decision 0001 links SEC-99, which is not in the spec.']);
  });
});

describe('editing more specs', () => {
  it('an unchanged save of a further spec keeps its bytes (BOM, CRLF, foreign Markdown)', async () => {
    const before = await fs.readFile(join(root, '.plumbline/specs/billing.md'));
    const snap = await readSnapshot(root, noImports);
    await service.saveRaw(root, snap.specs[1]!.content, snap.specs[1]!.hash, '.plumbline/specs/billing.md');
    expect((await fs.readFile(join(root, '.plumbline/specs/billing.md'))).equals(before)).toBe(true);
  });

  it('IDs stay unique across specs: an item added to either spec takes the next free number of all of them', async () => {
    const mainBefore = await read('.plumbline/spec.md');
    expect(await service.addItem(root, 'security', 'refunds need a reason', '.plumbline/specs/billing.md')).toBe('SEC-4');
    expect(await read('.plumbline/specs/billing.md')).toBe(BILLING.slice(1).replace('- SEC-3: invoices are signed\r\n', '- SEC-3: invoices are signed\r\n- SEC-4: refunds need a reason\r\n').replace(/^/, '\uFEFF'));
    expect(await read('.plumbline/spec.md')).toBe(mainBefore);
    expect(await service.addItem(root, 'security', 'admin actions are logged')).toBe('SEC-5');
    expect(changes).toEqual([['.plumbline/specs/billing.md'], ['.plumbline/spec.md']]);
  });

  it('edits, moves and deletes an item in the spec that holds it; the other spec keeps its bytes', async () => {
    const mainBefore = await read('.plumbline/spec.md');
    await service.updateItem(root, 'SEC-3', 'invoices are signed with ed25519');
    expect(await read('.plumbline/specs/billing.md')).toContain('- SEC-3: invoices are signed with ed25519\r\n');
    await service.addItem(root, 'security', 'second', '.plumbline/specs/billing.md');
    await service.moveItem(root, 'SEC-4', 'up', '.plumbline/specs/billing.md');
    expect(await read('.plumbline/specs/billing.md')).toContain('- SEC-4: second\r\n- SEC-3:');
    const deleted = await service.deleteItem(root, 'SEC-4');
    expect(deleted.spec).toBe('.plumbline/specs/billing.md');
    expect(await read('.plumbline/specs/billing.md')).not.toContain('SEC-4');
    expect(await read('.plumbline/spec.md')).toBe(mainBefore);
    // The deleted ID is never handed out again, in any spec.
    expect(await service.addItem(root, 'security', 'third')).toBe('SEC-5');
  });

  it('answers an open question of a further spec in that spec', async () => {
    const n = await service.answerQuestion(root, 0, 'which currency?', 'EUR only', true, 'Currency', '.plumbline/specs/billing.md');
    expect(n).toBe(1);
    expect(await read('.plumbline/specs/billing.md')).toContain('[RESOLVED: which currency? → EUR only (decision 0001)]');
  });

  it('"New spec" writes a skeleton named after the slugged name and refuses to overwrite', async () => {
    const rel = await service.createNamedSpec(root, 'Payments & Refunds');
    expect(rel).toBe('.plumbline/specs/payments-refunds.md');
    const text = await read(rel);
    expect(text.startsWith('# Spec: Payments & Refunds\n')).toBe(true);
    expect(text).toContain('## Security requirements\n\n<!-- hint:');
    await expect(service.createNamedSpec(root, 'payments refunds')).rejects.toThrow(/already a spec/);
    await expect(service.createNamedSpec(root, '!!!')).rejects.toThrow(/no letters or digits/);
    const snap = await readSnapshot(root, noImports);
    expect(snap.specs.map((s) => s.path)).toContain(rel);
  });

  it('refuses to add to a further spec that does not exist, and to edit a file that is not a spec', async () => {
    await expect(service.addItem(root, 'security', 'x', '.plumbline/specs/gone.md')).rejects.toThrow(/There is no spec/);
    await expect(service.saveRaw(root, 'x', undefined, '.plumbline/tasks.md')).rejects.toThrow(/is not a spec/);
    await expect(fs.stat(join(root, '.plumbline/specs/gone.md'))).rejects.toThrow();
  });
});

describe('export of more specs', () => {
  it('includes every spec under its own heading', async () => {
    const doc = await buildExportDocument(root, { withTasks: false, withEvidence: false });
    const main = doc.markdown.indexOf('## Spec\n');
    const billing = doc.markdown.indexOf('## Spec: Billing\n');
    expect(main).toBeGreaterThan(-1);
    expect(billing).toBeGreaterThan(main);
    expect(doc.markdown).toContain('- SEC-3: invoices are signed');
    expect(doc.markdown).toContain('From `.plumbline/specs/billing.md`.');
    expect(doc.markdown).toContain('### Security requirements\n\n- SEC-3');
    expect(doc.markdown).not.toContain('\r');
  });
});

describe('coverage × latest evidence', () => {
  it('takes the latest verdict per requirement from the evidence log', async () => {
    const rec = (time: string, result: string, extra: object) => JSON.stringify({ id: time, time, commit: null, dirty: false, what: 'x', how: 'y', kind: 'command', excerpt: '', hasOutput: false, result, ...extra });
    await write(
      '.plumbline/evidence.jsonl',
      [
        rec('2026-01-01T00:00:00Z', 'failed', { subject: { kind: 'requirement', id: 'AC-1' }, requirementIds: ['AC-1'] }),
        rec('2026-01-02T00:00:00Z', 'passed', { subject: { kind: 'requirement', id: 'AC-1' }, requirementIds: ['AC-1'] }),
        rec('2026-01-03T00:00:00Z', 'refuted', { subject: { kind: 'claim', id: 'r1:0' }, requirementIds: ['SEC-3'] }),
        rec('2026-01-04T00:00:00Z', 'timeout', { subject: { kind: 'project', id: 'tests' }, requirementIds: ['SEC-1'] }),
        rec('2026-01-05T00:00:00Z', 'pending', { subject: { kind: 'claim', id: 'r1:1' }, requirementIds: ['SEC-2'] }),
      ].join('\n') + '\n',
    );
    const { analysis } = await readSnapshot(root, noImports);
    const ev = (id: string) => analysis.coverage.find((r) => r.id === id)?.evidence;
    expect(ev('AC-1')).toEqual({ verdict: 'verified', at: '2026-01-02T00:00:00Z' });
    expect(ev('SEC-3')).toEqual({ verdict: 'refuted', at: '2026-01-03T00:00:00Z' });
    expect(ev('SEC-1')).toEqual({ verdict: 'refuted', at: '2026-01-04T00:00:00Z' });
    // A pending verdict is no evidence yet.
    expect(ev('SEC-2')).toBeNull();
  });
});
