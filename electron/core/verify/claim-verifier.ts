import * as fs from 'node:fs';
import git from 'isomorphic-git';
import type { CheckSample, ClaimResult, ClaimVerdict, EvidenceResult, PlannedCheck, RunFinding, RunVerification, ServedCheck } from '../../../shared/contract/verify';
import { RpcError } from '../../../shared/rpc';
import type { CoreContext } from '../core-context';
import { resolveInsideRoot, toRel } from '../app/project-registry';
import { calibrationByModel } from './calibration';
import { describeOutcome, runCheckCommand, type CheckRunResult } from './checks-runner';
import { decisionMentions, inScope, isManifest, newDependencies } from './drift';
import { currentRecords, EVIDENCE_FILE, EvidenceLedger, excerptOf, trustedRecords, type TreeState } from './evidence';
import { parseTestOutput } from './parsers/parse-output';
import { checkInputs, isTestConfig, isTestFile, scriptsChanged } from './check-inputs';
import { maskedFailure } from './masked-command';
import { checksForRequirement, planChecks, readPlanFacts, servedChecks, type PlanFacts } from './plan-facts';
import type { FileChange, WorkTreeFiles } from '../checkpoints/current-files';
import type { ShadowRepo } from '../checkpoints/shadow-repo';
import type { StatusResult } from '../git/status-engine';
import { blobText, trustedPlanOf, type TrustedPlan } from './trusted-plan';
import { loadRun, recordRootOf, saveRun, type StoredRun } from './run-store';
import { resolveTestCommand, type TestCommand } from './test-command';
import type { VerifiableRun, VerifyRunOptions } from './verifiable-run';

/** What the verifier needs of the core. */
export type VerifierContext = Pick<CoreContext, 'dataDir' | 'bus' | 'services'>;

/** Files the ledger itself writes: never a change of the run's. */
const OWN_FILES = new Set([EVIDENCE_FILE]);

export { readCheckpointTree } from './trusted-plan';

/** Blob id of a file as it is on disk now, or null when absent. */
async function diskOid(root: string, rel: string): Promise<string | null> {
  try {
    const bytes = await fs.promises.readFile(`${root}/${rel}`);
    return (await git.hashBlob({ object: new Uint8Array(bytes) })).oid;
  } catch {
    return null;
  }
}

/** Collapses whitespace so `npm  test` and `npm test` are the same command. */
export function normalizeCommand(command: string): string {
  return command.trim().replace(/\s+/g, ' ');
}

/** Everything one verification pass shares: the tree compared, the plans, and command results so far. */
interface Pass {
  readonly run: VerifiableRun;
  readonly root: string;
  /** The ledger the verdicts go to: the project's (recordRootOf), also for a run that worked in a worktree. */
  readonly ledger: EvidenceLedger;
  /** The ledger file of the tree the run worked in, checked for tampering by the run (the same as `ledger` unless in a worktree). */
  readonly workLedger: EvidenceLedger;
  readonly shadow: ShadowRepo;
  /** The plan at the run's checkpoint: the only source of commands the Calibrator runs unasked. */
  readonly trusted: TrustedPlan;
  /** The plan on disk now, as the run left it: read only to see what the run changed. */
  readonly currentFacts: PlanFacts;
  readonly currentTest: TestCommand | null;
  /** The checkpoint's files: path → blob id. */
  readonly checkpoint: ReadonlyMap<string, string>;
  /** The files now, as a checkpoint taken now would record them (looked up, never listed). */
  readonly current: WorkTreeFiles;
  readonly changes: Map<string, FileChange>;
  readonly state: TreeState;
  readonly opts: VerifyRunOptions;
  readonly commandCache: Map<string, CheckRunResult>;
  readonly approvedChecks: Set<string>;
  /** Served checks judged in this pass (filled by judgeServedChecks). */
  served: ServedCheck[];
}

async function prepare(ctx: VerifierContext, run: VerifiableRun, opts: VerifyRunOptions): Promise<Pass> {
  const root = run.projectRoot;
  const { ledger: workLedger, shadow } = ctx.services.project(root);
  const ledger = recordRootOf(run) === root ? workLedger : ctx.services.project(recordRootOf(run)).ledger;
  // The checkpoint and the plan it holds, the current tree (through the same snapshot policy as the
  // checkpoint: ignore rules, size limits) and the tree state for the records are independent reads.
  // One fresh git status serves both the current tree and the tree state: started here, the ledger's
  // status read joins it.
  // (A folder without git gets no status, and no watcher for one.)
  workLedger.invalidate();
  let status: Promise<StatusResult> | null = null;
  if (fs.existsSync(`${root}/.git`)) {
    try {
      status = ctx.services.repos.get(root).freshStatus();
    } catch {
      status = null;
    }
  }
  // The checkpoint's files come with the plan it holds (read once per checkpoint, when the run's baseline
  // was taken); the files now are compared with them in one walk, without listing them (current-files.ts).
  const [trusted, currentFacts, currentTest, current, state] = await Promise.all([
    trustedPlanOfRun(shadow, run),
    readPlanFacts(root),
    resolveTestCommand(root),
    shadow.currentTree(status, `verification of run ${run.runId}`).then(({ files }) => files),
    // The records carry the state of the tree the checks ran on (the worktree's for a parallel run).
    workLedger.state(),
  ]);
  const checkpoint = trusted.tree;
  const changes = await current.changesFrom(checkpoint, (path) => OWN_FILES.has(path));
  // Only commands of the plan at the checkpoint run unasked; what the run wrote into the plan does not.
  const approvedChecks = new Set<string>();
  for (const c of planChecks(trusted.facts, trusted.testCommand)) approvedChecks.add(normalizeCommand(c.command));
  return { run, root, ledger, workLedger, shadow, trusted, currentFacts, currentTest, checkpoint, current, changes, state, opts, commandCache: new Map(), approvedChecks, served: [] };
}

