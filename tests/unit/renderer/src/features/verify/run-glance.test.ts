import { describe, expect, it } from 'vitest';
import type { ClaimResult, RunFinding, RunVerification, ServedCheck } from '../../../../../../shared/contract';
import { findingKind } from '../../../../../../shared/contract';
import {
  acceptConcerns,
  countRed,
  findingKindLabel,
  formatBaselineAfter,
  formatSample,
  glanceOf,
  glanceSummary,
  servedCheckMark,
} from '../../../../../../renderer/src/features/verify/run-glance';

const counts = (passed: number, failed = 0, skipped = 0) => ({ passed, failed, skipped, total: passed + failed + skipped });

function run(over: Partial<RunVerification> = {}): RunVerification {
  return {
    runId: 'run-1',
    taskId: 'T-1',
    model: 'm',
    role: 'builder',
    summary: '',
    verifiedAt: '2026-11-30T03:00:00Z',
    commit: null,
    claims: [],
    findings: [],
    counts: { verified: 0, refuted: 0, unverifiable: 0, pending: 0 },
    overconfident: false,
    checks: [],
    problems: 0,
    glance: 'green',
    ...over,
  };
}

function check(over: Partial<ServedCheck>): ServedCheck {
  return {
    id: 'AC-1',
    label: 'AC-1',
    command: 'npm test',
    verdict: 'passed',
    reason: 'passes now',
    baseline: { outcome: 'passed', exitCode: 0, counts: counts(12) },
    after: { outcome: 'passed', exitCode: 0, counts: counts(12) },
    ...over,
  };
}

const refutedClaim: ClaimResult = {
  index: 0,
  claim: { kind: 'file_changed', path: 'src/a.ts', statement: 'I changed src/a.ts', confidence: 0.9 },
  verdict: 'refuted',
  reason: 'src/a.ts is byte-identical to the checkpoint',
};

const masked: RunFinding = { kind: 'masked_command', severity: 'error', message: '`npm test || true` hides failure' };

describe('glance', () => {
  it('is red for an untrusted check and a refuted claim, and says both in words', () => {
    const r = run({ glance: 'red', problems: 1, checks: [check({ verdict: 'untrusted', reason: 'the run changed package.json scripts' })], claims: [refutedClaim], counts: { verified: 0, refuted: 1, unverifiable: 0, pending: 0 } });
    const s = glanceSummary(r);
    expect(s.glance).toBe('red');
    expect(s.mark.tone).toBe('danger');
    expect(s.text).toBe('✘ 2 problems: AC-1 untrusted — the run changed the check; 1 claim refuted');
  });

  it('stays red on a refuted claim, an error finding or a red check even when the core said otherwise (runs verified before glance)', () => {
    expect(glanceOf(run({ glance: 'open', counts: { verified: 0, refuted: 1, unverifiable: 0, pending: 0 } }))).toBe('red');
    expect(glanceOf(run({ glance: 'green', findings: [masked] }))).toBe('red');
    expect(glanceOf(run({ glance: 'green', checks: [check({ verdict: 'regressed' })] }))).toBe('red');
    expect(glanceSummary(run({ glance: 'green', findings: [masked] })).text).toBe('✘ 1 problem: masked failure: `npm test || true` hides failure');
  });

  it('a regression says baseline → after', () => {
    const r = run({ glance: 'red', problems: 1, checks: [check({ id: 'tests', verdict: 'regressed', after: { outcome: 'passed', exitCode: 0, counts: counts(10, 0, 2) } })] });
    expect(glanceSummary(r).text).toBe('✘ 1 problem: tests regressed: 12 passed → 10 passed, 2 skipped');
  });

  it('is green only when the core says green and nothing is red; open says what waits', () => {
    expect(glanceSummary(run()).text).toBe('✔ verified');
    const open = glanceSummary(run({ glance: 'open', counts: { verified: 1, refuted: 0, unverifiable: 0, pending: 2 }, checks: [check({ verdict: 'not_run' })] }));
    expect(open.glance).toBe('open');
    expect(open.mark.tone).toBe('warn');
    expect(open.text).toBe('⚠ open: 2 claims wait for you; 1 check not run');
    expect(glanceOf({ ...run(), glance: undefined } as unknown as RunVerification)).toBe('open');
  });

  it('the Runs badge counts red runs, not refuted claims', () => {
    const runs = [
      run({ glance: 'red', problems: 1, checks: [check({ verdict: 'untrusted' })] }),
      run({ glance: 'red', counts: { verified: 0, refuted: 3, unverifiable: 0, pending: 0 } }),
      run({ glance: 'open', counts: { verified: 0, refuted: 0, unverifiable: 0, pending: 1 } }),
      run(),
    ];
    expect(countRed(runs)).toBe(2);
  });
});

