import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hashBytes, mergeEditorText, saveEditorText } from '../../../../../electron/core/files/file-save';
import { RpcError } from '../../../../../shared/rpc';

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(join(tmpdir(), 'plumbline-save-'));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

/** Writes bytes and returns the path and the hash an editor would have loaded. */
async function seed(name: string, bytes: Buffer, mode = 0o644): Promise<{ path: string; hash: string }> {
  const path = join(dir, name);
  await fs.writeFile(path, bytes);
  await fs.chmod(path, mode);
  return { path, hash: hashBytes(bytes) };
}

describe('mergeEditorText', () => {
  it('keeps CRLF on unedited lines and uses CRLF for new lines of a CRLF file', () => {
    const out = mergeEditorText(Buffer.from('a\r\nb\r\nc\r\n'), 'a\nB\nc\nd\n');
    expect(out.toString('latin1')).toBe('a\r\nB\r\nc\r\nd\r\n');
  });

  it('keeps mixed line endings the user did not touch', () => {
    const out = mergeEditorText(Buffer.from('one\r\ntwo\nthree\r\nfour\n'), 'one\ntwo\nTHREE\nfour\n');
    expect(out.toString('latin1')).toBe('one\r\ntwo\nTHREE\r\nfour\n');
  });

  it('keeps a BOM and a missing final newline', () => {
    const bom = Buffer.from([0xef, 0xbb, 0xbf]);
    const out = mergeEditorText(Buffer.concat([bom, Buffer.from('x\ny')]), 'x\nyz');
    expect(out).toEqual(Buffer.concat([bom, Buffer.from('x\nyz')]));
  });

  it('keeps invalid UTF-8 bytes on lines that were not edited', () => {
    const original = Buffer.concat([Buffer.from('ok\n'), Buffer.from([0x66, 0xff, 0xfe, 0x0a]), Buffer.from('end\n')]);
    const shown = new TextDecoder().decode(original);
    const out = mergeEditorText(original, shown.replace('end', 'END'));
    expect(out).toEqual(Buffer.concat([Buffer.from('ok\n'), Buffer.from([0x66, 0xff, 0xfe, 0x0a]), Buffer.from('END\n')]));
  });

  it('writes a new file as given', () => {
    expect(mergeEditorText(null, 'hello\nworld\n').toString()).toBe('hello\nworld\n');
  });

  it('adds a line break to a former last line when lines are appended after it', () => {
    expect(mergeEditorText(Buffer.from('a\r\nb'), 'a\nb\nc').toString('latin1')).toBe('a\r\nb\r\nc');
  });
});

describe('mergeEditorText on large edits (linear diff)', () => {
  it('a 6,000-line file with every line changed keeps each line ending by position', () => {
    const n = 6000;
    const original = Buffer.from(Array.from({ length: n }, (_, i) => `line ${i}${i % 3 === 0 ? '\r\n' : '\n'}`).join(''));
    const edited = Array.from({ length: n }, (_, i) => `LINE ${i} changed`).join('\n') + '\n';
    const out = mergeEditorText(original, edited).toString('utf8');
    expect(out).toBe(Array.from({ length: n }, (_, i) => `LINE ${i} changed${i % 3 === 0 ? '\r\n' : '\n'}`).join(''));
  });

  it('keeps unchanged lines byte for byte when every other line of a large file changed', () => {
    const n = 6000;
    const original = Buffer.concat(Array.from({ length: n }, (_, i) => Buffer.from(`l${i}${i % 2 ? '\r\n' : '\n'}`)));
    const lines = Array.from({ length: n }, (_, i) => (i % 2 ? `l${i}` : `edited ${i}`));
    const out = mergeEditorText(original, `${lines.join('\n')}\n`).toString('utf8');
    expect(out).toBe(Array.from({ length: n }, (_, i) => `${i % 2 ? `l${i}` : `edited ${i}`}${i % 2 ? '\r\n' : '\n'}`).join(''));
  });

  it('an insertion in the middle of a large file keeps the lines around it', () => {
    const old = Array.from({ length: 5000 }, (_, i) => `x${i}`);
    const original = Buffer.from(old.join('\r\n') + '\r\n');
    const edited = [...old.slice(0, 2500), 'new', ...old.slice(2500)].join('\n') + '\n';
    expect(mergeEditorText(original, edited).toString('utf8')).toBe([...old.slice(0, 2500), 'new', ...old.slice(2500)].join('\r\n') + '\r\n');
  });
});

describe('saveEditorText', () => {
  it('saves atomically keeping CRLF, BOM and the executable bit', async () => {
    const bom = Buffer.from([0xef, 0xbb, 0xbf]);
    const { path, hash } = await seed('run.sh', Buffer.concat([bom, Buffer.from('#!/bin/sh\r\necho hi\r\n')]), 0o755);
    const result = await saveEditorText(path, '#!/bin/sh\necho bye\n', { expectedHash: hash });
    const bytes = await fs.readFile(path);
    expect(bytes).toEqual(Buffer.concat([bom, Buffer.from('#!/bin/sh\r\necho bye\r\n')]));
    expect((await fs.stat(path)).mode & 0o777).toBe(0o755);
    expect(result.hash).toBe(hashBytes(bytes));
    expect((await fs.readdir(dir)).sort()).toEqual(['run.sh']);
  });

  it('refuses with CONFLICT when the file changed on disk since it was loaded', async () => {
    const { path, hash } = await seed('a.txt', Buffer.from('v1\n'));
    await fs.writeFile(path, 'changed elsewhere\n');
    const err = await saveEditorText(path, 'mine\n', { expectedHash: hash }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RpcError);
    expect((err as RpcError).code).toBe('CONFLICT');
    expect(await fs.readFile(path, 'utf8')).toBe('changed elsewhere\n');
    await saveEditorText(path, 'mine\n', { expectedHash: hash, overwrite: true });
    expect(await fs.readFile(path, 'utf8')).toBe('mine\n');
  });

  it('refuses to create over a file that appeared meanwhile', async () => {
    const { path } = await seed('new.txt', Buffer.from('someone else\n'));
    await expect(saveEditorText(path, 'x', { expectedHash: null })).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('refuses a file with invalid UTF-8 unless allowed, then changes only the edited line', async () => {
    const original = Buffer.concat([Buffer.from([0xc3, 0x28, 0x0a]), Buffer.from('tail\n')]);
    const { path, hash } = await seed('latin.txt', original);
    const shown = new TextDecoder().decode(original);
    await expect(saveEditorText(path, shown.replace('tail', 'TAIL'), { expectedHash: hash })).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(await fs.readFile(path)).toEqual(original);
    await saveEditorText(path, shown.replace('tail', 'TAIL'), { expectedHash: hash, allowInvalidUtf8: true });
    expect(await fs.readFile(path)).toEqual(Buffer.concat([Buffer.from([0xc3, 0x28, 0x0a]), Buffer.from('TAIL\n')]));
  });

  it('writes through a symbolic link, leaving the link a link', async () => {
    const { path: target, hash } = await seed('real.txt', Buffer.from('a\n'));
    const link = join(dir, 'link.txt');
    await fs.symlink('real.txt', link);
    await saveEditorText(link, 'b\n', { expectedHash: hash });
    expect((await fs.lstat(link)).isSymbolicLink()).toBe(true);
    expect(await fs.readFile(target, 'utf8')).toBe('b\n');
  });
});
