import { describe, expect, it } from 'vitest';
import type { TranscriptEvent } from '../../../../../../shared/contract';
import { buildRows, paragraphs } from '../../../../../../renderer/src/features/agent/transcript-rows';

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

describe('buildRows', () => {
  it('keeps a streamed text row\'s key when its turn is recorded, so its element is kept', () => {
    const start = { type: 'start', at: 't', runId: 'r', kind: 'task', title: 'T' } as unknown as TranscriptEvent;
    const first = { type: 'assistant', at: 't', turn: 1, content: [{ type: 'text', text: 'earlier' }], stopReason: 'tool_use', usage: {}, costUsd: 0 } as unknown as TranscriptEvent;
    const second = { ...first, turn: 2, content: [{ type: 'text', text: 'long answer' }] } as unknown as TranscriptEvent;
    const streaming = buildRows([start, first], [{ block: 0, kind: 'text', text: 'long ans' }]);
    const recorded = buildRows([start, first, second], []);
    const liveRow = streaming.find((r) => r.kind === 'text' && r.live);
    const doneRow = recorded.find((r) => r.kind === 'text' && r.text === 'long answer');
    expect(liveRow?.key).toBeDefined();
    expect(doneRow?.key).toBe(liveRow?.key);
    // Rows of different turns never share a key.
    expect(new Set(recorded.map((r) => r.key)).size).toBe(recorded.length);
  });
});