/**
 * The plan at a run's checkpoint, with the checkpoint's files (read once per checkpoint); NOT_FOUND when the
 * checkpoint is missing from the checkpoint store.
 */
async function trustedPlanOfRun(shadow: ShadowRepo, run: VerifiableRun): Promise<TrustedPlan> {
  try {
    return await trustedPlanOf(shadow, run.checkpointCommit);
  } catch (error) {
    if (await shadow.readSnapshot(run.checkpointCommit).then(() => true, () => false)) throw error;
    throw new RpcError('NOT_FOUND', `The checkpoint ${run.checkpointCommit.slice(0, 10)} of run ${run.runId} is missing from the checkpoint store, so its claims cannot be checked against the tree.`);
  }
}

/**
 * What judging a claimed command needs: the trusted plan (which checks run unasked, which plan check a
 * command names), the plan now (a check's command the run changed), and command running. No tree.
 */
type CommandPass = Pick<Pass, 'run' | 'root' | 'trusted' | 'currentFacts' | 'currentTest' | 'opts' | 'commandCache' | 'approvedChecks'>;

/**
 * A command pass for "Run now": the checkpoint's plan and the plan on disk, without the new shadow
 * snapshot of the work tree a full pass takes (a command the plan does not name needs no tree).
 */
async function commandPass(ctx: VerifierContext, run: VerifiableRun): Promise<CommandPass> {
  const root = run.projectRoot;
  const { shadow } = ctx.services.project(root);
  const [trusted, currentFacts, currentTest] = await Promise.all([trustedPlanOfRun(shadow, run), readPlanFacts(root), resolveTestCommand(root)]);
  // As in a full pass: only commands of the plan at the checkpoint run unasked.
  const approvedChecks = new Set(planChecks(trusted.facts, trusted.testCommand).map((c) => normalizeCommand(c.command)));
  return { run, root, trusted, currentFacts, currentTest, opts: {}, commandCache: new Map(), approvedChecks };
}

async function runOnce(pass: CommandPass, command: string): Promise<CheckRunResult> {
  const key = normalizeCommand(command);
  const cached = pass.commandCache.get(key);
  if (cached) return cached;
  const result = await runCheckCommand(command, { cwd: pass.root, timeoutMs: pass.opts.timeoutMs, signal: pass.opts.signal });
  pass.commandCache.set(key, result);
  return result;
}

async function mayRun(pass: CommandPass, command: string, userApproved: boolean): Promise<boolean> {
  if (userApproved) return true;
  // The project's own configured checks run without asking, as for the agent.
  if (pass.approvedChecks.has(normalizeCommand(command))) return true;
  return pass.opts.approve ? await pass.opts.approve(command, pass.root) : false;
}

interface Verdict {
  readonly verdict: ClaimVerdict;
  readonly reason: string;
  readonly how: string;
  readonly kind: 'command' | 'tree' | 'ruling';
  readonly output?: string;
  readonly exitCode?: number | null;
  readonly counts?: CheckRunResult['counts'];
  readonly durationMs?: number;
}

