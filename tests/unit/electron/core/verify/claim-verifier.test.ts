import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Claim } from '../../../../../shared/contract/verify';
import { ShadowRepo } from '../../../../../electron/core/checkpoints/shadow-repo';
import { calibrationByModel } from '../../../../../electron/core/verify/calibration';
import { ruleOnClaim, runClaimNow, verifyRun } from '../../../../../electron/core/verify/claim-verifier';
import { currentRecords, EvidenceLedger } from '../../../../../electron/core/verify/evidence';
import { loadRun } from '../../../../../electron/core/verify/run-store';
import type { VerifiableRun } from '../../../../../electron/core/verify/verifiable-run';
import { git, makeRepo, makeTempDir, writeFiles } from '../../../../helpers/temp-repo';
import { testCoreContext } from '../../../../helpers/core-context';
import type { CoreContext } from '../../../../../electron/core/core-context';

const TEST_CMD = 'node --test test/';

/** A small real project: a spec with an acceptance check, a task with a scope, an accepted decision. */
function makeProject(): string {
  return makeRepo({
    'package.json': JSON.stringify({ name: 'demo', type: 'module', scripts: { test: 'node --test test/' }, dependencies: { zod: '^4.0.0' } }, null, 2),
    'src/limiter.js': 'export function limit() {\n  return 1;\n}\n',
    'test/limiter.test.mjs': "import test from 'node:test';\nimport assert from 'node:assert';\nimport { limit } from '../src/limiter.js';\ntest('limit is 2', () => assert.strictEqual(limit(), 2));\n",
    'README.md': '# demo\n',
    '.plumbline/checks.json': JSON.stringify({ testCommand: TEST_CMD }),
    '.plumbline/spec.md': '# Demo\n\n## Purpose\n\nA limiter.\n\n## Failure modes\n\n- FM-1: over the limit → refuse\n\n## Acceptance checks\n\n- AC-1: the limit is 2 (FM-1) `node --test test/`\n',
    '.plumbline/tasks.md': '# Tasks\n\n## T-1: Raise the limit\n\n- Serves: FM-1\n- Scope: src/, test/, package.json\n- Checks: AC-1\n- Status: in progress\n',
    '.plumbline/decisions/0001-use-dayjs.md': '# 1. Use dayjs for dates\n\n- Status: accepted\n- Date: 2026-01-01\n\n## Context\n\nDates.\n\n## Decision\n\nWe add the dayjs dependency.\n',
  });
}

function baseRun(root: string, dataDir: string, checkpoint: string, claims: Claim[], extra: Partial<VerifiableRun> = {}): VerifiableRun {
  return {
    runId: `run-${Math.random().toString(36).slice(2, 8)}`,
    taskId: 'T-1',
    role: 'builder',
    model: 'model-under-test',
    summary: 'did the task',
    claims,
    projectRoot: root,
    checkpointCommit: checkpoint,
    shadowGitdir: new ShadowRepo(root, dataDir).gitdir,
    journal: [],
    commands: [],
    endedAt: new Date().toISOString(),
    ...extra,
  };
}

const claim = (c: Partial<Claim> & Pick<Claim, 'kind'>): Claim => ({ statement: c.kind, confidence: 0.9, ...c });

