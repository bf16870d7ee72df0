import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appendLine, atomicWrite, readJsonLines } from '../../../../../electron/core/util/atomic-write';
import { makeTempDir } from '../../../../helpers/temp-repo';

describe('atomicWrite', () => {
  it('replaces content, keeps the mode and leaves no temp file', async () => {
    const dir = makeTempDir();
    const file = join(dir, 'run.sh');
    writeFileSync(file, 'old', { mode: 0o755 });
    await atomicWrite(file, 'new');
    expect(readFileSync(file, 'utf8')).toBe('new');
    expect(statSync(file).mode & 0o777).toBe(0o755);
    expect(readdirSync(dir)).toEqual(['run.sh']);
  });
  it('creates new files with the requested mode', async () => {
    const dir = makeTempDir();
    await atomicWrite(join(dir, 's.json'), '{}', { mode: 0o600 });
    expect(statSync(join(dir, 's.json')).mode & 0o777).toBe(0o600);
  });
});

describe('JSON Lines', () => {
  it('skips a torn last line instead of failing', async () => {
    const file = join(makeTempDir(), 'log.jsonl');
    await appendLine(file, JSON.stringify({ a: 1 }));
    await appendLine(file, JSON.stringify({ a: 2 }));
    writeFileSync(file, readFileSync(file, 'utf8') + '{"a": 3, "b"');
    expect(await readJsonLines(file)).toEqual([{ a: 1 }, { a: 2 }]);
  });
  it('reads a missing file as empty', async () => {
    expect(await readJsonLines(join(makeTempDir(), 'none.jsonl'))).toEqual([]);
  });
});
