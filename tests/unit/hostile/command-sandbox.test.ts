import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommand as runAgentCommand } from '../../../electron/core/commands/command-runner';
import { detectSandbox, detectSandboxAsync, hideFromCommands, resetSandboxDetection } from '../../../electron/core/commands/sandbox';
import { runCommand as runCheck } from '../../../electron/core/verify/checks-runner';
import { bashTool, type BuilderToolEnv } from '../../../electron/core/agent/builder-tools';
import { RunJournal } from '../../../electron/core/checkpoints/run-journal';
import { ShadowRepo } from '../../../electron/core/checkpoints/shadow-repo';
import { makeRepo, makeTempDir } from '../../helpers/temp-repo';

/**
 * Hostile model / hostile repository: agent commands and check commands run in the OS sandbox.
 * The host process holds an API key in its environment; no command may read it.
 */

const KEY = 'sk-ant-api03-HOSTILE-PROBE-SECRET-0123456789';
const bwrap = detectSandbox().kind === 'bubblewrap';
let saved: string | undefined;

beforeAll(() => {
  saved = process.env.ANTHROPIC_API_KEY;
  process.env.ANTHROPIC_API_KEY = KEY;
});
afterAll(() => {
  if (saved === undefined) delete process.env.ANTHROPIC_API_KEY;
  else process.env.ANTHROPIC_API_KEY = saved;
});

const probes = [
  "tr '\\0' '\\n' < /proc/$PPID/environ",
  "tr '\\0' '\\n' < /proc/1/environ",
  "for p in /proc/[0-9]*; do tr '\\0' ' ' < $p/environ; echo; done",
  'env',
  "echo CMDLINES; for p in /proc/[0-9]*; do tr '\\0' ' ' < $p/cmdline; echo; done",
].join('; echo ---; ');

const runners = [
  ['agent bash', (cmd: string, cwd: string) => runAgentCommand(cmd, { cwd, timeoutMs: 20_000 }).then((r) => ({ out: r.output, code: r.exitCode }))],
  ['check command', (cmd: string, cwd: string) => runCheck(cmd, { cwd, timeoutMs: 20_000 }).then((r) => ({ out: r.output, code: r.exitCode }))],
] as const;

describe.skipIf(!bwrap)('hostile: commands in the bubblewrap sandbox', () => {
  it('the host environment holds the key (the probe can see it without the sandbox)', () => {
    expect(readFileSync(`/proc/${process.pid}/environ`, 'utf8')).toBeTypeOf('string');
    expect(process.env.ANTHROPIC_API_KEY).toBe(KEY);
  });

  for (const [name, run] of runners) {
    it(`${name}: no secret in /proc/$PPID/environ, /proc/1/environ, any visible process or the environment`, async () => {
      const root = makeRepo({ 'a.txt': 'a\n' });
      const { out } = await run(probes, root);
      expect(out).not.toContain(KEY);
      // Only the sandbox's own processes are visible: none of the host's (vitest, node, a web host with --token) shows.
      const cmdlines = out.slice(out.indexOf('CMDLINES'));
      expect(cmdlines).toMatch(/CMDLINES\n/);
      expect(cmdlines).not.toMatch(/vitest|node/);
    });

    it(`${name}: writes only inside the project, never .git or the ledger; private /tmp; no network`, async () => {
      const root = makeRepo({ 'a.txt': 'a\n', '.plumbline/evidence.jsonl': '{"id":"e1"}\n' });
      const outside = makeTempDir();
      const hostTmp = `/tmp/plumbline-sandbox-probe-${process.pid}`;
      const cmd = [
        'echo hook > .git/hooks/pre-commit',
        'echo "[core] fsmonitor = x" >> .git/config',
        'echo forged >> .plumbline/evidence.jsonl',
        'mv .plumbline .plumbline-moved',
        `echo out > ${outside}/escaped.txt`,
        `echo tmp > ${hostTmp}`,
        'echo ok > made.txt',
        'cat /proc/net/dev | tail -n +3 | cut -d: -f1 | tr -d " "',
      ].join('; ');
      const { out } = await run(cmd, root);
      expect(readFileSync(join(root, 'made.txt'), 'utf8')).toBe('ok\n');
      expect(existsSync(join(root, '.git/hooks/pre-commit'))).toBe(false);
      expect(readFileSync(join(root, '.git/config'), 'utf8')).not.toContain('fsmonitor');
      expect(readFileSync(join(root, '.plumbline/evidence.jsonl'), 'utf8')).toBe('{"id":"e1"}\n');
      expect(existsSync(join(root, '.plumbline-moved'))).toBe(false);
      expect(existsSync(join(outside, 'escaped.txt'))).toBe(false);
      expect(existsSync(hostTmp)).toBe(false);
      // Network interfaces in the sandbox: loopback only.
      expect(out.trim().split('\n').at(-1)).toBe('lo');
    });

    it(`${name}: the ledger is read-only even before it exists (no .plumbline, or .plumbline without a ledger)`, async () => {
      const cases: Array<Record<string, string>> = [{ 'a.txt': 'a\n' }, { 'a.txt': 'a\n', '.plumbline/spec.md': '# Spec\n' }];
      for (const files of cases) {
        const root = makeRepo(files);
        const cmd = [
          'mkdir -p .plumbline',
          'echo forged >> .plumbline/evidence.jsonl; echo "append=$?"',
          'echo forged > .plumbline/evidence.jsonl; echo "overwrite=$?"',
          'rm -f .plumbline/evidence.jsonl; echo "remove=$?"',
          // Moving the folder aside to put a ledger of its own in its place fails too.
          'mv .plumbline .plumbline-moved; echo "move=$?"',
          'rm -rf .plumbline; echo "rmdir=$?"',
          'echo forged > .plumbline/evidence.jsonl 2>/dev/null; echo "replace=$?"',
          // The rest of the plan folder stays writable.
          'echo note > .plumbline/notes.md',
          'echo ok > made.txt',
        ].join('; ');
        const { out } = await run(cmd, root);
        expect(out).toMatch(/append=[1-9]/);
        expect(out).toMatch(/overwrite=[1-9]/);
        expect(out).toMatch(/remove=[1-9]/);
        expect(out).toMatch(/move=[1-9]/);
        expect(out).toMatch(/rmdir=[1-9]/);
        expect(out).toMatch(/replace=[1-9]/);
        expect(existsSync(join(root, '.plumbline-moved'))).toBe(false);
        expect(readFileSync(join(root, '.plumbline/notes.md'), 'utf8')).toBe('note\n');
        expect(readFileSync(join(root, '.plumbline/evidence.jsonl'), 'utf8')).toBe('');
        expect(readFileSync(join(root, 'made.txt'), 'utf8')).toBe('ok\n');
      }
    });
  }

  it("the empty ledger the sandbox creates is not journaled as the command's write", async () => {
    const root = makeRepo({ 'a.txt': 'a\n' });
    const journal = new RunJournal();
    const env = {
      root,
      writer: { forget: () => undefined },
      journal,
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
    } as unknown as BuilderToolEnv;
    const r = await bashTool(env).run({ command: 'echo ok > made.txt' }, { toolUseId: 't', signal: new AbortController().signal } as never);
    expect(r.isError).toBe(false);
    expect(existsSync(join(root, '.plumbline/evidence.jsonl'))).toBe(true);
    expect(journal.entries().map((e) => e.path)).toEqual(['made.txt']);
  });

  it('the app-data folder (secrets) is hidden from commands', async () => {
    const data = makeTempDir('plumbline-appdata-');
    mkdirSync(join(data, 'sub'));
    writeFileSync(join(data, 'secrets.json'), JSON.stringify({ anthropic: KEY }));
    hideFromCommands(data);
    const root = makeRepo({ 'a.txt': 'a\n' });
    for (const [, run] of runners) {
      const { out } = await run(`cat ${data}/secrets.json; echo "entries: $(ls -A ${data} | wc -l)"`, root);
      expect(out).not.toContain(KEY);
      expect(out).toContain('entries: 0');
    }
  });
});