async function fileState(pass: Pass, rawPath: string): Promise<{ rel: string; before: string | null; after: string | null } | { error: string }> {
  let abs: string;
  try {
    abs = await resolveInsideRoot(pass.root, rawPath);
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
  const rel = toRel(pass.root, abs);
  const after = pass.current.get(rel)?.oid ?? (await diskOid(pass.root, rel));
  return { rel, before: pass.checkpoint.get(rel) ?? null, after };
}

async function verifyFileClaim(pass: Pass, kind: 'file_changed' | 'file_created' | 'file_deleted', path: string | undefined): Promise<Verdict> {
  const how = `compared with checkpoint ${pass.run.checkpointCommit.slice(0, 10)} and the current tree`;
  if (!path) return { verdict: 'unverifiable', reason: 'The claim names no file.', how, kind: 'tree' };
  const s = await fileState(pass, path);
  if ('error' in s) return { verdict: 'refuted', reason: s.error, how, kind: 'tree' };
  const { rel, before, after } = s;
  const short = (o: string | null) => (o ? o.slice(0, 10) : 'absent');
  const detail = `${rel}: checkpoint ${short(before)}, now ${short(after)}`;
  switch (kind) {
    case 'file_changed':
      if (after === null) return { verdict: 'refuted', reason: `${rel} does not exist now (${detail}).`, how, kind: 'tree' };
      if (before === after) return { verdict: 'refuted', reason: `${rel} is byte-identical to the checkpoint: the change never landed.`, how, kind: 'tree' };
      return { verdict: 'verified', reason: before === null ? `${rel} was created (${detail}).` : `${rel} differs from the checkpoint (${detail}).`, how, kind: 'tree' };
    case 'file_created':
      if (after === null) return { verdict: 'refuted', reason: `${rel} does not exist.`, how, kind: 'tree' };
      if (before !== null) return { verdict: 'refuted', reason: `${rel} already existed at the checkpoint (${detail}).`, how, kind: 'tree' };
      return { verdict: 'verified', reason: `${rel} exists now and was absent at the checkpoint.`, how, kind: 'tree' };
    case 'file_deleted':
      if (before === null) return { verdict: 'refuted', reason: `${rel} did not exist at the checkpoint.`, how, kind: 'tree' };
      if (after !== null) return { verdict: 'refuted', reason: `${rel} still exists (${detail}).`, how, kind: 'tree' };
      return { verdict: 'verified', reason: `${rel} existed at the checkpoint and is gone now.`, how, kind: 'tree' };
  }
}

function commandVerdict(command: string, r: CheckRunResult): Verdict {
  const words = describeOutcome(r.outcome, r.run.exitCode, r.counts);
  const base = { how: command, kind: 'command' as const, output: r.run.spawnError ? `${r.run.spawnError}\n${r.run.output}` : r.run.output, exitCode: r.run.exitCode, counts: r.counts, durationMs: r.run.durationMs };
  if (r.outcome === 'passed') return { ...base, verdict: 'verified', reason: `\`${command}\` ${words}.` };
  if (r.outcome === 'cancelled') return { ...base, verdict: 'pending', reason: `\`${command}\` was cancelled; run it again.` };
  if (r.outcome === 'no_tests') return { ...base, verdict: 'refuted', reason: `\`${command}\` executed no test (exit ${r.run.exitCode}): not a pass.` };
  return { ...base, verdict: 'refuted', reason: `\`${command}\` ${words}.` };
}

/** The trusted plan check a claimed command names: by ID, by its command now, or by its command at the checkpoint. */
function planCheckFor(pass: CommandPass, claimed: string): PlannedCheck | null {
  const key = normalizeCommand(claimed);
  const { facts, testCommand } = pass.trusted;
  const trustedChecks = [...(pass.run.taskId ? servedChecks(facts, testCommand, pass.run.taskId) : []), ...planChecks(facts, testCommand)];
  const byId = trustedChecks.find((c) => c.id === claimed.trim());
  if (byId) return byId;
  const byCommand = trustedChecks.find((c) => normalizeCommand(c.command) === key);
  if (byCommand) return byCommand;
  // The run changed a check's command in the plan and claims the new one passes: judge the old one.
  const now = planChecks(pass.currentFacts, pass.currentTest).find((c) => normalizeCommand(c.command) === key);
  return now ? (trustedChecks.find((c) => c.id === now.id) ?? null) : null;
}

/** Judges a claim by a plan check: untrusted when the run changed what it runs, else by its result now. */
async function judgeByPlanCheck(pass: Pass, check: PlannedCheck, claimed: string): Promise<Verdict> {
  const served = pass.served.find((s) => s.id === check.id);
  const tampered = served ? (served.verdict === 'untrusted' ? served.reason : null) : tamperReasons(pass, check).join(' ') || null;
  const r = await runOnce(pass, check.command);
  const v = commandVerdict(check.command, r);
  const named = normalizeCommand(claimed) === normalizeCommand(check.command) ? check.id : `${check.id} (claimed as \`${claimed}\`)`;
  if (tampered) return { ...v, verdict: 'refuted', reason: `${named} is untrusted — the run changed the check: ${tampered}` };
  if (served?.verdict === 'regressed') return { ...v, verdict: 'refuted', reason: `${named}: ${served.reason}` };
  return { ...v, reason: `${named} (command from the plan before the run): ${v.reason}` };
}

/** How the plan entry of a check changed between the checkpoint and now (empty: unchanged). */
function planEntryChanges(pass: Pass, check: PlannedCheck): string[] {
  const cur = pass.currentFacts;
  if (check.id === 'tests') {
    const now = pass.currentTest?.command ?? null;
    return now !== null && normalizeCommand(now) === normalizeCommand(check.command) ? [] : [`the run changed the test command (\`${check.command}\` → ${now ? `\`${now}\`` : 'none'}).`];
  }
  if (/^ADR-/.test(check.id)) {
    const d = cur.decisions.find((x) => x.id === check.id);
    if (!d) return [`the run deleted ${check.id} from the plan.`];
    if (d.status !== 'accepted') return [`the run changed ${check.id}'s status to "${d.status}".`];
    return d.confirmation && normalizeCommand(d.confirmation) === normalizeCommand(check.command) ? [] : [`the run changed ${check.id}'s confirmation command.`];
  }
  const slash = check.id.indexOf('/check-');
  if (slash > 0) {
    const taskId = check.id.slice(0, slash);
    const still = planChecks(cur, pass.currentTest, taskId).some((c) => normalizeCommand(c.command) === normalizeCommand(check.command));
    return still ? [] : [`the run changed ${taskId}'s checks in the plan.`];
  }
  const ac = cur.acceptance.find((a) => a.id === check.id);
  if (!ac) return [`the run deleted ${check.id} from the plan.`];
  if (!ac.command) return [`the run removed ${check.id}'s command from the plan.`];
  return normalizeCommand(ac.command) === normalizeCommand(check.command) ? [] : [`the run changed ${check.id}'s command in the plan (\`${check.command}\` → \`${ac.command}\`).`];
}

