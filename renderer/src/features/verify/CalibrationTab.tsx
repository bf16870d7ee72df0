import { calibrationTrendSvg, reliabilityDiagramSvg, type PlotColours } from '../../../../shared/calibration-plot';
import { useAppStore } from '../../stores/app-store';
import { pct } from './verdict-marks';

/** The theme's colours: inline SVG in the DOM resolves CSS variables, so the plots follow light and dark. */
const THEME_COLOURS: PlotColours = { ink: 'currentColor', accent: 'var(--accent)', secondary: 'var(--muted)' };

/** Calibration per model and role: the numbers, the reliability diagram and the trend. */
export function CalibrationTab() {
  const groups = useAppStore((s) => s.calibration);
  if (groups.length === 0) {
    return (
      <div className="empty">
        <p>No claims with a verdict yet.</p>
        <p>Each verified or refuted claim of an agent run adds to its model's calibration: stated confidence against what turned out true.</p>
      </div>
    );
  }
  return (
    <div className="scroll cal-calibration">
      {groups.map((g) => (
        <section key={`${g.model}/${g.role}`} className="cal-group" aria-label={`Calibration of ${g.model} as ${g.role}`}>
          <h3>
            {g.model} · {g.role} {g.overconfident && <span className="badge warn">⚠ overconfident</span>}
          </h3>
          <table className="cal-stats">
            <tbody>
              <tr><th scope="row">Claims with verdicts</th><td className="num">{g.n}</td></tr>
              <tr><th scope="row">Accuracy</th><td className="num">{pct(g.accuracy)}</td></tr>
              <tr><th scope="row">Mean stated confidence</th><td className="num">{pct(g.meanConfidence)}</td></tr>
              <tr><th scope="row" title="mean squared gap between confidence and outcome; 0 is perfect">Brier score</th><td className="num">{g.brier.toFixed(3)}</td></tr>
              <tr><th scope="row" title="expected calibration error over 10 equal-width bins">ECE</th><td className="num">{g.ece.toFixed(3)}</td></tr>
            </tbody>
          </table>
          {/* The SVG comes from a pure function over numbers, with every text escaped. */}
          <div className="cal-plot" dangerouslySetInnerHTML={{ __html: reliabilityDiagramSvg(g.bins, `${g.model} · ${g.role}`, 240, THEME_COLOURS) }} />
          {g.trend.length > 0 && <div className="cal-plot" dangerouslySetInnerHTML={{ __html: calibrationTrendSvg(g.trend, `${g.model} · ${g.role}`, 240, 80, THEME_COLOURS) }} />}
        </section>
      ))}
    </div>
  );
}
