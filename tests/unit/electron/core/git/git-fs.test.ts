/**
 * The built-in engine's writes through isomorphic-git (git-fs.ts): loose objects are written to a temp
 * file and renamed, never half-written, never rewritten; the index goes through index.lock, with stat data
 * filled in and racily clean entries smudged.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { objectWrites, type ObjectWriteIo, writeLooseObject } from '../../../../../electron/core/git/git-fs';
import { readIndex } from '../../../../../electron/core/git/index-reader';
import { stagePaths } from '../../../../../electron/core/git/operations';
import { cleanupTemp, git, initRepo, nativeStatus, write } from './git-oracle';

afterAll(cleanupTemp);

const real = objectWrites.io;
afterEach(() => {
  objectWrites.io = real;
});

/** The io of object writes, recording each call (and failing the rename when asked). */
function recordingIo(failRename = false): { io: ObjectWriteIo; calls: string[] } {
  const calls: string[] = [];
  const io: ObjectWriteIo = {
    exists: (p) => real.exists(p),
    mkdir: (p) => real.mkdir(p),
    writeFile: async (p, d) => (calls.push(`write ${p}`), real.writeFile(p, d)),
    rename: async (a, b) => {
      calls.push(`rename ${a} -> ${b}`);
      if (failRename) throw Object.assign(new Error('disk full'), { code: 'ENOSPC' });
      return real.rename(a, b);
    },
    rm: async (p) => (calls.push(`rm ${p}`), real.rm(p)),
  };
  return { io, calls };
}

function objectFiles(dir: string): string[] {
  const root = join(dir, '.git/objects');
  return readdirSync(root)
    .filter((d) => /^[0-9a-f]{2}$/.test(d))
    .flatMap((d) => readdirSync(join(root, d)).map((f) => `${d}/${f}`))
    .sort();
}

const BLOB_X = '587be6b4c3f93f93c489c0111bba5596147a26cb'; // `x\n`

