import type { Claim, RunVerification } from '../../../shared/contract/verify';
import type { JournalEntry } from '../checkpoints/run-journal';
import type { Baseline } from './baseline';

export type { Claim, ClaimKind, ClaimVerdict, RunVerification, RunFinding } from '../../../shared/contract/verify';

export type { JournalEntry } from '../checkpoints/run-journal';

/** A command the run executed itself (bash tool), as it finished. */
export interface RunCommand {
  readonly command: string;
  /** null when it was killed, timed out or never started. */
  readonly exitCode: number | null;
  /** Head and tail of the output, as the agent saw it. */
  readonly outputExcerpt: string;
}

/**
 * Everything the Calibrator needs about a finished building run. The agent service produces this
 * when a building run ends (with or without `report_outcome`) and calls `verifyRun` before offering
 * the diff for acceptance.
 */
export interface VerifiableRun {
  readonly runId: string;
  readonly taskId?: string;
  /** 'builder' for building runs; calibration is kept per model and role. */
  readonly role: string;
  readonly model: string;
  readonly summary: string;
  readonly claims: readonly Claim[];
  /** False when the run ended without report_outcome (no claims at all: a finding of its own). Absent = true. */
  readonly reported?: boolean;
  /** The served checks at the run's start; null or absent when none was taken. */
  readonly baseline?: Baseline | null;
  /** Absolute root of the tree the run worked in (must be open in the core when verified through the contract). */
  readonly projectRoot: string;
  /**
   * The project whose run store and evidence ledger keep the verification, when the run worked elsewhere (a
   * parallel run's linked worktree, docs/parallel-runs.md): its checks run in `projectRoot`, its records stay
   * with the project after the worktree is gone. `projectRoot` when absent.
   */
  readonly recordRoot?: string;
  /** Commit in the shadow repository taken before the run started (the checkpoint). */
  readonly checkpointCommit: string;
  /** gitdir of the shadow repository (isomorphic-git `gitdir`, with `dir` = projectRoot). */
  readonly shadowGitdir: string;
  readonly journal: readonly JournalEntry[];
  readonly commands: readonly RunCommand[];
  /** Project-relative files/folders the task allows the run to touch; empty or absent = no scope known. */
  readonly scope?: readonly string[];
  /** ISO time the run ended. */
  readonly endedAt: string;
}

/** Decides whether a command may run without asking (the agent settings' allowlist + configured checks). */
export type CommandApproval = (command: string, root: string) => boolean | Promise<boolean>;

/** Options of verifyRun. */
export interface VerifyRunOptions {
  /** Commands not approved here get verdict 'pending' and wait for the user's "Run now". Default: none approved. */
  readonly approve?: CommandApproval;
  /** Per command timeout in ms (default 10 minutes). */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

/** Signature of the verifier, implemented in claim-verifier.ts. */
export type VerifyRunFn = (ctx: import('../core-context').CoreContext, run: VerifiableRun, opts?: VerifyRunOptions) => Promise<RunVerification>;
export { verifyRun, runClaimNow, ruleOnClaim } from './claim-verifier';
