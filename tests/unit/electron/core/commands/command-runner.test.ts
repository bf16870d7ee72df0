import { describe, expect, it } from 'vitest';
import { runCommand } from '../../../../../electron/core/commands/command-runner';
import { tempProject } from '../agent/loop-harness';

describe('runCommand', () => {
  it('kills the whole process group on timeout', async () => {
    const p = await tempProject();
    try {
      // A background grandchild would outlive a plain kill of bash; the group kill takes it too.
      const r = await runCommand('(sleep 30; echo late > late.txt) & sleep 30', { cwd: p.root, timeoutMs: 300 });
      expect(r.timedOut).toBe(true);
      expect(r.exitCode).toBeNull();
      const { existsSync } = await import('node:fs');
      expect(existsSync(`${p.root}/late.txt`)).toBe(false);
    } finally {
      await p.cleanup();
    }
  });

  it('cancels through the abort signal', async () => {
    const p = await tempProject();
    const controller = new AbortController();
    try {
      const running = runCommand('echo started; sleep 30', { cwd: p.root, timeoutMs: 60_000, signal: controller.signal });
      controller.abort();
      const r = await running;
      expect(r.cancelled).toBe(true);
    } finally {
      await p.cleanup();
    }
  });

  it('keeps the head and the tail of long output', async () => {
    const p = await tempProject();
    try {
      const r = await runCommand('echo FIRST; head -c 100000 /dev/zero | tr "\\0" "x"; echo; echo LAST', { cwd: p.root, timeoutMs: 20_000, capBytes: 1000 });
      expect(r.exitCode).toBe(0);
      expect(r.output.startsWith('FIRST')).toBe(true);
      expect(r.output.trimEnd().endsWith('LAST')).toBe(true);
      expect(r.output).toMatch(/bytes of output omitted/);
      expect(r.output.length).toBeLessThan(2200);
    } finally {
      await p.cleanup();
    }
  });
});