/** What the run changed of the files a check executes: its named files, package.json scripts, test files and config. */
function inputChanges(pass: Pass, check: PlannedCheck): string[] {
  const inputs = checkInputs(check.command, pass.checkpoint, pass.trusted.packageJson);
  const out: string[] = [];
  const touched = (p: string) => {
    const c = pass.changes.get(p);
    return c && c.before !== null ? c : null;
  };
  for (const f of inputs.files) {
    const c = touched(f);
    if (c) out.push(`the run ${c.after === null ? 'deleted' : 'changed'} ${f}, which the check runs.`);
  }
  if (inputs.packageScripts && pass.changes.has('package.json')) {
    const after = pass.current.get('package.json') ? readTextSync(pass.root, 'package.json') : null;
    if (scriptsChanged(pass.trusted.packageJson, after)) out.push('the run changed the scripts in package.json.');
  }
  if (inputs.testSuite) {
    const namesTests = inputs.files.some(isTestFile);
    for (const [path, c] of pass.changes) {
      if (isTestConfig(path)) out.push(`the run ${c.before === null ? 'added' : c.after === null ? 'deleted' : 'changed'} the test configuration ${path}.`);
      else if (!namesTests && isTestFile(path) && c.before !== null && c.after !== null && !isEmptyBlob(pass, c.after)) out.push(`the run changed the existing test file ${path}.`);
    }
  }
  return out;
}

/** Why a check's result proves nothing about the run (empty: it can be trusted). */
function tamperReasons(pass: Pass, check: PlannedCheck): string[] {
  return [...planEntryChanges(pass, check), ...inputChanges(pass, check)];
}

function readTextSync(root: string, rel: string): string | null {
  try {
    return fs.readFileSync(`${root}/${rel}`, 'utf8');
  } catch {
    return null;
  }
}

/** git's id of the empty blob, and a file of whitespace only counts as emptied too. */
const EMPTY_BLOB = 'e69de29bb2d1d6434b8b29ae775ad8c2e48c5391';
function isEmptyBlob(pass: Pass, oid: string): boolean {
  if (oid === EMPTY_BLOB) return true;
  const c = [...pass.changes.entries()].find(([, ch]) => ch.after === oid);
  if (!c) return false;
  const text = readTextSync(pass.root, c[0]);
  return text !== null && text.trim() === '';
}

/** Test files of the checkpoint the run deleted or emptied. */
function removedTests(pass: Pass): string[] {
  const out: string[] = [];
  for (const [path, c] of pass.changes) {
    if (!isTestFile(path) || c.before === null) continue;
    if (c.after === null) out.push(`${path} deleted`);
    else if (isEmptyBlob(pass, c.after)) out.push(`${path} emptied`);
  }
  return out;
}

const ranCount = (s: CheckSample | null | undefined): number | null => (s?.counts ? s.counts.total - s.counts.skipped : null);

/** Compares one served check after the run with its baseline. */
function servedVerdict(check: PlannedCheck, baseline: CheckSample | null, after: CheckSample, tampered: readonly string[], removed: readonly string[]): Pick<ServedCheck, 'verdict' | 'reason'> {
  const now = describeOutcome(after.outcome, after.exitCode, after.counts);
  const before = baseline ? describeOutcome(baseline.outcome, baseline.exitCode, baseline.counts) : null;
  if (tampered.length > 0) return { verdict: 'untrusted', reason: `Untrusted — ${tampered.join(' ')} It ${now} now.` };
  if (after.outcome === 'cancelled') return { verdict: 'not_run', reason: 'Cancelled; verify again.' };
  const was = before ? ` (before the run it ${before})` : '';
  if (check.id === 'tests' && removed.length > 0) return { verdict: 'regressed', reason: `Test files were removed or gutted: ${removed.join(', ')}. It ${now}${was}.` };
  if (after.outcome !== 'passed') {
    if (baseline?.outcome === 'passed' || (baseline?.outcome === 'failed' && (after.outcome === 'no_tests' || after.outcome === 'error'))) return { verdict: 'regressed', reason: `It ${now}; before the run it ${before}.` };
    return { verdict: 'failing', reason: `It ${now}${baseline ? `, and failed before the run too (${before})` : ''}.` };
  }
  const [b, a] = [ranCount(baseline), ranCount(after)];
  if (b !== null && a !== null && a < b) return { verdict: 'regressed', reason: `Fewer tests ran: ${a} now, ${b} before the run.` };
  if (baseline?.counts && after.counts && after.counts.skipped > baseline.counts.skipped) return { verdict: 'regressed', reason: `More tests skipped: ${after.counts.skipped} now, ${baseline.counts.skipped} before the run.` };
  return { verdict: 'passed', reason: `It ${now}${was}.` };
}

/**
 * Re-runs the run's served checks (the task's checks, the acceptance checks it serves, the test
 * command — from the plan at the checkpoint) and compares each with the baseline taken at the
 * run's start. Evidence is appended for each; a check the run tampered with never counts as a pass.
 */
