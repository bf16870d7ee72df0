import type { Tool } from '@anthropic-ai/sdk/resources/messages';
import type { PlannedCheck, Review, ReviewCheck } from '../../../shared/contract/verify';
import { isAllowlisted } from '../commands/command-runner';
import { normalizeCommand } from './claim-verifier';
import { describeOutcome, runChecks } from './checks-runner';
import type { EvidenceLedger } from './evidence';
import { planChecks, type PlanFacts } from './plan-facts';
import type { TestCommand } from './test-command';
import type { ReleaseLock, WorkingTreeLock } from './tree-lock';

/** How a check shows while a Verify job (or another review's check) holds the working tree. */
const QUEUED = { status: 'queued', note: 'Waits for the running verification of this project to finish.' } as const;

/** Output tail handed back to the breaker per check. */
const OUTPUT_TAIL = 8000;

/** The breaker's one non-read-only tool: runs a check through the checks runner, as evidence. */
export const RUN_CHECK_TOOL: Tool = {
  name: 'run_check',
  description:
    'Run a check in the project folder and get its result, which is recorded as evidence. Give the ID of a listed check ' +
    '(e.g. AC-1, tests) or a command line. Listed checks and read-only commands run at once; any other command waits ' +
    'for the user to approve it and may be denied. Cite the returned evidence ID in evidenceIds of a finding it backs.',
  input_schema: {
    type: 'object',
    properties: { check: { type: 'string', description: 'A listed check ID, or a command line.' } },
    required: ['check'],
  },
};

/**
 * The checks a review may run without asking: the ones the task names, every acceptance check with
 * a command, and the test command (each once, the task's own first).
 */
export function reviewableChecks(facts: PlanFacts, testCommand: TestCommand | null, taskId: string): PlannedCheck[] {
  const out: PlannedCheck[] = [];
  const seen = new Set<string>();
  for (const c of [...planChecks(facts, testCommand, taskId), ...planChecks(facts, testCommand, undefined, ['acceptance', 'tests'])]) {
    if (seen.has(c.id) || seen.has(normalizeCommand(c.command))) continue;
    seen.add(c.id);
    seen.add(normalizeCommand(c.command));
    out.push(c);
  }
  return out;
}

/** The list of runnable checks as the breaker's prompt shows it. */
export function describeChecks(checks: readonly PlannedCheck[]): string {
  return checks.length ? checks.map((c) => `- ${c.id}: ${c.label} — \`${c.command}\``).join('\n') : '(none configured)';
}

/** What the check tool needs from the review around it. */
export interface ReviewCheckEnv {
  readonly root: string;
  readonly taskId: string;
  readonly ledger: EvidenceLedger;
  /** Checks that run without asking (`reviewableChecks`), plus every configured command line. */
  readonly checks: readonly PlannedCheck[];
  /** Decision confirmations and other configured command lines: approved like the listed checks. */
  readonly configuredCommands: readonly PlannedCheck[];
  /** The agent settings' allowlist of read-only commands. */
  readonly allowlist: readonly string[];
  readonly signal: AbortSignal;
  /** The project's one-check-run-at-a-time lock, shared with Verify jobs. */
  readonly lock: WorkingTreeLock;
  /** Publishes the review's check list after every change (saved and pushed as an event). */
  readonly publish: (checks: readonly ReviewCheck[]) => Promise<void>;
  /** Waits for the user's answer to a check that needs approval; false when the review stops. */
  readonly askUser: (checkId: string) => Promise<boolean>;
  readonly review: Pick<Review, 'id'>;
  /** Told each new evidence record (the pane refreshes its timeline). */
  readonly onEvidence?: (id: string) => void;
  readonly timeoutMs?: number;
}

/**
 * Runs the breaker's `run_check` calls: resolves the check, applies the agent's approval rules
 * (configured checks and allowlisted commands run; anything else waits for the user), runs it
 * through the checks runner so the result is an evidence record, and answers the model.
 */
export class ReviewCheckRunner {
  private readonly list: ReviewCheck[] = [];

  constructor(private readonly env: ReviewCheckEnv) {}