describe('verifyRun', () => {
  let root: string;
  let dataDir: string;
  let ctx: CoreContext;
  let checkpoint: string;

  beforeEach(async () => {
    root = makeProject();
    dataDir = makeTempDir('plumbline-data-');
    ctx = testCoreContext({ dataDir, roots: [root] });
    checkpoint = await new ShadowRepo(root, dataDir).snapshot('before run');
  });

  it('verifies every honest claim and flags nothing as an error', async () => {
    writeFiles(root, {
      'src/limiter.js': 'export function limit() {\n  return 2;\n}\n',
      'src/bucket.js': 'export const bucket = [];\n',
      'package.json': JSON.stringify({ name: 'demo', type: 'module', scripts: { test: 'node --test test/' }, dependencies: { zod: '^4.0.0', dayjs: '^1.0.0' } }, null, 2),
    });
    const run = baseRun(root, dataDir, checkpoint, [
      claim({ kind: 'file_changed', path: 'src/limiter.js' }),
      claim({ kind: 'file_created', path: 'src/bucket.js' }),
      claim({ kind: 'file_changed', path: 'package.json', statement: 'added dayjs' }),
      claim({ kind: 'command_passes', command: TEST_CMD }),
      claim({ kind: 'requirement_met', requirement: 'FM-1' }),
      claim({ kind: 'other', statement: 'the code reads well' }),
    ], { commands: [{ command: TEST_CMD, exitCode: 0, outputExcerpt: 'ℹ tests 1\nℹ pass 1\nℹ fail 0\n' }] });
    const v = await verifyRun(ctx, run);
    const byKind = Object.fromEntries(v.claims.map((c) => [`${c.claim.kind}:${c.claim.path ?? c.claim.command ?? c.claim.requirement ?? ''}`, c.verdict]));
    expect(byKind).toEqual({
      'file_changed:src/limiter.js': 'verified',
      'file_created:src/bucket.js': 'verified',
      'file_changed:package.json': 'verified',
      [`command_passes:${TEST_CMD}`]: 'verified',
      'requirement_met:FM-1': 'verified',
      'other:': 'unverifiable',
    });
    expect(v.counts.refuted).toBe(0);
    expect(v.findings.filter((f) => f.severity === 'error')).toEqual([]);
  });

  it('refutes or flags every planted lie', async () => {
    // The "edit" to src/limiter.js never landed; src/bucket.js was never created; README changed
    // outside the scope without a claim; a dependency appeared with no decision; tests fail.
    writeFiles(root, {
      'README.md': '# demo\n\nrewritten\n',
      'package.json': JSON.stringify({ name: 'demo', type: 'module', scripts: { test: 'node --test test/' }, dependencies: { zod: '^4.0.0', 'left-pad': '^1.3.0' } }, null, 2),
    });
    const run = baseRun(root, dataDir, checkpoint, [
      claim({ kind: 'file_changed', path: 'src/limiter.js', statement: 'limit raised to 2', confidence: 0.95 }),
      claim({ kind: 'command_passes', command: TEST_CMD, statement: 'all tests pass', confidence: 0.9 }),
      claim({ kind: 'file_created', path: 'src/bucket.js', statement: 'bucket added', confidence: 0.85 }),
      claim({ kind: 'file_changed', path: 'package.json', statement: 'dependency added', confidence: 0.8 }),
    ], {
      journal: [{ path: 'src/limiter.js', hashBefore: null, hashAfter: null, source: 'edit', flags: [] }],
      commands: [{ command: TEST_CMD, exitCode: 1, outputExcerpt: 'ℹ tests 1\nℹ pass 0\nℹ fail 1\n' }],
    });
    const v = await verifyRun(ctx, run);
    const verdict = (path: string) => v.claims.find((c) => c.claim.path === path || c.claim.command === path)!;
    expect(verdict('src/limiter.js').verdict).toBe('refuted');
    expect(verdict('src/limiter.js').reason).toMatch(/byte-identical/);
    expect(verdict(TEST_CMD).verdict).toBe('refuted');
    expect(verdict('src/bucket.js').verdict).toBe('refuted');
    expect(verdict('package.json').verdict).toBe('verified');
    // Refuted claims come first.
    expect(v.claims.slice(0, 3).every((c) => c.verdict === 'refuted')).toBe(true);
    const kinds = v.findings.map((f) => `${f.kind}:${f.path ?? ''}`);
    expect(kinds).toContain('unclaimed_change:README.md');
    expect(kinds).toContain('out_of_scope:README.md');
    expect(v.findings.some((f) => f.kind === 'new_dependency' && f.message.includes('left-pad'))).toBe(true);
    expect(v.findings.some((f) => f.kind === 'claimed_success_with_failed_check')).toBe(true);

    // Every verdict is evidence, and calibration sees the lies.
    const records = currentRecords(await new EvidenceLedger(root, dataDir).readAll());
    expect(records.filter((r) => r.subject.kind === 'claim')).toHaveLength(4);
    const testRecord = records.find((r) => r.subject.kind === 'claim' && r.how === TEST_CMD)!;
    expect(testRecord.result).toBe('refuted');
    expect(testRecord.hasOutput).toBe(true);
    expect(await new EvidenceLedger(root, dataDir).readOutput(testRecord.id)).toMatch(/fail 1/);
    const [group] = calibrationByModel(records);
    expect(group).toMatchObject({ model: 'model-under-test', role: 'builder', n: 4, accuracy: 0.25 });
  });

  it('flags a decision whose confirmation now fails', async () => {
    writeFiles(root, { '.plumbline/decisions/0002-no-console.md': '# 2. No console output\n\n- Status: accepted\n\n## Confirmation\n\n`! grep -rq console src/`\n' });
    checkpoint = await new ShadowRepo(root, dataDir).snapshot('before run 2');
    writeFiles(root, { 'src/limiter.js': 'export function limit() {\n  console.log("x");\n  return 2;\n}\n' });
    const v = await verifyRun(ctx, baseRun(root, dataDir, checkpoint, [claim({ kind: 'file_changed', path: 'src/limiter.js' })]));
    expect(v.findings.some((f) => f.kind === 'decision_failing' && f.message.includes('No console output'))).toBe(true);
  });

  it('waits for approval before running an unknown command, then runs it on "Run now"', async () => {
    const marker = join(root, 'ran.txt');
    const command = `node -e "require('fs').writeFileSync('ran.txt','1')"`;
    const run = baseRun(root, dataDir, checkpoint, [claim({ kind: 'command_passes', command })]);
    const first = await verifyRun(ctx, run);
    expect(first.claims[0]!.verdict).toBe('pending');
    expect(existsSync(marker)).toBe(false);
    const second = await runClaimNow(ctx, root, run.runId, 0);
    expect(second.claims[0]!.verdict).toBe('verified');
    expect(readFileSync(marker, 'utf8')).toBe('1');
  });

  it('records the user ruling on an "other" claim as evidence', async () => {
    const run = baseRun(root, dataDir, checkpoint, [claim({ kind: 'other', statement: 'handles leap years' })]);
    await verifyRun(ctx, run);
    const ruled = await ruleOnClaim(ctx, root, run.runId, 0, false, 'it does not');
    expect(ruled.claims[0]!.verdict).toBe('refuted');
    const records = currentRecords(await new EvidenceLedger(root, dataDir).readAll());
    const rec = records.find((r) => r.key === `claim:${run.runId}:0`)!;
    expect(rec).toMatchObject({ kind: 'ruling', result: 'refuted', note: 'it does not' });
  });

  it('reads the current tree from one fresh git status, without writing a checkpoint', async () => {
    const shadow = ctx.services.project(root).shadow;
    const head = (): string => git(root, '--git-dir', shadow.gitdir, 'rev-parse', 'refs/heads/checkpoints').trim();
    const before = head();
    writeFiles(root, { 'src/limiter.js': 'export function limit() {\n  return 2;\n}\n', 'src/new/bucket.js': 'export const bucket = [];\n' });
    const v = await verifyRun(ctx, baseRun(root, dataDir, checkpoint, [claim({ kind: 'file_changed', path: 'src/limiter.js' }), claim({ kind: 'file_created', path: 'src/new/bucket.js' }), claim({ kind: 'file_changed', path: 'README.md' })]));
    expect(v.claims.map((c) => `${c.claim.path}:${c.verdict}`).sort()).toEqual(['README.md:refuted', 'src/limiter.js:verified', 'src/new/bucket.js:verified']);
    expect(head()).toBe(before);
  });

  it('asks a project without git for no git status', async () => {
    const plain = makeTempDir('plumbline-plain-');
    writeFiles(plain, { 'a.txt': 'a\n' });
    const plainCtx = testCoreContext({ dataDir, roots: [plain] });
    const cp = await plainCtx.services.project(plain).shadow.snapshot('before run');
    writeFiles(plain, { 'a.txt': 'changed\n' });
    const asked: string[] = [];
    const get = plainCtx.services.repos.get.bind(plainCtx.services.repos);
    plainCtx.services.repos.get = (r: string) => (asked.push(r), get(r));
    const v = await verifyRun(plainCtx, baseRun(plain, dataDir, cp, [claim({ kind: 'file_changed', path: 'a.txt' })], { taskId: undefined }));
    expect(v.claims[0]!.verdict).toBe('verified');
    expect(asked).toEqual([]);
  });

  it('says a checkpoint gone from the checkpoint store is not found, and passes on any other failure to read its plan', async () => {
    await expect(verifyRun(ctx, baseRun(root, dataDir, 'f'.repeat(40), []))).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringMatching(/^The checkpoint ffffffffff of run .* is missing from the checkpoint store/) });
    // A checkpoint whose plan file's content is lost (only the shadow repository held it).
    writeFiles(root, { '.plumbline/notes.md': `only in the checkpoint ${Math.random()}\n` });
    const shadow = new ShadowRepo(root, dataDir);
    const cp = await shadow.snapshot('before run');
    const oid = git(root, 'hash-object', '.plumbline/notes.md').trim();
    rmSync(join(shadow.gitdir, 'objects', oid.slice(0, 2), oid.slice(2)));
    const lost = verifyRun(ctx, baseRun(root, dataDir, cp, []));
    await expect(lost).rejects.toThrow(/content .* is missing from the checkpoint store and the repository/);
    await expect(lost).rejects.not.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('refuses claims about paths outside the project', async () => {
    const v = await verifyRun(ctx, baseRun(root, dataDir, checkpoint, [claim({ kind: 'file_changed', path: '../outside.txt' })]));
    expect(v.claims[0]!.verdict).toBe('refuted');
    expect(v.claims[0]!.reason).toMatch(/outside the project/);
  });

  it('flags a ledger whose earlier records were removed, and records Plumbline did not sign, written during the run', async () => {
    // Two genuine records before the run, then a fresh checkpoint that holds them.
    const ledger = ctx.services.project(root).ledger;
    await ledger.append({ subject: { kind: 'project', id: 'p' }, what: 'one', how: 'x', kind: 'command', result: 'passed', excerpt: '' });
    await ledger.append({ subject: { kind: 'project', id: 'p' }, what: 'two', how: 'x', kind: 'command', result: 'failed', excerpt: '' });
    const cp = await new ShadowRepo(root, dataDir).snapshot('before run');
    // "The run" (an unsandboxed command) drops the failing record and appends a forged pass.
    const file = join(root, '.plumbline/evidence.jsonl');
    const [first] = readFileSync(file, 'utf8').split('\n');
    const forged = JSON.stringify({ id: 'ev-forged', time: new Date().toISOString(), commit: null, dirty: false, subject: { kind: 'task', id: 'T-1' }, taskId: 'T-1', what: 'AC-1', how: 'x', kind: 'command', result: 'passed', excerpt: '', hasOutput: false, key: 'check:AC-1' });
    writeFileSync(file, `${first}\n${forged}\n`);
    const v = await verifyRun(ctx, baseRun(root, dataDir, cp, []));
    const tampered = v.findings.filter((f) => f.kind === 'ledger_tampered').map((f) => f.message);
    expect(tampered).toHaveLength(2);
    expect(tampered[0]).toMatch(/removed or changed/);
    expect(tampered[1]).toMatch(/ev-forged/);
    expect(v.glance).toBe('red');
    // The forged pass never counts.
    expect(currentRecords(await ledger.readAll()).some((r) => r.id === 'ev-forged')).toBe(false);
  });
});

