import { useState } from 'react';
import type { Finding } from '../../../../shared/contract';
import { useAppStore } from '../../stores/app-store';
import { focusItem } from './plan-helpers';

const SEVERITY_MARK: Readonly<Record<Finding['severity'], string>> = { error: '✘', warning: '⚠', info: 'ℹ' };

/** The analysis findings; choosing one jumps to its item. Plus the requirement × tasks coverage matrix. */
export function FindingsList() {
  const analysis = useAppStore((s) => s.plan?.analysis);
  const setTab = useAppStore((s) => s.setOrchestratorTab);
  const [showCoverage, setShowCoverage] = useState(false);
  if (!analysis) return null;
  const jump = (f: Finding) => {
    if (!f.itemId) return;
    const tab = f.file.includes('/decisions/') ? 'decisions' : f.file.endsWith('tasks.md') ? 'tasks' : 'spec';
    setTab(tab);
    focusItem(f.itemId);
  };
  return (
    <section className="spec-section" aria-label="Findings">
      <div className="section-head">
        <h3>Analysis</h3>
        <span className="badge">{analysis.findings.length} findings</span>
        <span className="spacer" />
        <button type="button" className="btn btn-ghost btn-small" aria-expanded={showCoverage} onClick={() => setShowCoverage(!showCoverage)}>
          {showCoverage ? 'Hide' : 'Show'} coverage
        </button>
      </div>
      {analysis.findings.length === 0 && <p className="empty-line muted">✔ No findings.</p>}
      <ul className="list">
        {analysis.findings.map((f, i) => (
          <li key={i}>
            <button type="button" className={`row finding ${f.severity}`} onClick={() => jump(f)} disabled={!f.itemId} title={`${f.file}${f.line ? `:${f.line}` : ''}`}>
              <span className={f.severity === 'error' ? 'danger' : f.severity === 'warning' ? 'warn' : 'muted'} aria-label={f.severity}>
                {SEVERITY_MARK[f.severity]}
              </span>
              <span className="grow wrap">{f.message}</span>
              {f.itemId && <span className="mono muted">{f.itemId}</span>}
            </button>
          </li>
        ))}
      </ul>
      {showCoverage && (
        <table className="coverage" aria-label="Coverage">
          <thead>
            <tr>
              <th>Requirement</th>
              <th>Tasks</th>
              <th>Evidence</th>
            </tr>
          </thead>
          <tbody>
            {analysis.coverage.map((r) => (
              <tr key={r.id}>
                <td className="mono" title={r.text}>
                  {r.id}
                </td>
                <td>{r.tasks.length ? r.tasks.map((t) => `${t.id} (${t.status})`).join(', ') : <span className="warn">⚠ none</span>}</td>
                <td>{r.evidence ? `${r.evidence.verdict === 'verified' ? '✔' : r.evidence.verdict === 'refuted' ? '✘' : '?'} ${r.evidence.verdict}` : <span className="muted">—</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
