import { afterAll, describe, expect, it } from 'vitest';
import { hashObject } from '../../../../../electron/core/git/object-parse';
import { MissingObjectError, ObjectStore } from '../../../../../electron/core/git/object-store';
import { resolveLayout } from '../../../../../electron/core/git/repo-layout';
import { cleanupTemp, git, initRepo, write } from './git-oracle';

afterAll(cleanupTemp);

/** A repository whose history makes delta chains once packed. */
function repoWithHistory(): string {
  const dir = initRepo();
  const base = Array.from({ length: 200 }, (_, i) => `line ${i} of a file that changes a little each commit\n`);
  for (let c = 0; c < 15; c++) {
    base[c * 7] = `edited in commit ${c}\n`;
    write(dir, { 'big.txt': base.join(''), [`small/${c}.txt`]: `small ${c}\n` });
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', `commit ${c}`);
  }
  return dir;
}

function allObjects(dir: string): { oid: string; type: string; size: number }[] {
  return git(dir, 'cat-file', '--batch-all-objects', '--batch-check')
    .trim()
    .split('\n')
    .map((line) => {
      const [oid, type, size] = line.split(' ');
      return { oid, type, size: Number(size) };
    });
}

describe('ObjectStore', () => {
  it.each([
    ['loose objects', false, undefined],
    ['a pack held in memory', true, undefined],
    ['a pack read object by object', true, 0],
  ])('reads every object of %s exactly as git has it', (_label, pack, maxPackInMemory) => {
    const dir = repoWithHistory();
    if (pack) git(dir, 'gc', '-q', '--aggressive');
    const store = new ObjectStore(resolveLayout(dir), { maxPackInMemory });
    const objects = allObjects(dir);
    expect(objects.length).toBeGreaterThan(40);
    for (const o of objects) {
      const got = store.read(o.oid);
      expect(got.type).toBe(o.type);
      expect(got.data.length).toBe(o.size);
      // The content hashes back to its own id: proves delta chains resolved to the right bytes.
      expect(hashObject(got.type, got.data)).toBe(o.oid);
    }
    store.dispose();
  });

  it('throws MissingObjectError naming the object', () => {
    const dir = repoWithHistory();
    const store = new ObjectStore(resolveLayout(dir));
    const oid = 'deadbeef'.repeat(5);
    expect(store.tryRead(oid)).toBeNull();
    expect(() => store.read(oid)).toThrow(MissingObjectError);
    expect(() => store.read(oid)).toThrow(new RegExp(`${oid} is missing`));
    store.dispose();
  });
});