describe('ruling and "Run now" on a stored run', () => {
  let root: string;
  let dataDir: string;
  let ctx: CoreContext;
  let checkpoint: string;

  beforeEach(async () => {
    root = makeProject();
    dataDir = makeTempDir('plumbline-data-');
    ctx = testCoreContext({ dataDir, roots: [root] });
    checkpoint = await new ShadowRepo(root, dataDir).snapshot('before run');
  });
  afterEach(() => vi.restoreAllMocks());

  it('records a ruling without snapshotting the tree, and updates the stored verification and calibration', async () => {
    const run = baseRun(root, dataDir, checkpoint, [claim({ kind: 'other', statement: 'handles leap years', confidence: 0.8 }), claim({ kind: 'file_changed', path: 'README.md' })]);
    const first = await verifyRun(ctx, run);
    // The task's served check (AC-1) fails at the checkpoint already: the run is judged by it too.
    expect(first.checks.length).toBeGreaterThan(0);
    const snapshot = vi.spyOn(ShadowRepo.prototype, 'snapshot');
    const readSnapshot = vi.spyOn(ShadowRepo.prototype, 'readSnapshot');
    const emitted: string[] = [];
    ctx.bus.subscribe((e) => {
      if (e.event === 'verify.didVerifyRun') emitted.push((e.payload as { run: { runId: string } }).run.runId);
    });

    const ruled = await ruleOnClaim(ctx, root, run.runId, 0, true, 'checked by hand');
    expect(snapshot).not.toHaveBeenCalled();
    expect(readSnapshot).not.toHaveBeenCalled();
    expect(emitted).toEqual([run.runId]);

    // The ruling is one record, with the claim's calibration fields.
    const records = currentRecords(await new EvidenceLedger(root, dataDir).readAll());
    const rulings = records.filter((r) => r.key === `claim:${run.runId}:0`);
    expect(rulings).toHaveLength(1);
    expect(rulings[0]).toMatchObject({ kind: 'ruling', result: 'verified', note: 'checked by hand', claim: { kind: 'other', statement: 'handles leap years', confidence: 0.8, model: 'model-under-test', role: 'builder' } });
    expect(calibrationByModel(records).find((g) => g.model === 'model-under-test')).toMatchObject({ n: 2 });

    // The stored verification holds the ruling; the other claim, findings and served checks stay as stored.
    const stored = await loadRun(dataDir, root, run.runId);
    expect(stored.verification).toEqual(ruled);
    expect(ruled.claims.find((c) => c.index === 0)).toMatchObject({ verdict: 'verified', evidenceId: rulings[0]!.id });
    expect(ruled.claims.find((c) => c.index === 1)).toEqual(first.claims.find((c) => c.index === 1));
    expect(ruled.counts).toEqual({ ...first.counts, verified: first.counts.verified + 1, unverifiable: first.counts.unverifiable - 1 });
    expect(ruled.findings).toEqual(first.findings);
    expect(ruled.checks).toEqual(first.checks);
    expect(ruled.problems).toBe(first.problems);
    expect(ruled.glance).toBe(first.glance);
  });

  it('runs an approved unknown command on "Run now" without snapshotting the tree', async () => {
    const command = `node -e "process.exit(0)"`;
    const run = baseRun(root, dataDir, checkpoint, [claim({ kind: 'command_passes', command })]);
    expect((await verifyRun(ctx, run)).claims[0]!.verdict).toBe('pending');
    const snapshot = vi.spyOn(ShadowRepo.prototype, 'snapshot');
    const ran = await runClaimNow(ctx, root, run.runId, 0);
    expect(snapshot).not.toHaveBeenCalled();
    expect(ran.claims[0]).toMatchObject({ verdict: 'verified' });
    const rec = currentRecords(await new EvidenceLedger(root, dataDir).readAll()).find((r) => r.key === `claim:${run.runId}:0`)!;
    expect(rec).toMatchObject({ kind: 'command', result: 'verified', how: command });
  });

  it('still judges a claim naming a plan check on "Run now" by the checkpoint and the tree: untrusted when the run changed its test files', async () => {
    // The run guts the test so the check passes: the plan check is untrusted, whoever asks to run it.
    writeFiles(root, { 'test/limiter.test.mjs': "import test from 'node:test';\ntest('limit is 2', () => {});\n" });
    const run = baseRun(root, dataDir, checkpoint, [claim({ kind: 'command_passes', command: TEST_CMD })]);
    await verifyRun(ctx, run);
    const ran = await runClaimNow(ctx, root, run.runId, 0);
    expect(ran.claims[0]!.verdict).toBe('refuted');
    expect(ran.claims[0]!.reason).toMatch(/untrusted/);
  });
});
