import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommand } from '../../../electron/core/commands/command-runner';
import { detectSandbox } from '../../../electron/core/commands/sandbox';
import { bashTool, type BuilderToolEnv } from '../../../electron/core/agent/builder-tools';
import { RunJournal } from '../../../electron/core/checkpoints/run-journal';
import { ShadowRepo } from '../../../electron/core/checkpoints/shadow-repo';
import { SettingsStore } from '../../../electron/core/model/settings-store';
import { parseTasks } from '../../../electron/core/spec/tasks-doc';
import { setTaskField } from '../../../electron/core/spec/tasks-edit';
import { makeRepo, makeTempDir } from '../../helpers/temp-repo';

/**
 * Hostile model: the agent's commands have no network unless the user (Settings) or the task
 * (`- network: allowed`) allows it. The probe connects to a TCP server the test runs on the host's
 * 127.0.0.1: inside `--unshare-net` that address is the sandbox's own loopback, where nothing listens.
 */

const bwrap = detectSandbox().kind === 'bubblewrap';
let server: Server;
let port = 0;
let accepted = 0;

beforeAll(async () => {
  server = createServer((socket) => {
    accepted++;
    // A probe may close before the greeting is written.
    socket.on('error', () => undefined);
    socket.end('hello from the host\n');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  port = (server.address() as { port: number }).port;
});
afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
});

/** Connects with bash's /dev/tcp and reads the greeting; prints CONNECTED or REFUSED. */
const probe = (): string => `if exec 3<>/dev/tcp/127.0.0.1/${port}; then head -n 1 <&3; echo CONNECTED; else echo REFUSED; fi`;

describe.skipIf(!bwrap)('hostile: network for agent commands (bubblewrap)', () => {
  it('a command cannot reach a server on the host by default, and can when the network is allowed', async () => {
    const root = makeRepo({ 'a.txt': 'a\n' });
    const before = accepted;
    const off = await runCommand(probe(), { cwd: root, timeoutMs: 20_000 });
    expect(off.output).toContain('REFUSED');
    expect(off.output).not.toContain('hello from the host');
    expect(accepted).toBe(before);
    const on = await runCommand(probe(), { cwd: root, timeoutMs: 20_000, network: true });
    expect(on.output).toContain('hello from the host');
    expect(on.output).toContain('CONNECTED');
    expect(accepted).toBe(before + 1);
  });

  it("the bash tool passes the run's network flag to the sandbox (off when absent)", async () => {
    const root = makeRepo({ 'a.txt': 'a\n' });
    const env = (network?: boolean): BuilderToolEnv =>
      ({
        root,
        writer: { forget: () => undefined },
        journal: new RunJournal(),
        shadow: new ShadowRepo(root, makeTempDir('plumbline-data-')),
        allowlist: [],
        gate: async () => true,
        timeoutMs: 20_000,
        secrets: [],
        onCheckpoint: () => undefined,
        onCommand: () => undefined,
        onCommandWrites: () => undefined,
        onOutcome: () => undefined,
        readOnly: false,
        ...(network === undefined ? {} : { network }),
      }) as unknown as BuilderToolEnv;
    const ctx = { toolUseId: 't', signal: new AbortController().signal } as never;
    expect((await bashTool(env()).run({ command: probe() }, ctx)).text).toContain('REFUSED');
    expect((await bashTool(env(false)).run({ command: probe() }, ctx)).text).toContain('REFUSED');
    expect((await bashTool(env(true)).run({ command: probe() }, ctx)).text).toContain('CONNECTED');
  });
});

describe('network settings and the task line', () => {
  it('"Allow network for agent commands" is off by default, saved and shown', async () => {
    const store = new SettingsStore(makeTempDir('plumbline-data-'), { get: async () => null, set: async () => undefined }, {});
    expect((await store.load()).allowNetwork).toBe(false);
    expect((await store.view()).allowNetwork).toBe(false);
    await store.save({ ...(await store.load()), allowNetwork: true });
    expect((await store.view()).allowNetwork).toBe(true);
  });

  it('`- network: allowed` allows a task the network; other values or no line do not; edits keep the line', () => {
    const text = [
      '# Tasks',
      '',
      '## T-1: Fetch',
      '',
      '- serves: AC-1',
      '- network: allowed',
      '- status: todo',
      '',
      '## T-2: Local',
      '',
      '- network: no',
      '- status: todo',
      '',
      '## T-3: Plain',
      '',
      '- status: todo',
      '',
    ].join('\n');
    const tasks = parseTasks(text);
    expect(tasks.map((t) => [t.id, t.network === true])).toEqual([['T-1', true], ['T-2', false], ['T-3', false]]);
    const edited = setTaskField(text, 'T-1', 'status', 'in progress');
    expect(edited).toContain('- network: allowed\n- status: in progress');
    expect(parseTasks(edited)[0]!.network).toBe(true);
  });
});
