import { describe, expect, it } from 'vitest';
import { paragraphs } from '../../../../../../renderer/src/features/agent/transcript-rows';

describe('paragraphs of a streamed text', () => {
  it('cuts after each blank line and keeps every character, so the pieces join to the text', () => {
    const text = 'one\ntwo\n\nthree\n\n\nfour ▍';
    expect(paragraphs(text)).toEqual(['one\ntwo\n\n', 'three\n\n', '\n', 'four ▍']);
    expect(paragraphs(text).join('')).toBe(text);
  });

  it('changes only the last paragraph while text is appended', () => {
    const before = paragraphs('a\n\nb\n\nc');
    const after = paragraphs('a\n\nb\n\nc and more');
    expect(after.slice(0, -1)).toEqual(before.slice(0, -1));
    expect(paragraphs('')).toEqual(['']);
    expect(paragraphs('no break')).toEqual(['no break']);
  });
});
