import { useMemo } from 'react';
import type { CoverageRow } from '../../../../shared/contract';
import { useAppStore } from '../../stores/app-store';
import { coverageFacts, coverageTotals, redReason, type CoverageFacts } from './coverage-model';
import { InlineText } from './InlineText';
import { statusLabel, verdictLabel } from './plan-helpers';
import { useJumpToItem } from './use-jump';

const VERDICT_CLASS = { verified: 'ok', refuted: 'danger', unverifiable: 'warn' } as const;

function Evidence({ row }: { readonly row: CoverageRow }) {
  if (!row.evidence) return <span className="muted">– no evidence</span>;
  const at = row.evidence.at ? row.evidence.at.replace('T', ' ').slice(0, 16) : null;
  return (
    <span className={VERDICT_CLASS[row.evidence.verdict]} title={at ? `Latest evidence, ${at}` : 'Latest evidence'}>
      {verdictLabel(row.evidence.verdict)}
      {at && <span className="muted small coverage-at">{at}</span>}
    </span>
  );
}

/** Where a requirement's checks come from; "– none" when nothing checks it. */
function Checks({ facts }: { readonly facts: CoverageFacts | undefined }) {
  const n = facts?.checks.length ?? 0;
  if (n === 0) return <span className="muted">– none</span>;
  return (
    <span className="ok" title={facts!.checks.join('\n')}>
      ✔ {n}
    </span>
  );
}

/**
 * Requirement × tasks × checks × decisions × latest evidence, over every spec of the project. The evidence column is the
 * Calibrator's latest verdict per requirement (from `.plumbline/evidence.jsonl`); the plan is re-read
 * after each Verify, so the column follows it. A requirement whose serving task is refuted, untrusted
 * or failing (the Calibrator's task states) is red, with the reason.
 */
export function CoverageMatrix() {
  const plan = useAppStore((s) => s.plan);
  const select = useAppStore((s) => s.select);
  const setTab = useAppStore((s) => s.setOrchestratorTab);
  const jump = useJumpToItem();
  const states = useAppStore((s) => s.taskStates);
  const facts = useMemo(() => (plan ? coverageFacts(plan, states) : new Map<string, CoverageFacts>()), [plan, states]);
  if (!plan) return null;
  const rows = plan.analysis.coverage;
  const totals = coverageTotals(facts);
  const count = (v: 'verified' | 'refuted' | 'unverifiable') => rows.filter((r) => r.evidence?.verdict === v).length;
  const unserved = rows.filter((r) => r.tasks.length === 0).length;
  const manySpecs = plan.specs.length > 1;
  return (
    <section className="spec-section coverage-view" aria-label="Coverage matrix">
      <div className="section-head">
        <h3>Coverage</h3>
        <span className="muted small">
          {rows.length} requirements · <span className="ok">✔ {count('verified')}</span> · <span className="danger">✘ {count('refuted')}</span> · <span className="warn">? {count('unverifiable')}</span> ·{' '}
          {rows.length - count('verified') - count('refuted') - count('unverifiable')} without evidence · {unserved} served by no task · {totals.withCheck} with a check ·{' '}
          {totals.withDecision} with a decision
          {totals.red > 0 && (
            <>
              {' '}
              · <span className="danger">✘ {totals.red} with a red task</span>
            </>
          )}
        </span>
      </div>
      {rows.length === 0 ? (
        <p className="empty-line muted">No security requirements, failure modes or acceptance checks yet.</p>
      ) : (
        <table className="coverage" aria-label="Coverage">
          <thead>
            <tr>
              <th>Requirement</th>
              <th>Tasks</th>
              <th>Checks</th>
              <th>Decisions</th>
              <th>Latest evidence</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => {
              const f = facts.get(r.id);
              const red = f?.red ?? [];
              return (
                <tr key={r.id} aria-label={r.id} className={red.length ? 'coverage-red' : undefined}>
                  <td>
                    <button type="button" className="link mono" title={`Show ${r.id} in the spec`} onClick={() => jump(r.id)}>
                      {r.id}
                    </button>{' '}
                    <span className="coverage-text" title={r.text}>
                      <InlineText text={r.text} />
                    </span>
                    {manySpecs && r.file !== plan.spec.path && <span className="muted small"> · {r.file.slice(r.file.lastIndexOf('/') + 1)}</span>}
                  </td>
                  <td>
                    {r.tasks.length ? (
                      r.tasks.map((t) => (
                        <button
                          key={t.id}
                          type="button"
                          className="link task-chip"
                          title={`Show ${t.id} on the board`}
                          onClick={() => {
                            select({ taskId: t.id });
                            setTab('tasks');
                          }}
                        >
                          <span className="mono">{t.id}</span> <span className="muted">{statusLabel(t.status)}</span>
                          {red.filter((x) => x.taskId === t.id).map((x) => <span key={x.state} className="danger"> ✘ {x.state}</span>)}
                        </button>
                      ))
                    ) : (
                      <span className="warn">⚠ no task</span>
                    )}
                    {red.length > 0 && <div className="danger small coverage-red-reason">✘ {redReason(red)}</div>}
                  </td>
                  <td>
                    <Checks facts={f} />
                  </td>
                  <td className="mono small">{f?.decisions.length ? f.decisions.join(', ') : <span className="muted">–</span>}</td>
                  <td>
                    <Evidence row={r} />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}
