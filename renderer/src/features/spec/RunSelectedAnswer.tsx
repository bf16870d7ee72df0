import { forwardRef } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useAppStore } from '../../stores/app-store';
import { useUiPrefs } from '../../stores/ui-prefs';
import { selectionOutcome, sentence } from '../agent/lane-format';

/**
 * The answer to "Run selected", under the Tasks toolbar: per selected task whether it started, waits or was
 * refused and why, or the core's refusal (with the embedded git engine tasks run one at a time). Focusable,
 * so it takes the focus after the button and is read out.
 */
export const RunSelectedAnswer = forwardRef<HTMLDivElement>(function RunSelectedAnswer(_props, ref) {
  const { answer, root } = useAppStore(useShallow((s) => ({ answer: s.runSelection, root: s.project?.root ?? null })));
  const clear = useAppStore((s) => s.clearRunSelection);
  if (!answer || answer.root !== root) return <div ref={ref} tabIndex={-1} className="run-answer-anchor" />;
  const showLanes = (): void => {
    useUiPrefs.getState().setAgentView('lanes');
    useUiPrefs.getState().setBuilderTab('agent');
  };
  return (
    <div ref={ref} tabIndex={-1} className={`run-answer${answer.error ? ' refused' : ''}`} role={answer.error ? 'alert' : 'status'} aria-label="Run selected">
      {answer.error ? (
        <div className="danger">
          ⚠ Nothing started. {sentence(answer.error)} Run the tasks one by one with “Run task”.
        </div>
      ) : (
        <ul className="list">
          {answer.lanes?.map((l) => {
            const o = selectionOutcome(l);
            return (
              <li key={l.taskId} className={o.tone}>
                {o.text}
              </li>
            );
          })}
        </ul>
      )}
      <div className="run-answer-actions">
        {!answer.error && (
          <button type="button" className="btn btn-small" onClick={showLanes}>
            Show the Runs lane
          </button>
        )}
        <button type="button" className="btn btn-small btn-ghost" aria-label="Dismiss the answer" onClick={clear}>
          ✕
        </button>
      </div>
    </div>
  );
});