async function judgeServedChecks(pass: Pass): Promise<ServedCheck[]> {
  const taskId = pass.run.taskId;
  if (!taskId) return [];
  const checks = servedChecks(pass.trusted.facts, pass.trusted.testCommand, taskId);
  const removed = removedTests(pass);
  const out: ServedCheck[] = [];
  for (const check of checks) {
    const tampered = tamperReasons(pass, check);
    const r = await runOnce(pass, check.command);
    const after: CheckSample = { outcome: r.outcome, exitCode: r.run.exitCode, counts: r.counts };
    const base = pass.run.baseline?.checks.find((b) => b.id === check.id && normalizeCommand(b.command) === normalizeCommand(check.command))?.sample ?? null;
    const { verdict, reason } = servedVerdict(check, base, after, tampered, removed);
    const counts = verdict === 'passed' || verdict === 'failing';
    const record = await pass.ledger.append(
      {
        subject: { kind: 'run', id: pass.run.runId },
        taskId,
        requirementIds: check.requirementIds,
        runId: pass.run.runId,
        what: `${check.label} after run ${pass.run.runId}`,
        how: check.command,
        kind: 'command',
        // Untrusted: whatever it printed proves nothing (flagged); regressed: worse than at the start (failed).
        result: verdict === 'untrusted' ? 'flagged' : verdict === 'regressed' ? 'failed' : r.outcome,
        exitCode: r.run.exitCode,
        counts: r.counts,
        durationMs: r.run.durationMs,
        excerpt: excerptOf(r.run.output),
        output: r.run.output,
        // A trusted result is evidence for the check itself; an untrusted or regressed one stays the run's.
        key: counts ? `check:${check.id}` : `runcheck:${pass.run.runId}:${check.id}`,
        note: reason,
      },
      pass.state,
    );
    out.push({ id: check.id, label: check.label, command: check.command, verdict, reason, baseline: base, after, evidenceId: record.id });
  }
  return out;
}

/** Plan checks other than the served ones that the run changed: listed, never run as changed. */
function otherCheckFindings(pass: Pass): RunFinding[] {
  const served = new Set(pass.served.map((c) => c.id));
  const out: RunFinding[] = [];
  for (const check of planChecks(pass.trusted.facts, pass.trusted.testCommand)) {
    if (served.has(check.id)) continue;
    const changed = planEntryChanges(pass, check);
    if (changed.length > 0) out.push({ kind: 'untrusted_check', severity: 'error', message: `${check.id} is untrusted — ${changed.join(' ')}` });
  }
  return out;
}

/** Commands the run introduced or changed in the plan: listed, and never run without approval. */
function planCommandFindings(pass: Pass): RunFinding[] {
  const out: RunFinding[] = [];
  for (const c of planChecks(pass.currentFacts, pass.currentTest)) {
    if (pass.approvedChecks.has(normalizeCommand(c.command))) continue;
    out.push({ kind: 'plan_command', severity: 'error', command: c.command, message: `The run put the command \`${c.command}\` into the plan (${c.id}). It was not run: a command from a run needs your approval — review it in the diff, then accept the run or run it yourself.` });
  }
  return out;
}

/**
 * The ledger is append-only and written by the Calibrator alone: what it held at the checkpoint must
 * still be its beginning, and no record Plumbline did not sign may have appeared since.
 */
async function ledgerFindings(pass: Pass): Promise<RunFinding[]> {
  const before = (await blobText((oid) => pass.shadow.readBlob(oid), pass.checkpoint.get(EVIDENCE_FILE))) ?? '';
  const now = readTextSync(pass.root, EVIDENCE_FILE) ?? '';
  const out: RunFinding[] = [];
  if (before && !now.startsWith(before)) out.push({ kind: 'ledger_tampered', severity: 'error', path: EVIDENCE_FILE, message: 'Records the evidence ledger held before the run were removed or changed. The Calibrator\'s own copies of its verdicts still count; restore the ledger from git if you need the lines back.' });
  const { forged } = await pass.workLedger.integrity();
  const planted = forged.filter((id) => !before.includes(`"${id}"`));
  if (planted.length > 0) out.push({ kind: 'ledger_tampered', severity: 'error', path: EVIDENCE_FILE, message: `${planted.length} record(s) not written by Plumbline appeared in the evidence ledger during the run (${planted.slice(0, 3).join(', ')}${planted.length > 3 ? ', …' : ''}); they never count.` });
  return out;
}

/** Findings of what the run did beyond its claims' verdicts: flagged writes, no claims, removed tests. */
function conductFindings(pass: Pass): RunFinding[] {
  const out: RunFinding[] = [];
  if (pass.run.reported === false) out.push({ kind: 'no_claims', severity: 'error', message: 'The run ended without report_outcome: it made no claims. Its task\'s checks were run all the same; read the diff before accepting.' });
  for (const t of removedTests(pass)) out.push({ kind: 'regression', severity: 'error', path: t.replace(/ (deleted|emptied)$/, ''), message: `Test file ${t} by the run: fewer tests can only hide failures.` });
  const seen = new Set<string>();
  for (const j of pass.run.journal) {
    for (const flag of j.flags ?? []) {
      if (flag === 'rewrite' || seen.has(`${j.path}:${flag}`)) continue;
      seen.add(`${j.path}:${flag}`);
      out.push({ kind: 'write_flagged', severity: 'warning', path: j.path, message: `The write to ${j.path} was flagged: ${flag}.` });
    }
  }
  return out;
}

