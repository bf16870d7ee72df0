import { useShallow } from 'zustand/react/shallow';
import { TabList, tabPanelProps } from '../../components/TabList';
import { useAppStore } from '../../stores/app-store';
import type { CalibratorTab } from '../../stores/verify-slice';
import '../verify/verify.css';
import { CalibrationTab } from '../verify/CalibrationTab';
import { EvidenceTab } from '../verify/EvidenceTab';
import { RunsTab } from '../verify/RunsTab';
import { countRed } from '../verify/run-glance';
import { VerifyBar } from '../verify/VerifyBar';

const TABS: ReadonlyArray<readonly [CalibratorTab, string]> = [
  ['evidence', 'Evidence'],
  ['runs', 'Runs'],
  ['calibration', 'Calibration'],
];

/** The Calibrator pane: evidence, claim verdicts and calibration — the truth of the project. */
export function CalibratorPane() {
  // The badge counts red runs (a refuted claim, an error finding, a regressed or untrusted check), not claims.
  const { tab, setTab, error, red } = useAppStore(useShallow((s) => ({ tab: s.calTab, setTab: s.setCalTab, error: s.calError, red: countRed(s.verifiedRuns) })));
  return (
    <div className="calibrator">
      <div className="tabs">
        <TabList
          tabs={TABS.map(([id, label]) => ({ id, label, badge: id === 'runs' && red > 0 ? <span className="badge danger-badge" title={`${red} run(s) red: the Runs tab says why`}> ✘ {red}</span> : undefined }))}
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
