import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { ClaimResult, Review, ReviewCheck, RunVerification, ServedCheck } from '../../../../shared/contract';
import { useAppStore } from '../../stores/app-store';
import { RunGlance } from './RunGlance';
import { findingKindLabel, formatBaselineAfter, glanceOf, servedCheckMark } from './run-glance';
import { markOf, pct, reviewCheckMark, shortTime, taskStateMark } from './verdict-marks';

function ClaimRow({ run, c }: { run: RunVerification; c: ClaimResult }) {
  const m = markOf(c.verdict);
  const { runClaimNow, ruleClaim } = useAppStore(useShallow((s) => ({ runClaimNow: s.runClaimNow, ruleClaim: s.ruleClaim })));
  const busy = useAppStore((s) => s.claimBusy.includes(`${run.runId}#${c.index}`));
  const [note, setNote] = useState('');
  const target = c.claim.path ?? c.claim.command ?? c.claim.requirement;
  const rulable = c.claim.kind === 'other' && c.verdict === 'unverifiable';
  return (
    <li className={`cal-claim ${m.tone}${run.overconfident && c.verdict === 'refuted' ? ' loud' : ''}`} aria-label={`${m.word}: ${c.claim.statement}`}>
      <div className="cal-claim-head">
        <span className="cal-mark" aria-hidden="true">
          {m.symbol}
        </span>
        <span className="cal-verdict">{m.word}</span>
        <span className="grow cal-statement">“{c.claim.statement}”</span>
        <span className="num muted" title="stated confidence">
          {pct(c.claim.confidence)}
        </span>
      </div>
      <div className="cal-claim-body muted">
        <span className="badge">{c.claim.kind.replace('_', ' ')}</span> {target && <code>{target}</code>} — {c.reason}
      </div>
      {c.verdict === 'pending' && c.claim.kind === 'command_passes' && (
        <div className="cal-claim-actions">
          <button type="button" className="btn btn-small" disabled={busy} onClick={() => void runClaimNow(run.runId, c.index)}>
            {busy ? 'Running…' : 'Run now'}
          </button>
          <span className="muted">runs the claimed command in the project folder</span>
        </div>
      )}
      {rulable && (
        <div className="cal-claim-actions">
          <input type="text" placeholder="Note (why)" aria-label={`Note on “${c.claim.statement}”`} value={note} onChange={(e) => setNote(e.target.value)} />
          <button type="button" className="btn btn-small" onClick={() => void ruleClaim(run.runId, c.index, true, note)}>
            ✔ Holds
          </button>
          <button type="button" className="btn btn-small" onClick={() => void ruleClaim(run.runId, c.index, false, note)}>
            ✘ Does not hold
          </button>
        </div>
      )}
    </li>
  );
}

/** One served check: what ran, baseline → after, and the verdict with its mark and reason. */
function ServedCheckRow({ check }: { check: ServedCheck }) {
  const m = servedCheckMark(check.verdict);
  return (
    <tr className={m.tone === 'danger' ? 'danger' : undefined} aria-label={`${check.id}: ${m.word}`}>
      <td className="mono nowrap">{check.id}</td>
      <td>
        {check.label !== check.id && <div>{check.label}</div>}
        <code title="Run from the plan as it stood at the run's start">{check.command}</code>
      </td>
      <td className="num">{formatBaselineAfter(check)}</td>
      <td>
        <span className={`verdict ${m.tone}`}>
          <span aria-hidden="true">{m.symbol}</span> {m.word}
        </span>
        <div className="muted">
          {check.reason} {check.evidenceId && <EvidenceLink id={check.evidenceId} />}
        </div>
      </td>
    </tr>
  );
}

/** The served checks of a run, re-run from trusted definitions and compared with the baseline. */
function ServedChecks({ run }: { run: RunVerification }) {
  const checks = run.checks ?? [];
  if (checks.length === 0) return <p className="muted">No served checks were recorded for this run.</p>;
  return (
    <table className="cal-checks-table" aria-label="Served checks">
      <thead>
        <tr>
          <th>Check</th>
          <th>Command</th>
          <th>Baseline → after</th>
          <th>Verdict</th>
        </tr>
      </thead>
      <tbody>
        {checks.map((c) => (
          <ServedCheckRow key={c.id} check={c} />
        ))}
      </tbody>
    </table>
  );
}

