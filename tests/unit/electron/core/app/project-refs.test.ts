import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dispatch } from '../../../../../shared/rpc';
import { createCore } from '../../../../../electron/core/create-core';
import { makeRepo, makeTempDir } from '../../../../helpers/temp-repo';

const core = createCore({
  dataDir: makeTempDir('plumbline-data-'),
  version: 'test',
  resourcesDir: join(process.cwd(), 'resources'),
  host: { capabilities: { kind: 'web', nativeFolderDialog: false, printToPdf: false, platform: 'linux' }, browseRoots: [tmpdir()], secrets: { get: async () => null, set: async () => undefined } },
});
afterAll(() => core.dispose());

let nextId = 1;
async function call(connectionId: string, method: string, params: unknown) {
  return dispatch(core.handlers, { id: nextId++, method, params }, { connectionId }, { validateResponses: true });
}
async function openAs(connectionId: string, path: string): Promise<string> {
  const res = await call(connectionId, 'project.open', { path });
  if (!('result' in res)) throw new Error(res.error.message);
  return (res.result as { root: string }).root;
}
const readme = (connectionId: string, root: string) => call(connectionId, 'files.read', { root, path: 'README.md' });

describe('projects are reference-counted per connection', () => {
  it('a project two connections opened stays open when one closes it, and closes with the last', async () => {
    const root = await openAs('tab-1', makeRepo({ 'README.md': '# A\n' }));
    await openAs('tab-2', root);
    expect(await call('tab-1', 'project.close', { root })).toMatchObject({ result: { ok: true } });
    expect(await readme('tab-2', root)).toHaveProperty('result');
    await call('tab-2', 'project.close', { root });
    expect(await readme('tab-2', root)).toMatchObject({ error: { code: 'FORBIDDEN' } });
  });

  it('closing a project a connection never opened changes nothing for the others', async () => {
    const root = await openAs('tab-1', makeRepo({ 'README.md': '# B\n' }));
    await call('tab-2', 'project.close', { root });
    await call('tab-2', 'project.close', { root });
    expect(await readme('tab-1', root)).toHaveProperty('result');
    await call('tab-1', 'project.close', { root });
  });

  it('a connection that goes away releases its references', async () => {
    const root = await openAs('tab-1', makeRepo({ 'README.md': '# C\n' }));
    await openAs('tab-1', root);
    await openAs('tab-2', root);
    core.ctx.projects.releaseHolder('tab-1');
    expect(await readme('tab-2', root)).toHaveProperty('result');
    core.ctx.projects.releaseHolder('tab-2');
    expect(await readme('tab-3', root)).toMatchObject({ error: { code: 'FORBIDDEN' } });
  });

  it('the folder a host opens at start stays open until a tab opens it, then follows the tabs', async () => {
    const root = await openAs('startup', makeRepo({ 'README.md': '# D\n' }));
    expect(await readme('tab-1', root)).toHaveProperty('result');
    await openAs('tab-1', root);
    await call('tab-1', 'project.close', { root });
    expect(await readme('tab-1', root)).toMatchObject({ error: { code: 'FORBIDDEN' } });
  });
});

describe('an over-long path', () => {
  it('is refused with a message that says what to do, not INTERNAL: ENAMETOOLONG', async () => {
    const long = 'a'.repeat(300);
    const root = await openAs('tab-1', makeRepo({ 'README.md': '# E\n' }));
    for (const res of [
      await call('tab-1', 'files.read', { root, path: long }),
      await call('tab-1', 'files.list', { root, dir: long }),
      await call('tab-1', 'project.open', { path: join(tmpdir(), long) }),
      await call('tab-1', 'fs.browse', { dir: join(tmpdir(), long) }),
    ]) {
      expect(res).toMatchObject({ error: { code: 'INVALID_REQUEST', message: expect.stringContaining('too long for the file system') } });
    }
  });
});

describe('the folder browser', () => {
  it('outside its roots, says how to widen them', async () => {
    const res = await call('tab-1', 'fs.browse', { dir: '/' });
    expect(res).toMatchObject({ error: { code: 'FORBIDDEN' } });
    const message = (res as { error: { message: string } }).error.message;
    expect(message).toContain(`Browsing is limited to ${tmpdir()}.`);
    expect(message).toContain('--root DIR');
    expect(message).toContain('npm run serve -- /');
  });
});
