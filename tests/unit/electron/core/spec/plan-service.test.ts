import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { copyExample } from '../../../../../electron/core/spec/example';
import { PlanService } from '../../../../../electron/core/spec/plan-service';

const HAND_WRITTEN: Record<string, string> = {
  crlf: '# Spec\r\n\r\n## Purpose\r\n\r\nWhy.\r\n\r\n## Security requirements\r\n\r\n- SEC-1: a\r\n- SEC-2: b\r\n',
  bom: '\uFEFF# Spec\n\n## Security requirements\n\n- SEC-1: with BOM\n',
  odd: '#   Spec   \n\n\n\n## security REQUIREMENTS\n   - SEC-1:no space\n\n<details><summary>raw html</summary>\n\nkept\n\n</details>\n\n## Whatever else\n\n| x | y |\n|---|---|\n| 1 | 2 |\n\n[^1]: a footnote\n',
  noEol: '## Acceptance checks\n- AC-1: last line without newline `true`',
  mixed: '# Spec\n\n## Failure modes\r\n\r\n- FM-1: x → y\n  - nested detail\n\n## Open questions\n- [NEEDS CLARIFICATION: q?]',
};

let root: string;
const changes: string[][] = [];
const service = new PlanService((_root, files) => changes.push(files));
const specFile = (): string => join(root, '.plumbline/spec.md');

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'plumbline-plan-'));
  changes.length = 0;
});
afterEach(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

async function writeSpec(text: string): Promise<Buffer> {
  await fs.mkdir(join(root, '.plumbline'), { recursive: true });
  const bytes = Buffer.from(text, 'utf8');
  await fs.writeFile(specFile(), bytes);
  return bytes;
}

describe('round trip', () => {
  for (const [name, text] of Object.entries(HAND_WRITTEN)) {
    it(`parse → save unchanged → identical bytes (${name})`, async () => {
      const bytes = await writeSpec(text);
      const snap = await service.snapshot(root);
      await service.saveRaw(root, snap.spec.content, snap.spec.hash);
      expect(Buffer.compare(await fs.readFile(specFile()), bytes)).toBe(0);
    });
  }

  it('an edit changes only the edited item; BOM and mode are kept', async () => {
    await writeSpec(HAND_WRITTEN.bom!);
    await fs.chmod(specFile(), 0o600);
    await service.updateItem(root, 'SEC-1', 'edited');
    const after = await fs.readFile(specFile());
    expect(after.toString('utf8')).toBe('\uFEFF# Spec\n\n## Security requirements\n\n- SEC-1: edited\n');
    expect((await fs.stat(specFile())).mode & 0o777).toBe(0o600);
    expect(changes).toEqual([['.plumbline/spec.md']]);
  });

  it('hand edits made on disk between two app edits are kept', async () => {
    await writeSpec(HAND_WRITTEN.crlf!);
    await service.addItem(root, 'security', 'from the app');
    const disk = (await fs.readFile(specFile(), 'utf8')).replace('Why.', 'Why, edited by hand in another editor.');
    await fs.writeFile(specFile(), disk);
    await service.updateItem(root, 'SEC-1', 'A');
    const text = await fs.readFile(specFile(), 'utf8');
    expect(text).toBe('# Spec\r\n\r\n## Purpose\r\n\r\nWhy, edited by hand in another editor.\r\n\r\n## Security requirements\r\n\r\n- SEC-1: A\r\n- SEC-2: b\r\n- SEC-3: from the app\r\n');
  });

  it('refuses a raw save over a file changed since it was read', async () => {
    await writeSpec('# a\n');
    const snap = await service.snapshot(root);
    await fs.writeFile(specFile(), '# changed elsewhere\n');
    await expect(service.saveRaw(root, '# mine\n', snap.spec.hash)).rejects.toThrow(/changed on disk/);
    expect(await fs.readFile(specFile(), 'utf8')).toBe('# changed elsewhere\n');
  });
});

describe('IDs', () => {
  it('are never reused after a delete, even a delete in raw mode', async () => {
    await service.createSpec(root);
    expect(await service.addItem(root, 'security', 'one')).toBe('SEC-1');
    expect(await service.addItem(root, 'security', 'two')).toBe('SEC-2');
    await service.deleteItem(root, 'SEC-2');
    expect(await service.addItem(root, 'security', 'three')).toBe('SEC-3');
    const snap = await service.snapshot(root);
    await service.saveRaw(root, snap.spec.content.replace(/- SEC-3: three\n/, ''));
    expect(await service.addItem(root, 'security', 'four')).toBe('SEC-4');
    const ids = JSON.parse(await fs.readFile(join(root, '.plumbline/ids.json'), 'utf8'));
    expect(ids.highWater.SEC).toBe(4);
  });

  it('take the highest ID typed by hand into account', async () => {
    await writeSpec('## Acceptance checks\n\n- AC-7: typed by hand\n');
    expect(await service.addItem(root, 'acceptance', 'next')).toBe('AC-8');
  });

  it('create spec refuses to overwrite an existing spec', async () => {
    await writeSpec('# mine\n');
    await expect(service.createSpec(root)).rejects.toThrow(/already has a spec/);
  });
});

describe('open questions', () => {
  it('answering one that settles a choice writes a linked decision and records it in the spec', async () => {
    await writeSpec('# S\n\n## Failure modes\n\n- FM-1: restart → [NEEDS CLARIFICATION: keep state?]\n');
    const n = await service.answerQuestion(root, 0, 'keep state?', 'no, start full', true, 'Start buckets full after a restart');
    expect(n).toBe(1);
    const snap = await service.snapshot(root);
    expect(snap.spec.content).toContain('- FM-1: restart → [RESOLVED: keep state? → no, start full (decision 0001)]');
    expect(snap.decisions[0]).toMatchObject({ number: 1, title: 'Start buckets full after a restart', status: 'accepted', decision: 'no, start full', links: ['FM-1'] });
    expect(snap.decisions[0]!.file).toBe('.plumbline/decisions/0001-start-buckets-full-after-a-restart.md');
  });
});

describe('decisions', () => {
  it('supersede links both ways and keeps every other byte', async () => {
    const a = await service.createDecision(root, { title: 'Old way', status: 'accepted', context: 'c', options: '', decision: 'x because y', consequences: '', confirmation: null, links: [] });
    const b = await service.supersede(root, a, undefined, 'New way');
    const snap = await service.snapshot(root);
    expect(snap.decisions.map((d) => [d.id, d.status, d.supersededBy, d.supersedes])).toEqual([
      ['0001', 'superseded', 2, null],
      ['0002', 'proposed', null, 1],
    ]);
    expect(b).toBe(2);
    const text = await fs.readFile(join(root, snap.decisions[0]!.file), 'utf8');
    expect(text.startsWith('---\nstatus: superseded by 0002\ndate: ')).toBe(true);
    expect(text).toContain('## Decision Outcome\n\nx because y\n');
  });
});

describe('the example project', () => {
  it('copies to an empty folder, parses fully, and has tasks in every status', async () => {
    const target = await copyExample(join(process.cwd(), 'resources'), join(root, 'copy'));
    expect(target).toBe(join(root, 'copy'));
    // A committed git repository, clean (native git as the oracle).
    expect(execFileSync('git', ['log', '--oneline'], { cwd: target, encoding: 'utf8' })).toMatch(/Example project/);
    expect(execFileSync('git', ['status', '--porcelain'], { cwd: target, encoding: 'utf8' })).toBe('');
    const again = await copyExample(join(process.cwd(), 'resources'), join(root, 'copy'));
    expect(again).toBe(join(root, 'copy', 'quota-service'));
    const snap = await service.snapshot(target);
    expect(snap.spec.sections.filter((s) => s.kind).map((s) => s.kind)).toEqual(['purpose', 'architecture', 'security', 'api', 'failure', 'nonreq', 'acceptance', 'questions']);
    expect(new Set(snap.tasks.tasks.map((t) => t.status))).toEqual(new Set(['todo', 'in progress', 'in review', 'verified', 'refuted', 'done']));
    expect(snap.decisions.some((d) => d.status === 'superseded')).toBe(true);
    expect(snap.spec.clarifications.some((c) => !c.resolved)).toBe(true);
    expect(snap.memory.map((m) => m.path)).toEqual(['AGENTS.md']);
    expect(snap.analysis.findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(snap.tasks.next).toBe('T-6');
  });
});