describe.runIf(bwrap)('hostile: a project inside the app-data folder', () => {
  it('runs its commands (the example is copied there) while the secrets beside it stay hidden', async () => {
    const data = makeTempDir('plumbline-appdata-');
    writeFileSync(join(data, 'secrets.json'), JSON.stringify({ anthropic: KEY }));
    hideFromCommands(data);
    const root = join(data, 'examples', 'quota-service');
    mkdirSync(root, { recursive: true });
    writeFileSync(join(root, 'check.sh'), 'echo check-ran\n');
    for (const [, run] of runners) {
      const { out, code } = await run(`sh check.sh; cat ${data}/secrets.json; echo "entries: $(ls -A ${data} | wc -l)"`, root);
      expect(out).toContain('check-ran');
      expect(out).not.toContain(KEY);
      // Only the path down to the project is there: examples/, nothing else of the app data.
      expect(out).toContain('entries: 1');
      expect(code).not.toBe(null);
    }
  });
});

describe('sandbox detection', () => {
  it.runIf(bwrap)('probes bubblewrap without blocking the event loop, and finds what the blocking probe finds', async () => {
    const blocking = detectSandbox();
    resetSandboxDetection();
    try {
      let settled = false;
      const probing = detectSandboxAsync().then((info) => ((settled = true), info));
      // A blocking probe would have finished (and its promise settled) before this turn of the loop.
      await new Promise((r) => setImmediate(r));
      expect(settled).toBe(false);
      expect(await probing).toEqual(blocking);
      // Once known it is not probed again.
      expect(detectSandboxAsync()).not.toBe(probing);
      expect(await detectSandboxAsync()).toBe(await probing);
    } finally {
      resetSandboxDetection();
    }
  });
  it('gives every caller one answer when a blocking probe finishes before the background one', async () => {
    resetSandboxDetection();
    try {
      const probing = detectSandboxAsync();
      const blocking = detectSandbox();
      expect(await probing).toBe(blocking);
      expect(await detectSandboxAsync()).toBe(blocking);
    } finally {
      resetSandboxDetection();
    }
  });
});

describe('hostile: without a sandbox every command asks', () => {
  it('an allowlisted command and a task check still go to the approval gate', async () => {
    const before = process.env.PLUMBLINE_SANDBOX;
    process.env.PLUMBLINE_SANDBOX = 'none';
    resetSandboxDetection();
    try {
      expect(detectSandbox()).toMatchObject({ kind: 'none', message: expect.stringMatching(/asks for approval/) });
      const asked: string[] = [];
      const env = { root: makeTempDir(), allowlist: ['ls'], checks: ['true'], readOnly: false, gate: async (c: string) => (asked.push(c), false) } as unknown as BuilderToolEnv;
      const tool = bashTool(env);
      for (const command of ['ls', 'true']) {
        const r = await tool.run({ command }, { toolUseId: 't', signal: new AbortController().signal } as never);
        expect(r).toMatchObject({ isError: true, text: expect.stringMatching(/declined/) });
      }
      expect(asked).toEqual(['ls', 'true']);
    } finally {
      if (before === undefined) delete process.env.PLUMBLINE_SANDBOX;
      else process.env.PLUMBLINE_SANDBOX = before;
      resetSandboxDetection();
    }
  });
});
