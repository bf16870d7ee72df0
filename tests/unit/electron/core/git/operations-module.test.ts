import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { EventName, EventOf } from '../../../../../shared/contract';
import { dispatch, type Handlers } from '../../../../../shared/rpc';
import { createFilesModule } from '../../../../../electron/core/files/files-module';
import { createGitModule } from '../../../../../electron/core/git/git-module';
import { testCoreContext } from '../../../../helpers/core-context';

let base: string;
beforeAll(() => {
  base = fs.mkdtempSync(join(tmpdir(), 'plumbline-gitmod-'));
});
afterAll(() => fs.rmSync(base, { recursive: true, force: true }));

function sh(dir: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=Oracle', '-c', 'user.email=o@example.com', ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1' } });
}

let n = 0;
function repo(): string {
  const dir = fs.realpathSync(fs.mkdtempSync(join(base, `r${n++}-`)));
  sh(dir, 'init', '-q', '-b', 'main');
  fs.writeFileSync(join(dir, 'a.txt'), 'a\n');
  sh(dir, 'add', '-A');
  sh(dir, 'commit', '-q', '-m', 'initial');
  return dir;
}

let disposers: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const d of disposers) await d();
  disposers = [];
});

/** The git and editor modules over a real bus and registry, called through dispatch like a transport does. */
function core(root: string) {
  const ctx = testCoreContext({ dataDir: join(base, `data${n++}`), roots: [root], resourcesDir: base });
  const bus = ctx.bus;
  const gitModule = createGitModule(ctx);
  const editor = createFilesModule(ctx);
  disposers.push(() => ctx.services.dispose());
  const handlers = { ...gitModule.handlers, ...editor.handlers } as unknown as Handlers;
  let id = 0;
  const call = async (method: string, params: unknown) => {
    const res = await dispatch(handlers, { id: ++id, method, params }, { connectionId: 't' }, { validateResponses: true });
    if ('error' in res) throw Object.assign(new Error(res.error.message), { code: res.error.code });
    return res.result as never;
  };
  /** Resolves with the next event of that name that matches. */
  const next = <E extends EventName>(event: E, match: (p: EventOf<E>) => boolean = () => true) =>
    new Promise<EventOf<E>>((resolve) => {
      const off = bus.subscribe((e) => {
        if (e.event === event && match(e.payload as EventOf<E>)) {
          off();
          resolve(e.payload as EventOf<E>);
        }
      });
    });
  return { call, next };
}

describe('git module through dispatch', () => {
  it('lists changes, stages through a write that announces repo.didChange, and validates the response', async () => {
    const root = repo();
    const { call, next } = core(root);
    fs.writeFileSync(join(root, 'a.txt'), 'changed\n');
    const first = await call('git.status', { root });
    expect(first).toMatchObject({ branch: 'main', unstaged: [{ path: 'a.txt', kind: 'modified' }], staged: [] });
    const announced = next('repo.didChange', (p) => p.root === root && p.paths.includes('a.txt'));
    await call('git.stage', { root, paths: ['a.txt'] });
    await announced;
    expect(await call('git.status', { root })).toMatchObject({ staged: [{ path: 'a.txt', kind: 'modified' }], unstaged: [] });
    const diff = await call('git.diff', { root, path: 'a.txt', side: 'staged' });
    expect(diff).toMatchObject({ kind: 'text', original: 'a\n', modified: 'changed\n' });
  });

  it('sees an external write through the watcher, without being asked', async () => {
    const root = repo();
    const { call, next } = core(root);
    await call('git.status', { root });
    const seen = next('repo.didChange', (p) => p.paths.includes('b.txt'));
    fs.writeFileSync(join(root, 'b.txt'), 'new\n');
    await seen;
    expect(await call('git.status', { root })).toMatchObject({ untracked: ['b.txt'] });
  });

  it('refuses paths outside the project and projects that are not open', async () => {
    const root = repo();
    const { call } = core(root);
    await expect(call('git.stage', { root, paths: ['../outside.txt'] })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(call('git.status', { root: join(base, 'elsewhere') })).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('commits, reads history and commit details, and pushes a fresh ProjectInfo after a branch switch', async () => {
    const root = repo();
    const { call, next } = core(root);
    await call('git.setAuthor', { root, name: 'Ada', email: 'ada@example.com' });
    fs.writeFileSync(join(root, 'a.txt'), 'second\n');
    await call('git.stage', { root, all: true });
    const { oid } = (await call('git.commit', { root, message: 'Second commit' })) as { oid: string };
    expect(sh(root, 'rev-parse', 'HEAD').trim()).toBe(oid);
    const log = (await call('git.log', { root, limit: 1 })) as { commits: Array<{ oid: string; subject: string }>; hasMore: boolean };
    expect(log).toMatchObject({ commits: [{ oid, subject: 'Second commit' }], hasMore: true });
    expect(await call('git.commitDetails', { root, oid })).toMatchObject({ files: [{ path: 'a.txt', kind: 'modified' }], author: { name: 'Ada' } });
    const info = next('project.didChange', (p) => p.git.branch === 'topic');
    await call('git.createBranch', { root, name: 'topic' });
    await info;
    const branches = await call('git.branches', { root });
    expect(branches).toMatchObject({ current: 'topic', branches: [{ name: 'main', current: false }, { name: 'topic', current: true }] });
  });

  it('saves from the editor and reports a conflict when the disk changed', async () => {
    const root = repo();
    const { call } = core(root);
    const saved = (await call('files.write', { root, path: 'new.txt', content: 'x\n', expectedHash: null })) as { hash: string };
    await expect(call('files.write', { root, path: 'new.txt', content: 'y\n', expectedHash: null })).rejects.toMatchObject({ code: 'CONFLICT' });
    await call('files.write', { root, path: 'new.txt', content: 'y\n', expectedHash: saved.hash });
    expect(fs.readFileSync(join(root, 'new.txt'), 'utf8')).toBe('y\n');
  });
});
