import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { join, resolve } from 'node:path';
import type { MessageParam, Tool } from '@anthropic-ai/sdk/resources/messages';
import { createTwoFilesPatch } from 'diff';
import { z } from 'zod';
import { reviewFinding, type PlannedCheck, type Review } from '../../../shared/contract/verify';
import { RpcError } from '../../../shared/rpc';
import { makeClient, streamTurn } from '../model/model-stream';
import { missingKeyMessage } from '../model/settings-store';
import type { CoreContext } from '../core-context';
import { resolveInsideRoot } from '../app/project-registry';
import { appendLine, readJsonLines } from '../util/atomic-write';
import { readInsideProject } from '../util/real-path';
import { describeChecks, ReviewCheckRunner, reviewableChecks, RUN_CHECK_TOOL } from './breaker-checks';
import { ShadowRepo } from '../checkpoints/shadow-repo';
import { readCheckpointTree } from './claim-verifier';
import { projectHash } from './evidence';
import { planChecks, readPlanFacts, type PlanFacts } from './plan-facts';
import { listRuns } from './run-store';
import { resolveTestCommand } from './test-command';
import { workingTreeLock } from './tree-lock';

/** Most turns a review may take before it must report. */
const MAX_TURNS = 8;
/** Why a stopped review has no findings. */
const STOPPED = 'The review was stopped before the breaker reported; it has no findings. Start a new review to try again.';
/** Diff text given to the breaker; larger diffs are cut with a note. */
const DIFF_LIMIT = 60_000;

const REPORT_TOOL: Tool = {
  name: 'report_findings',
  description: 'Report the findings of the review. Call exactly once, at the end. An empty list means nothing was found.',
  input_schema: {
    type: 'object',
    properties: {
      findings: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            severity: { type: 'string', enum: ['low', 'medium', 'high', 'critical'] },
            requirementId: { type: ['string', 'null'], description: 'The spec item ID the finding violates (SEC-n, FM-n, AC-n, NR-n), or null.' },
            title: { type: 'string' },
            evidence: { type: 'string', description: 'Where in the diff or files, quoted.' },
            suggestedFix: { type: 'string' },
            evidenceIds: { type: 'array', items: { type: 'string' }, description: 'IDs of evidence from your run_check calls that back the finding.' },
          },
          required: ['severity', 'requirementId', 'title', 'evidence', 'suggestedFix'],
        },
      },
    },
    required: ['findings'],
  },
};

const READ_TOOL: Tool = {
  name: 'read_file',
  description: 'Read a file of the project (read-only), path relative to the project root.',
  input_schema: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] },
};

const reportInput = z.object({ findings: z.array(reviewFinding) });

/** File of a project's reviews in the app data folder (JSON Lines; a later line with the same id supersedes). */
function reviewsFile(dataDir: string, root: string): string {
  return join(dataDir, 'reviews', `${projectHash(root)}.jsonl`);
}

/** Every review of a project, latest state each, newest first. */
export async function listReviews(dataDir: string, root: string): Promise<Review[]> {
  const byId = new Map<string, Review>();
  for (const r of await readJsonLines<Review>(reviewsFile(dataDir, root))) if (r && typeof r.id === 'string') byId.set(r.id, r);
  return [...byId.values()].sort((a, b) => b.time.localeCompare(a.time));
}

async function saveReview(ctx: Pick<CoreContext, 'dataDir' | 'bus'>, root: string, review: Review): Promise<void> {
  await fs.mkdir(join(ctx.dataDir, 'reviews'), { recursive: true });
  await appendLine(reviewsFile(ctx.dataDir, root), JSON.stringify(review));
  ctx.bus.emit('verify.didReview', { root, review });
}

