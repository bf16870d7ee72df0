import type { CheckSample, FindingKind, RunFinding, RunGlance, RunVerification, ServedCheck } from '../../../../shared/contract';
import type { Mark } from './verdict-marks';

/** A finding kind in words, for badges and lists. */
export function findingKindLabel(kind: FindingKind): string {
  switch (kind) {
    case 'unclaimed_change':
      return 'unclaimed change';
    case 'out_of_scope':
      return 'out of scope';
    case 'new_dependency':
      return 'new dependency';
    case 'decision_failing':
      return 'decision failing';
    case 'claimed_success_with_failed_check':
      return 'claimed success, check failed';
    case 'untrusted_check':
      return 'untrusted check';
    case 'regression':
      return 'regression';
    case 'plan_command':
      return 'command added to the plan';
    case 'masked_command':
      return 'masked failure';
    case 'write_flagged':
      return 'flagged write';
    case 'no_claims':
      return 'no claims';
    case 'ledger_tampered':
      return 'ledger tampered';
  }
}

/** The mark of a served check's verdict: shape, word and tone, so it reads without colour. */
export function servedCheckMark(verdict: ServedCheck['verdict']): Mark {
  switch (verdict) {
    case 'passed':
      return { symbol: '✔', word: 'passed', tone: 'ok' };
    case 'failing':
      return { symbol: '✘', word: 'failing (before the run too)', tone: 'warn' };
    case 'regressed':
      return { symbol: '✘', word: 'regressed', tone: 'danger' };
    case 'untrusted':
      return { symbol: '✘', word: 'untrusted — the run changed the check', tone: 'danger' };
    case 'not_run':
      return { symbol: '?', word: 'not run', tone: 'muted' };
  }
}

/** A check outcome without counts, in words. */
function outcomeWords(sample: CheckSample): string {
  switch (sample.outcome) {
    case 'passed':
      return 'passed';
    case 'failed':
      return sample.exitCode === null ? 'failed' : `failed (exit ${sample.exitCode})`;
    case 'no_tests':
      return 'no tests ran';
    case 'timeout':
      return 'timed out';
    case 'cancelled':
      return 'cancelled';
    case 'error':
      return 'could not run';
  }
}

/**
 * One sample of a check in words: the counts when the output allowed counting ("10 passed, 2 skipped"),
 * else the outcome ("failed (exit 1)"); "—" when there is none (not taken).
 */
export function formatSample(sample: CheckSample | null): string {
  if (!sample) return '—';
  const c = sample.counts;
  if (!c) return outcomeWords(sample);
  const parts = [`${c.passed} passed`];
  if (c.failed > 0) parts.push(`${c.failed} failed`);
  if (c.skipped > 0) parts.push(`${c.skipped} skipped`);
  const text = parts.join(', ');
  // Counts that all passed can still come with a failing exit (a crash after the tests): say so.
  return sample.outcome === 'passed' || c.failed > 0 ? text : `${text} — ${outcomeWords(sample)}`;
}

/** Baseline → after, e.g. "12 passed → 10 passed, 2 skipped". */
export function formatBaselineAfter(check: Pick<ServedCheck, 'baseline' | 'after'>): string {
  return `${formatSample(check.baseline)} → ${formatSample(check.after)}`;
}

/** Served checks that make a run red: regressed or untrusted. */
export function redChecks(run: Pick<RunVerification, 'checks'>): ServedCheck[] {
  return (run.checks ?? []).filter((c) => c.verdict === 'regressed' || c.verdict === 'untrusted');
}

/** Findings that make a run red (errors). */
export function errorFindings(run: Pick<RunVerification, 'findings'>): RunFinding[] {
  return run.findings.filter((f) => f.severity === 'error');
}

/**
 * The run's glance, as the core set it; never less than red when the verification itself holds a
 * refuted claim, an error finding or a red check (runs verified before `glance` existed lack it).
 */
export function glanceOf(run: RunVerification): RunGlance {
  if (run.glance === 'red' || run.counts.refuted > 0 || (run.problems ?? 0) > 0 || redChecks(run).length > 0 || errorFindings(run).length > 0) return 'red';
  return run.glance === 'green' ? 'green' : 'open';
}

const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;

