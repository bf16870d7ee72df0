import { utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunVerification } from '../../../../../shared/contract/verify';
import { runChecks } from '../../../../../electron/core/verify/checks-runner';
import { EvidenceLedger, readTreeState } from '../../../../../electron/core/verify/evidence';
import { planChecks, readPlanFacts } from '../../../../../electron/core/verify/plan-facts';
import { taskStates, type RunFacts } from '../../../../../electron/core/verify/task-state';
import { resolveTestCommand } from '../../../../../electron/core/verify/test-command';
import { checkTaskOnTree } from '../../../../../electron/core/verify/tree-checks';
import { git, makeRepo, makeTempDir } from '../../../../helpers/temp-repo';

async function stateOf(root: string, ledger: EvidenceLedger, runs: RunVerification[] = [], runFacts: ReadonlyMap<string, RunFacts> = new Map()) {
  const facts = await readPlanFacts(root);
  const [t] = await taskStates(root, facts, null, await ledger.readAll(), runs, await readTreeState(root), runFacts);
  return t!;
}

/** The plan in `root` as the checks' trusted plan (the tree's own plan is the plan before the run here). */
async function planIn(root: string) {
  return { facts: await readPlanFacts(root), testCommand: await resolveTestCommand(root) };
}

/** A verified run of T-1 with this many refuted claims. */
function runOf(runId: string, refuted: number): RunVerification {
  return { runId, taskId: 'T-1', model: 'm', role: 'builder', summary: '', verifiedAt: '', commit: null, claims: [], findings: [], counts: { verified: 1, refuted, unverifiable: 0, pending: 0 }, overconfident: false, checks: [], problems: 0, glance: 'open' };
}

