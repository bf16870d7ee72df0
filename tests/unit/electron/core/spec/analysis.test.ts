import { describe, expect, it } from 'vitest';
import type { DecisionRecord, SpecItem, TaskItem } from '../../../../../shared/contract/spec';
import { analyse, keywords } from '../../../../../electron/core/spec/analysis';

const item = (id: string, text: string, extra: Partial<SpecItem> = {}): SpecItem => {
  const [prefix, n] = id.split('-');
  const section = ({ SEC: 'security', FM: 'failure', AC: 'acceptance', NR: 'nonreq', FR: 'functional' } as const)[prefix as 'SEC'] ?? null;
  return { id, prefix: prefix!, number: Number(n), text, command: null, source: null, section, line: 10, ...extra };
};
const task = (id: string, extra: Partial<TaskItem> = {}): TaskItem => ({ id, number: Number(id.slice(2)), title: id, description: '', serves: [], scope: [], checks: [], depends: [], status: 'todo', source: null, line: 3, ...extra });
const decision = (n: number, extra: Partial<DecisionRecord> = {}): DecisionRecord => ({
  number: n, id: String(n).padStart(4, '0'), file: `.plumbline/decisions/${n}.md`, title: 't', status: 'accepted', date: null, supersededBy: null, supersedes: null,
  context: '', options: '', decision: 'x because y', consequences: '', confirmation: null, links: [], source: null, ...extra,
});
const allSections = ['purpose', 'architecture', 'security', 'api', 'failure', 'nonreq', 'acceptance', 'questions'].map((kind) => ({ kind, title: kind }));

function run(items: SpecItem[], tasks: TaskItem[], decisions: DecisionRecord[] = [], sections = allSections, clarifications: Array<{ question: string; resolved: boolean; line: number; itemId: string | null }> = []) {
  return analyse({ spec: { exists: true, path: '.plumbline/spec.md', sections, items, clarifications }, tasks, tasksPath: '.plumbline/tasks.md', decisions });
}
const codes = (r: ReturnType<typeof run>) => r.findings.map((f) => `${f.code}:${f.itemId ?? ''}`);

describe('analyse', () => {
  it('a clean plan has no findings and a full coverage matrix', () => {
    const r = run([item('SEC-1', 'a'), item('AC-1', 'b', { command: 'npm test' })], [task('T-1', { serves: ['SEC-1', 'AC-1'], status: 'done' })]);
    expect(r.findings).toEqual([]);
    expect(r.coverage).toEqual([
      { id: 'SEC-1', section: 'security', text: 'a', tasks: [{ id: 'T-1', status: 'done' }], evidence: null, file: '.plumbline/spec.md' },
      { id: 'AC-1', section: 'acceptance', text: 'b', tasks: [{ id: 'T-1', status: 'done' }], evidence: null, file: '.plumbline/spec.md' },
    ]);
  });

  it('reports every requirement kind no task serves, functional requirements included', () => {
    const r = run([item('FR-1', 'served'), item('FR-2', 'left alone'), item('SEC-1', 's'), item('AC-1', 'a — `npm test`')], [task('T-1', { serves: ['FR-1', 'SEC-1', 'AC-1'] })]);
    expect(codes(r).filter((c) => c.startsWith('unserved-requirement'))).toEqual(['unserved-requirement:FR-2']);
  });

  it('reports missing sections, duplicates, dangling IDs, unserved items, idle tasks, manual checks', () => {
    const r = run(
      [item('SEC-1', 'a'), item('SEC-1', 'again', { line: 12 }), item('FM-1', 'f'), item('AC-1', 'manual one')],
      [task('T-1', { serves: ['SEC-1', 'SEC-9'], depends: ['T-7'] }), task('T-2')],
      [decision(1, { links: ['NR-4'] })],
      allSections.filter((s) => s.kind !== 'nonreq'),
    );
    expect(codes(r)).toEqual([
      'missing-section:',
      'duplicate-id:SEC-1',
      'dangling-id:T-1',
      'dangling-id:T-1',
      'task-serves-nothing:T-2',
      'dangling-id:0001',
      'unserved-requirement:FM-1',
      'unserved-requirement:AC-1',
      'manual-check:AC-1',
    ]);
    expect(r.findings[1]).toMatchObject({ severity: 'error', line: 12, file: '.plumbline/spec.md' });
  });

  it('reports open questions and decisions without reasons, not rejected or superseded ones', () => {
    const r = run([], [], [decision(1, { decision: 'Use X.' }), decision(2, { decision: '', status: 'superseded', supersededBy: 1 }), decision(3, { decision: '' })], allSections, [
      { question: 'q?', resolved: false, line: 40, itemId: null },
      { question: 'done', resolved: true, line: 41, itemId: null },
    ]);
    expect(codes(r)).toEqual(['decision-without-reason:0001', 'decision-without-reason:0003', 'open-question:']);
  });

  it('flags a task whose description overlaps a non-requirement', () => {
    const nr = item('NR-1', 'No user accounts or sign-up flow');
    const r = run([nr], [task('T-1', { title: 'Add user accounts', serves: [] }), task('T-2', { title: 'Log the user id', serves: [] })]);
    expect(codes(r).filter((c) => c.startsWith('non-req'))).toEqual(['non-requirement-conflict:T-1']);
    expect(keywords('Accounts, users and the sign-up')).toEqual(new Set(['account', 'user', 'sign']));
  });

  it('takes evidence through the hook', () => {
    const r = analyse({
      spec: { exists: true, path: 's', sections: allSections, items: [item('AC-1', 'x', { command: 'true' })], clarifications: [] },
      tasks: [task('T-1', { serves: ['AC-1'] })], tasksPath: 't', decisions: [],
      evidence: new Map([['AC-1', { verdict: 'refuted', at: '2026-01-01T00:00:00Z' }]]),
    });
    expect(r.coverage[0]!.evidence).toEqual({ verdict: 'refuted', at: '2026-01-01T00:00:00Z' });
  });

  it('says there is no spec yet', () => {
    const r = analyse({ spec: { exists: false, path: 's', sections: [], items: [], clarifications: [] }, tasks: [], tasksPath: 't', decisions: [] });
    expect(r.findings).toHaveLength(1);
    expect(r.findings[0]!.severity).toBe('info');
  });

  it('reports the empty required sections of a skeleton spec, but not an empty Open questions', () => {
    const empty = allSections.map((x) => ({ ...x, prose: '', itemIds: [] as string[] }));
    const r = run([], [], [], empty);
    expect(r.findings.map((f) => f.message)).toEqual(
      ['purpose', 'architecture', 'security', 'api', 'failure', 'nonreq', 'acceptance'].map((t) => `The "${t}" section is empty. Write it, or ask a model to critique the spec.`),
    );
    const written = empty.map((x) => (x.kind === 'questions' ? x : { ...x, prose: 'Some text.' }));
    expect(run([], [], [], written).findings).toEqual([]);
  });
});

