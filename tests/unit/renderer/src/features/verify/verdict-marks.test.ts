import { describe, expect, it } from 'vitest';
import { taskStateMark } from '../../../../../../renderer/src/features/verify/verdict-marks';

describe('taskStateMark', () => {
  it('says when "verified" rests on checks alone, so it is not taken for a verified run', () => {
    expect(taskStateMark({ state: 'verified', acceptedRunId: null })).toEqual({ symbol: '✔', word: 'verified — checks pass; no agent run', tone: 'ok' });
    expect(taskStateMark({ state: 'verified', acceptedRunId: 'run-1' }).word).toBe('verified — checks pass; accepted run, no claim refuted');
  });

  it('marks every state with a shape as well as a colour', () => {
    const states = ['verified', 'refuted', 'failing', 'stale', 'unverified'] as const;
    const marks = states.map((state) => taskStateMark({ state, acceptedRunId: null }));
    expect(marks.map((m) => m.symbol)).toEqual(['✔', '✘', '✘', '⚠', '?']);
    expect(marks.map((m) => m.tone)).toEqual(['ok', 'danger', 'danger', 'warn', 'muted']);
    expect(marks[3]!.word).toContain('no agent run');
  });

  it('an untrusted task is red and says why', () => {
    expect(taskStateMark({ state: 'untrusted', acceptedRunId: 'run-1' })).toEqual({ symbol: '✘', word: 'untrusted — the run changed the check', tone: 'danger' });
  });
});