function RunCard({ run, open, onToggle }: { run: RunVerification; open: boolean; onToggle: () => void }) {
  return (
    <section className={`cal-run glance-${glanceOf(run)}`} aria-label={`Run ${run.runId}`}>
      <button type="button" className="row cal-run-head" aria-expanded={open} onClick={onToggle}>
        <span aria-hidden="true">{open ? '▾' : '▸'}</span>
        <span className="grow">
          {run.taskId ? <strong>{run.taskId}</strong> : null} <span className="muted">{run.model} · {run.role}</span>
        </span>
        {run.overconfident && (
          <span className="badge warn" title="This model's stated confidence runs higher than its accuracy: check its claims closely">
            ⚠ overconfident
          </span>
        )}
        <span className="danger num" title="refuted">✘ {run.counts.refuted}</span>
        <span className="ok num" title="verified">✔ {run.counts.verified}</span>
        <span className="muted num" title="unverifiable or waiting">? {run.counts.unverifiable + run.counts.pending}</span>
        <span className="muted num">{shortTime(run.verifiedAt)}</span>
      </button>
      <RunGlance run={run} className="cal-run-glance" />
      {open && (
        <div className="cal-run-body">
          {run.summary && <p className="muted cal-summary">{run.summary}</p>}
          <h3>Checks</h3>
          <ServedChecks run={run} />
          <h3>Claims</h3>
          {run.claims.length === 0 ? <p className="muted">The run made no claims.</p> : (
            <ul className="list" aria-label="Claims">
              {run.claims.map((c) => (
                <ClaimRow key={c.index} run={run} c={c} />
              ))}
            </ul>
          )}
          <h3>Findings</h3>
          {run.findings.length === 0 ? <p className="muted">No findings beyond the claims.</p> : (
            <ul className="list" aria-label="Findings">
              {run.findings.map((f, i) => (
                <li key={i} className={`cal-finding ${f.severity === 'error' ? 'danger' : 'warn'}`}>
                  <span aria-hidden="true">{f.severity === 'error' ? '✘' : '⚠'}</span> <span className="badge">{findingKindLabel(f.kind)}</span> {f.message}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </section>
  );
}

/** A link that opens an evidence record's output in the Evidence tab. */
function EvidenceLink({ id }: { id: string }) {
  const open = useAppStore((s) => s.openEvidence);
  return (
    <button type="button" className="cal-evidence-link mono" onClick={() => void open(id)} title="Open this evidence and its output">
      {id}
    </button>
  );
}

/** A check the breaker ran, or asks to run: approvals inline, with the command in full. */
function ReviewCheckRow({ review, check }: { review: Review; check: ReviewCheck }) {
  const answer = useAppStore((s) => s.answerReviewCheck);
  const m = reviewCheckMark(check.status);
  const asking = check.status === 'waiting' && review.status === 'running';
  return (
    <li className={`cal-review-check${asking ? ' cal-review-ask' : ''}`} aria-label={`${check.label}: ${m.word}`}>
      <div className="cal-claim-head">
        <span className={`cal-mark ${m.tone}`} aria-hidden="true">
          {m.symbol}
        </span>
        <span className={`cal-verdict ${m.tone}`}>{m.word}</span>
        <code className="grow">{check.command}</code>
      </div>
      {(check.note || check.evidenceId) && (
        <div className="cal-claim-body muted">
          {check.note} {check.auto ? '' : '(approved by you)'} {check.evidenceId && <EvidenceLink id={check.evidenceId} />}
        </div>
      )}
      {asking && (
        <span className="cal-claim-actions">
          <span className="muted">The breaker asks to run this command in the project folder.</span>
          <button type="button" className="btn btn-small" onClick={() => void answer(review.id, check.id, true)}>
            Approve
          </button>
          <button type="button" className="btn btn-small" onClick={() => void answer(review.id, check.id, false)}>
            Deny
          </button>
        </span>
      )}
    </li>
  );
}

function ReviewCard({ review }: { review: Review }) {
  const accept = useAppStore((s) => s.acceptReviewFinding);
  const stop = useAppStore((s) => s.cancelReview);
  const checks = review.checks ?? [];
  return (
    <section className="cal-run" aria-label={`Review of ${review.taskId}`}>
      <div className="row">
        <span className="grow">
          <strong>Review of {review.taskId}</strong> <span className="muted">{review.model}</span>
        </span>
        <span className={review.status === 'failed' ? 'danger' : 'muted'}>{review.status === 'running' ? 'reviewing…' : review.status}</span>
        <span className="muted num">{shortTime(review.time)}</span>
        {review.status === 'running' && (
          <button type="button" className="btn btn-small" onClick={() => void stop(review.id)} title="Stop the review: the breaker stops, waiting checks are denied, a running check is ended">
            Stop
          </button>
        )}
      </div>
      {review.error && <p className="danger cal-summary">{review.error}</p>}
      {checks.length > 0 && (
        <ul className="list cal-review-checks" aria-label={`Checks of the review of ${review.taskId}`}>
          {checks.map((c) => (
            <ReviewCheckRow key={c.id} review={review} check={c} />
          ))}
        </ul>
      )}
      {review.status === 'done' && review.findings.length === 0 && <p className="muted cal-summary">No findings.</p>}
      <ul className="list" aria-label={`Findings of the review of ${review.taskId}`}>
        {review.findings.map((f, i) => {
          const created = review.accepted[String(i)];
          return (
            <li key={i} className="cal-claim">
              <div className="cal-claim-head">
                <span className={`badge ${f.severity === 'high' || f.severity === 'critical' ? 'danger' : 'warn'}`}>{f.severity}</span>
                {f.requirementId && <code>{f.requirementId}</code>}
                <span className="grow">{f.title}</span>
                {created ? (
                  <span className="muted">→ {created}</span>
                ) : (
                  <button type="button" className="btn btn-small" onClick={() => void accept(review.id, i)}>
                    Create task
                  </button>
                )}
              </div>
              <div className="cal-claim-body muted">
                {f.evidence}
                {f.evidenceIds?.map((id) => (
                  <span key={id}>
                    {' '}
                    <EvidenceLink id={id} />
                  </span>
                ))}
              </div>
              <div className="cal-claim-body">Fix: {f.suggestedFix}</div>
            </li>
          );
        })}
      </ul>
    </section>
  );
}

/** Verified agent runs (verdicts first, refuted on top, then findings) and breaker reviews. */
export function RunsTab() {
  const { runs, reviews, selection, startReview, states } = useAppStore(
    useShallow((s) => ({ runs: s.verifiedRuns, reviews: s.reviews, selection: s.selection, startReview: s.startReview, states: s.taskStates })),
  );
  const [openId, setOpenId] = useState<string | null>(null);
  const taskId = selection.taskId;
  const shownRuns = taskId ? runs.filter((r) => r.taskId === taskId) : runs;
  const shownReviews = taskId ? reviews.filter((r) => r.taskId === taskId) : reviews;
  const state = taskId ? states.find((t) => t.taskId === taskId) : undefined;
  const stateMark = state ? taskStateMark(state) : null;
  return (
    <div className="scroll cal-runs">
      {taskId && (
        <div className="toolbar">
          <strong>{taskId}</strong>
          {stateMark && state && (
            <span className={`${stateMark.tone} cal-task-state`} title={state.reason} data-testid="task-state">
              {stateMark.symbol} {stateMark.word}
            </span>
          )}
          {stateMark?.tone === 'danger' && state?.reason && (
            <span className="danger cal-task-reason" data-testid="task-state-reason">
              {state.reason}
            </span>
          )}
          <span className="spacer" />
          <button type="button" className="btn btn-small" onClick={() => void startReview(taskId)} title="Adversarial review by the breaker model, in a fresh context">
            Review
          </button>
        </div>
      )}
      {shownRuns.length === 0 && shownReviews.length === 0 && (
        <div className="empty">
          <p>No verified runs{taskId ? ` for ${taskId}` : ''} yet.</p>
          <p>When a building run ends, each of its claims is checked against the disk, the checkpoint and fresh command runs, and lands here.</p>
        </div>
      )}
      {shownRuns.map((run, i) => (
        <RunCard key={run.runId} run={run} open={openId === null ? i === 0 : openId === run.runId} onToggle={() => setOpenId(openId === run.runId ? '' : run.runId)} />
      ))}
      {shownReviews.map((r) => (
        <ReviewCard key={r.id} review={r} />
      ))}
    </div>
  );
}
