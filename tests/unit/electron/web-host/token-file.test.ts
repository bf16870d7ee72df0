import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readOrCreateTokenFile } from '../../../../electron/web-host/token-file';
import { makeTempDir } from '../../../helpers/temp-repo';

describe('readOrCreateTokenFile', () => {
  it('creates a missing file with a random token, readable only by the user, and reads the same token again', async () => {
    const file = join(makeTempDir(), 'sub', 'token');
    const first = await readOrCreateTokenFile(file);
    expect(first).toMatch(/^[\w-]{32}$/);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8')).toBe(`${first}\n`);
    expect(await readOrCreateTokenFile(file)).toBe(first);
  });
  it('reads a token the user wrote, without its line ending', async () => {
    const file = join(makeTempDir(), 'token');
    writeFileSync(file, 'my-token\r\n');
    expect(await readOrCreateTokenFile(file)).toBe('my-token');
  });
  it('refuses an empty file, a folder and a file with more than one token, saying what to do', async () => {
    const dir = makeTempDir();
    writeFileSync(join(dir, 'empty'), '\n');
    await expect(readOrCreateTokenFile(join(dir, 'empty'))).rejects.toThrow(/is empty\. Delete it/);
    mkdirSync(join(dir, 'folder'));
    await expect(readOrCreateTokenFile(join(dir, 'folder'))).rejects.toThrow(/is a folder\. Name a file/);
    writeFileSync(join(dir, 'two'), 'a b\n');
    await expect(readOrCreateTokenFile(join(dir, 'two'))).rejects.toThrow(/one token on one line/);
  });
});