/** Writes a file and dates it well after (or before) now, so "written after the evidence" never hangs on clock granularity. */
function writeDated(root: string, rel: string, text: string, offsetMs: number): void {
  writeFileSync(join(root, rel), text);
  const t = new Date(Date.now() + offsetMs);
  utimesSync(join(root, rel), t, t);
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
    const run = { runId: 'r1', taskId: 'T-1', model: 'm', role: 'builder', summary: '', verifiedAt: '', commit: null, claims: [], findings: [], counts: { verified: 0, refuted: 1, unverifiable: 0, pending: 0 }, overconfident: false, checks: [], problems: 0, glance: 'red' as const };
    expect((await stateOf(root, ledger, [run])).state).toBe('refuted');
  });

  it('counts hand-made work: verified with no agent run, said so, and stale when any project file changes (no scope)', async () => {
    const root = makeRepo({
      'a.txt': 'a',
      '.plumbline/spec.md': '# S\n\n## Acceptance checks\n\n- AC-1: a exists `test -f a.txt`\n',
      '.plumbline/tasks.md': '# Tasks\n\n## T-1: A\n\n- Checks: AC-1\n',
      '.gitignore': '.plumbline/evidence.jsonl\n',
    });
    const ledger = new EvidenceLedger(root, makeTempDir('plumbline-data-'));
    await runChecks(ledger, planChecks(await readPlanFacts(root), null), { root });
    const verified = await stateOf(root, ledger);
    expect(verified).toMatchObject({ state: 'verified', acceptedRunId: null });
    expect(verified.reason).toMatch(/pass; no agent run/);

    // The plan's own files are not the task's work.
    writeDated(root, '.plumbline/notes.md', 'n', 60_000);
    expect((await stateOf(root, ledger)).state).toBe('verified');

    writeDated(root, 'other.txt', 'new', 60_000);
    const stale = await stateOf(root, ledger);
    expect(stale).toMatchObject({ state: 'stale', acceptedRunId: null });
    expect(stale.reason).toContain('other.txt');
  });

  it('goes stale without a scope when a later commit changes project files', async () => {
    const root = makeRepo({
      'a.txt': 'a',
      '.plumbline/spec.md': '# S\n\n## Acceptance checks\n\n- AC-1: a exists `test -f a.txt`\n',
      '.plumbline/tasks.md': '# Tasks\n\n## T-1: A\n\n- Checks: AC-1\n',
      '.gitignore': '.plumbline/evidence.jsonl\n',
    });
    const ledger = new EvidenceLedger(root, makeTempDir('plumbline-data-'));
    await runChecks(ledger, planChecks(await readPlanFacts(root), null), { root });
    writeFileSync(join(root, '.plumbline/tasks.md'), '# Tasks\n\n## T-1: A\n\n- Checks: AC-1\n- Status: done\n');
    git(root, 'commit', '-qam', 'plan only');
    expect((await stateOf(root, ledger)).state).toBe('verified');
    writeFileSync(join(root, 'a.txt'), 'changed');
    git(root, 'commit', '-qam', 'work');
    expect((await stateOf(root, ledger)).state).toBe('stale');
  });

  it('keeps evidence taken on a dirty tree when exactly those bytes are committed later', async () => {
    const root = makeRepo({
      'src/a.txt': 'a',
      '.plumbline/spec.md': '# S\n\n## Acceptance checks\n\n- AC-1: a exists `test -f src/a.txt`\n',
      '.plumbline/tasks.md': '# Tasks\n\n## T-1: A\n\n- Scope: src/\n- Checks: AC-1\n',
      '.gitignore': '.plumbline/evidence.jsonl\n',
    });
    writeDated(root, 'src/a.txt', 'edited before the check', -60_000);
    const ledger = new EvidenceLedger(root, makeTempDir('plumbline-data-'));
    await runChecks(ledger, planChecks(await readPlanFacts(root), null), { root });
    expect((await ledger.readAll())[0]!.dirty).toBe(true);
    git(root, 'commit', '-qam', 'accept');
    expect((await stateOf(root, ledger)).state).toBe('verified');
    writeDated(root, 'src/a.txt', 'edited after the check', 60_000);
    git(root, 'commit', '-qam', 'later');
    expect((await stateOf(root, ledger)).state).toBe('stale');
  });

  it('rests on the accepted run: names it, counts the files it wrote, ignores rejected runs', async () => {
    const root = makeRepo({
      'src/a.txt': 'a',
      'lib/helper.js': 'h',
      'docs/readme.md': 'r',
      '.plumbline/spec.md': '# S\n\n## Acceptance checks\n\n- AC-1: a exists `test -f src/a.txt`\n',
      '.plumbline/tasks.md': '# Tasks\n\n## T-1: A\n\n- Scope: src/\n- Checks: AC-1\n',
      '.gitignore': '.plumbline/evidence.jsonl\n',
    });
    const ledger = new EvidenceLedger(root, makeTempDir('plumbline-data-'));
    await runChecks(ledger, planChecks(await readPlanFacts(root), null), { root });
    const accepted = runOf('r1', 0);
    const facts = new Map<string, RunFacts>([['r1', { review: 'accepted', files: ['lib/helper.js'] }]]);
    const verified = await stateOf(root, ledger, [accepted], facts);
    expect(verified).toMatchObject({ state: 'verified', acceptedRunId: 'r1' });
    expect(verified.reason).toContain('run r1 accepted');

    // A newer run whose diff the user rejected says nothing of the task; a pending one does.
    const rejected = runOf('r2', 2);
    expect(await stateOf(root, ledger, [rejected, accepted], new Map([...facts, ['r2', { review: 'rejected', files: [] }]]))).toMatchObject({ state: 'verified', acceptedRunId: 'r1' });
    expect(await stateOf(root, ledger, [rejected, accepted], new Map([...facts, ['r2', { review: 'pending', files: [] }]]))).toMatchObject({ state: 'refuted', acceptedRunId: 'r1' });
    // An accepted run with a refuted claim keeps the task refuted even under a newer clean run.
    expect(await stateOf(root, ledger, [runOf('r3', 0), runOf('r1', 1)], new Map([...facts, ['r3', { review: 'pending', files: [] }]]))).toMatchObject({ state: 'refuted' });

    writeDated(root, 'docs/readme.md', 'changed', 60_000);
    expect((await stateOf(root, ledger, [accepted], facts)).state).toBe('verified');
    writeDated(root, 'lib/helper.js', 'changed', 60_000);
    const stale = await stateOf(root, ledger, [accepted], facts);
    expect(stale).toMatchObject({ state: 'stale', acceptedRunId: 'r1' });
    expect(stale.reason).toContain('lib/helper.js');
    // Without the run, the same change is outside the task's scope.
    expect((await stateOf(root, ledger)).state).toBe('verified');
  });

  it("says a parallel run's worktree evidence is not merged yet, until the merge queue's checks on the merged tree take over", async () => {
    const root = makeRepo({
      'a.txt': 'a',
      '.plumbline/spec.md': '# S\n\n## Acceptance checks\n\n- AC-1: a exists `test -f a.txt`\n',
      '.plumbline/tasks.md': '# Tasks\n\n## T-1: A\n\n- Scope: a.txt\n- Checks: AC-1\n',
      '.gitignore': '.plumbline/evidence.jsonl\n',
    });
    const ledger = new EvidenceLedger(root, makeTempDir('plumbline-data-'));
    // The run's own verification, taken in its worktree.
    await ledger.append({ subject: { kind: 'run', id: 'r1' }, taskId: 'T-1', runId: 'r1', what: 'AC-1 after run r1', how: 'test -f a.txt', kind: 'command', result: 'passed', excerpt: '', key: 'check:AC-1' });
    const run = [runOf('r1', 0)];
    const facts = (review: RunFacts['review'], worktree?: boolean) => new Map<string, RunFacts>([['r1', { review, files: ['a.txt'], worktree }]]);
    expect(await stateOf(root, ledger, run, facts('pending', true))).toMatchObject({ state: 'verified', reason: 'All 1 check(s) pass in the worktree of run r1, not merged yet: accepting it puts it into the merge queue, which checks the merged tree again.' });
    expect((await stateOf(root, ledger, run, facts('accepted', true))).reason).toBe('All 1 check(s) pass in the worktree of run r1, not merged yet: it is in the merge queue, which checks the merged tree again.');
    // Rejected: its work never reaches the project.
    expect(await stateOf(root, ledger, run, facts('rejected', true))).toMatchObject({ state: 'stale', reason: 'The checks passed in the worktree of run r1, which was rejected: its work is not in the project. Verify again.' });
    // A run in the user's own tree: nothing to merge.
    expect((await stateOf(root, ledger, run, facts('accepted'))).reason).toBe('All 1 check(s) pass; run r1 accepted with no refuted claim.');

    // The merge queue's checks on the merged tree (here HEAD) are the check's evidence now, with that commit.
    const head = git(root, 'rev-parse', 'HEAD').trim();
    const r = await checkTaskOnTree(ledger, { tree: root, plan: await planIn(root), state: { commit: head, dirty: false }, taskId: 'T-1', runId: 'r1', where: 'the merged tree (1234567)' });
    expect(r.failed).toBeNull();
    expect(await stateOf(root, ledger, run, facts('accepted', true))).toMatchObject({ state: 'verified', reason: 'All 1 check(s) pass; run r1 accepted with no refuted claim.', commit: head });
    expect((await ledger.readAll()).at(-1)).toMatchObject({ id: r.recordIds[0], key: 'check:AC-1', result: 'passed', commit: head, dirty: false, runId: 'r1', what: 'AC-1: a exists `test -f a.txt` on the merged tree (1234567)' });
  });

  it('records a check failing on a merged tree as failed and runs none after it', async () => {
    const root = makeRepo({
      '.plumbline/spec.md': '# S\n\n## Acceptance checks\n\n- AC-1: b exists `test -f b.txt`\n',
      '.plumbline/tasks.md': '# Tasks\n\n## T-1: B\n\n- Checks: AC-1\n',
      '.plumbline/checks.json': '{ "testCommand": "true" }\n',
    });
    const ledger = new EvidenceLedger(root, makeTempDir('plumbline-data-'));
    const head = git(root, 'rev-parse', 'HEAD').trim();
    const r = await checkTaskOnTree(ledger, { tree: root, plan: await planIn(root), state: { commit: head, dirty: false }, taskId: 'T-1' });
    expect(r.failed).toMatchObject({ check: { id: 'AC-1' }, outcome: 'failed', exitCode: 1 });
    expect((await ledger.readAll()).map((x) => `${x.key} ${x.result} ${x.commit === head}`)).toEqual(['check:AC-1 failed true']);
    expect(await stateOf(root, ledger)).toMatchObject({ state: 'failing', reason: 'AC-1: failed.' });
  });
});