describe('served checks', () => {
  it('formats samples with counts, or the outcome when not countable', () => {
    expect(formatSample(null)).toBe('—');
    expect(formatSample({ outcome: 'passed', exitCode: 0, counts: counts(12) })).toBe('12 passed');
    expect(formatSample({ outcome: 'failed', exitCode: 1, counts: counts(10, 2) })).toBe('10 passed, 2 failed');
    expect(formatSample({ outcome: 'failed', exitCode: 1, counts: null })).toBe('failed (exit 1)');
    expect(formatSample({ outcome: 'error', exitCode: 3, counts: counts(5) })).toBe('5 passed — could not run');
    expect(formatBaselineAfter({ baseline: null, after: { outcome: 'timeout', exitCode: null, counts: null } })).toBe('— → timed out');
  });

  it('marks every verdict with a shape as well as a colour; untrusted and regressed are red', () => {
    const verdicts = ['passed', 'failing', 'regressed', 'untrusted', 'not_run'] as const;
    const marks = verdicts.map(servedCheckMark);
    expect(marks.map((m) => m.symbol)).toEqual(['✔', '✘', '✘', '✘', '?']);
    expect(marks.map((m) => m.tone)).toEqual(['ok', 'warn', 'danger', 'danger', 'muted']);
    expect(marks[3]!.word).toBe('untrusted — the run changed the check');
  });
});

describe('finding kinds', () => {
  it('every kind has words without underscores', () => {
    for (const kind of findingKind.options) expect(findingKindLabel(kind)).not.toContain('_');
    expect(findingKindLabel('plan_command')).toBe('command added to the plan');
    expect(findingKindLabel('ledger_tampered')).toBe('ledger tampered');
  });
});

describe('acceptConcerns', () => {
  it('asks nothing for a green run or an unknown one', () => {
    expect(acceptConcerns(run())).toEqual([]);
    expect(acceptConcerns(undefined)).toEqual([]);
  });

  it('lists red checks, refuted claims and every open finding', () => {
    const warning: RunFinding = { kind: 'out_of_scope', severity: 'warning', message: 'docs/x.md is outside the task scope' };
    const r = run({ glance: 'red', problems: 2, checks: [check({ verdict: 'untrusted', reason: 'the run changed test/a.test.ts' }), check({ id: 'AC-2', label: 'AC-2' })], claims: [refutedClaim], findings: [masked, warning], counts: { verified: 0, refuted: 1, unverifiable: 0, pending: 0 } });
    expect(acceptConcerns(r)).toEqual([
      '✘ AC-1: untrusted — the run changed test/a.test.ts',
      '✘ refuted claim: “I changed src/a.ts” — src/a.ts is byte-identical to the checkpoint',
      '✘ masked failure: `npm test || true` hides failure',
      '⚠ out of scope: docs/x.md is outside the task scope',
    ]);
    expect(acceptConcerns(run({ glance: 'open', findings: [warning] }))).toHaveLength(1);
  });
});
