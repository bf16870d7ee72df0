import { promises as fs } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dispatch, type Handlers } from '../../../shared/rpc';
import { testCoreContext } from '../../helpers/core-context';
import { createSpecModule } from '../../../electron/core/spec/spec-module';
import { buildTaskContext } from '../../../electron/core/agent/task-context';
import { readHandoff } from '../../../electron/core/agent/handoff-note';

/**
 * Hostile repository: plan files, project memory and the hand-off note that are symbolic links to
 * files outside the project are never read, shown or put into a model's context.
 */

const SECRET = 'PRIVATE-KEY-MATERIAL-0123456789';
let base: string;
let root: string;
let outside: string;
let module: ReturnType<typeof createSpecModule>;

beforeEach(async () => {
  base = await mkdtemp(join(tmpdir(), 'plumbline-hostile-'));
  root = join(base, 'repo');
  outside = join(base, 'home');
  await fs.mkdir(join(outside, '.ssh'), { recursive: true });
  await fs.writeFile(join(outside, '.ssh/id_ed25519'), `-----BEGIN OPENSSH PRIVATE KEY-----\n${SECRET}\n`);
  await fs.mkdir(join(root, '.plumbline'), { recursive: true });
  await fs.writeFile(join(root, '.plumbline/tasks.md'), '# Tasks\n\n## T-1: Do it\n\nStatus: todo\n');
  const ctx = testCoreContext({ dataDir: base, roots: [root], resourcesDir: join(process.cwd(), 'resources') });
  module = createSpecModule(ctx);
});

afterEach(async () => {
  await module.dispose?.();
  await fs.rm(base, { recursive: true, force: true });
});

const call = (method: string, params: unknown) => dispatch(module.handlers as unknown as Handlers, { id: 1, method, params }, { connectionId: 't' }, { validateResponses: true });

describe('hostile: content through symbolic links', () => {
  it('AGENTS.md and CLAUDE.md linked outside are neither shown nor sent to the model', async () => {
    await fs.symlink(join(outside, '.ssh/id_ed25519'), join(root, 'AGENTS.md'));
    await fs.symlink('../home/.ssh/id_ed25519', join(root, 'CLAUDE.md'));
    const snap = await call('spec.snapshot', { root });
    expect(JSON.stringify(snap)).not.toContain(SECRET);
    const context = await buildTaskContext(root, 'T-1');
    expect(`${context.text}\n${context.memory ?? ''}`).not.toContain(SECRET);
    // A memory file inside the project still reads.
    await fs.rm(join(root, 'AGENTS.md'));
    await fs.writeFile(join(root, 'AGENTS.md'), 'Use tabs.\n');
    expect((await buildTaskContext(root, 'T-1')).memory).toContain('Use tabs.');
  });

  it('a spec.md linked outside is refused with a message that says what to do', async () => {
    await fs.symlink(join(outside, '.ssh/id_ed25519'), join(root, '.plumbline/spec.md'));
    const snap = await call('spec.snapshot', { root });
    expect(JSON.stringify(snap)).not.toContain(SECRET);
    expect(snap).toMatchObject({ error: { code: 'FORBIDDEN' } });
    expect((snap as { error: { message: string } }).error.message).toMatch(/spec\.md .*outside the project.*Replace the link/);
    // An edit is refused too: the file outside is left as it was.
    const edit = await call('spec.addItem', { root, section: 'failure', text: 'x' });
    expect(edit).toMatchObject({ error: { code: 'FORBIDDEN' } });
    expect(await fs.readFile(join(outside, '.ssh/id_ed25519'), 'utf8')).toContain(SECRET);
  });

  it('a whole .plumbline folder linked outside is refused, and the hand-off note in it is not read', async () => {
    await fs.rm(join(root, '.plumbline'), { recursive: true });
    await fs.mkdir(join(outside, 'plan'));
    await fs.writeFile(join(outside, 'plan/spec.md'), `# Spec\n\n${SECRET}\n`);
    await fs.writeFile(join(outside, 'plan/handoff.md'), `${SECRET}\n`);
    await fs.writeFile(join(outside, 'plan/tasks.md'), `# Tasks\n\n## T-1: ${SECRET}\n`);
    await fs.symlink(join(outside, 'plan'), join(root, '.plumbline'));
    const snap = await call('spec.snapshot', { root });
    expect(JSON.stringify(snap)).not.toContain(SECRET);
    expect(await readHandoff(root)).toBeNull();
  });

  it('a spec over 5 MB is refused with a clear message instead of sent whole to the page', async () => {
    await fs.writeFile(join(root, '.plumbline/spec.md'), `# Spec\n\n${'- FR-1: lorem ipsum dolor\n'.repeat(240_000)}`);
    const snap = await call('spec.snapshot', { root });
    expect(snap).toMatchObject({ error: { code: 'UNAVAILABLE' } });
    expect((snap as { error: { message: string } }).error.message).toMatch(/spec\.md is \d+\.\d MB; Plumbline opens plan files up to 5 MB\. Split it/);
  });

  it('an edit of a plan file holding invalid UTF-8 is refused and keeps every byte', async () => {
    const bytes = Buffer.concat([Buffer.from('# Spec\n\n## Requirements\n\n- FR-1: caf'), Buffer.from([0xe9, 0xff, 0xfe]), Buffer.from('\n')]);
    await fs.writeFile(join(root, '.plumbline/spec.md'), bytes);
    const edit = await call('spec.addItem', { root, section: 'failure', text: 'disk full → say so' });
    expect(edit).toMatchObject({ error: { code: 'CONFLICT' } });
    expect((edit as { error: { message: string } }).error.message).toMatch(/not valid UTF-8.*save it as UTF-8/);
    const raw = await call('spec.saveRaw', { root, content: '# Spec\n' });
    expect(raw).toMatchObject({ error: { code: 'CONFLICT' } });
    expect(Buffer.compare(await fs.readFile(join(root, '.plumbline/spec.md')), bytes)).toBe(0);
  });
});
