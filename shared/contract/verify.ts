import { z } from 'zod';
import { claimKind } from './agent';
import { method, ok, projectRoot } from './define';

/** What an agent claims in `report_outcome` (the kinds are the agent contract's). */
export type ClaimKind = z.infer<typeof claimKind>;

/** One claim of a run's `report_outcome`, with the model's stated confidence (0..1). */
export const claim = z.object({
  kind: claimKind,
  path: z.string().max(4096).optional(),
  command: z.string().max(4096).optional(),
  requirement: z.string().max(100).optional(),
  statement: z.string().max(4000),
  confidence: z.number().min(0).max(1),
});
export type Claim = z.infer<typeof claim>;

/** A claim's verdict; 'pending' waits for the user (a command not approved yet, or an `other` claim to rule on). */
export const claimVerdict = z.enum(['verified', 'refuted', 'unverifiable', 'pending']);
export type ClaimVerdict = z.infer<typeof claimVerdict>;

/** Parsed test counts; null where the output did not allow counting. */
export const testCounts = z.object({ passed: z.number(), failed: z.number(), skipped: z.number(), total: z.number() });
export type TestCounts = z.infer<typeof testCounts>;

/** The outcome of one check command. */
export const checkOutcome = z.enum(['passed', 'failed', 'no_tests', 'timeout', 'cancelled', 'error']);
export type CheckOutcome = z.infer<typeof checkOutcome>;

/** Every result an evidence record can carry. */
export const evidenceResult = z.enum([
  'passed', 'failed', 'no_tests', 'timeout', 'cancelled', 'error',
  'verified', 'refuted', 'unverifiable', 'pending', 'flagged',
]);
export type EvidenceResult = z.infer<typeof evidenceResult>;

/** What an evidence record is about. */
export const evidenceSubject = z.object({
  kind: z.enum(['task', 'requirement', 'run', 'claim', 'decision', 'project']),
  id: z.string(),
});
export type EvidenceSubject = z.infer<typeof evidenceSubject>;

/** One line of `.plumbline/evidence.jsonl`. Never rewritten; a later record with the same key supersedes. */
export const evidenceRecord = z.object({
  id: z.string(),
  time: z.string(),
  /** HEAD commit when checked (null: not a repository or unborn). */
  commit: z.string().nullable(),
  /** Whether the working tree had uncommitted changes at that moment. */
  dirty: z.boolean(),
  subject: evidenceSubject,
  /** Other items it bears on, so it shows per task and per requirement. */
  taskId: z.string().optional(),
  requirementIds: z.array(z.string()).optional(),
  runId: z.string().optional(),
  /** What was checked (human words) and how (the command, or the comparison made). */
  what: z.string(),
  how: z.string(),
  kind: z.enum(['command', 'tree', 'ruling', 'finding', 'review']),
  result: evidenceResult,
  exitCode: z.number().nullable().optional(),
  counts: testCounts.nullable().optional(),
  durationMs: z.number().optional(),
  excerpt: z.string(),
  /** A full output file exists in the app data folder. */
  hasOutput: z.boolean(),
  /** Hash chain: SHA-256 of the previous line of the ledger as written ('' for the first record). */
  prev: z.string().optional(),
  /** HMAC-SHA256 of the record (without `mac`) under this install's ledger key. */
  mac: z.string().optional(),
  /**
   * Set when reading, never stored: why the record is not trusted ("not written by Plumbline on this
   * machine", "a record before it was removed"). Untrusted records are shown but never count.
   */
  untrusted: z.string().optional(),
  /** For claim records: what calibration needs. */
  claim: z
    .object({ kind: claimKind, statement: z.string(), confidence: z.number(), model: z.string(), role: z.string() })
    .optional(),
  /** Supersedes earlier records with the same key (e.g. `claim:<run>:<index>` or `check:AC-1`). */
  key: z.string().optional(),
  note: z.string().optional(),
});
export type EvidenceRecord = z.infer<typeof evidenceRecord>;

/** A verdict for one claim, with the evidence behind it. */
export const claimResult = z.object({
  index: z.number(),
  claim,
  verdict: claimVerdict,
  /** Why, in plain words (e.g. "src/a.ts is byte-identical to the checkpoint"). */
  reason: z.string(),
  evidenceId: z.string().optional(),
});
export type ClaimResult = z.infer<typeof claimResult>;

