import { describe, expect, it } from 'vitest';
import { parseSpec } from '../../../../../electron/core/spec/spec-doc';
import { deleteItem, insertItem, moveItem, resolveClarification, updateItemText } from '../../../../../electron/core/spec/spec-edit';
import { specSkeleton } from '../../../../../electron/core/spec/spec-sections';

const ODD = [
  '# Spec:   odd  ',
  '',
  '<!-- a comment the app does not understand -->',
  '',
  '## 1. Purpose',
  'Text right under the heading,   with  odd spacing.   ',
  '',
  '## Security requirements (SEC-n)',
  '',
  '*   SEC-1: keep *secrets* secret <!-- from: docs/old.md -->',
  '*   SEC-2 — second, lazily',
  'continued line',
  '',
  '| a | b |',
  '|---|:-:|',
  '| 1 | 2 |',
  '',
  '## Team notes',
  '',
  'Foreign section, kept as is.',
  '',
  '## Acceptance checks',
  '- AC-1: it works — `npm test`',
  '- AC-2: a person looks',
  '',
  '## Open questions',
  '',
  '- `[NEEDS CLARIFICATION: not a marker, it is code]`',
  '- [NEEDS CLARIFICATION: real question?]',
  '',
].join('\n');

describe('parseSpec', () => {
  it('finds sections leniently, items with IDs, commands, provenance and clarifications', () => {
    const s = parseSpec(ODD);
    expect(s.title).toBe('Spec:   odd');
    expect(s.sections.map((x) => x.kind)).toEqual(['purpose', 'security', null, 'acceptance', 'questions']);
    expect(s.items.map((i) => i.id)).toEqual(['SEC-1', 'SEC-2', 'AC-1', 'AC-2']);
    expect(s.items[0]!.source).toBe('docs/old.md');
    expect(s.items[0]!.text).toBe('keep *secrets* secret');
    expect(s.items[1]!.text).toBe('second, lazily continued line');
    expect(s.items[2]!.command).toBe('npm test');
    expect(s.items[3]!.command).toBeNull();
    expect(s.clarifications.map((c) => c.question)).toEqual(['real question?']);
  });

  it('does not count hint comments of the skeleton as items or questions', () => {
    const s = parseSpec(specSkeleton('demo'));
    expect(s.items).toEqual([]);
    expect(s.clarifications).toEqual([]);
    expect(s.sections.filter((x) => x.hint !== null)).toHaveLength(8);
  });
});

describe('spec edits are splices', () => {
  it('adds an item after the last one with the same bullet, touching nothing else', () => {
    const out = insertItem(ODD, 'security', 'SEC-3: third');
    expect(out).toBe(ODD.replace('continued line\n', 'continued line\n*   SEC-3: third\n'));
  });

  it('adds an item to an empty section and creates a missing one at its canonical place', () => {
    const sk = specSkeleton('demo');
    const out = insertItem(sk, 'failure', 'FM-1: store down → 503');
    expect(out).toContain('## Failure modes\n\n<!-- hint:');
    expect(out).toMatch(/-->\n\n- FM-1: store down → 503\n\n## Non-requirements/);
    const added = insertItem('# X\n\n## Purpose\n\nWhy.\n\n## Acceptance checks\n\n- AC-1: a\n', 'security', 'SEC-1: s');
    expect(added).toBe('# X\n\n## Purpose\n\nWhy.\n\n## Security requirements\n\n- SEC-1: s\n\n## Acceptance checks\n\n- AC-1: a\n');
  });

  it('keeps CRLF line endings and the provenance comment on update', () => {
    const crlf = ODD.replace(/\n/g, '\r\n');
    const out = updateItemText(crlf, 'SEC-1', 'new text\nover two lines');
    expect(out).toBe(crlf.replace('SEC-1: keep *secrets* secret <!-- from: docs/old.md -->', 'SEC-1: new text over two lines <!-- from: docs/old.md -->'));
    const added = insertItem(crlf, 'acceptance', 'AC-3: more');
    expect(added).toBe(crlf.replace('- AC-2: a person looks\r\n', '- AC-2: a person looks\r\n- AC-3: more\r\n'));
    expect(added.replace(/\r\n/g, '')).not.toContain('\n');
  });

  it('deletes whole item lines and moves items within their list', () => {
    expect(deleteItem(ODD, 'AC-1')).toBe(ODD.replace('- AC-1: it works — `npm test`\n', ''));
    const moved = moveItem(ODD, 'AC-2', 'up');
    expect(moved).toBe(ODD.replace('- AC-1: it works — `npm test`\n- AC-2: a person looks', '- AC-2: a person looks\n- AC-1: it works — `npm test`'));
    expect(moveItem(moved, 'AC-2', 'down')).toBe(ODD);
    expect(moveItem(ODD, 'AC-2', 'down')).toBe(ODD);
    const multi = moveItem(ODD, 'SEC-1', 'down');
    expect(multi).toContain('*   SEC-2 — second, lazily\ncontinued line\n*   SEC-1: keep');
  });

  it('resolves a clarification in place and refuses a stale one', () => {
    const out = resolveClarification(ODD, 0, 'real question?', 'yes, really', 'decision 0002');
    expect(out).toBe(ODD.replace('[NEEDS CLARIFICATION: real question?]', '[RESOLVED: real question? → yes, really (decision 0002)]'));
    expect(parseSpec(out).clarifications[0]).toMatchObject({ resolved: true, answer: 'yes, really (decision 0002)' });
    expect(() => resolveClarification(ODD, 0, 'another question', 'x', null)).toThrow(/changed since/);
  });

  it('refuses to edit an ID that is not there', () => {
    expect(() => updateItemText(ODD, 'SEC-9', 'x')).toThrow(/No item SEC-9/);
  });
});
