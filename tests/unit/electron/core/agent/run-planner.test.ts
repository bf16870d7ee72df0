import { describe, expect, it } from 'vitest';
import type { TaskItem } from '../../../../../shared/contract';
import { planRuns, scopeOverlap } from '../../../../../electron/core/agent/run-planner';

const task = (n: number, scope: string[], extra: Partial<TaskItem> = {}): TaskItem => ({
  id: `T-${n}`,
  number: n,
  title: `Task ${n}`,
  description: '',
  serves: [],
  scope,
  checks: [],
  depends: [],
  status: 'todo',
  source: null,
  line: n,
  ...extra,
});

describe('scopeOverlap', () => {
  it('finds a file both may touch, a folder holding the other, and globs both ways', () => {
    expect(scopeOverlap(['src/quota.js'], ['src/quota.js'])).toBe('src/quota.js');
    expect(scopeOverlap(['src/'], ['src/quota.js'])).toBe('src/quota.js');
    expect(scopeOverlap(['src/quota.js'], ['src'])).toBe('src/quota.js');
    expect(scopeOverlap(['src/*.js'], ['src/quota.js'])).toBe('src/quota.js');
    expect(scopeOverlap(['src/quota.js'], ['src/*.js'])).toBe('src/quota.js');
    expect(scopeOverlap(['src/a.js'], ['src/b.js', 'docs/'])).toBeNull();
  });

  it('counts an empty scope as overlapping everything', () => {
    expect(scopeOverlap([], ['src/a.js'])).toMatch(/any file/);
    expect(scopeOverlap(['src/a.js'], [])).toMatch(/any file/);
  });
});

describe('planRuns', () => {
  it('starts ready tasks with disjoint scopes together', () => {
    const tasks = [task(1, ['src/a.js']), task(2, ['src/b.js']), task(3, ['docs/'])];
    expect(planRuns(tasks, ['T-1', 'T-2', 'T-3'])).toEqual([
      { taskId: 'T-1', action: 'start', reason: null },
      { taskId: 'T-2', action: 'start', reason: null },
      { taskId: 'T-3', action: 'start', reason: null },
    ]);
  });

  it('makes a task wait for an earlier one (or a running one) whose scope overlaps, naming the path', () => {
    const tasks = [task(2, ['src/quota.js']), task(3, ['src/*.js']), task(4, ['lib/x.js'])];
    expect(planRuns(tasks, ['T-2', 'T-3'])[1]).toEqual({ taskId: 'T-3', action: 'wait', reason: 'waits for T-2: both may touch src/quota.js' });
    expect(planRuns(tasks, ['T-4'], [{ taskId: 'T-9', scope: ['lib/'] }])[0]).toEqual({ taskId: 'T-4', action: 'wait', reason: 'waits for T-9: both may touch lib/x.js' });
  });

  it('refuses a task whose dependency is not done; done or verified dependencies are met', () => {
    const tasks = [task(1, ['a'], { status: 'done' }), task(2, ['b'], { status: 'in review' }), task(3, ['c'], { depends: ['T-2'] }), task(4, ['d'], { depends: ['T-1'] }), task(5, ['e'], { depends: ['T-6'] }), task(6, ['f'], { status: 'verified' })];
    const plan = planRuns(tasks, ['T-3', 'T-4', 'T-5']);
    expect(plan[0]).toEqual({ taskId: 'T-3', action: 'refuse', reason: 'T-3 depends on T-2, which is not done; run T-2 first.' });
    expect(plan[1]!.action).toBe('start');
    expect(plan[2]!.action).toBe('start');
  });

  it('refuses a task not in the plan and one done already', () => {
    const plan = planRuns([task(1, ['a'], { status: 'done' })], ['T-1', 'T-7']);
    expect(plan.map((d) => d.action)).toEqual(['refuse', 'refuse']);
    expect(plan[1]!.reason).toMatch(/T-7 is not in the plan/);
  });
});
