import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseVerifyArgs, runVerifyCommand } from '../../../../../electron/core/verify/verify-command';
import { detectSandbox } from '../../../../../electron/core/commands/sandbox';
import { EvidenceLedger, LEDGER_KEY_FILE, ledgerKey } from '../../../../../electron/core/verify/evidence';
import { makeRepo, makeTempDir } from '../../../../helpers/temp-repo';

describe('plumbline verify', () => {
  let out: string[];
  beforeEach(() => {
    out = [];
    vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
    vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  });
  afterEach(() => vi.restoreAllMocks());

  const project = (acCommand: string) =>
    makeRepo({
      '.plumbline/spec.md': `# P\n\n## Acceptance checks\n\n- AC-1: file exists \`test -f a.txt\`\n- AC-2: second \`${acCommand}\`\n`,
      '.plumbline/decisions/0001-x.md': '# 1. Keep a.txt\n\n- Status: accepted\n\n## Confirmation\n\n`grep -q a a.txt`\n',
      '.plumbline/tasks.md': '# Tasks\n\n## T-1: Do\n\n- Checks: AC-2\n',
      'a.txt': 'a',
    });

  it('exits 0 when every check passes and appends evidence', async () => {
    const root = project('true');
    const dataDir = makeTempDir('plumbline-data-');
    expect(await runVerifyCommand([root, '--data-dir', dataDir])).toBe(0);
    const text = out.join('\n');
    expect(text).toMatch(/AC-1\s+acceptance\s+✔ passed/);
    expect(text).toMatch(/ADR-0001\s+decision\s+✔ passed/);
    expect(text).toContain('3 of 3 checks passed');
    expect((await new EvidenceLedger(root, dataDir).readAll()).map((r) => r.key)).toEqual(['check:AC-1', 'check:AC-2', 'check:ADR-0001']);
  });

  it.runIf(detectSandbox().kind === 'bubblewrap')('hides the app data folder, with the ledger key, from the checks it runs', async () => {
    // Outside /tmp, which the sandbox replaces anyway.
    mkdirSync(join(process.cwd(), 'node_modules', '.cache'), { recursive: true });
    const dataDir = mkdtempSync(join(process.cwd(), 'node_modules', '.cache', 'plumbline-data-'));
    try {
      await ledgerKey(dataDir);
      const root = project(`test ! -e ${dataDir}/${LEDGER_KEY_FILE}`);
      expect(await runVerifyCommand([root, '--task', 'T-1', '--data-dir', dataDir])).toBe(0);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('exits 1 when a check fails, and --json reports it', async () => {
    const root = project('exit 4');
    expect(await runVerifyCommand([root, '--json', '--data-dir', makeTempDir()])).toBe(1);
    const report = JSON.parse(out.join('\n')) as { ok: boolean; results: { check: { id: string }; outcome: string; exitCode: number }[] };
    expect(report.ok).toBe(false);
    expect(report.results.find((r) => r.check.id === 'AC-2')).toMatchObject({ outcome: 'failed', exitCode: 4 });
  });

  it('runs only the checks a task names with --task', async () => {
    const root = project('true');
    expect(await runVerifyCommand([root, '--task', 'T-1', '--json', '--data-dir', makeTempDir()])).toBe(0);
    const report = JSON.parse(out.join('\n')) as { results: { check: { id: string } }[] };
    expect(report.results.map((r) => r.check.id)).toEqual(['AC-2']);
  });

  it('rejects bad arguments with exit 2', async () => {
    expect(typeof parseVerifyArgs(['--task', 'x'])).toBe('string');
    expect(typeof parseVerifyArgs(['--bogus'])).toBe('string');
    expect(await runVerifyCommand(['--task', 'T-9', makeRepo({ 'a.txt': 'a' })])).toBe(2);
  });
});