/**
 * Kinds of finding beyond the claims. `untrusted_check`: the run changed what a check executes (its
 * plan entry, the script it names, test files or config, package.json scripts); `regression`: a served
 * check or the test command got worse than the baseline taken at the run's start; `plan_command`: the
 * run introduced or changed a command in the plan (never run without approval); `masked_command`: a
 * claimed command hides failure; `write_flagged`: the file writer flagged a write (emptied, shrunk,
 * placeholder); `no_claims`: the run ended without report_outcome; `ledger_tampered`: the evidence
 * ledger holds records Plumbline did not write or lost some.
 */
export const findingKind = z.enum([
  'unclaimed_change', 'out_of_scope', 'new_dependency', 'decision_failing', 'claimed_success_with_failed_check',
  'untrusted_check', 'regression', 'plan_command', 'masked_command', 'write_flagged', 'no_claims', 'ledger_tampered',
]);
export type FindingKind = z.infer<typeof findingKind>;

/** A finding beyond the claims. */
export const runFinding = z.object({
  kind: findingKind,
  severity: z.enum(['warning', 'error']),
  message: z.string(),
  path: z.string().optional(),
  /** For `plan_command`: the command the run put in the plan (never run without approval). */
  command: z.string().optional(),
  evidenceId: z.string().optional(),
});
export type RunFinding = z.infer<typeof runFinding>;

/** One outcome of a check command: at the run's start (baseline) or after it. */
export const checkSample = z.object({
  outcome: checkOutcome,
  exitCode: z.number().nullable(),
  counts: testCounts.nullable(),
});
export type CheckSample = z.infer<typeof checkSample>;

/**
 * A check the run is judged by whatever it claimed: the task's checks, the acceptance checks it serves
 * and the test command, defined by the plan as it stood at the run's start.
 * `passed`: passes now (and did not get worse); `failing`: fails now and failed before too; `regressed`:
 * passed (or ran more tests) at the start and is worse now; `untrusted`: the run changed what the check
 * executes, so its result proves nothing; `not_run`: cancelled, or could not run.
 */
export const servedCheck = z.object({
  id: z.string(),
  label: z.string(),
  command: z.string(),
  verdict: z.enum(['passed', 'failing', 'regressed', 'untrusted', 'not_run']),
  reason: z.string(),
  baseline: checkSample.nullable(),
  after: checkSample.nullable(),
  evidenceId: z.string().optional(),
});
export type ServedCheck = z.infer<typeof servedCheck>;

/** The run at a glance: red (a refuted claim, an error finding, a regressed or untrusted check), open (waits for the user), green. */
export const runGlance = z.enum(['red', 'open', 'green']);
export type RunGlance = z.infer<typeof runGlance>;

/** The Calibrator's verdict on a run: claims (refuted first), findings, and who made the claims. */
export const runVerification = z.object({
  runId: z.string(),
  taskId: z.string().optional(),
  model: z.string(),
  role: z.string(),
  summary: z.string(),
  verifiedAt: z.string(),
  commit: z.string().nullable(),
  claims: z.array(claimResult),
  findings: z.array(runFinding),
  counts: z.object({ verified: z.number(), refuted: z.number(), unverifiable: z.number(), pending: z.number() }),
  /** The model's confidence runs high (calibration): its verdicts deserve a closer look. */
  overconfident: z.boolean(),
  /** Served checks re-run from trusted definitions and compared with the baseline (absent in runs verified before they existed). */
  checks: z.array(servedCheck).default([]),
  /** Error findings plus regressed and untrusted checks: what makes the run red besides refuted claims. */
  problems: z.number().default(0),
  glance: runGlance.default('open'),
});
export type RunVerification = z.infer<typeof runVerification>;

/** A check that `verify.run` will execute. */
export const plannedCheck = z.object({
  id: z.string(),
  kind: z.enum(['acceptance', 'decision', 'tests']),
  label: z.string(),
  command: z.string(),
  requirementIds: z.array(z.string()),
  taskIds: z.array(z.string()),
});
export type PlannedCheck = z.infer<typeof plannedCheck>;

/** Result of one check run. */
export const checkResult = z.object({
  check: plannedCheck,
  outcome: checkOutcome,
  exitCode: z.number().nullable(),
  counts: testCounts.nullable(),
  durationMs: z.number(),
  evidenceId: z.string(),
});
export type CheckResult = z.infer<typeof checkResult>;

