import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { TranscriptEvent } from '../../../../../shared/contract';
import { TranscriptStore, transcriptDir } from '../../../../../electron/core/model/transcript-store';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

const start: TranscriptEvent = { type: 'start', at: '2026-11-30T00:00:00.000Z', runId: 'run-1', kind: 'task', taskId: 'T-1', title: 'T-1 One', role: 'builder', model: 'm', checkpoint: 'a'.repeat(40), resumedFrom: null };

describe('transcript store', () => {
  it('reads a run\'s start record alone, whatever follows it; null when the file is missing or starts otherwise', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'plumbline-transcripts-'));
    dirs.push(dataDir);
    const store = new TranscriptStore(dataDir);
    expect(await store.start('/p', 'run-1')).toBeNull();
    await store.append('/p', 'run-1', start);
    await store.append('/p', 'run-1', { type: 'user', at: start.at, text: 'x'.repeat(100_000), steer: false } as TranscriptEvent);
    expect(await store.start('/p', 'run-1')).toEqual(start);
    // A torn line after it (a crash mid-append) does not matter to the start.
    writeFileSync(join(transcriptDir(dataDir, '/p'), 'run-1.jsonl'), `${JSON.stringify(start)}\n{"type":"assist`);
    expect(await store.start('/p', 'run-1')).toEqual(start);
    writeFileSync(join(transcriptDir(dataDir, '/p'), 'run-2.jsonl'), `${JSON.stringify({ type: 'user', at: start.at, text: 'hi', steer: false })}\n${JSON.stringify(start)}\n`);
    expect(await store.start('/p', 'run-2')).toBeNull();
    writeFileSync(join(transcriptDir(dataDir, '/p'), 'run-3.jsonl'), '{"type":"sta');
    expect(await store.start('/p', 'run-3')).toBeNull();
  });
});
