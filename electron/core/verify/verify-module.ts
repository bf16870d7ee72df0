import { randomBytes } from 'node:crypto';
import type { Handlers } from '../../../shared/rpc';
import { RpcError } from '../../../shared/rpc';
import type { DomainModule } from '../create-core';
import type { CoreContext } from '../core-context';
import { acceptFinding, answerReviewCheck, cancelReview, cancelReviews, listReviews, startReview } from './breaker';
import { calibrationByModel } from './calibration';
import { runChecks } from './checks-runner';
import { ruleOnClaim, runClaimNow } from './claim-verifier';
import { currentRecords, supersededIds, trustedRecords } from './evidence';
import { planChecks, readPlanFacts } from './plan-facts';
import { listRuns } from './run-store';
import { heldCommands, taskRunFacts } from './run-facts';
import { taskStates } from './task-state';
import { workingTreeLock } from './tree-lock';
import { detectTestCommand, readChecksConfig, resolveTestCommand, writeTestCommand } from './test-command';

type VerifyHandlers = Pick<
  Handlers,
  | 'verify.evidence'
  | 'verify.output'
  | 'verify.plan'
  | 'verify.setTestCommand'
  | 'verify.run'
  | 'verify.cancel'
  | 'verify.runs'
  | 'verify.runClaim'
  | 'verify.rule'
  | 'verify.calibration'
  | 'verify.taskStates'
  | 'verify.overview'
  | 'verify.review'
  | 'verify.reviews'
  | 'verify.answerReviewCheck'
  | 'verify.cancelReview'
  | 'verify.acceptFinding'
>;

/** The call context of the overview's inner reads (they never depend on the connection). */
const OVERVIEW = { connectionId: 'overview' };