/** One bin of a reliability diagram. */
export const calibrationBin = z.object({ lo: z.number(), hi: z.number(), n: z.number(), meanConfidence: z.number(), accuracy: z.number() });
export type CalibrationBin = z.infer<typeof calibrationBin>;

/** Calibration of one model in one role. */
export const calibrationGroup = z.object({
  model: z.string(),
  role: z.string(),
  n: z.number(),
  accuracy: z.number(),
  meanConfidence: z.number(),
  brier: z.number(),
  ece: z.number(),
  bins: z.array(calibrationBin),
  /** Running Brier score and accuracy after each day with verdicts. */
  trend: z.array(z.object({ time: z.string(), n: z.number(), brier: z.number(), accuracy: z.number() })),
  overconfident: z.boolean(),
});
export type CalibrationGroup = z.infer<typeof calibrationGroup>;

/** Verification state of a task, from evidence. */
export const taskVerifyState = z.object({
  taskId: z.string(),
  /** `untrusted`: the run the state rests on changed what a check executes; `refuted`: a refuted claim or an open error finding. */
  state: z.enum(['verified', 'refuted', 'untrusted', 'failing', 'stale', 'unverified']),
  reason: z.string(),
  commit: z.string().nullable(),
  /** The accepted agent run the state rests on; null when the work has none (done by hand: checks only). */
  acceptedRunId: z.string().nullable(),
});
export type TaskVerifyState = z.infer<typeof taskVerifyState>;

/** A finding of a breaker review. */
export const reviewFinding = z.object({
  severity: z.enum(['low', 'medium', 'high', 'critical']),
  requirementId: z.string().nullable(),
  title: z.string(),
  evidence: z.string(),
  suggestedFix: z.string(),
  /** Evidence records of the review's own check runs that back the finding. */
  evidenceIds: z.array(z.string()).optional(),
});
export type ReviewFinding = z.infer<typeof reviewFinding>;

/** A check the breaker asked to run during a review: waiting for the user or for a running Verify job ("queued"), running, or its outcome. */
export const reviewCheck = z.object({
  /** Unique within the review (`c1`, `c2`, …). */
  id: z.string(),
  label: z.string(),
  command: z.string(),
  status: z.enum(['waiting', 'queued', 'running', 'denied', 'passed', 'failed', 'no_tests', 'timeout', 'cancelled', 'error']),
  /** Ran without asking: a configured check or an allowlisted read-only command. */
  auto: z.boolean(),
  evidenceId: z.string().optional(),
  /** The outcome in words (exit status, counts). */
  note: z.string().optional(),
});
export type ReviewCheck = z.infer<typeof reviewCheck>;

/** A breaker review of a task. */
export const review = z.object({
  id: z.string(),
  taskId: z.string(),
  model: z.string(),
  time: z.string(),
  status: z.enum(['running', 'done', 'failed', 'cancelled']),
  error: z.string().optional(),
  findings: z.array(reviewFinding),
  /** Finding index → created task ID, once accepted. */
  accepted: z.record(z.string(), z.string()),
  /** Checks the breaker ran or asked to run (absent in reviews stored before check runs existed). */
  checks: z.array(reviewCheck).optional(),
});
export type Review = z.infer<typeof review>;

const jobId = z.string().max(100);