/** The diff a review looks at: the task's latest verified run against its checkpoint, as unified patches. */
export async function taskDiff(dataDir: string, root: string, taskId: string): Promise<string> {
  const run = (await listRuns(dataDir, root)).find((r) => r.run.taskId === taskId);
  if (!run) return '(No run of this task has been verified yet; review the files in scope.)';
  const shadow = new ShadowRepo(root, dataDir);
  let checkpoint: Map<string, string>;
  try {
    checkpoint = await readCheckpointTree(shadow, run.run.checkpointCommit);
  } catch {
    return '(The checkpoint of the task\'s run is gone; review the files in scope.)';
  }
  const paths = new Set([...run.run.journal.map((j) => j.path), ...run.verification.findings.flatMap((f) => (f.path ? [f.path] : [])), ...run.run.claims.flatMap((c) => (c.path ? [c.path] : []))]);
  let out = '';
  for (const path of [...paths].sort()) {
    const oid = checkpoint.get(path);
    const before = oid ? new TextDecoder().decode(await shadow.readBlob(oid).catch(() => new Uint8Array())) : '';
    // Paths come from claims too: one that leaves the project (or a symlink out of it) reads as empty.
    const after = (await readInsideProject(root, resolve(root, path)).catch(() => null))?.toString('utf8') ?? '';
    if (before === after) continue;
    out += createTwoFilesPatch(oid ? `a/${path}` : '/dev/null', after ? `b/${path}` : '/dev/null', before, after);
    if (out.length > DIFF_LIMIT) return `${out.slice(0, DIFF_LIMIT)}\n… diff cut at ${DIFF_LIMIT} characters …`;
  }
  return out || '(The run left no difference against its checkpoint.)';
}

async function reviewPrompt(ctx: CoreContext, root: string, taskId: string, facts: PlanFacts, checks: readonly PlannedCheck[]): Promise<string> {
  const task = facts.tasks.find((t) => t.id === taskId);
  if (!task) throw new RpcError('NOT_FOUND', `There is no task ${taskId} in .plumbline/tasks.md.`);
  const pick = (prefix: string) => facts.items.filter((i) => i.id.startsWith(`${prefix}-`));
  const served = facts.items.filter((i) => task.serves.includes(i.id));
  const list = (items: readonly { id: string; text: string }[]) => (items.length ? items.map((i) => `- ${i.id}: ${i.text}`).join('\n') : '(none)');
  return [
    `Task ${task.id}: ${task.title}`,
    task.description,
    `Scope: ${task.scope.join(', ') || '(not declared)'}`,
    `\nRequirements it serves:\n${list(served)}`,
    `\nFailure modes:\n${list(pick('FM'))}`,
    `\nSecurity requirements:\n${list(pick('SEC'))}`,
    `\nNon-requirements (out of scope; building them is a finding too):\n${list(pick('NR'))}`,
    `\nChecks you can run with run_check (any other command line needs the user's approval):\n${describeChecks(checks)}`,
    `\nThe diff:\n${await taskDiff(ctx.dataDir, root, taskId)}`,
  ].join('\n');
}

const SYSTEM = [
  'You are the breaker: an adversarial reviewer of one finished task, in a fresh context.',
  'Find where the change fails its requirements, failure modes and security requirements, or builds what the non-requirements exclude.',
  'Every finding needs concrete evidence from the diff or the files. Do not invent problems; an empty list is a valid result.',
  'You may read files with read_file and run checks with run_check; a check result is evidence, so cite its evidence ID in the finding it backs.',
  'End by calling report_findings exactly once.',
].join(' ');

/** A review in progress: its abort controller, the checks waiting for the user, its latest state. */
interface ActiveReview {
  readonly root: string;
  readonly controller: AbortController;
  readonly approvals: Map<string, (approved: boolean) => void>;
  latest: Review;
}

