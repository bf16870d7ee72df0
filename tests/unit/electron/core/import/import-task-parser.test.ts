import { describe, expect, it, vi } from 'vitest';

// Counts the Markdown parser's calls and the length of what it is given.
const calls: number[] = [];
vi.mock('../../../../../electron/core/spec/markdown-source', async (original) => {
  const mod = await original<typeof import('../../../../../electron/core/spec/markdown-source')>();
  return {
    ...mod,
    parseMarkdown: (text: string) => {
      calls.push(text.length);
      return mod.parseMarkdown(text);
    },
  };
});

const { parsePiece, parseTasks, taskCuts } = await import('../../../../../electron/core/spec/tasks-doc');

/** Tasks as Plumbline writes them (an import of many tasks). */
function written(n: number, eol = '\n'): string {
  const blocks = Array.from({ length: n }, (_, i) =>
    [`## T-${i + 1}: Implement step ${i + 1} in src/f/step${i + 1}.ts`, '', `Imported from spec-kit T${i + 1} (Phase 1: Setup).`, '', 'Marked [P]: can run in parallel.', '', `- serves: AC-${i + 1}`, `- scope: src/f/step${i + 1}.ts`, ...(i ? [`- depends: T-${i}`] : []), `- status: ${i % 3 ? 'todo' : 'done'}`, `- from: specs/001-f/tasks.md#T${i + 1}`, ''].join(eol),
  );
  return `# Tasks${eol}${eol}${blocks.join(eol)}`;
}

/** Files whose tasks are read with every kind of Markdown around them: each must read as in one piece. */
const TRICKY: Record<string, string> = {
  'as written': written(6),
  'CRLF line endings': written(4, '\r\n'),
  'fenced code holding a task heading': '# Tasks\n\n## T-1: One\n\n```md\n## T-9: not a task\n- status: done\n```\n\n- status: todo\n\n## T-2: Two\n\n- status: done\n',
  'tilde fence with a longer closing fence': '## T-1: One\n\n~~~\n## T-8: in code\n~~~~\n\n- status: done\n\n## T-2: Two\n',
  'HTML comment holding a task heading': '## T-1: One\n\n<!--\n## T-7: commented out\n-->\n\n- status: done\n\n## T-2: Two\n\n- status: in progress\n',
  'description ending in a list (one loose list with the fields)': '## T-1: One\n\nNotes:\n- a note\n- another\n\n- serves: FR-1\n- status: done\n',
  'bold field names and a non-field item': '## T-1: One\n\n- **Serves**: FR-1, FR-2\n- a remark\n- Files: src/a.ts and src/b.ts\n- status: wip\n',
  'duplicate fields, first wins': '## T-1: One\n\n- status: done\n- status: todo\n- checks: `npm test`, `npm run lint`\n- network: allowed\n',
  'a non-task heading ends the task': '## T-1: One\n\nText.\n\n## Notes\n\n- status: done\n\n## T-2: Two\n',
  'deeper task headings and a setext one': '### T-1: Deep\n\n- status: done\n\nT-2: Setext\n---\n\n- status: done\n\n#### T-3 Deeper still\n',
  'markup in titles and trailing spaces': '## T-1: *Bold* `code` title  \n\nLine with trailing spaces   \n\n- status: done  \n\n## T-2. Dotted\n\n## T-3 — Dashed\n\n## T-4\n',
  'text before the first task and a task without fields': 'Intro paragraph.\n\n- a list\n\n## T-1: One\n\nJust a description,\nover two lines.\n\nAnd a second paragraph.\n\n## T-2: Two\n- status: done\n',
  'indented and quoted content': '## T-1: One\n\n    indented code\n\n> quoted\n\n1. numbered\n\n- status: done\n\n## T-2: Two\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n- depends: T-1\n',
  'fields without a blank line and lazy lines': '## T-1: One\nDescription right under the heading.\n- status: done\n\n## T-2: Two\n\n- status: done\nlazy continuation\n',
};

describe('parseTasks', () => {
  it.each(Object.entries(TRICKY))('reads %s exactly as the whole file in one piece', (_, text) => {
    expect(parseTasks(text)).toEqual(parsePiece(text));
  });

  it('cuts only at task headings outside code and HTML blocks', () => {
    const text = TRICKY['fenced code holding a task heading']!;
    expect(taskCuts(text)).toEqual([text.indexOf('## T-1'), text.indexOf('## T-2')]);
    const html = TRICKY['HTML comment holding a task heading']!;
    expect(taskCuts(html)).toEqual([html.indexOf('## T-2')]);
    const tilde = TRICKY['tilde fence with a longer closing fence']!;
    expect(taskCuts(tilde)).toEqual([tilde.indexOf('## T-2')]);
  });

  it('reads tasks as Plumbline writes them without the Markdown parser, and anything else in pieces of one task each', () => {
    calls.length = 0;
    const many = written(500);
    const tasks = parseTasks(many);
    expect(tasks).toHaveLength(500);
    expect(tasks[499]).toMatchObject({ id: 'T-500', depends: ['T-499'], scope: ['src/f/step500.ts'], status: 'todo' });
    // Nothing went through the parser (the text before the first task holds no task).
    expect(calls).toEqual([]);
    calls.length = 0;
    const edited = written(40).replace(/^- status: done$/gm, '- status: done\n\n```\ncode\n```');
    expect(parseTasks(edited)).toEqual(parsePiece(edited));
    // Each piece the parser reads holds one task: the parse stays linear in the file's length.
    const pieces = calls.slice(0, -1);
    expect(pieces.length).toBeGreaterThan(1);
    expect(Math.max(...pieces)).toBeLessThan(400);
  });
});
