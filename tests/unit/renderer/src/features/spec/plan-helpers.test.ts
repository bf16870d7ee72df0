import { describe, expect, it } from 'vitest';
import { isEvidenceStatus, PICKABLE_STATUSES, stepStatus, withoutSameStatus } from '../../../../../../renderer/src/features/spec/plan-helpers';

describe('task statuses a person may choose', () => {
  it('never offers "verified" or "refuted": those come from evidence', () => {
    expect(PICKABLE_STATUSES).toEqual(['todo', 'in progress', 'in review', 'done']);
    expect(isEvidenceStatus('verified')).toBe(true);
    expect(isEvidenceStatus('refuted')).toBe(true);
    expect(isEvidenceStatus('done')).toBe(false);
  });

  it('Alt+→ from "in review" goes to "done", skipping the evidence columns; the ends stop', () => {
    expect(stepStatus('in review', 1)).toBe('done');
    expect(stepStatus('done', -1)).toBe('in review');
    expect(stepStatus('todo', -1)).toBeNull();
    expect(stepStatus('done', 1)).toBeNull();
    expect(stepStatus('todo', 1)).toBe('in progress');
  });

  it('from an evidence status a step goes to the neighbouring column a person may choose', () => {
    expect(stepStatus('verified', 1)).toBe('done');
    expect(stepStatus('verified', -1)).toBe('in review');
    expect(stepStatus('refuted', -1)).toBe('in review');
  });

  it('an edit that leaves the status as it was does not send it', () => {
    expect(withoutSameStatus({ title: 'x', status: 'verified' as const }, 'verified')).toEqual({ title: 'x' });
    expect(withoutSameStatus({ title: 'x', status: 'done' as const }, 'verified')).toEqual({ title: 'x', status: 'done' });
  });
});
