import type { RunVerification } from '../../../../shared/contract';
import { glanceSummary } from './run-glance';

/**
 * A run's verification at a glance: red with its problems in words, amber with what waits, green
 * "✔ verified" only when the Calibrator found everything verified. Shared by the Builder's run
 * header and the Runs tab.
 */
export function RunGlance({ run, className = '' }: { readonly run: RunVerification; readonly className?: string }) {
  const s = glanceSummary(run);
  return (
    <span className={`run-glance glance-${s.glance} ${s.mark.tone} ${className}`} data-testid="run-glance" data-glance={s.glance} title={s.reasons.join('\n') || 'Every claim verified, every served check passes from trusted definitions, no finding open'}>
      {s.text}
    </span>
  );
}

/** The glance as a short mark for dense rows (the Builder's run list); the full reasons are in the tooltip. */
export function RunGlanceMark({ run }: { readonly run: RunVerification }) {
  const s = glanceSummary(run);
  return (
    <span className={`run-glance-mark ${s.mark.tone}`} data-glance={s.glance} title={s.text}>
      {s.mark.symbol} {s.mark.word}
    </span>
  );
}