describe('embedded engine writes', () => {
  it('writes a loose object to a temp file in its folder, then renames it into place', async () => {
    const dir = initRepo();
    write(dir, { 'x.txt': 'x\n' });
    const { io, calls } = recordingIo();
    objectWrites.io = io;
    await stagePaths(dir, ['x.txt']);
    const target = join(dir, '.git/objects', BLOB_X.slice(0, 2), BLOB_X.slice(2));
    expect(calls).toHaveLength(2);
    expect(calls[0]).toMatch(new RegExp(`^write ${join(dir, '.git/objects/58')}/tmp_obj_[0-9a-f]+$`));
    expect(calls[1]).toBe(`rename ${calls[0].slice('write '.length)} -> ${target}`);
    expect(objectFiles(dir)).toEqual([`58/${BLOB_X.slice(2)}`]);
    execFileSync('git', ['fsck', '--strict', '--no-progress'], { cwd: dir });
  });

  it('leaves neither the object nor its temp file when the write fails half-way', async () => {
    const dir = initRepo();
    const { io, calls } = recordingIo(true);
    const target = join(dir, '.git/objects', BLOB_X.slice(0, 2), BLOB_X.slice(2));
    await expect(writeLooseObject(target, Buffer.from('not really deflated'), io)).rejects.toThrow('disk full');
    expect(calls.at(-1)).toMatch(/^rm .*tmp_obj_/);
    expect(objectFiles(dir)).toEqual([]);
  });

  it('never rewrites an object that is already there', async () => {
    const dir = initRepo();
    write(dir, { 'x.txt': 'x\n', 'y.txt': 'x\n' });
    git(dir, 'add', 'x.txt');
    const target = join(dir, '.git/objects', BLOB_X.slice(0, 2), BLOB_X.slice(2));
    const before = statSync(target);
    const { io, calls } = recordingIo();
    objectWrites.io = io;
    await stagePaths(dir, ['y.txt']);
    expect(calls).toEqual([]);
    const after = statSync(target);
    expect([after.ino, after.mtimeMs]).toEqual([before.ino, before.mtimeMs]);
  });

  it('writes the index through index.lock, with the file stat data of what it staged', async () => {
    const dir = initRepo();
    write(dir, { 'x.txt': 'x\n' });
    await stagePaths(dir, ['x.txt']);
    expect(existsSync(join(dir, '.git/index.lock'))).toBe(false);
    const entry = readIndex(join(dir, '.git'))!.entries[0];
    const st = statSync(join(dir, 'x.txt'));
    expect([entry.size, entry.mtimeS, entry.ino]).toEqual([st.size, Math.floor(st.mtimeMs / 1000), st.ino]);
  });

  it('stages a .gitattributes deletion before the files it converted, as git does, with their stat data', async () => {
    const dir = initRepo();
    write(dir, { '.gitattributes': '*.txt eol=crlf\n', 'f.txt': 'a\r\n' });
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'attrs');
    execFileSync('rm', [join(dir, '.gitattributes')]);
    write(dir, { 'f.txt': 'b\r\n' });
    await stagePaths(dir, ['.gitattributes', 'f.txt']);
    // Stored with its CRLF (no attributes once .gitattributes is out of the index), so the file holds what the entry records.
    const entry = readIndex(join(dir, '.git'))!.entries.find((e) => e.path === 'f.txt')!;
    expect([entry.oid, entry.size]).toEqual([execFileSync('git', ['hash-object', '--no-filters', 'f.txt'], { cwd: dir, encoding: 'utf8' }).trim(), 3]);
    expect(nativeStatus(dir)).toEqual(['D  .gitattributes', 'M  f.txt']);
  });

  it('refuses while another git process holds index.lock, changing nothing', async () => {
    const dir = initRepo();
    write(dir, { 'x.txt': 'x\n', '.git/index.lock': '' });
    await expect(stagePaths(dir, ['x.txt'])).rejects.toThrow(/Another git process is changing this repository/);
    expect(existsSync(join(dir, '.git/index'))).toBe(false);
  });

  it('smudges a racily clean entry when it rewrites the index, so git still sees the edit', async () => {
    const dir = initRepo();
    git(dir, 'config', 'core.trustctime', 'false');
    const t = Math.floor(Date.now() / 1000) - 100;
    write(dir, { 'a.txt': 'x\n' });
    utimesSync(join(dir, 'a.txt'), t, t);
    git(dir, 'add', 'a.txt');
    utimesSync(join(dir, '.git/index'), t, t);
    write(dir, { 'a.txt': 'y\n', 'b.txt': 'b\n' });
    // Half a second later: git compares whole seconds, so the stat data still looks unchanged to it.
    utimesSync(join(dir, 'a.txt'), t + 0.5, t + 0.5);
    await stagePaths(dir, ['b.txt']);
    expect(readIndex(join(dir, '.git'))!.entries.find((e) => e.path === 'a.txt')!.size).toBe(0);
    expect(nativeStatus(dir)).toEqual(['A  b.txt', 'AM a.txt']);
  });

  it('decides racily clean entries with the attributes of the index it writes, as git does', async () => {
    /** f.txt staged under an eol=crlf the work tree no longer has, its mtime after the index's: racy at the next write. */
    const setup = (): string => {
      const dir = initRepo();
      git(dir, 'config', 'core.trustctime', 'false');
      write(dir, { '.gitattributes': '*.txt eol=crlf\n', 'f.txt': 'a\r\n' });
      const t = Math.floor(Date.now() / 1000) + 100;
      utimesSync(join(dir, 'f.txt'), t, t);
      git(dir, 'add', '-A');
      execFileSync('rm', [join(dir, '.gitattributes')]);
      return dir;
    };
    const theirs = setup();
    git(theirs, 'rm', '-q', '--cached', '.gitattributes');
    const ours = setup();
    await stagePaths(ours, ['.gitattributes']);
    // Without the index's .gitattributes the file's CRLF is content: its entry is smudged, so git hashes it again.
    const sizeOf = (dir: string) => readIndex(join(dir, '.git'))!.entries.find((e) => e.path === 'f.txt')!.size;
    expect(sizeOf(ours)).toBe(sizeOf(theirs));
    expect(sizeOf(theirs)).toBe(0);
    expect(nativeStatus(ours)).toEqual(nativeStatus(theirs));
  });
});