/** Judges a claimed command no plan check names: refuted when it masks failure, pending until approved, else by running it. */
async function judgeOwnCommand(pass: CommandPass, command: string, userApproved: boolean): Promise<Verdict> {
  const masked = maskedFailure(command);
  if (masked) return { verdict: 'refuted', reason: `\`${command}\` cannot show a failure: ${masked}. Run the command without it.`, how: command, kind: 'command' };
  if (!(await mayRun(pass, command, userApproved))) {
    return { verdict: 'pending', reason: `\`${command}\` is not an approved check; choose "Run now" to run it.`, how: command, kind: 'command' };
  }
  return commandVerdict(command, await runOnce(pass, command));
}

async function verifyClaim(pass: Pass, index: number, userApproved: boolean): Promise<Verdict> {
  const claim = pass.run.claims[index]!;
  switch (claim.kind) {
    case 'file_changed':
    case 'file_created':
    case 'file_deleted':
      return verifyFileClaim(pass, claim.kind, claim.path);
    case 'command_passes': {
      if (!claim.command?.trim()) return { verdict: 'unverifiable', reason: 'The claim names no command.', how: '', kind: 'command' };
      // A claim naming a plan check (by ID or by a command the plan has or had) is judged by the
      // plan's command as it stood at the checkpoint, whatever the run wrote there since.
      const planned = planCheckFor(pass, claim.command);
      if (planned) return judgeByPlanCheck(pass, planned, claim.command);
      return judgeOwnCommand(pass, claim.command, userApproved);
    }
    case 'requirement_met': {
      const id = claim.requirement?.trim() ?? '';
      const checks = id ? checksForRequirement(pass.trusted.facts, id) : [];
      if (checks.length === 0) return { verdict: 'unverifiable', reason: id ? `No acceptance check with a command is linked to ${id} in the plan as it stood before the run.` : 'The claim names no requirement.', how: 'linked acceptance checks', kind: 'command' };
      const parts: string[] = [];
      let verdict: ClaimVerdict = 'verified';
      let last: Verdict | null = null;
      for (const ac of checks) {
        const v = await judgeByPlanCheck(pass, { id: ac.id, kind: 'acceptance', label: `${ac.id}: ${ac.text}`, command: ac.command!, requirementIds: [ac.id], taskIds: [] }, ac.command!);
        parts.push(`${ac.id}: ${v.reason}`);
        if (v.verdict === 'refuted') verdict = 'refuted';
        else if (v.verdict === 'pending' && verdict === 'verified') verdict = 'pending';
        last = v;
      }
      return { verdict, reason: parts.join(' '), how: checks.map((c) => c.command).join(' && '), kind: 'command', output: last?.output, exitCode: last?.exitCode, counts: last?.counts };
    }
    case 'other':
      return { verdict: 'unverifiable', reason: 'Not checkable by a machine: waits for your ruling.', how: 'user ruling', kind: 'ruling' };
  }
}

async function dependencyFindings(pass: Pass): Promise<RunFinding[]> {
  const accepted = pass.trusted.facts.decisions.filter((d) => d.status === 'accepted').map((d) => d.text);
  const out: RunFinding[] = [];
  for (const [path, change] of pass.changes) {
    if (!isManifest(path)) continue;
    const before = await blobText((oid) => pass.shadow.readBlob(oid), change.before);
    const after = change.after ? await fs.promises.readFile(`${pass.root}/${path}`, 'utf8').catch(() => null) : null;
    for (const dep of newDependencies(path, before, after)) {
      if (decisionMentions(accepted, dep.name)) continue;
      out.push({ kind: 'new_dependency', severity: 'error', path, message: `New dependency "${dep.name}" in ${path} with no accepted decision recording it. Record a decision or remove it.` });
    }
  }
  return out;
}

function failedOwnChecks(pass: Pass): RunFinding[] {
  const claimsSuccess = pass.run.claims.some((c) => c.kind === 'command_passes' || c.kind === 'requirement_met');
  if (!claimsSuccess) return [];
  const known = new Set(pass.approvedChecks);
  for (const c of pass.run.claims) if (c.command) known.add(normalizeCommand(c.command));
  const lastRun = new Map<string, VerifiableRun['commands'][number]>();
  for (const c of pass.run.commands) lastRun.set(normalizeCommand(c.command), c);
  const out: RunFinding[] = [];
  for (const [key, c] of lastRun) {
    if (!known.has(key)) continue;
    const counts = parseTestOutput(c.outputExcerpt)?.counts;
    const failed = (c.exitCode !== null && c.exitCode !== 0) || (counts !== undefined && counts.failed > 0);
    if (failed) out.push({ kind: 'claimed_success_with_failed_check', severity: 'error', message: `The run claims success, but its own last run of \`${c.command}\` failed (exit ${c.exitCode ?? 'none'}).` });
  }
  return out;
}

