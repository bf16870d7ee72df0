import { describe, expect, it } from 'vitest';
import { dispatch, type Handlers } from '../../../../../shared/rpc';
import { createFilesModule } from '../../../../../electron/core/files/files-module';
import type { CoreContext } from '../../../../../electron/core/core-context';
import { EventBus } from '../../../../../electron/core/events';
import { ProjectRegistry } from '../../../../../electron/core/app/project-registry';
import { git, makeRepo, makeTempDir, writeFiles } from '../../../../helpers/temp-repo';

/** files.list through dispatch, as a transport calls it. */
async function list(root: string, dir: string, showIgnored = true): Promise<{ path: string; ignored: boolean }[]> {
  const projects = new ProjectRegistry();
  projects.add(root);
  const ctx = { dataDir: makeTempDir('plumbline-data-'), version: 'test', bus: new EventBus(), projects, resourcesDir: '' } as unknown as CoreContext;
  const handlers = createFilesModule(ctx).handlers as unknown as Handlers;
  const res = await dispatch(handlers, { id: 1, method: 'files.list', params: { root, dir, showIgnored } }, { connectionId: 't' });
  if (!('result' in res)) throw new Error(res.error.message);
  return (res.result as { entries: { path: string; ignored: boolean }[] }).entries.map((e) => ({ path: e.path, ignored: e.ignored }));
}

/** What native git says: ignored or not. */
function gitIgnores(dir: string, path: string): boolean {
  try {
    git(dir, 'check-ignore', '-q', '--no-index', path);
    return true;
  } catch {
    return false;
  }
}

describe('files.list marks ignored entries the way git does', () => {
  it('applies nested .gitignore files, negation and .git/info/exclude; hides .git', async () => {
    const dir = makeRepo(
      {
        '.gitignore': '*.log\nbuild/\n!keep.log\n',
        'src/.gitignore': 'gen/\n*.tmp\n!important.tmp\n',
        'src/a.ts': '',
        'src/x.tmp': '',
        'src/important.tmp': '',
        'src/gen/g.ts': '',
        'build/out.js': '',
        'app.log': '',
        'keep.log': '',
        'secret.txt': '',
      },
      { commit: false },
    );
    writeFiles(dir, { '.git/info/exclude': 'secret.txt\n' });
    const entries = [...(await list(dir, '')), ...(await list(dir, 'src')), ...(await list(dir, 'src/gen')), ...(await list(dir, 'build'))];
    expect(entries.map((e) => e.path)).not.toContain('.git');
    for (const e of entries) expect([e.path, e.ignored]).toEqual([e.path, gitIgnores(dir, e.path)]);
    expect(entries.find((e) => e.path === 'build/out.js')?.ignored).toBe(true);
    expect((await list(dir, '', false)).map((e) => e.path)).not.toContain('build');
  });

  it('honours .gitignore in a folder that is not a repository', async () => {
    const dir = makeTempDir();
    writeFiles(dir, { '.gitignore': 'dist/\n', 'dist/x.js': '', 'a.txt': '' });
    expect((await list(dir, '', false)).map((e) => e.path)).toEqual(['.gitignore', 'a.txt']);
  });
});
