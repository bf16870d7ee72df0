import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunVerification } from '../../../../../shared/contract/verify';
import { runChecks } from '../../../../../electron/core/verification/checks-runner';
import { EvidenceLedger, readTreeState } from '../../../../../electron/core/verification/evidence';
import { planChecks, readPlanFacts } from '../../../../../electron/core/verification/plan-facts';
import { taskStates } from '../../../../../electron/core/verification/task-state';
import { git, makeRepo, makeTempDir } from '../../../../helpers/temp-repo';

async function stateOf(root: string, ledger: EvidenceLedger, runs: RunVerification[] = []) {
  const facts = await readPlanFacts(root);
  const [t] = await taskStates(root, facts, null, await ledger.readAll(), runs, await readTreeState(root));
  return t!;
}

describe('taskStates', () => {
  it('goes unverified → verified → stale as evidence ages, and ignores changes outside the scope', async () => {
    const root = makeRepo({
      'src/a.txt': 'a',
      'docs/readme.md': 'r',
      '.plumbline/spec.md': '# S\n\n## Acceptance checks\n\n- AC-1: a exists `test -f src/a.txt`\n',
      '.plumbline/tasks.md': '# Tasks\n\n## T-1: A\n\n- Scope: src/\n- Checks: AC-1\n',
      '.gitignore': '.plumbline/evidence.jsonl\n',
    });
    const ledger = new EvidenceLedger(root, makeTempDir('plumbline-data-'));
    expect((await stateOf(root, ledger)).state).toBe('unverified');
    const facts = await readPlanFacts(root);
    await runChecks(ledger, planChecks(facts, null), { root });
    expect((await stateOf(root, ledger)).state).toBe('verified');

    writeFileSync(join(root, 'docs/readme.md'), 'changed');
    git(root, 'commit', '-qam', 'docs');
    expect((await stateOf(root, ledger)).state).toBe('verified');

    writeFileSync(join(root, 'src/a.txt'), 'changed');
    git(root, 'commit', '-qam', 'src');
    const stale = await stateOf(root, ledger);
    expect(stale.state).toBe('stale');
    expect(stale.reason).toContain('src/a.txt');

    await runChecks(ledger, planChecks(facts, null), { root });
    expect((await stateOf(root, ledger)).state).toBe('verified');
  });

  it('is failing when a named check fails and refuted when its run has a refuted claim', async () => {
    const root = makeRepo({
      '.plumbline/spec.md': '# S\n\n## Acceptance checks\n\n- AC-1: b exists `test -f b.txt`\n',
      '.plumbline/tasks.md': '# Tasks\n\n## T-1: B\n\n- Checks: AC-1\n',
    });
    const ledger = new EvidenceLedger(root, makeTempDir('plumbline-data-'));
    await runChecks(ledger, planChecks(await readPlanFacts(root), null), { root });
    expect((await stateOf(root, ledger)).state).toBe('failing');
    const run = { runId: 'r1', taskId: 'T-1', model: 'm', role: 'builder', summary: '', verifiedAt: '', commit: null, claims: [], findings: [], counts: { verified: 0, refuted: 1, unverifiable: 0, pending: 0 }, overconfident: false };
    expect((await stateOf(root, ledger, [run])).state).toBe('refuted');
  });
});