async function decisionFindings(pass: Pass): Promise<RunFinding[]> {
  const out: RunFinding[] = [];
  for (const d of pass.trusted.facts.decisions) {
    if (d.status !== 'accepted' || !d.confirmation) continue;
    const r = await runOnce(pass, d.confirmation);
    if (r.outcome !== 'passed') out.push({ kind: 'decision_failing', severity: 'error', message: `${d.id} "${d.title}": its confirmation \`${d.confirmation}\` ${describeOutcome(r.outcome, r.run.exitCode, r.counts)}.` });
  }
  return out;
}

function changeFindings(pass: Pass): RunFinding[] {
  const claimed = new Set<string>();
  for (const c of pass.run.claims) if (c.path) claimed.add(c.path.replace(/^\.\//, '').replace(/\\/g, '/').replace(`${pass.root}/`, ''));
  const task = pass.run.taskId ? pass.trusted.facts.tasks.find((t) => t.id === pass.run.taskId) : undefined;
  const scope = pass.run.scope && pass.run.scope.length > 0 ? pass.run.scope : (task?.scope ?? []);
  const journal = new Set(pass.run.journal.map((j) => j.path));
  const out: RunFinding[] = [];
  for (const [path, change] of pass.changes) {
    const what = change.before === null ? 'created' : change.after === null ? 'deleted' : 'changed';
    if (!claimed.has(path)) {
      const who = journal.has(path) ? 'The run' : 'Something (not in the run\'s journal)';
      out.push({ kind: 'unclaimed_change', severity: 'warning', path, message: `${who} ${what} ${path} without claiming it.` });
    }
    if (!inScope(path, scope)) out.push({ kind: 'out_of_scope', severity: 'error', path, message: `${path} was ${what} outside the task's scope (${scope.join(', ')}): drift.` });
  }
  return out;
}

const verdictRank: Record<ClaimVerdict, number> = { refuted: 0, pending: 1, unverifiable: 2, verified: 3 };

function summarize(run: VerifiableRun, claims: ClaimResult[], findings: RunFinding[], commit: string | null, overconfident: boolean, checks: readonly ServedCheck[] = []): RunVerification {
  const sorted = [...claims].sort((a, b) => verdictRank[a.verdict] - verdictRank[b.verdict] || a.index - b.index);
  const count = (v: ClaimVerdict) => claims.filter((c) => c.verdict === v).length;
  const problems = findings.filter((f) => f.severity === 'error').length + checks.filter((c) => c.verdict === 'regressed' || c.verdict === 'untrusted').length;
  const open = count('pending') + count('unverifiable') > 0 || findings.length > 0 || checks.some((c) => c.verdict !== 'passed');
  return {
    checks: [...checks],
    problems,
    glance: count('refuted') > 0 || problems > 0 ? 'red' : open ? 'open' : 'green',
    runId: run.runId,
    taskId: run.taskId,
    model: run.model,
    role: run.role,
    summary: run.summary,
    verifiedAt: new Date().toISOString(),
    commit,
    claims: sorted,
    findings: [...findings].sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1)),
    counts: { verified: count('verified'), refuted: count('refuted'), unverifiable: count('unverifiable'), pending: count('pending') },
    overconfident,
  };
}

/** Where a claim's verdict is recorded: the run, its project's ledger, and the tree state the verdict was taken on. */
type RecordTarget = Pick<Pass, 'run' | 'ledger' | 'state'>;

async function recordClaim(pass: RecordTarget, index: number, v: Verdict, note?: string): Promise<ClaimResult> {
  const claim = pass.run.claims[index]!;
  const requirementIds = claim.requirement ? [claim.requirement] : undefined;
  const record = await pass.ledger.append(
    {
      subject: { kind: 'claim', id: `${pass.run.runId}#${index}` },
      taskId: pass.run.taskId,
      requirementIds,
      runId: pass.run.runId,
      what: `Claim: ${claim.statement}`,
      how: v.how,
      kind: v.kind,
      result: v.verdict as EvidenceResult,
      exitCode: v.exitCode,
      counts: v.counts ?? null,
      durationMs: v.durationMs,
      excerpt: excerptOf(v.output ?? v.reason),
      output: v.output,
      claim: { kind: claim.kind, statement: claim.statement, confidence: claim.confidence, model: pass.run.model, role: pass.run.role },
      key: `claim:${pass.run.runId}:${index}`,
      note: note ?? v.reason,
    },
    pass.state,
  );
  return { index, claim, verdict: v.verdict, reason: v.reason, evidenceId: record.id };
}

async function isOverconfident(ledger: EvidenceLedger, model: string, role: string): Promise<boolean> {
  const groups = calibrationByModel(currentRecords(trustedRecords(await ledger.readAll())));
  return groups.find((g) => g.model === model && g.role === role)?.overconfident ?? false;
}

/**
 * Checks every claim of a finished run against reality — the checkpoint, the current tree and fresh
 * command runs, never the transcript — and looks for what the run did not say (unclaimed or
 * out-of-scope changes, undeclared dependencies, failing decision confirmations, own checks that
 * failed). Appends evidence for each verdict and finding, stores the result, and emits it.
 */
