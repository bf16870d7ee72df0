import { useShallow } from 'zustand/react/shallow';
import { useAppStore } from '../../stores/app-store';
import type { CalibratorTab } from '../../stores/calibrator-slice';
import './calibrator.css';
import { CalibrationTab } from './CalibrationTab';
import { EvidenceTab } from './EvidenceTab';
import { RunsTab } from './RunsTab';
import { VerifyBar } from './VerifyBar';

const TABS: ReadonlyArray<readonly [CalibratorTab, string]> = [
  ['evidence', 'Evidence'],
  ['runs', 'Runs'],
  ['calibration', 'Calibration'],
];

/** The Calibrator pane: evidence, claim verdicts and calibration — the truth of the project. */
export function CalibratorPane() {
  const { tab, setTab, error, refuted } = useAppStore(
    useShallow((s) => ({ tab: s.calTab, setTab: s.setCalTab, error: s.calError, refuted: s.verifiedRuns.reduce((n, r) => n + r.counts.refuted, 0) })),
  );
  return (
    <div className="calibrator">
      <div className="tabs">
        <div role="tablist" aria-label="Calibrator views" className="tablist">
          {TABS.map(([id, label]) => (
            <button
              key={id}
              type="button"
              role="tab"
              className="tab"
              id={`cal-tab-${id}`}
              aria-selected={tab === id}
              aria-controls={`cal-panel-${id}`}
              tabIndex={tab === id ? 0 : -1}
              onClick={() => setTab(id)}
              onKeyDown={(e) => {
                const i = TABS.findIndex(([t]) => t === id);
                const next = e.key === 'ArrowRight' ? TABS[(i + 1) % TABS.length] : e.key === 'ArrowLeft' ? TABS[(i + TABS.length - 1) % TABS.length] : undefined;
                if (next) {
                  e.preventDefault();
                  setTab(next[0]);
                  document.getElementById(`cal-tab-${next[0]}`)?.focus();
                }
              }}
            >
              {label}
              {id === 'runs' && refuted > 0 && <span className="badge danger-badge"> ✘ {refuted}</span>}
            </button>
          ))}
        </div>
      </div>
      <VerifyBar />
      {error && (
        <div className="banner warn" role="alert">
          ⚠ {error}
        </div>
      )}
      <div className="cal-body" role="tabpanel" id={`cal-panel-${tab}`} aria-labelledby={`cal-tab-${tab}`}>
        {tab === 'evidence' && <EvidenceTab />}
        {tab === 'runs' && <RunsTab />}
        {tab === 'calibration' && <CalibrationTab />}
      </div>
    </div>
  );
}