  /** The review's checks so far. */
  get checks(): readonly ReviewCheck[] {
    return this.list;
  }

  /** Evidence IDs this review produced (findings may cite only these). */
  evidenceIds(): Set<string> {
    return new Set(this.list.flatMap((c) => (c.evidenceId ? [c.evidenceId] : [])));
  }

  /** Answers one `run_check` call with text for the model. */
  async run(input: unknown): Promise<string> {
    const raw = typeof input === 'object' && input !== null && typeof (input as { check?: unknown }).check === 'string' ? (input as { check: string }).check.trim() : '';
    if (!raw) return 'Error: give `check`: the ID of a listed check, or a command line.';
    const id = `c${this.list.length + 1}`;
    const byId = this.env.checks.find((c) => c.id.toLowerCase() === raw.toLowerCase());
    const byCommand = [...this.env.checks, ...this.env.configuredCommands].find((c) => normalizeCommand(c.command) === normalizeCommand(raw));
    const named = byId ?? byCommand;
    const planned: PlannedCheck = named ?? { id: `${this.env.review.id}/${id}`, kind: 'acceptance', label: `Breaker check: ${raw}`, command: raw, requirementIds: [], taskIds: [this.env.taskId] };
    const auto = named !== undefined || isAllowlisted(raw, this.env.allowlist);
    const entry: ReviewCheck = { id, label: planned.label, command: planned.command, status: auto ? 'running' : 'waiting', auto };
    this.list.push(entry);
    // The question is registered before the review shows it waiting, so an answer can never come too early.
    const answer = auto ? null : this.env.askUser(id);
    // Taken before the check shows "running", so a running check always holds the tree.
    let release: ReleaseLock | null = auto ? this.env.lock.tryAcquire(this.env.root) : null;
    try {
      await this.set(id, auto && !release ? { ...entry, ...QUEUED } : entry);
      if (answer) {
        const approved = await answer;
        if (!approved) {
          await this.set(id, { ...entry, status: 'denied' });
          return this.env.signal.aborted
            ? 'The review was stopped before the check ran.'
            : `The user denied running \`${raw}\`. Do not ask for it again; review without it or use a listed check.`;
        }
        release = this.env.lock.tryAcquire(this.env.root);
        await this.set(id, release ? { ...entry, status: 'running' } : { ...entry, ...QUEUED });
      }
      if (!release) {
        release = await this.env.lock.acquire(this.env.root, this.env.signal);
        if (!release) {
          await this.set(id, { ...entry, status: 'cancelled' });
          return 'The review was stopped before the check ran.';
        }
        await this.set(id, { ...entry, status: 'running' });
      }
      return await this.runHolding(planned, id, entry);
    } finally {
      release?.();
    }
  }

  /** Runs one resolved check while this review holds the working tree. */
  private async runHolding(planned: PlannedCheck, id: string, entry: ReviewCheck): Promise<string> {
    let output = '';
    const [result] = await runChecks(this.env.ledger, [planned], {
      root: this.env.root,
      signal: this.env.signal,
      timeoutMs: this.env.timeoutMs,
      onRecord: this.env.onEvidence,
      onOutput: (_check, chunk) => {
        output = (output + chunk).slice(-OUTPUT_TAIL);
      },
    });
    if (!result) {
      await this.set(id, { ...entry, status: 'cancelled' });
      return 'The review was stopped before the check ran.';
    }
    const note = describeOutcome(result.outcome, result.exitCode, result.counts);
    await this.set(id, { ...entry, status: result.outcome, evidenceId: result.evidenceId, note });
    return [
      `${planned.label} (\`${planned.command}\`): ${note}.`,
      `Evidence ${result.evidenceId}: cite it in evidenceIds of a finding it backs.`,
      `Output (last ${OUTPUT_TAIL} characters at most):`,
      output.trim() || '(no output)',
    ].join('\n');
  }

  private async set(id: string, next: ReviewCheck): Promise<void> {
    const i = this.list.findIndex((c) => c.id === id);
    this.list[i] = next;
    await this.env.publish([...this.list]);
  }
}
