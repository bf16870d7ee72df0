import { useShallow } from 'zustand/react/shallow';
import { TabList, tabPanelProps } from '../../components/TabList';
import { useAppStore } from '../../stores/app-store';
import type { CalibratorTab } from '../../stores/verify-slice';
import '../verify/verify.css';
import { CalibrationTab } from '../verify/CalibrationTab';
import { EvidenceTab } from '../verify/EvidenceTab';
import { RunsTab } from '../verify/RunsTab';
import { VerifyBar } from '../verify/VerifyBar';

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
        <TabList
          tabs={TABS.map(([id, label]) => ({ id, label, badge: id === 'runs' && refuted > 0 ? <span className="badge danger-badge"> ✘ {refuted}</span> : undefined }))}
          active={tab}
          onSelect={setTab}
          label="Calibrator views"
          idPrefix="cal"
        />
      </div>
      <VerifyBar />
      {error && (
        <div className="banner warn" role="alert">
          ⚠ {error}
        </div>
      )}
      <div className="cal-body" {...tabPanelProps('cal', tab)}>
        {tab === 'evidence' && <EvidenceTab />}
        {tab === 'runs' && <RunsTab />}
        {tab === 'calibration' && <CalibrationTab />}
      </div>
    </div>
  );
}
