import { promises as fs } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dispatch, type Handlers } from '../../../shared/rpc';
import type { CoreContext } from '../../../electron/core/core-context';
import { createCoreContext } from '../../../electron/core/create-core';
import { ProjectRegistry } from '../../../electron/core/app/project-registry';
import { createAppHandlers } from '../../../electron/core/app/app-handlers';

/** Hostile page: project.open, project.openExample and fs.browse stay inside the web host's roots. */

let base: string;
let served: string;
let handlers: Handlers;
let projects: ProjectRegistry;

function context(kind: 'web' | 'desktop'): CoreContext {
  const ctx = createCoreContext({
    dataDir: join(base, 'data'),
    version: 'test',
    host: { capabilities: { kind, nativeFolderDialog: kind === 'desktop', printToPdf: false, platform: 'linux' }, browseRoots: [served], secrets: { get: async () => null, set: async () => undefined } },
    resourcesDir: join(process.cwd(), 'resources'),
  });
  projects = ctx.projects;
  return ctx;
}

beforeEach(async () => {
  base = await mkdtemp(join(tmpdir(), 'plumbline-confine-'));
  served = join(base, 'served');
  await fs.mkdir(join(served, 'project'), { recursive: true });
  await fs.mkdir(join(base, 'elsewhere'));
  await fs.symlink('/etc', join(served, 'etc-link'));
  await fs.symlink(join(base, 'elsewhere'), join(served, 'away'));
  handlers = createAppHandlers(context('web')).handlers as unknown as Handlers;
});
afterEach(async () => {
  await fs.rm(base, { recursive: true, force: true });
});

const call = (method: string, params: unknown, connectionId = 'page') => dispatch(handlers, { id: 1, method, params }, { connectionId });

describe('hostile: folders outside the web host roots', () => {
  it('project.open refuses /, /etc, a folder outside the roots and a symlink out of a root', async () => {
    for (const path of ['/', '/etc', join(base, 'elsewhere'), join(served, 'etc-link'), join(served, 'away'), join(served, '..')]) {
      const r = await call('project.open', { path });
      expect(r, path).toMatchObject({ error: { code: 'FORBIDDEN' } });
      expect((r as { error: { message: string } }).error.message).toMatch(/outside the folders this host serves.*--root/);
    }
    expect(projects.list()).toEqual([]);
    expect(await call('project.open', { path: join(served, 'project') })).toHaveProperty('result');
  });

  it('the folder named on the command line opens even outside --root', async () => {
    expect(await call('project.open', { path: join(base, 'elsewhere') }, 'startup')).toHaveProperty('result');
  });

  it('project.openExample refuses a target outside the roots and writes nothing there', async () => {
    const r = await call('project.openExample', { targetDir: join(base, 'elsewhere', 'ex') });
    expect(r).toMatchObject({ error: { code: 'FORBIDDEN' } });
    expect(await fs.readdir(join(base, 'elsewhere'))).toEqual([]);
    const viaLink = await call('project.openExample', { targetDir: join(served, 'away', 'ex') });
    expect(viaLink).toMatchObject({ error: { code: 'FORBIDDEN' } });
    expect(await fs.readdir(join(base, 'elsewhere'))).toEqual([]);
    // Without a target the example goes to the app's examples folder, which is allowed.
    expect(await call('project.openExample', {})).toHaveProperty('result');
  });

  it('fs.browse does not follow a symlink inside a root out of it', async () => {
    for (const dir of [join(served, 'etc-link'), join(served, 'away'), '/etc']) {
      expect(await call('fs.browse', { dir }), dir).toMatchObject({ error: { code: 'FORBIDDEN' } });
    }
    const ok = await call('fs.browse', { dir: served });
    expect((ok as { result: { entries: { name: string }[] } }).result.entries.map((e) => e.name)).toEqual(['project']);
  });

  it('app.info says which command sandbox this host has, so the UI can show it', async () => {
    const r = (await call('app.info', {})) as { result: { sandbox: { kind: string; message: string } } };
    expect(['bubblewrap', 'sandbox-exec', 'none']).toContain(r.result.sandbox.kind);
    expect(r.result.sandbox.message).not.toBe('');
  });

  it('the desktop host opens what its native dialog picked', async () => {
    handlers = createAppHandlers(context('desktop')).handlers as unknown as Handlers;
    expect(await call('project.open', { path: join(base, 'elsewhere') })).toHaveProperty('result');
  });
});
