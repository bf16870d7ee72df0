import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { LineDiff, MAX_SHOWN_LINES } from '../../../../../renderer/src/components/LineDiff';
import { lineDiff, MAX_DIFF_CHARS, MAX_EDIT_LENGTH } from '../../../../../renderer/src/components/line-diff';

const numbered = (n: number, tag = ''): string => Array.from({ length: n }, (_, i) => `line ${i + 1}${tag}`).join('\n') + '\n';

describe('lineDiff', () => {
  it('gives the changed lines with three unchanged ones around them, numbered on each side', () => {
    const before = numbered(20);
    const after = before.replace('line 10\n', 'line ten\nline ten and a half\n');
    const r = lineDiff(before, after);
    expect(r.kind).toBe('hunks');
    if (r.kind !== 'hunks') return;
    expect(r.hunks).toHaveLength(1);
    const [h] = r.hunks;
    expect([h.oldStart, h.oldLines, h.newStart, h.newLines]).toEqual([7, 7, 7, 8]);
    expect(h.lines.map((l) => `${l.kind} ${l.old ?? '-'} ${l.new ?? '-'} ${l.text}`)).toEqual([
      'same 7 7 line 7',
      'same 8 8 line 8',
      'same 9 9 line 9',
      'del 10 - line 10',
      'add - 10 line ten',
      'add - 11 line ten and a half',
      'same 11 12 line 11',
      'same 12 13 line 12',
      'same 13 14 line 13',
    ]);
  });

  it('shows a new file as added lines and leaves out the "no newline at end of file" marker', () => {
    const r = lineDiff('', 'a\nb');
    expect(r.kind === 'hunks' && r.hunks.flatMap((h) => h.lines.map((l) => `${l.kind}:${l.text}`))).toEqual(['add:a', 'add:b']);
  });

  it('does not diff texts too large or too different for the UI thread', () => {
    expect(lineDiff('x'.repeat(MAX_DIFF_CHARS), 'y')).toMatchObject({ kind: 'too-large', reason: expect.stringContaining('too large to compare here') });
    const before = numbered(MAX_EDIT_LENGTH, ' before');
    const after = numbered(MAX_EDIT_LENGTH, ' after');
    expect(lineDiff(before, after)).toMatchObject({ kind: 'too-large', reason: expect.stringContaining('lines changed') });
    // Just under the bound it is diffed.
    expect(lineDiff(numbered(MAX_EDIT_LENGTH / 2 - 1, ' before'), numbered(MAX_EDIT_LENGTH / 2 - 1, ' after')).kind).toBe('hunks');
  });
});

describe('LineDiff', () => {
  it('draws the lines as text with +/− marks, the numbers in a gutter screen readers skip', () => {
    const html = renderToStaticMarkup(<LineDiff before={'a\nb\n'} after={'a\nc\n'} ariaLabel="Diff of x.txt" />);
    expect(html).toContain('aria-label="Diff of x.txt"');
    expect(html).toContain('<span class="diff-line-del"><span class="diff-ln" aria-hidden="true">    2       </span>- b\n</span>');
    expect(html).toContain('<span class="diff-line-add"><span class="diff-ln" aria-hidden="true">          2 </span>+ c\n</span>');
  });

  it('cuts a long diff short and offers the diff editor for the rest', () => {
    const html = renderToStaticMarkup(<LineDiff before="" after={numbered(MAX_SHOWN_LINES + 25)} ariaLabel="Diff of big.txt" onOpenEditor={() => undefined} />);
    expect(html).toContain('25 more line(s) not shown here.');
    expect(html).toContain('Open in the diff editor');
    expect(html.match(/class="diff-line-add"/g)).toHaveLength(MAX_SHOWN_LINES);
  });

  it('says why a change is not shown here and offers the editor', () => {
    const html = renderToStaticMarkup(<LineDiff before={'x'.repeat(MAX_DIFF_CHARS + 1)} after="" ariaLabel="Diff of huge.txt" onOpenEditor={() => undefined} />);
    expect(html).toContain('too large to compare here');
    expect(html).toContain('Open in the diff editor');
  });
});
