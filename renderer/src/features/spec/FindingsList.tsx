import type { Finding } from '../../../../shared/contract';
import { useAppStore } from '../../stores/app-store';
import { focusItem } from './plan-helpers';

const SEVERITY_MARK: Readonly<Record<Finding['severity'], string>> = { error: '✘', warning: '⚠', info: 'ℹ' };

/** The analysis findings; choosing one jumps to its item (in whichever spec holds it). */
export function FindingsList() {
  const plan = useAppStore((s) => s.plan);
  const setTab = useAppStore((s) => s.setOrchestratorTab);
  const setSpecPath = useAppStore((s) => s.setSpecPath);
  const setSpecMode = useAppStore((s) => s.setSpecMode);
  const showDecision = useAppStore((s) => s.showDecision);
  if (!plan) return null;
  const analysis = plan.analysis;
  const jump = (f: Finding) => {
    if (!f.itemId) return;
    const decision = f.file.includes('/decisions/') ? plan.decisions.find((d) => d.file === f.file) : undefined;
    if (decision) showDecision(decision.number);
    else if (f.file.endsWith('tasks.md')) setTab('tasks');
    else {
      const spec = plan.specs.find((s) => s.path === f.file);
      if (spec) setSpecPath(spec.path === plan.spec.path ? null : spec.path);
      setSpecMode('structured');
      setTab('spec');
    }
    focusItem(f.itemId);
  };
  return (
    <section className="spec-section" aria-label="Findings">
      <div className="section-head">
        <h3>Analysis</h3>
        <span className="badge">{analysis.findings.length} findings</span>
        <span className="spacer" />
        <button type="button" className="btn btn-ghost btn-small" onClick={() => setSpecMode('coverage')}>
          Coverage matrix
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
              {plan.specs.length > 1 && f.file.startsWith('.plumbline/spec') && <span className="muted small">{f.file.slice(f.file.lastIndexOf('/') + 1)}</span>}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
