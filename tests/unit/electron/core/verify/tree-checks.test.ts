import { describe, expect, it } from 'vitest';
import { ShadowRepo } from '../../../../../electron/core/checkpoints/shadow-repo';
import { EvidenceLedger } from '../../../../../electron/core/verify/evidence';
import { checkTaskOnTree } from '../../../../../electron/core/verify/tree-checks';
import { trustedPlanOf } from '../../../../../electron/core/verify/trusted-plan';
import { git, makeRepo, makeTempDir, writeFiles } from '../../../../helpers/temp-repo';

const TASKS = (check: string) => `# Tasks\n\n## T-1: B\n\n- Checks: \`${check}\`\n`;

/** A repository whose T-1 checks for b.txt, its checkpoint (the plan before a run) and the ledger. */
async function setup() {
  const root = makeRepo({ '.plumbline/tasks.md': TASKS('test -f b.txt'), '.plumbline/checks.json': '{ "testCommand": "test -f readme.txt" }\n', 'readme.txt': 'r\n' });
  const dataDir = makeTempDir('plumbline-data-');
  const shadow = new ShadowRepo(root, dataDir);
  const checkpoint = await shadow.snapshot('before run r1 (T-1)');
  return { root, plan: await trustedPlanOf(shadow, checkpoint), ledger: new EvidenceLedger(root, dataDir) };
}

/** Commits the tree as the run left it; the merged commit the records carry. */
function commitAll(root: string): string {
  git(root, 'add', '-A');
  git(root, 'commit', '-q', '-m', 'run r1');
  return git(root, 'rev-parse', 'HEAD').trim();
}

describe('checkTaskOnTree', () => {
  it('runs the checks of the plan before the run, not the tree\'s: a run that rewrote its check to `true` fails by the real check', async () => {
    const { root, plan, ledger } = await setup();
    // The run wrote no b.txt, and rewrote its task's check so that it passes anyway.
    writeFiles(root, { '.plumbline/tasks.md': TASKS('true') });
    const head = commitAll(root);
    const r = await checkTaskOnTree(ledger, { tree: root, plan, state: { commit: head, dirty: false }, taskId: 'T-1', runId: 'r1', where: 'the merged tree (1234567)' });
    expect(r.failed).toMatchObject({ check: { id: 'T-1/check-1', command: 'test -f b.txt' }, outcome: 'failed', exitCode: 1 });
    expect(r.differs).toBe('The plan on the merged tree (1234567) has other checks for T-1 than the plan before its run: T-1/check-1 is `true` there; the checks as planned before the run ran.');
    const records = await ledger.readAll();
    expect(records.map((x) => `${x.key} ${x.how} ${x.result}`)).toEqual(['check:T-1/check-1 test -f b.txt failed']);
    expect(records[0]).toMatchObject({ commit: head, dirty: false, runId: 'r1', note: 'failed, exit 1 on the merged tree (1234567); the plan there has `true` for it, the check as planned before the run ran' });
  });

  it('passes by the plan before the run when the tree\'s plan changed the check to one that fails, and says so', async () => {
    const { root, plan, ledger } = await setup();
    // The run did the work, and its plan asks for a check of its own too.
    writeFiles(root, { 'b.txt': 'B\n', '.plumbline/tasks.md': TASKS('false').replace('- Checks: `false`', '- Checks: `false`, `echo extra`') });
    const head = commitAll(root);
    const r = await checkTaskOnTree(ledger, { tree: root, plan, state: { commit: head, dirty: false }, taskId: 'T-1', where: 'the merged tree (1234567)' });
    expect(r.failed).toBeNull();
    expect(r.differs).toBe('The plan on the merged tree (1234567) has other checks for T-1 than the plan before its run: T-1/check-1 is `false` there; T-1/check-2 (`echo extra`) is new there and did not run; the checks as planned before the run ran.');
    expect((await ledger.readAll()).map((x) => `${x.key} ${x.how} ${x.result}`)).toEqual(['check:T-1/check-1 test -f b.txt passed', 'check:tests test -f readme.txt passed']);
  });

  it('says nothing of the tree\'s plan when it has the same checks', async () => {
    const { root, plan, ledger } = await setup();
    writeFiles(root, { 'b.txt': 'B\n' });
    const head = commitAll(root);
    const r = await checkTaskOnTree(ledger, { tree: root, plan, state: { commit: head, dirty: false }, taskId: 'T-1' });
    expect(r).toMatchObject({ failed: null, differs: null });
    expect((await ledger.readAll()).map((x) => x.note)).toEqual(['passed, exit 0', 'passed, exit 0']);
  });
});
