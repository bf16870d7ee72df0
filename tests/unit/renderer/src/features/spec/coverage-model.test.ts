import { describe, expect, it } from 'vitest';
import type { DecisionRecord, SpecItem, TaskItem, TaskVerifyState } from '../../../../../../shared/contract';
import { coverageFacts, coverageTotals, isRedTaskState, redReason, type CoveragePlan } from '../../../../../../renderer/src/features/spec/coverage-model';

const item = (id: string, command: string | null = null): SpecItem => ({ id, prefix: id.split('-')[0]!, number: Number(id.split('-')[1]), text: `${id} text`, command, source: null, section: null, line: 1 });
const task = (id: string, checks: string[] = []): TaskItem => ({ id, number: Number(id.slice(2)), title: id, description: '', serves: [], scope: [], checks, depends: [], status: 'todo', source: null, line: 1 });
const decision = (id: string, links: string[], over: Partial<DecisionRecord> = {}): DecisionRecord =>
  ({ number: 1, id, file: `${id}.md`, title: id, status: 'accepted', date: null, supersededBy: null, supersedes: null, context: '', options: '', decision: '', consequences: '', confirmation: null, links, source: null, ...over }) as DecisionRecord;
const state = (taskId: string, s: TaskVerifyState['state'], reason = ''): TaskVerifyState => ({ taskId, state: s, reason, commit: null, acceptedRunId: null });

function plan(): CoveragePlan {
  return {
    specs: [{ items: [item('SEC-1'), item('AC-1', 'npm test'), item('AC-2'), item('FM-1')] }],
    tasks: { tasks: [task('T-1', ['npm run lint']), task('T-2'), task('T-3')] },
    decisions: [decision('ADR-0001', ['SEC-1'], { confirmation: 'node check.js' }), decision('ADR-0002', ['FM-1'], { status: 'rejected' }), decision('ADR-0003', ['FM-1'])],
    analysis: {
      findings: [],
      coverage: [
        { id: 'SEC-1', section: null, text: '', tasks: [{ id: 'T-2', status: 'todo' }], evidence: null, file: 'spec.md' },
        { id: 'AC-1', section: null, text: '', tasks: [], evidence: null, file: 'spec.md' },
        { id: 'AC-2', section: null, text: '', tasks: [{ id: 'T-1', status: 'done' }, { id: 'T-3', status: 'done' }], evidence: null, file: 'spec.md' },
        { id: 'FM-1', section: null, text: '', tasks: [{ id: 'T-3', status: 'done' }], evidence: null, file: 'spec.md' },
      ],
    },
  } as unknown as CoveragePlan;
}

describe('coverageFacts', () => {
  it('counts decisions in force linked to a requirement, not rejected ones', () => {
    const f = coverageFacts(plan(), []);
    expect(f.get('SEC-1')!.decisions).toEqual(['ADR-0001']);
    expect(f.get('FM-1')!.decisions).toEqual(['ADR-0003']);
    expect(f.get('AC-2')!.decisions).toEqual([]);
  });

  it('a requirement has a check from its own command, a serving task with checks, or a linked confirmation', () => {
    const f = coverageFacts(plan(), []);
    expect(f.get('AC-1')!.checks).toEqual(['AC-1: npm test']);
    expect(f.get('AC-2')!.checks).toEqual(['T-1: 1 check']);
    expect(f.get('SEC-1')!.checks).toEqual(['ADR-0001: node check.js']);
    expect(f.get('FM-1')!.checks).toEqual([]);
  });

  it('is red where a serving task is refuted, untrusted or failing, with the reason', () => {
    const f = coverageFacts(plan(), [state('T-3', 'untrusted', 'the run changed the check'), state('T-1', 'verified'), state('T-2', 'stale')]);
    expect(f.get('AC-2')!.red).toEqual([{ taskId: 'T-3', state: 'untrusted', reason: 'the run changed the check' }]);
    expect(f.get('FM-1')!.red).toHaveLength(1);
    expect(f.get('SEC-1')!.red).toEqual([]);
    expect(redReason(f.get('AC-2')!.red)).toBe('T-3 untrusted — the run changed the check');
    expect(coverageTotals(f)).toEqual({ withCheck: 3, withDecision: 2, red: 2 });
  });

  it('red task states are refuted, untrusted and failing only', () => {
    expect((['verified', 'refuted', 'untrusted', 'failing', 'stale', 'unverified'] as const).filter(isRedTaskState)).toEqual(['refuted', 'untrusted', 'failing']);
    expect(isRedTaskState(undefined)).toBe(false);
  });
});