/** A red check in a few words: "AC-1 untrusted — the run changed the check", "tests regressed: 12 passed → 10 passed". */
function checkProblem(c: ServedCheck): string {
  return c.verdict === 'untrusted' ? `${c.id} untrusted — the run changed the check` : `${c.id} regressed: ${formatBaselineAfter(c)}`;
}

/** What a run's glance says, in words: the mark and the reasons behind it. */
export interface GlanceSummary {
  readonly glance: RunGlance;
  readonly mark: Mark;
  /** The one-line header text, e.g. "✘ 2 problems: AC-1 untrusted — the run changed the check; 1 claim refuted". */
  readonly text: string;
  /** The reasons one by one (red: the problems; open: what waits). */
  readonly reasons: readonly string[];
}

/** The run header's summary of a verification: red with its problems, open with what waits, or verified. */
export function glanceSummary(run: RunVerification): GlanceSummary {
  const glance = glanceOf(run);
  if (glance === 'red') {
    const reasons = [
      ...redChecks(run).map(checkProblem),
      ...errorFindings(run).map((f) => `${findingKindLabel(f.kind)}: ${f.message}`),
      ...(run.counts.refuted > 0 ? [`${plural(run.counts.refuted, 'claim', 'claims')} refuted`] : []),
    ];
    const counted = redChecks(run).length + errorFindings(run).length;
    const total = run.counts.refuted + Math.max(counted, run.problems ?? 0);
    const shown = reasons.length ? reasons : ['the Calibrator marked this run red'];
    return { glance, mark: { symbol: '✘', word: 'red', tone: 'danger' }, text: `✘ ${plural(Math.max(total, 1), 'problem', 'problems')}: ${shown.join('; ')}`, reasons: shown };
  }
  if (glance === 'open') {
    const waiting = run.counts.pending;
    const unverifiable = run.counts.unverifiable;
    const failing = (run.checks ?? []).filter((c) => c.verdict === 'failing').length;
    const notRun = (run.checks ?? []).filter((c) => c.verdict === 'not_run').length;
    const warnings = run.findings.filter((f) => f.severity === 'warning').length;
    const reasons = [
      ...(waiting ? [`${plural(waiting, 'claim waits', 'claims wait')} for you`] : []),
      ...(unverifiable ? [`${plural(unverifiable, 'claim', 'claims')} unverifiable`] : []),
      ...(failing ? [`${plural(failing, 'check fails', 'checks fail')} (as before the run)`] : []),
      ...(notRun ? [`${plural(notRun, 'check', 'checks')} not run`] : []),
      ...(warnings ? [`${plural(warnings, 'warning', 'warnings')}`] : []),
    ];
    const shown = reasons.length ? reasons : ['not every claim and check is verified yet'];
    return { glance, mark: { symbol: '⚠', word: 'open', tone: 'warn' }, text: `⚠ open: ${shown.join('; ')}`, reasons: shown };
  }
  return { glance, mark: { symbol: '✔', word: 'verified', tone: 'ok' }, text: '✔ verified', reasons: [] };
}

/** Runs whose glance is red: the Runs tab badge. */
export function countRed(runs: readonly RunVerification[]): number {
  return runs.filter((r) => glanceOf(r) === 'red').length;
}

/**
 * What accepting a run should ask about once more: refuted claims, red checks and every finding
 * (all findings are open: nothing resolves them but a new run). Empty: accept without asking.
 */
export function acceptConcerns(run: RunVerification | undefined): string[] {
  if (!run) return [];
  const refuted = run.claims.filter((c) => c.verdict === 'refuted').map((c) => `refuted claim: “${c.claim.statement}” — ${c.reason}`);
  const checks = redChecks(run).map((c) => `✘ ${c.id}${c.label && c.label !== c.id ? ` (${c.label})` : ''}: ${c.verdict} — ${c.reason}`);
  const findings = run.findings.map((f) => `${f.severity === 'error' ? '✘' : '⚠'} ${findingKindLabel(f.kind)}: ${f.message}`);
  const concerns = [...checks, ...refuted.map((t) => `✘ ${t}`), ...findings];
  if (concerns.length === 0 && glanceOf(run) === 'red') return [glanceSummary(run).text];
  return concerns;
}
