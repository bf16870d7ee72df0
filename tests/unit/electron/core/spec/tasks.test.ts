import { describe, expect, it } from 'vitest';
import { nextTask, parseTasks } from '../../../../../electron/core/spec/tasks-doc';
import { appendTask, deleteTask, patchTask } from '../../../../../electron/core/spec/tasks-edit';

const TASKS = [
  '# Tasks',
  '',
  'Intro prose the app does not use.',
  '',
  '## T-1: First',
  '',
  'Does the first thing.',
  '',
  '- serves: SEC-1, AC-2',
  '- scope: src/a.ts, src/b/',
  '- checks: `npm test`, `node --test x`',
  '- status: done',
  '',
  '### T-2 — Second, lenient',
  '* **Status**: In-Progress',
  '* Depends on: T-1',
  '* Requirements: FM-1',
  '',
  '## T-3: Third',
  '',
  '- status: todo',
  '- depends: T-2',
  '',
  '## T-4: Fourth',
  '- depends: T-1',
  '',
].join('\n');

describe('parseTasks', () => {
  it('reads the canonical form and lenient variants', () => {
    const t = parseTasks(TASKS);
    expect(t.map((x) => [x.id, x.title, x.status])).toEqual([
      ['T-1', 'First', 'done'],
      ['T-2', 'Second, lenient', 'in progress'],
      ['T-3', 'Third', 'todo'],
      ['T-4', 'Fourth', 'todo'],
    ]);
    expect(t[0]).toMatchObject({ description: 'Does the first thing.', serves: ['SEC-1', 'AC-2'], scope: ['src/a.ts', 'src/b/'], checks: ['npm test', 'node --test x'] });
    expect(t[1]).toMatchObject({ depends: ['T-1'], serves: ['FM-1'] });
  });

  it('next task is the first todo whose dependencies are done', () => {
    expect(nextTask(parseTasks(TASKS))).toBe('T-4');
    expect(nextTask([])).toBeNull();
  });
});

describe('task edits', () => {
  it('changes the status line only', () => {
    expect(patchTask(TASKS, 'T-1', { status: 'verified' })).toBe(TASKS.replace('- status: done', '- status: verified'));
    expect(patchTask(TASKS, 'T-2', { status: 'in review' })).toBe(TASKS.replace('* **Status**: In-Progress', '* status: in review'));
  });

  it('adds a missing field in canonical order with the list bullet, removes an emptied one', () => {
    const out = patchTask(TASKS, 'T-3', { serves: ['AC-1'] });
    expect(out).toContain('## T-3: Third\n\n- serves: AC-1\n- status: todo\n- depends: T-2\n');
    const t2 = patchTask(TASKS, 'T-2', { scope: ['src/c.ts'] });
    expect(t2).toContain('* **Status**: In-Progress\n* Depends on: T-1\n* Requirements: FM-1\n* scope: src/c.ts\n');
    expect(patchTask(TASKS, 'T-1', { checks: [] })).toBe(TASKS.replace('- checks: `npm test`, `node --test x`\n', ''));
  });

  it('edits title and description in place, keeping CRLF', () => {
    const crlf = TASKS.replace(/\n/g, '\r\n');
    const out = patchTask(crlf, 'T-1', { title: 'Renamed', description: 'New text.\nTwo lines.' });
    expect(out).toBe(crlf.replace('## T-1: First', '## T-1: Renamed').replace('Does the first thing.', 'New text.\r\nTwo lines.'));
    const added = patchTask(TASKS, 'T-4', { description: 'Now described.' });
    expect(added).toContain('## T-4: Fourth\n\nNow described.\n- depends: T-1');
    expect(parseTasks(added)[3]!.description).toBe('Now described.');
  });

  it('appends and deletes whole tasks', () => {
    const out = appendTask(TASKS, 'T-5', { title: 'Fifth', description: 'd', serves: ['AC-1'], checks: ['npm test'], status: 'todo' });
    expect(out).toBe(`${TASKS}\n## T-5: Fifth\n\nd\n\n- serves: AC-1\n- checks: \`npm test\`\n- status: todo\n`);
    expect(parseTasks(out).at(-1)).toMatchObject({ id: 'T-5', serves: ['AC-1'], checks: ['npm test'] });
    expect(deleteTask(TASKS, 'T-3')).toBe(TASKS.replace('## T-3: Third\n\n- status: todo\n- depends: T-2\n\n', ''));
    expect(appendTask('', 'T-1', { title: 'x' })).toBe('# Tasks\n\n## T-1: x\n\n- status: todo\n');
  });
});