export const verifyMethods = {
  /** Evidence records, newest first, optionally only those bearing on a task or requirement. */
  'verify.evidence': method(
    z.object({ root: projectRoot, taskId: z.string().optional(), requirementId: z.string().optional(), limit: z.number().int().positive().max(10000).default(2000) }),
    z.object({ records: z.array(evidenceRecord), supersededIds: z.array(z.string()) }),
  ),
  /** The full output of one evidence record (from the app data folder). */
  'verify.output': method(z.object({ root: projectRoot, id: z.string().max(100) }), z.object({ id: z.string(), text: z.string(), found: z.boolean() })),
  /** The checks `verify.run` would execute, and the project's test command (configured or detected). */
  'verify.plan': method(
    z.object({ root: projectRoot, taskId: z.string().optional() }),
    z.object({
      checks: z.array(plannedCheck),
      testCommand: z.object({ command: z.string(), source: z.string() }).nullable(),
      configuredTestCommand: z.string().nullable(),
      /** What detection finds in the manifests, whether or not a command is configured. */
      detectedTestCommand: z.object({ command: z.string(), source: z.string() }).nullable(),
    }),
  ),
  /** Sets (or clears, with null) the project's test command in `.plumbline/checks.json`. */
  'verify.setTestCommand': method(z.object({ root: projectRoot, command: z.string().max(4096).nullable() }), ok),
  /** Starts running checks; progress and output arrive as events; returns at once. */
  'verify.run': method(
    z.object({ root: projectRoot, taskId: z.string().optional(), include: z.array(z.enum(['acceptance', 'decision', 'tests'])).optional(), timeoutMs: z.number().int().positive().max(3_600_000).optional() }),
    z.object({ jobId, total: z.number() }),
  ),
  /** Cancels a running check job (kills the process group). */
  'verify.cancel': method(z.object({ jobId }), ok),
  /** Verified runs, newest first. */
  'verify.runs': method(z.object({ root: projectRoot, taskId: z.string().optional() }), z.object({ runs: z.array(runVerification) })),
  /** Runs a claimed command the user approved ("Run now") and records the verdict. */
  'verify.runClaim': method(z.object({ root: projectRoot, runId: z.string(), index: z.number().int().min(0) }), runVerification),
  /** The user's ruling on a claim (a ruling is evidence too). */
  'verify.rule': method(
    z.object({ root: projectRoot, runId: z.string(), index: z.number().int().min(0), holds: z.boolean(), note: z.string().max(4000).default('') }),
    runVerification,
  ),
  /** Calibration per model and role, from claim evidence. */
  'verify.calibration': method(z.object({ root: projectRoot }), z.object({ groups: z.array(calibrationGroup) })),
  /** Verification state of every task with evidence. */
  'verify.taskStates': method(z.object({ root: projectRoot }), z.object({ tasks: z.array(taskVerifyState) })),
  /** Everything the Calibrator pane shows, in one answer: evidence, verified runs, calibration, task states, reviews. */
  'verify.overview': method(
    z.object({ root: projectRoot }),
    z.object({
      records: z.array(evidenceRecord),
      supersededIds: z.array(z.string()),
      runs: z.array(runVerification),
      groups: z.array(calibrationGroup),
      tasks: z.array(taskVerifyState),
      reviews: z.array(review),
    }),
  ),
  /** Starts a breaker review of a finished task. */
  'verify.review': method(z.object({ root: projectRoot, taskId: z.string() }), review),
  /** Reviews of the project, newest first. */
  'verify.reviews': method(z.object({ root: projectRoot, taskId: z.string().optional() }), z.object({ reviews: z.array(review) })),
  /** Answers a check the breaker asked to run that needs the user's approval. */
  'verify.answerReviewCheck': method(z.object({ root: projectRoot, reviewId: z.string().max(100), checkId: z.string().max(100), approved: z.boolean() }), ok),
  /** Stops a running review: the model stream ends, waiting checks are denied, a running check is killed; the review ends "cancelled". */
  'verify.cancelReview': method(z.object({ root: projectRoot, reviewId: z.string().max(100) }), ok),
  /** Accepts a review finding: creates a task for it. */
  'verify.acceptFinding': method(z.object({ root: projectRoot, reviewId: z.string(), index: z.number().int().min(0) }), z.object({ taskId: z.string() })),
} as const;

export const verifyEvents = {
  /** Output of a running check, batched. */
  'verify.didOutput': z.object({ jobId: z.string(), checkId: z.string(), chunk: z.string() }),
  /** Progress of a check job. */
  'verify.didProgress': z.object({ jobId: z.string(), root: z.string(), done: z.number(), total: z.number(), current: z.string().nullable() }),
  /** A check job ended (also when cancelled). */
  'verify.didFinish': z.object({ jobId: z.string(), root: z.string(), results: z.array(checkResult), cancelled: z.boolean() }),
  /** New evidence was appended. */
  'evidence.didAppend': z.object({ root: z.string(), ids: z.array(z.string()) }),
  /** A run was verified (or re-verified after a ruling or a "Run now"). */
  'verify.didVerifyRun': z.object({ root: z.string(), run: runVerification }),
  /** A review changed state. */
  'verify.didReview': z.object({ root: z.string(), review }),
} as const;
