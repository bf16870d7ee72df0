/** Line-ending rules (eol.ts) against what `git check-attr` and `git add` do on the same repository. */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { scanIndex } from '../../../../../electron/core/checkpoints/index-scan';
import { EolRules, patternToRegex } from '../../../../../electron/core/git/eol';
import { parseIndex } from '../../../../../electron/core/git/index-reader';
import { cleanupTemp, git, initRepo, write } from './git-oracle';

afterAll(cleanupTemp);

// Counted: how often the index's bytes are walked or parsed.
vi.mock('../../../../../electron/core/checkpoints/index-scan', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../../../../electron/core/checkpoints/index-scan')>();
  return { ...real, scanIndex: vi.fn(real.scanIndex) };
});
vi.mock('../../../../../electron/core/git/index-reader', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../../../../electron/core/git/index-reader')>();
  return { ...real, parseIndex: vi.fn(real.parseIndex) };
});

const hashOf = (dir: string, path: string) => execFileSync('git', ['hash-object', '--', path], { cwd: dir, encoding: 'utf8' }).trim();
/** `git check-attr text eol` of a path, each as set / unset / unspecified / its value. */
const checkAttr = (dir: string, path: string) =>
  git(dir, 'check-attr', 'text', 'eol', '--', path)
    .split('\n')
    .filter(Boolean)
    .map((l) => l.split(': ').slice(2).join(': '));
const showValue = (v: unknown) => (v === undefined || v === null ? 'unspecified' : v === true ? 'set' : v === false ? 'unset' : String(v));
const show = (attrs: Map<string, unknown>) => [showValue(attrs.get('text')), showValue(attrs.get('eol'))];
const blobHash = (dir: string, bytes: Uint8Array) => execFileSync('git', ['hash-object', '--stdin', '--no-filters'], { cwd: dir, input: bytes, encoding: 'utf8' }).trim();

