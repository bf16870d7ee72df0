/** The Calibrator pane: evidence, claim verdicts and calibration. */
export function CalibratorPane() {
  return <div className="empty">Evidence from checks and agent runs appears here.</div>;
}