describe('references through imported aliases', () => {
  const spec = '.plumbline/specs/002-b.md';
  const imported = [
    item('FR-4', 'Share links, expired as FR-006 says (FR-001)', { source: 'specs/002-b/spec.md#FR-001' }),
    item('FR-9', 'Expire links (FR-006)', { source: 'specs/002-b/spec.md#FR-006' }),
    item('AC-1', 'Visitors see the album (SC-001)', { source: 'specs/002-b/spec.md#SC-001', command: 'npm test' }),
  ];
  const runMore = (items: SpecItem[], tasks: TaskItem[], decisions: DecisionRecord[] = []) =>
    analyse({ spec: { exists: true, path: '.plumbline/spec.md', sections: allSections, items: [], clarifications: [] }, moreSpecs: [{ exists: true, path: spec, sections: [], items, clarifications: [] }], tasks, tasksPath: '.plumbline/tasks.md', decisions });

  it('counts a task serving an original ID, and a decision linking one, as serving and linking the item', () => {
    const r = runMore(imported, [task('T-1', { serves: ['FR-001', 'FR-006', 'SC-001'], source: 'specs/002-b/tasks.md#T001' })], [decision(1, { links: ['FR-006'] })]);
    expect(codes(r).filter((c) => c.startsWith('dangling-id') || c.startsWith('unserved'))).toEqual([]);
    expect(r.coverage.map((c) => [c.id, c.tasks.map((t) => t.id).join(' ')])).toEqual([
      ['FR-4', 'T-1'],
      ['FR-9', 'T-1'],
      ['AC-1', 'T-1'],
    ]);
  });

  it('reports an item citing an ID nothing answers to, not one cited through an alias nor a token such as UTF-8', () => {
    const r = runMore([...imported, item('FR-10', 'Names are UTF-8; see FR-007 and SC-004, and FR-006', { source: 'specs/002-b/spec.md#FR-010' })], [task('T-1', { serves: ['FR-4', 'FR-9', 'AC-1', 'FR-10'] })]);
    expect(r.findings.filter((f) => f.code === 'dangling-id').map((f) => f.message)).toEqual([
      'FR-10 cites FR-007, which is not in the spec. Correct the reference, or add the item it means.',
      'FR-10 cites SC-004, which is not in the spec. Correct the reference, or add the item it means.',
    ]);
  });
});
