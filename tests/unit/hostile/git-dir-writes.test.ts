import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { dispatch, type Handlers } from '../../../shared/rpc';
import { createFilesModule } from '../../../electron/core/files/files-module';
import { FileWriter } from '../../../electron/core/agent/file-writer';
import { RunJournal } from '../../../electron/core/checkpoints/run-journal';
import type { CoreContext } from '../../../electron/core/core-context';
import { EventBus } from '../../../electron/core/events';
import { ProjectRegistry } from '../../../electron/core/app/project-registry';
import { git, makeRepo, makeTempDir } from '../../helpers/temp-repo';

/** Hostile probes: nothing but the git backend writes into a repository's git data. */

const dirs: string[] = [];
afterEach(() => {
  dirs.length = 0;
});

function repo(): string {
  const dir = makeRepo({ 'a.txt': 'a\n' });
  dirs.push(dir);
  return dir;
}

/** files.write through dispatch, as a transport calls it. */
async function filesWrite(root: string, path: string, content: string): Promise<{ ok: boolean; code?: string; message?: string }> {
  const projects = new ProjectRegistry();
  projects.add(root);
  const ctx = { dataDir: makeTempDir('plumbline-data-'), version: 'test', bus: new EventBus(), projects, resourcesDir: '' } as unknown as CoreContext;
  const handlers = createFilesModule(ctx).handlers as unknown as Handlers;
  const res = await dispatch(handlers, { id: 1, method: 'files.write', params: { root, path, content, expectedHash: null, overwrite: true } }, { connectionId: 't' });
  return 'result' in res ? { ok: true } : { ok: false, code: res.error.code, message: res.error.message };
}

/** The agent's edit tool (create), auto-approved. */
async function agentCreate(root: string, path: string, text: string): Promise<string> {
  const writer = new FileWriter(root, new RunJournal(), async () => true);
  try {
    return await writer.run({ command: 'create', path, file_text: text });
  } catch (error) {
    return `ERROR ${(error as Error).message}`;
  }
}

const hook = '#!/bin/sh\ntouch /tmp/pwned\n';

describe('hostile: writes into .git', () => {
  it('files.write refuses .git/hooks/pre-commit and .git/config directly', async () => {
    const root = repo();
    const config = readFileSync(join(root, '.git/config'), 'utf8');
    for (const path of ['.git/hooks/pre-commit', '.git/config', '.GIT/config', 'sub/../.git/config']) {
      const r = await filesWrite(root, path, hook);
      expect(r, path).toMatchObject({ ok: false, code: 'FORBIDDEN' });
      expect(r.message).toMatch(/\.git folder/);
    }
    expect(existsSync(join(root, '.git/hooks/pre-commit'))).toBe(false);
    expect(readFileSync(join(root, '.git/config'), 'utf8')).toBe(config);
  });

  it('files.write refuses a path through a symlink inside the project that points at .git', async () => {
    const root = repo();
    symlinkSync('.git', join(root, 'innocent'));
    symlinkSync('.git/hooks', join(root, 'hooks'));
    for (const path of ['innocent/config', 'innocent/hooks/pre-commit', 'hooks/post-checkout']) {
      expect(await filesWrite(root, path, '[core]\n\tfsmonitor = touch /tmp/pwned\n'), path).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    }
    expect(readFileSync(join(root, '.git/config'), 'utf8')).not.toMatch(/fsmonitor/);
    expect(existsSync(join(root, '.git/hooks/post-checkout'))).toBe(false);
  });

  it('files.write refuses the git dir of a linked worktree that a .git file points at', async () => {
    const main = repo();
    const wt = join(makeTempDir(), 'wt');
    git(main, 'worktree', 'add', '-q', wt);
    // The worktree's git dir lives in the main repository; a symlink inside the worktree reaches it.
    symlinkSync(join(main, '.git'), join(wt, 'maingit'));
    expect(await filesWrite(wt, '.git', 'gitdir: /tmp/elsewhere\n')).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    expect(await filesWrite(wt, 'maingit/config', '[core]\n')).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    expect(await filesWrite(wt, 'ok.txt', 'fine\n')).toMatchObject({ ok: true });
    // A .git file naming a git dir inside the project: writing into that folder is refused.
    const root = makeTempDir();
    mkdirSync(join(root, 'store/hooks'), { recursive: true });
    writeFileSync(join(root, '.git'), 'gitdir: store\n');
    expect(await filesWrite(root, 'store/hooks/pre-commit', hook)).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    expect(await filesWrite(root, 'ok.txt', 'fine\n')).toMatchObject({ ok: true });
  });

  it('the agent edit tool refuses .git paths, directly and through symlinks, and still writes elsewhere', async () => {
    const root = repo();
    symlinkSync('.git', join(root, 'innocent'));
    expect(await agentCreate(root, '.git/hooks/pre-commit', hook)).toMatch(/^ERROR Refused/);
    expect(await agentCreate(root, 'innocent/hooks/pre-commit', hook)).toMatch(/^ERROR Refused: .*\.git folder/);
    expect(await agentCreate(root, '.Git/hooks/pre-commit', hook)).toMatch(/^ERROR Refused/);
    expect(existsSync(join(root, '.git/hooks/pre-commit'))).toBe(false);
    expect(await agentCreate(root, 'src/new.txt', 'x\n')).toMatch(/^Created/);
  });
});
