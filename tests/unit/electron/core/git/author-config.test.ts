import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeRepoAuthor } from '../../../../../electron/core/git/author-config';
import { git, makeRepo } from '../../../../helpers/temp-repo';

describe('writeRepoAuthor', () => {
  it('saves the author to .git/config atomically, readable by native git, keeping the rest of the config', async () => {
    const dir = makeRepo({ 'a.txt': 'a\n' });
    git(dir, 'config', '--local', 'core.editor', 'vi');
    const author = await writeRepoAuthor(dir, 'Grace Hopper', 'grace@example.com');
    expect(author).toMatchObject({ name: 'Grace Hopper', email: 'grace@example.com', source: 'repo' });
    expect(git(dir, 'config', '--local', 'user.name').trim()).toBe('Grace Hopper');
    expect(git(dir, 'config', '--local', 'user.email').trim()).toBe('grace@example.com');
    expect(git(dir, 'config', '--local', 'core.editor').trim()).toBe('vi');
    expect(readdirSync(join(dir, '.git')).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });
});
