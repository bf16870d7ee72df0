import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectEol, readFileForDisplay } from '../../../../../electron/core/files/file-reader';
import { makeTempDir } from '../../../../helpers/temp-repo';

describe('readFileForDisplay', () => {
  const dir = makeTempDir();
  it('reads text with its line endings and BOM', async () => {
    writeFileSync(join(dir, 'a.txt'), Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('one\r\ntwo\r\n')]));
    const r = await readFileForDisplay(join(dir, 'a.txt'), 'a.txt');
    expect(r).toMatchObject({ kind: 'text', content: 'one\r\ntwo\r\n', eol: 'crlf', bom: true, invalidUtf8: false });
  });
  it('names binary files without loading them', async () => {
    writeFileSync(join(dir, 'b.bin'), Buffer.from([1, 2, 0, 3]));
    expect(await readFileForDisplay(join(dir, 'b.bin'), 'b.bin')).toEqual({ kind: 'binary', path: 'b.bin', size: 4 });
  });
  it('refuses files over the limit', async () => {
    writeFileSync(join(dir, 'big.txt'), 'x'.repeat(2048));
    expect(await readFileForDisplay(join(dir, 'big.txt'), 'big.txt', 1024)).toEqual({ kind: 'tooLarge', path: 'big.txt', size: 2048, limit: 1024 });
  });
  it('flags invalid UTF-8 and shows it with replacement characters', async () => {
    writeFileSync(join(dir, 'bad.txt'), Buffer.from([0x61, 0xff, 0x62, 0x0a]));
    const r = await readFileForDisplay(join(dir, 'bad.txt'), 'bad.txt');
    expect(r).toMatchObject({ kind: 'text', invalidUtf8: true, content: 'a\uFFFDb\n' });
  });
  it('detects line-ending styles', () => {
    expect(detectEol('a\nb\n')).toBe('lf');
    expect(detectEol('a\r\nb\n')).toBe('mixed');
    expect(detectEol('a')).toBe('none');
  });
});
