import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { scanIndex } from '../../../../../electron/core/checkpoints/index-scan';
import { seedableIndexFile } from '../../../../../electron/core/checkpoints/index-seed';
import { readIndex } from '../../../../../electron/core/git/index-reader';
import { tempProject } from '../agent/loop-harness';

let project: Awaited<ReturnType<typeof tempProject>>;
beforeEach(async () => {
  project = await tempProject();
});
afterEach(() => project.cleanup());

const git = (...args: string[]): string => execFileSync('git', args, { cwd: project.root }).toString();
function write(path: string, content: string): void {
  mkdirSync(join(project.root, path, '..'), { recursive: true });
  writeFileSync(join(project.root, path), content);
}

/** Every entry as the scan sees it, and as the full parser does. */
function both(): { scanned: string[] | null; parsed: string[] } {
  const scanned: string[] = [];
  const result = scanIndex(readFileSync(join(project.root, '.git', 'index')), (e) =>
    scanned.push(`${e.path()} ${e.oid()} ${e.mode.toString(8)} ${e.size} ${e.stage} ${e.assumeValid} ${e.intentToAdd} ${e.skipWorktree} ${e.endsWith(Buffer.from('.gitattributes'))}`),
  );
  const parsed = readIndex(join(project.root, '.git'))!.entries.map(
    (e) => `${e.path} ${e.oid} ${e.mode.toString(8)} ${e.size} ${e.stage} ${e.assumeValid} ${e.intentToAdd} ${e.skipWorktree} ${e.path.endsWith('.gitattributes')}`,
  );
  return { scanned: result ? scanned : null, parsed };
}

describe('scanIndex', () => {
  it('reads the same fields as the full parser from a version 2 and a version 3 index', () => {
    git('init', '-q');
    write('a.txt', 'one\n');
    write('dir/.gitattributes', '*.bin binary\n');
    write('dir/b.sh', '#!/bin/sh\n');
    write('é/ü.txt', 'unicode\n');
    git('add', '-A');
    git('update-index', '--chmod=+x', 'dir/b.sh');
    git('update-index', '--assume-unchanged', 'a.txt');
    const v2 = both();
    expect(v2.scanned).toEqual(v2.parsed);
    expect(v2.parsed).toHaveLength(4);
    // Version 3: extended flags (intent-to-add, skip-worktree).
    write('new.txt', 'new\n');
    git('add', '-N', 'new.txt');
    git('update-index', '--skip-worktree', 'é/ü.txt');
    const v3 = both();
    expect(readFileSync(join(project.root, '.git', 'index')).readUInt32BE(4)).toBe(3);
    expect(v3.scanned).toEqual(v3.parsed);
    expect(v3.parsed.filter((l) => l.includes(' true'))).toHaveLength(4);
  });

  it('leaves a version 4 index to the full parser, and seeding still judges it', () => {
    git('init', '-q');
    write('a.txt', 'one\n');
    git('add', '-A');
    git('update-index', '--index-version', '4');
    expect(both().scanned).toBeNull();
    expect(seedableIndexFile(project.root)).toBe(join(project.root, '.git', 'index'));
    git('update-index', '--assume-unchanged', 'a.txt');
    expect(seedableIndexFile(project.root)).toBeNull();
  });
});

describe('seedableIndexFile', () => {
  it('seeds from a plain index only: not a split index, not one with assume-unchanged entries, not when attributes convert', () => {
    git('init', '-q');
    write('a.txt', 'one\n');
    write('sub/b.txt', 'two\n');
    git('add', '-A');
    const index = join(project.root, '.git', 'index');
    expect(seedableIndexFile(project.root)).toBe(index);
    git('update-index', '--assume-unchanged', 'a.txt');
    expect(seedableIndexFile(project.root)).toBeNull();
    git('update-index', '--no-assume-unchanged', 'a.txt');
    write('sub/.gitattributes', '*.txt text eol=crlf\n');
    git('add', '-A');
    expect(seedableIndexFile(project.root)).toBeNull();
    git('rm', '-q', '--cached', 'sub/.gitattributes');
    expect(seedableIndexFile(project.root)).toBe(index);
    git('update-index', '--split-index');
    expect(seedableIndexFile(project.root)).toBeNull();
  });
});
