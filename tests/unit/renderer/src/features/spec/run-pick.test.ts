import { describe, expect, it } from 'vitest';
import type { TaskItem } from '../../../../../../shared/contract';
import { notReadyReason, readyPicked, toggleRunPick } from '../../../../../../renderer/src/features/spec/plan-helpers';

const task = (id: string, status: TaskItem['status'], depends: string[] = []): TaskItem => ({ id, title: id, status, depends, serves: [], scope: [], checks: [], description: '' }) as unknown as TaskItem;
const tasks = [task('T-1', 'done'), task('T-2', 'verified', ['T-1']), task('T-3', 'in review', ['T-2']), task('T-4', 'todo', ['T-3']), task('T-5', 'todo', ['T-9']), task('T-6', 'todo')];
const ready = (id: string): boolean => !notReadyReason(tasks.find((t) => t.id === id)!, tasks);
const order = tasks.map((t) => t.id);

describe('Run selected: which tasks may be ticked', () => {
  it('is ready when every task it depends on is done or verified, and it is not finished itself', () => {
    expect(notReadyReason(tasks[2]!, tasks)).toBeNull();
    expect(notReadyReason(tasks[5]!, tasks)).toBeNull();
    expect(notReadyReason(tasks[3]!, tasks)).toBe('T-4 depends on T-3, which is not done; run T-3 first.');
    // A dependency the plan does not have counts as not done.
    expect(notReadyReason(tasks[4]!, tasks)).toBe('T-5 depends on T-9, which is not done; run T-9 first.');
    expect(notReadyReason(tasks[0]!, tasks)).toBe('T-1 is done already; nothing to run.');
    expect(notReadyReason(tasks[1]!, tasks)).toBe('T-2 is verified already; nothing to run.');
  });

  it('toggles one task, and with Shift every ready task since the last one clicked', () => {
    const one = toggleRunPick(new Set(), 'T-3', { order, ready, anchor: null, range: false });
    expect([...one]).toEqual(['T-3']);
    expect([...toggleRunPick(one, 'T-3', { order, ready, anchor: 'T-3', range: false })]).toEqual([]);
    // T-4 and T-5 lie between but are not ready: the range ticks only T-3 and T-6.
    const range = toggleRunPick(new Set(), 'T-6', { order, ready, anchor: 'T-3', range: true });
    expect([...range].sort()).toEqual(['T-3', 'T-6']);
    // Shift on a ticked task clears the range.
    expect([...toggleRunPick(range, 'T-3', { order, ready, anchor: 'T-6', range: true })]).toEqual([]);
  });

  it('runs only ticked tasks that are still ready, in plan order', () => {
    expect(readyPicked(tasks, new Set(['T-6', 'T-1', 'T-3', 'T-4']))).toEqual(['T-3', 'T-6']);
  });
});