export async function verifyRun(ctx: VerifierContext, run: VerifiableRun, opts: VerifyRunOptions = {}): Promise<RunVerification> {
  // Calibration reads the ledger as it stood before this pass appends to it: while the tree is read.
  const calibrated = isOverconfident(ctx.services.project(recordRootOf(run)).ledger, run.model, run.role);
  void calibrated.catch(() => undefined);
  const pass = await prepare(ctx, run, opts);
  const overconfident = await calibrated;
  pass.served = await judgeServedChecks(pass);
  const claims: ClaimResult[] = [];
  for (let i = 0; i < run.claims.length; i++) claims.push(await recordClaim(pass, i, await verifyClaim(pass, i, false)));
  const findings = [...conductFindings(pass), ...(await ledgerFindings(pass)), ...planCommandFindings(pass), ...otherCheckFindings(pass), ...changeFindings(pass), ...(await dependencyFindings(pass)), ...failedOwnChecks(pass), ...(await decisionFindings(pass))];
  const recorded: RunFinding[] = [];
  for (const [i, f] of findings.entries()) {
    const record = await pass.ledger.append(
      {
        subject: { kind: 'run', id: run.runId },
        taskId: run.taskId,
        runId: run.runId,
        what: `Finding: ${f.kind.replace(/_/g, ' ')}`,
        how: f.path ? `compared ${f.path} with the checkpoint` : 'run record and checks',
        kind: 'finding',
        result: f.severity === 'error' ? 'failed' : 'flagged',
        excerpt: f.message,
        key: `finding:${run.runId}:${i}`,
      },
      pass.state,
    );
    recorded.push({ ...f, evidenceId: record.id });
  }
  const verification = summarize(run, claims, recorded, pass.state.commit, overconfident, pass.served);
  await finish(ctx, { run, verification });
  return verification;
}

async function finish(ctx: VerifierContext, stored: StoredRun): Promise<void> {
  await saveRun(ctx.dataDir, stored);
  // One event per verification: it carries the run; the evidence it appended comes with the refresh it causes.
  ctx.bus.emit('verify.didVerifyRun', { root: recordRootOf(stored.run), run: stored.verification });
}

/** A stored run and one claim of it, or NOT_FOUND. */
async function storedClaim(ctx: VerifierContext, root: string, runId: string, index: number): Promise<StoredRun> {
  const stored = await loadRun(ctx.dataDir, root, runId);
  if (index >= stored.run.claims.length) throw new RpcError('NOT_FOUND', `Run ${runId} has no claim ${index + 1}.`);
  return stored;
}

/**
 * Records a new verdict on one claim of a stored run and stores the re-summarised verification: the
 * other claims, the findings and the served checks stay as stored (a ruling or one command re-runs
 * nothing else), so the glance and problem count change only by this claim.
 */
async function updateClaim(ctx: VerifierContext, stored: StoredRun, index: number, target: RecordTarget, verdict: Verdict, note?: string): Promise<RunVerification> {
  const result = await recordClaim(target, index, verdict, note);
  const claims = stored.verification.claims.map((c) => (c.index === index ? result : c));
  const verification = summarize(stored.run, claims, [...stored.verification.findings], target.state.commit, stored.verification.overconfident, stored.verification.checks ?? []);
  await finish(ctx, { run: stored.run, verification });
  return verification;
}

/**
 * "Run now": the user approved running a claimed command; re-verifies that claim. A command no plan
 * check names needs only the trusted plan and the command run; a claim judged by a plan check (which
 * the run may have tampered with) or by the tree gets a full pass.
 */
export async function runClaimNow(ctx: VerifierContext, root: string, runId: string, index: number): Promise<RunVerification> {
  const stored = await storedClaim(ctx, root, runId, index);
  const { run } = stored;
  const claim = run.claims[index]!;
  const command = claim.kind === 'command_passes' ? claim.command : undefined;
  if (command?.trim()) {
    const { ledger } = ctx.services.project(root);
    // As in a full pass, the record carries the tree state from before the command ran.
    ledger.invalidate();
    const [light, state] = await Promise.all([commandPass(ctx, run), ledger.state()]);
    if (!planCheckFor(light, command)) return updateClaim(ctx, stored, index, { run, ledger, state }, await judgeOwnCommand(light, command, true));
  }
  const pass = await prepare(ctx, run, {});
  return updateClaim(ctx, stored, index, pass, await verifyClaim(pass, index, true));
}

/**
 * The user's ruling on a claim: holds (verified) or not (refuted), with a note. A ruling is evidence:
 * one record (with the claim's calibration fields) on the ledger's current tree state, and the stored
 * verification updated. Nothing is re-read of the checkpoint or snapshotted of the tree.
 */
export async function ruleOnClaim(ctx: VerifierContext, root: string, runId: string, index: number, holds: boolean, note: string): Promise<RunVerification> {
  const stored = await storedClaim(ctx, root, runId, index);
  const { ledger } = ctx.services.project(root);
  const verdict: Verdict = { verdict: holds ? 'verified' : 'refuted', reason: `Ruled ${holds ? 'true' : 'false'} by the user${note ? `: ${note}` : '.'}`, how: 'user ruling', kind: 'ruling' };
  return updateClaim(ctx, stored, index, { run: stored.run, ledger, state: await ledger.state() }, verdict, note || undefined);
}