async function runReview(ctx: CoreContext, root: string, review: Review, active: ActiveReview): Promise<Review> {
  const signal = active.controller.signal;
  const store = ctx.services.settings;
  const conn = await store.connection('breaker');
  if (!conn.apiKey) throw new RpcError('UNAVAILABLE', missingKeyMessage('breaker'));
  const client = makeClient(conn.apiKey, conn.baseURL);
  const [facts, testCommand, settings] = await Promise.all([readPlanFacts(root), resolveTestCommand(root), store.load()]);
  const checks = reviewableChecks(facts, testCommand, review.taskId);
  const runner = new ReviewCheckRunner({
    root,
    taskId: review.taskId,
    ledger: ctx.services.project(root).ledger,
    checks,
    configuredCommands: planChecks(facts, testCommand, undefined, ['decision']),
    allowlist: settings.autoApprove.commands,
    signal,
    lock: workingTreeLock,
    review,
    onEvidence: (id) => ctx.bus.emit('evidence.didAppend', { root, ids: [id] }),
    publish: async (list) => {
      active.latest = { ...active.latest, checks: [...list] };
      await saveReview(ctx, root, active.latest);
    },
    askUser: (checkId) =>
      new Promise<boolean>((resolve) => {
        if (signal.aborted) return resolve(false);
        const answer = (approved: boolean) => {
          active.approvals.delete(checkId);
          signal.removeEventListener('abort', onAbort);
          resolve(approved);
        };
        const onAbort = () => answer(false);
        signal.addEventListener('abort', onAbort, { once: true });
        active.approvals.set(checkId, answer);
      }),
  });
  const messages: MessageParam[] = [{ role: 'user', content: await reviewPrompt(ctx, root, review.taskId, facts, checks) }];
  for (let turn = 0; turn < MAX_TURNS; turn++) {
    const turnResult = await streamTurn(client, { model: conn.model, max_tokens: 8192, system: SYSTEM, tools: [READ_TOOL, RUN_CHECK_TOOL, REPORT_TOOL], messages }, signal, () => {}, () => {});
    messages.push({ role: 'assistant', content: turnResult.content as MessageParam['content'] });
    const calls = turnResult.content.filter((b) => b.type === 'tool_use');
    const report = calls.find((c) => c.name === 'report_findings');
    if (report) {
      const parsed = reportInput.safeParse(report.input);
      if (parsed.success) {
        // A finding may cite only evidence this review produced; an invented ID is dropped.
        const known = runner.evidenceIds();
        const findings = parsed.data.findings.map(({ evidenceIds, ...f }) => {
          const cited = (evidenceIds ?? []).filter((id) => known.has(id));
          return cited.length ? { ...f, evidenceIds: cited } : f;
        });
        return { ...active.latest, status: 'done', findings };
      }
    }
    if (signal.aborted) throw new Error(STOPPED);
    if (calls.length === 0) break;
    const results = [];
    for (const c of calls) {
      let content: string;
      if (c.name === 'read_file') {
        try {
          const abs = await resolveInsideRoot(root, String((c.input as { path?: unknown }).path ?? ''));
          content = (await fs.readFile(abs, 'utf8')).slice(0, 100_000);
        } catch (error) {
          content = `Error: ${error instanceof Error ? error.message : String(error)}`;
        }
      } else if (c.name === 'run_check') {
        content = await runner.run(c.input);
      } else if (c.name === 'report_findings') {
        content = 'Error: the findings did not match the schema (severity, requirementId, title, evidence, suggestedFix). Call report_findings again.';
      } else {
        content = `Error: unknown tool ${c.name}.`;
      }
      results.push({ type: 'tool_result' as const, tool_use_id: c.id, content });
    }
    if (signal.aborted) throw new Error(STOPPED);
    messages.push({ role: 'user', content: results });
  }
  if (signal.aborted) throw new Error(STOPPED);
  return { ...active.latest, status: 'failed', error: 'The breaker ended without reporting findings. Try the review again.' };
}

const running = new Map<string, ActiveReview>();

/**
 * Starts a breaker review of a finished task in a fresh context (the breaker role's model and
 * endpoint from the agent settings). Returns at once with status "running"; updates arrive as
 * `verify.didReview` events and land in the review store; the result is also evidence.
 */
export async function startReview(ctx: CoreContext, root: string, taskId: string): Promise<Review> {
  const facts = await readPlanFacts(root);
  if (!facts.tasks.some((t) => t.id === taskId)) throw new RpcError('NOT_FOUND', `There is no task ${taskId} in .plumbline/tasks.md.`);
  const conn = await ctx.services.settings.connection('breaker');
  if (!conn.apiKey) throw new RpcError('UNAVAILABLE', missingKeyMessage('breaker'));
  const review: Review = { id: `rv-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`, taskId, model: conn.model, time: new Date().toISOString(), status: 'running', findings: [], accepted: {} };
  await saveReview(ctx, root, review);
  const controller = new AbortController();
  const active: ActiveReview = { root, controller, approvals: new Map(), latest: review };
  running.set(review.id, active);
  void (async () => {
    let done: Review;
    try {
      done = await runReview(ctx, root, review, active);
    } catch (error) {
      // A stopped review keeps only what really happened (its checks); it never gets findings.
      done = controller.signal.aborted
        ? { ...active.latest, status: 'cancelled', findings: [], error: STOPPED }
        : { ...active.latest, status: 'failed', error: error instanceof Error ? error.message : String(error) };
    } finally {
      running.delete(review.id);
    }
    await ctx.services
      .project(root)
      .ledger.append({
        subject: { kind: 'task', id: taskId },
        taskId,
        requirementIds: [...new Set(done.findings.flatMap((f) => (f.requirementId ? [f.requirementId] : [])))],
        what: `Breaker review of ${taskId}`,
        how: `review by ${done.model} (role breaker)`,
        kind: 'review',
        result: done.status === 'cancelled' ? 'cancelled' : done.status !== 'done' ? 'error' : done.findings.length > 0 ? 'flagged' : 'passed',
        excerpt: done.error ?? (done.findings.map((f) => `[${f.severity}] ${f.requirementId ?? '—'} ${f.title}${f.evidenceIds ? ` (evidence ${f.evidenceIds.join(', ')})` : ''}`).join('\n') || 'No findings.'),
        key: `review:${done.id}`,
      })
      .then((r) => ctx.bus.emit('evidence.didAppend', { root, ids: [r.id] }))
      .catch(() => {});
    // The evidence first, so whoever sees the final review event also finds its evidence.
    await saveReview(ctx, root, done);
  })().catch(() => {
    // The review store could not be written (disk full, folder gone); the running state stays visible.
  });
  return review;
}

