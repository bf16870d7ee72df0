import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkEnvironment, runCheckCommand, runChecks, runCommand } from '../../../../../electron/core/verify/checks-runner';
import { EvidenceLedger } from '../../../../../electron/core/verify/evidence';
import { makeRepo, makeTempDir } from '../../../../helpers/temp-repo';

/** True while a process exists and is not a zombie waiting to be reaped. */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) [ZX]/.test(stat);
  } catch {
    return false;
  }
}

describe('runCommand', () => {
  it('records exit status and output', async () => {
    const dir = makeTempDir();
    const r = await runCommand('echo out; echo err >&2; exit 3', { cwd: dir });
    expect(r.exitCode).toBe(3);
    expect(r.output).toContain('out');
    expect(r.output).toContain('err');
  });

  it('kills the whole process group on timeout', async () => {
    const dir = makeTempDir();
    // A grandchild in the background: it must die with the group, not outlive the check.
    // A unique argument finds it from the host, also when it runs in the sandbox's own PID namespace.
    const marker = `60.${process.pid}${Date.now() % 1000}`;
    const r = await runCommand(`sleep ${marker} & wait`, { cwd: dir, timeoutMs: 300 });
    expect(r.timedOut).toBe(true);
    const pids = () => readdirSync('/proc').filter((p) => /^\d+$/.test(p) && alive(Number(p)) && (() => { try { return readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(marker); } catch { return false; } })());
    // Exit closes the pipes a moment before the kernel marks the process dead: poll until then (bounded).
    const deadline = Date.now() + 2000;
    while (pids().length > 0 && Date.now() < deadline) await new Promise((resolve) => setImmediate(resolve));
    expect(pids()).toEqual([]);
  });

  it('cancels on abort', async () => {
    const dir = makeTempDir();
    const controller = new AbortController();
    const p = runCommand('sleep 30', { cwd: dir, signal: controller.signal, onOutput: () => {} });
    controller.abort();
    const r = await p;
    expect(r.cancelled).toBe(true);
  });

  it('keeps API keys out of the environment', () => {
    const env = checkEnvironment({ PATH: '/bin', ANTHROPIC_API_KEY: 'k', OPENAI_API_KEY: 'k', GITHUB_AUTH_TOKEN: 't', HOME: '/h' });
    expect(env).toMatchObject({ PATH: '/bin', HOME: '/h' });
    expect(env.ANTHROPIC_API_KEY).toBeUndefined();
    expect(env.OPENAI_API_KEY).toBeUndefined();
    expect(env.GITHUB_AUTH_TOKEN).toBeUndefined();
  });

  it('streams output in batches', async () => {
    const dir = makeTempDir();
    const chunks: string[] = [];
    await runCommand('for i in 1 2 3 4 5; do echo line$i; done', { cwd: dir, onOutput: (c) => chunks.push(c) });
    expect(chunks.join('')).toBe('line1\nline2\nline3\nline4\nline5\n');
  });
});

describe('runCheckCommand', () => {
  it('marks a test run that executed nothing as no_tests even with exit 0', async () => {
    const dir = makeTempDir();
    const r = await runCheckCommand('node --test', { cwd: dir });
    expect(r.outcome).toBe('no_tests');
    expect(r.counts?.total).toBe(0);
  });
  it('counts real node --test results', async () => {
    const dir = makeTempDir();
    writeFileSync(join(dir, 'a.test.mjs'), "import test from 'node:test';\ntest('a', () => {});\ntest('b', () => { throw new Error('x'); });\n");
    const r = await runCheckCommand('node --test', { cwd: dir });
    expect(r.outcome).toBe('failed');
    expect(r.counts).toEqual({ passed: 1, failed: 1, skipped: 0, total: 2 });
  });
  it('reports a command that cannot start', async () => {
    const r = await runCheckCommand('true', { cwd: join(makeTempDir(), 'missing') });
    expect(r.outcome).toBe('error');
  });
});

describe('runChecks', () => {
  it('appends one evidence record per check, keyed so later results supersede', async () => {
    const root = makeRepo({ 'a.txt': 'a' });
    const ledger = new EvidenceLedger(root, makeTempDir('plumbline-data-'));
    const check = { id: 'AC-1', kind: 'acceptance' as const, label: 'AC-1: a exists', command: 'test -f a.txt', requirementIds: ['AC-1'], taskIds: ['T-1'] };
    const progress: number[] = [];
    const [result] = await runChecks(ledger, [check], { root, onProgress: (done) => progress.push(done) });
    expect(result!.outcome).toBe('passed');
    expect(progress).toEqual([0, 1]);
    const [record] = await ledger.readAll();
    expect(record).toMatchObject({ key: 'check:AC-1', result: 'passed', exitCode: 0, how: 'test -f a.txt', dirty: false, taskId: 'T-1' });
    expect(record!.commit).toMatch(/^[0-9a-f]{40}$/);
  });
});
