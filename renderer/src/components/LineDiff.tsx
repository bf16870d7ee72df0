import { useMemo } from 'react';
import { firstLines, lineDiff, type DiffLine } from './line-diff';

/** Lines shown at most; the rest is one click away in the diff editor. */
export const MAX_SHOWN_LINES = 1_500;

/** Props of the line diff. */
export interface LineDiffProps {
  readonly before: string;
  readonly after: string;
  /** Accessible name of the diff ("Diff of src/a.ts"). */
  readonly ariaLabel: string;
  /** Opens the same change in the diff editor (offered when the diff is cut short or too large here). */
  readonly onOpenEditor?: () => void;
}

const mark: Record<DiffLine['kind'], string> = { same: '  ', add: '+ ', del: '- ' };
const cls: Record<DiffLine['kind'], string | undefined> = { same: undefined, add: 'diff-line-add', del: 'diff-line-del' };
const num = (n: number | null): string => (n === null ? '' : String(n)).padStart(5);

/**
 * A unified line diff drawn as plain text: the changed lines with three unchanged ones around each change,
 * line numbers before and after in a gutter that is not part of the text. Cheap to show at once (no editor
 * to load), so a run's review never stalls the page while other runs stream.
 */
export function LineDiff({ before, after, ariaLabel, onOpenEditor }: LineDiffProps) {
  const result = useMemo(() => lineDiff(before, after), [before, after]);
  if (result.kind === 'too-large') {
    return (
      <div className="line-diff-note" aria-label={ariaLabel}>
        {result.reason}{' '}
        {onOpenEditor && <button type="button" className="btn btn-small" onClick={onOpenEditor}>Open in the diff editor</button>}
      </div>
    );
  }
  if (result.hunks.length === 0) return <div className="line-diff-note" aria-label={ariaLabel}>No line changed (only line endings or nothing at all).</div>;
  const { hunks, hidden } = firstLines(result.hunks, MAX_SHOWN_LINES);
  return (
    <div className="line-diff-host">
      {/* Focusable so the keyboard can scroll it. */}
      <pre className="line-diff" aria-label={ariaLabel} tabIndex={0}>
        {hunks.map((h) => (
          <span key={`${h.oldStart},${h.newStart}`}>
            <span className="diff-hunk">{`@@ −${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@\n`}</span>
            {h.lines.map((l, i) => (
              <span key={i} className={cls[l.kind]}>
                <span className="diff-ln" aria-hidden="true">{`${num(l.old)} ${num(l.new)} `}</span>
                {`${mark[l.kind]}${l.text}\n`}
              </span>
            ))}
          </span>
        ))}
      </pre>
      {hidden > 0 && (
        <div className="line-diff-note">
          {hidden.toLocaleString('en')} more line(s) not shown here.{' '}
          {onOpenEditor && <button type="button" className="btn btn-small" onClick={onOpenEditor}>Open in the diff editor</button>}
        </div>
      )}
    </div>
  );
}
