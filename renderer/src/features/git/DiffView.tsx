import type { GitDiff } from '../../../../shared/contract';
import { DiffEditor } from '../../editor/DiffEditor';
import { formatSize } from '../../components/format';
import { afterRender, focusChangeRow } from './focus';

/** Per-hunk action shown above a text diff (stage or unstage one hunk). */
export interface HunkAction {
  readonly label: string;
  /** Resolves once the change is written and the diff refreshed, so focus can move to what is left. */
  readonly run: (index: number, header: string) => Promise<unknown>;
  readonly disabled?: boolean;
}

interface DiffViewProps {
  readonly diff: GitDiff;
  /** Left and right captions, e.g. "Index" and "Working tree". */
  readonly sides: readonly [string, string];
  readonly hunkAction?: HunkAction;
}

/** A diff in Monaco, or a plain note for binary and too-large files (nothing heavier is loaded). */
export function DiffView({ diff, sides, hunkAction }: DiffViewProps) {
  switch (diff.kind) {
    case 'binary':
      return (
        <div className="empty" role="note">
          {diff.path} is binary ({formatSize(diff.oldSize)} → {formatSize(diff.newSize)}); no text diff is shown.
        </div>
      );
    case 'tooLarge':
      return (
        <div className="empty" role="note">
          {diff.path} is too large to diff here ({formatSize(diff.size)}; the limit is {formatSize(diff.limit)}).
        </div>
      );
    case 'text':
      return (
        <div className="diff-view">
          <div className="toolbar">
            <span className="mono grow" title={diff.path}>
              {diff.path}
            </span>
            <span className="muted">
              {sides[0]} ↔ {sides[1]}
            </span>
          </div>
          {diff.invalidUtf8 && <div className="banner warn">⚠ This file is not valid UTF-8; undecodable bytes are shown as �.</div>}
          {hunkAction && diff.hunks.length > 0 && (
            <ul className="list hunk-list" aria-label="Hunks">
              {diff.hunks.map((h) => (
                <li key={h.header + h.index} className="row">
                  <span className="mono grow">{h.header}</span>
                  <span className="muted num">
                    lines {h.newStart}–{h.newStart + Math.max(h.newLines, 1) - 1}
                  </span>
                  <button
                    className="btn btn-small"
                    disabled={hunkAction.disabled}
                    aria-label={`${hunkAction.label} ${h.index + 1} (${h.header})`}
                    onClick={(e) => {
                      const list = e.currentTarget.closest('ul');
                      const at = list ? [...list.querySelectorAll('button')].indexOf(e.currentTarget) : 0;
                      void hunkAction.run(h.index, h.header).then(() => focusAfterHunk(diff.path, at, hunkAction.label));
                    }}
                  >
                    {hunkAction.label}
                  </button>
                </li>
              ))}
            </ul>
          )}
          <DiffEditor original={diff.original} modified={diff.modified} path={diff.path} ariaLabel={`Diff of ${diff.path}: ${sides[0]} and ${sides[1]}`} />
        </div>
      );
  }
}

/**
 * After a hunk was staged or unstaged: the next hunk waiting for the same action, else the file's row
 * (when the last one went, the view shows the file's other side, whose buttons do the opposite).
 */
function focusAfterHunk(path: string, at: number, label: string): void {
  afterRender(() => {
    const buttons = [...document.querySelectorAll<HTMLButtonElement>('.hunk-list button')].filter((b) => b.textContent === label);
    const target = buttons[Math.min(at, buttons.length - 1)];
    if (target) target.focus({ focusVisible: true });
    else focusChangeRow(path);
  });
}
