import type { CoverageRow } from '../../../../shared/contract';
import { useAppStore } from '../../stores/app-store';
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

/**
 * Requirement × tasks × latest evidence, over every spec of the project. The evidence column is the
 * Calibrator's latest verdict per requirement (from `.plumbline/evidence.jsonl`); the plan is re-read
 * after each Verify, so the column follows it.
 */
export function CoverageMatrix() {
  const plan = useAppStore((s) => s.plan);
  const select = useAppStore((s) => s.select);
  const setTab = useAppStore((s) => s.setOrchestratorTab);
  const jump = useJumpToItem();
  if (!plan) return null;
  const rows = plan.analysis.coverage;
  const count = (v: 'verified' | 'refuted' | 'unverifiable') => rows.filter((r) => r.evidence?.verdict === v).length;
  const unserved = rows.filter((r) => r.tasks.length === 0).length;
  const manySpecs = plan.specs.length > 1;
  return (
    <section className="spec-section coverage-view" aria-label="Coverage matrix">
      <div className="section-head">
        <h3>Coverage</h3>
        <span className="muted small">
          {rows.length} requirements · <span className="ok">✔ {count('verified')}</span> · <span className="danger">✘ {count('refuted')}</span> · <span className="warn">? {count('unverifiable')}</span> ·{' '}
          {rows.length - count('verified') - count('refuted') - count('unverifiable')} without evidence · {unserved} served by no task
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
              <th>Latest evidence</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id} aria-label={r.id}>
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
                      </button>
                    ))
                  ) : (
                    <span className="warn">⚠ no task</span>
                  )}
                </td>
                <td>
                  <Evidence row={r} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