describe('line-ending rules', () => {
  it('matches attribute patterns as git does', () => {
    expect(patternToRegex('*.txt').test('a.txt')).toBe(true);
    expect(patternToRegex('*.txt').test('a.txt.bak')).toBe(false);
    expect(patternToRegex('docs/**').test('docs/a/b.md')).toBe(true);
    expect(patternToRegex('**/x.c').test('x.c')).toBe(true);
    expect(patternToRegex('**/x.c').test('a/b/x.c')).toBe(true);
    expect(patternToRegex('a/*.md').test('a/b/c.md')).toBe(false);
    expect(patternToRegex('[!a]b').test('cb')).toBe(true);
  });

  it('takes the attributes git takes: deeper files and later lines win, binary unsets text', () => {
    const dir = initRepo();
    write(dir, {
      '.gitattributes': '* text=auto\n*.bin binary\ndocs/*.md eol=crlf\n',
      'sub/.gitattributes': '*.txt -text\n',
      '.git/info/attributes': 'sub/keep.txt text\n',
    });
    const rules = EolRules.load(dir);
    for (const path of ['a.txt', 'x.bin', 'docs/r.md', 'sub/a.txt', 'sub/keep.txt', 'sub/deeper/b.txt']) {
      const theirs = git(dir, 'check-attr', 'text', 'eol', '--', path)
        .split('\n')
        .filter(Boolean)
        .map((l) => l.split(': ').slice(2).join(': '));
      const attrs = rules.attributes(path);
      const show = (v: unknown) => (v === undefined || v === null ? 'unspecified' : v === true ? 'set' : v === false ? 'unset' : String(v));
      expect([show(attrs.get('text')), show(attrs.get('eol'))], path).toEqual(theirs);
    }
  });

  it('converts as git add does at every level: deeper files win, info/attributes over all, binary, -text, text=auto, eol, autocrlf', () => {
    const dir = initRepo();
    git(dir, 'config', 'core.autocrlf', 'true');
    write(dir, {
      '.gitattributes': '*.txt text=auto\n*.bin binary\n*.md -text\n',
      'a/.gitattributes': '*.txt -text\n*.md eol=crlf\n',
      'a/b/.gitattributes': '*.txt text eol=crlf\n*.md binary\n',
      '.git/info/attributes': 'a/b/info.txt -text\na/keep.md text\n',
    });
    const paths = ['x.txt', 'x.bin', 'x.md', 'x.other', 'a/x.txt', 'a/x.md', 'a/keep.md', 'a/x.other', 'a/b/x.txt', 'a/b/x.md', 'a/b/info.txt', 'a/b/c/x.txt', 'a/b/c/x.bin'];
    const crlfText = Buffer.from('one\r\ntwo\r\n');
    write(dir, Object.fromEntries(paths.map((p) => [p, crlfText])));
    const rules = EolRules.load(dir);
    const converted = paths.filter((path) => hashOf(dir, path) !== blobHash(dir, crlfText));
    // The oracle itself: git converts exactly these (autocrlf where no attribute says otherwise).
    expect(converted).toEqual(['x.txt', 'x.other', 'a/keep.md', 'a/x.other', 'a/b/x.txt', 'a/b/c/x.txt']);
    for (const path of paths) expect(blobHash(dir, rules.clean(path, crlfText, () => null)), path).toBe(hashOf(dir, path));
  });

  it('reads only the .gitattributes files the caller does not rule out', () => {
    const dir = initRepo();
    write(dir, { '.gitattributes': '*.txt eol=crlf\n', 'a/.gitattributes': '*.txt -text\n' });
    const crlfText = Buffer.from('one\r\n');
    expect(Buffer.from(EolRules.load(dir).clean('a/x.txt', crlfText, () => null)).toString()).toBe('one\r\n');
    // The caller's listing says a/ holds none: the root's rule applies.
    const rules = EolRules.load(dir, undefined, (folder) => (folder === 'a' ? false : undefined));
    expect(Buffer.from(rules.clean('a/x.txt', crlfText, () => null)).toString()).toBe('one\n');
  });

  it('reads a .gitattributes missing from the work tree from the index, as git check-attr does', () => {
    const dir = initRepo();
    write(dir, {
      '.gitattributes': '*.txt eol=crlf\n',
      'sub/.gitattributes': '*.md text\n',
      'link/.gitattributes': '*.txt -text\n',
      'dir/.gitattributes': '*.txt -text\n',
      'merge/.gitattributes': '*.txt -text\n',
    });
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'attrs');
    // A conflict on merge/.gitattributes: the index holds stages 1–3, git reads stage 2 ("ours").
    git(dir, 'switch', '-q', '-c', 'side');
    write(dir, { 'merge/.gitattributes': '*.txt text eol=lf\n' });
    git(dir, 'commit', '-q', '-am', 'side');
    git(dir, 'switch', '-q', 'main');
    write(dir, { 'merge/.gitattributes': '*.txt binary\n' });
    git(dir, 'commit', '-q', '-am', 'main');
    expect(() => git(dir, 'merge', '-q', 'side')).toThrow();
    rmSync(join(dir, '.gitattributes'));
    rmSync(join(dir, 'sub/.gitattributes'));
    rmSync(join(dir, 'merge/.gitattributes'));
    // A symlink is not followed (git ≥ 2.32): the index's applies. A folder in its place reads as empty.
    write(dir, { 'elsewhere/attrs': '*.txt text eol=lf\n' });
    rmSync(join(dir, 'link/.gitattributes'));
    symlinkSync(join(dir, 'elsewhere/attrs'), join(dir, 'link/.gitattributes'));
    rmSync(join(dir, 'dir/.gitattributes'));
    mkdirSync(join(dir, 'dir/.gitattributes'));
    const rules = EolRules.load(dir);
    for (const path of ['a.txt', 'sub/a.md', 'sub/a.txt', 'link/a.txt', 'dir/a.txt', 'merge/a.txt']) {
      expect(show(rules.attributes(path)), path).toEqual(checkAttr(dir, path));
    }
    // The oracle itself: stage 2's binary, the index's -text under the symlink, nothing from the folder.
    expect(['merge/a.txt', 'link/a.txt', 'dir/a.txt'].map((p) => checkAttr(dir, p))).toEqual([
      ['unset', 'crlf'],
      ['unset', 'crlf'],
      ['unspecified', 'crlf'],
    ]);
  });

  it('cleans as git add does: CRLF to LF for text, auto leaves binary-looking files and CRs already indexed', () => {
    const dir = initRepo();
    git(dir, 'config', 'core.autocrlf', 'true');
    write(dir, { '.gitattributes': '*.raw -text\n*.crlf text\n', 'a.txt': 'a\r\nb\r\n', 'lone.txt': 'a\rb\r\n', 'x.raw': 'a\r\n', 'y.crlf': 'a\rb\r\n' });
    const rules = EolRules.load(dir);
    for (const path of ['a.txt', 'lone.txt', 'x.raw', 'y.crlf']) {
      const raw = execFileSync('cat', [path], { cwd: dir });
      expect(blobHash(dir, rules.clean(path, raw, () => null)), path).toBe(hashOf(dir, path));
    }
    // An auto file whose indexed version already has a CR is stored as it is.
    expect(Buffer.from(rules.clean('a.txt', Buffer.from('a\r\n'), () => Buffer.from('x\r\n'))).toString()).toBe('a\r\n');
  });

  it('smudges as a checkout does: LF to CRLF only where the work tree ends lines with CRLF', () => {
    const dir = initRepo();
    write(dir, { '.gitattributes': '*.txt eol=crlf\n*.md text=auto\n' });
    const rules = EolRules.load(dir);
    expect(Buffer.from(rules.smudge('a.txt', Buffer.from('a\nb\r\n'))).toString()).toBe('a\r\nb\r\n');
    // text=auto with LF line ends (core.eol native on Linux): written as stored.
    expect(Buffer.from(rules.smudge('a.md', Buffer.from('a\n'))).toString()).toBe(process.platform === 'win32' ? 'a\r\n' : 'a\n');
  });

  it('walks the index for its attributes files once per version of the file, whatever its version', () => {
    for (const version of ['2', '4']) {
      const dir = initRepo();
      write(dir, { 'sub/.gitattributes': '*.txt eol=crlf\n' });
      git(dir, 'add', '-A');
      git(dir, 'update-index', '--index-version', version);
      rmSync(join(dir, 'sub/.gitattributes'));
      const walks = () => vi.mocked(scanIndex).mock.calls.length + vi.mocked(parseIndex).mock.calls.length;
      /** What a diff of sub/a.txt does: the rules loaded anew, the file cleaned; the attributes as git check-attr reads them. */
      const diffOnce = () => {
        const rules = EolRules.load(dir);
        expect(show(rules.attributes('sub/a.txt')), version).toEqual(checkAttr(dir, 'sub/a.txt'));
        return Buffer.from(rules.clean('sub/a.txt', Buffer.from('one\r\n'), () => null)).toString();
      };
      const before = walks();
      for (let i = 0; i < 3; i++) expect(diffOnce(), version).toBe('one\n');
      expect(walks() - before, version).toBe(1);
      // A new version of the index is walked again, and its rules apply.
      write(dir, { 'sub/.gitattributes': '*.txt -text\n' });
      git(dir, 'add', 'sub/.gitattributes');
      rmSync(join(dir, 'sub/.gitattributes'));
      for (let i = 0; i < 3; i++) expect(diffOnce(), version).toBe('one\r\n');
      expect(walks() - before, version).toBe(2);
      // The oracle itself: -text from the second index.
      expect(checkAttr(dir, 'sub/a.txt')).toEqual(['unset', 'unspecified']);
    }
  });
});