/** The Calibrator's part of the core: evidence, checks, run verification, calibration, reviews. */
export function createVerifyModule(ctx: CoreContext): DomainModule<VerifyHandlers> {
  const jobs = new Map<string, AbortController>();
  const ledgerFor = (root: string) => ctx.services.project(root).ledger;

  const handlers: VerifyHandlers = {
    'verify.evidence': async ({ root, taskId, requirementId, limit }) => {
      const all = await ledgerFor(root).readAll();
      const matches = all.filter(
        (r) =>
          (!taskId || r.taskId === taskId || (r.subject.kind === 'task' && r.subject.id === taskId)) &&
          (!requirementId || r.requirementIds?.includes(requirementId) || (r.subject.kind === 'requirement' && r.subject.id === requirementId)),
      );
      // Untrusted records are listed (marked) but never supersede: only trusted ones take part.
      return { records: matches.reverse().slice(0, limit), supersededIds: supersededIds(trustedRecords(all)) };
    },
    'verify.output': async ({ root, id }) => {
      const text = await ledgerFor(root).readOutput(id);
      return { id, text: text ?? '', found: text !== null };
    },
    'verify.plan': async ({ root, taskId }) => {
      ctx.projects.require(root);
      const [facts, testCommand, config, detected] = await Promise.all([readPlanFacts(root), resolveTestCommand(root), readChecksConfig(root), detectTestCommand(root)]);
      return { checks: planChecks(facts, testCommand, taskId), testCommand, configuredTestCommand: config.testCommand ?? null, detectedTestCommand: detected };
    },
    'verify.setTestCommand': async ({ root, command }) => {
      ctx.projects.require(root);
      await writeTestCommand(root, command);
      return { ok: true };
    },
    'verify.run': async ({ root, taskId, include, timeoutMs }) => {
      const ledger = ledgerFor(root);
      const facts = await readPlanFacts(root);
      if (taskId && !facts.tasks.some((t) => t.id === taskId)) throw new RpcError('NOT_FOUND', `There is no task ${taskId} in .plumbline/tasks.md.`);
      const planned = planChecks(facts, await resolveTestCommand(root), taskId, include);
      // A command a building run put into the plan runs only once the user has accepted that run.
      const held = await heldCommands(ctx.dataDir, root);
      const checks = planned.filter((c) => !held.has(c.command.trim().replace(/\s+/g, ' ')));
      const skipped = planned.filter((c) => !checks.includes(c));
      // Checks share the working tree with other Verify jobs and with breaker review checks: one at a time.
      const release = workingTreeLock.tryAcquire(root);
      if (!release) throw new RpcError('CONFLICT', 'A verification or a review check of this project is already running. Wait for it or stop it first.');
      const jobId = `job-${randomBytes(6).toString('hex')}`;
      const controller = new AbortController();
      jobs.set(jobId, controller);
      for (const c of skipped) {
        const runId = held.get(c.command.trim().replace(/\s+/g, ' '));
        queueMicrotask(() => ctx.bus.emit('verify.didOutput', { jobId, checkId: c.id, chunk: `Not run: ${c.id}'s command \`${c.command}\` was put into the plan by run ${runId}, which you have not accepted. Review and accept that run, or run the command yourself.\n` }));
      }
      void runChecks(ledger, checks, {
        root,
        timeoutMs,
        signal: controller.signal,
        onProgress: (done, total, current) => ctx.bus.emit('verify.didProgress', { jobId, root, done, total, current: current?.label ?? null }),
        onOutput: (check, chunk) => ctx.bus.emit('verify.didOutput', { jobId, checkId: check.id, chunk }),
        onRecord: (id) => ctx.bus.emit('evidence.didAppend', { root, ids: [id] }),
      })
        .then((results) => ctx.bus.emit('verify.didFinish', { jobId, root, results, cancelled: controller.signal.aborted }))
        .catch((error: unknown) => {
          ctx.bus.emit('verify.didOutput', { jobId, checkId: '', chunk: `Verification stopped: ${error instanceof Error ? error.message : String(error)}\n` });
          ctx.bus.emit('verify.didFinish', { jobId, root, results: [], cancelled: controller.signal.aborted });
        })
        .finally(() => {
          jobs.delete(jobId);
          release();
        });
      return { jobId, total: checks.length };
    },
    'verify.cancel': ({ jobId }) => {
      jobs.get(jobId)?.abort();
      return { ok: true };
    },
    'verify.runs': async ({ root, taskId }) => {
      ctx.projects.require(root);
      const runs = await listRuns(ctx.dataDir, root);
      return { runs: runs.filter((r) => !taskId || r.run.taskId === taskId).map((r) => r.verification) };
    },
    'verify.runClaim': ({ root, runId, index }) => runClaimNow(ctx, ctx.projects.require(root), runId, index),
    'verify.rule': ({ root, runId, index, holds, note }) => ruleOnClaim(ctx, ctx.projects.require(root), runId, index, holds, note),
    'verify.calibration': async ({ root }) => ({ groups: calibrationByModel(currentRecords(trustedRecords(await ledgerFor(root).readAll()))) }),
    'verify.taskStates': async ({ root }) => {
      const ledger = ledgerFor(root);
      // The tree comes from the project's live status engine (worker thread, watcher cache).
      const [facts, testCommand, records, runs, tree] = await Promise.all([readPlanFacts(root), resolveTestCommand(root), ledger.readAll(), listRuns(ctx.dataDir, root), ledger.facts()]);
      return { tasks: await taskStates(root, facts, testCommand, trustedRecords(records), runs.map((r) => r.verification), tree.state, await taskRunFacts(ctx.dataDir, root, runs), tree.dirtyPaths) };
    },
    'verify.overview': async ({ root }) => {
      const [evidence, runs, calibration, states, reviews] = await Promise.all([
        handlers['verify.evidence']({ root, limit: 2000 }, OVERVIEW),
        handlers['verify.runs']({ root }, OVERVIEW),
        handlers['verify.calibration']({ root }, OVERVIEW),
        handlers['verify.taskStates']({ root }, OVERVIEW),
        handlers['verify.reviews']({ root }, OVERVIEW),
      ]);
      return { records: evidence.records, supersededIds: evidence.supersededIds, runs: runs.runs, groups: calibration.groups, tasks: states.tasks, reviews: reviews.reviews };
    },
    'verify.review': ({ root, taskId }) => startReview(ctx, ctx.projects.require(root), taskId),
    'verify.reviews': async ({ root, taskId }) => {
      ctx.projects.require(root);
      return { reviews: (await listReviews(ctx.dataDir, root)).filter((r) => !taskId || r.taskId === taskId) };
    },
    'verify.answerReviewCheck': ({ root, reviewId, checkId, approved }) => {
      answerReviewCheck(ctx.projects.require(root), reviewId, checkId, approved);
      return { ok: true };
    },
    'verify.cancelReview': async ({ root, reviewId }) => {
      await cancelReview(ctx, ctx.projects.require(root), reviewId);
      return { ok: true };
    },
    'verify.acceptFinding': async ({ root, reviewId, index }) => ({ taskId: await acceptFinding(ctx, ctx.projects.require(root), reviewId, index) }),
  };
  return {
    handlers,
    dispose() {
      for (const c of jobs.values()) c.abort();
      cancelReviews();
    },
  };
}