/** Stops running reviews (on dispose); checks waiting for approval are denied. */
export function cancelReviews(): void {
  for (const r of running.values()) r.controller.abort();
}

/**
 * Stops one review: aborts its model stream, denies checks waiting for approval and kills a running
 * check's process group (all through its abort signal). The review then ends "cancelled". A review
 * stored as running that no longer runs here (the app quit mid-review) is marked cancelled at once.
 */
export async function cancelReview(ctx: Pick<CoreContext, 'dataDir' | 'bus'>, root: string, reviewId: string): Promise<void> {
  const active = running.get(reviewId);
  if (active && active.root === root) {
    active.controller.abort();
    return;
  }
  const stored = (await listReviews(ctx.dataDir, root)).find((r) => r.id === reviewId);
  if (!stored) throw new RpcError('NOT_FOUND', `No review ${reviewId} in this project.`);
  if (stored.status !== 'running') return;
  const checks = stored.checks?.map((c) => (c.status === 'waiting' || c.status === 'queued' || c.status === 'running' ? { ...c, status: 'cancelled' as const } : c));
  await saveReview(ctx, root, { ...stored, status: 'cancelled', findings: [], error: STOPPED, ...(checks ? { checks } : {}) });
}

/** The user's answer to a check the breaker asked to run that needs approval. */
export function answerReviewCheck(root: string, reviewId: string, checkId: string, approved: boolean): void {
  const active = running.get(reviewId);
  const answer = active && active.root === root ? active.approvals.get(checkId) : undefined;
  if (!answer) throw new RpcError('NOT_FOUND', 'That check is no longer waiting for approval (the review ended or it was answered).');
  answer(approved);
}

/** The check runs a finding cites, as lines for the task it becomes. */
function citedEvidence(review: Review, ids: readonly string[] | undefined): string {
  const lines = (ids ?? []).flatMap((id) => {
    const c = review.checks?.find((x) => x.evidenceId === id);
    return c ? [`${id} (\`${c.command}\` ${c.note ?? c.status})`] : [];
  });
  return lines.length ? `\n\nCited evidence: ${lines.join('; ')}.` : '';
}

/** Accepts a review finding: creates a task for it through the Orchestrator's plan service. */
export async function acceptFinding(ctx: CoreContext, root: string, reviewId: string, index: number): Promise<string> {
  const review = (await listReviews(ctx.dataDir, root)).find((r) => r.id === reviewId);
  if (!review) throw new RpcError('NOT_FOUND', `No review ${reviewId} in this project.`);
  const finding = review.findings[index];
  if (!finding) throw new RpcError('NOT_FOUND', `Review ${reviewId} has no finding ${index + 1}.`);
  const existing = review.accepted[String(index)];
  if (existing) return existing;
  const facts = await readPlanFacts(root);
  const origin = facts.tasks.find((t) => t.id === review.taskId);
  const plan = ctx.services.plans;
  const taskId = await plan.createTask(
    root,
    {
      title: `Fix: ${finding.title}`,
      description: `${finding.evidence}\n\nSuggested fix: ${finding.suggestedFix}\n\nFound by the breaker review of ${review.taskId} (${finding.severity}).${citedEvidence(review, finding.evidenceIds)}`,
      serves: finding.requirementId ? [finding.requirementId] : (origin?.serves ?? []),
      scope: origin?.scope ?? [],
      checks: origin?.checks ?? [],
      depends: [],
      status: 'todo',
    },
    `review ${review.id}`,
  );
  await saveReview(ctx, root, { ...review, accepted: { ...review.accepted, [String(index)]: taskId } });
  return taskId;
}
