import { useShallow } from 'zustand/react/shallow';
import { useAppStore } from '../../stores/app-store';
import { ChecksSettings } from './ChecksSettings';
import { markOf } from './verdict-marks';

/** "Verify" with progress, cancel and the streamed output of the running check. */
export function VerifyBar() {
  const job = useAppStore((s) => s.verifyJob);
  const { startVerify, cancelVerify } = useAppStore(useShallow((s) => ({ startVerify: s.startVerify, cancelVerify: s.cancelVerify })));
  const taskId = useAppStore((s) => s.selection.taskId);
  const running = job !== null && !job.finished;
  const failed = job?.results.filter((r) => r.outcome !== 'passed').length ?? 0;
  return (
    <div className="cal-verify">
      <div className="toolbar">
        <button type="button" className="btn btn-primary btn-small" disabled={running} onClick={() => void startVerify()} title="Run every acceptance check, decision confirmation and the test command">
          Verify
        </button>
        {taskId && (
          <button type="button" className="btn btn-small" disabled={running} onClick={() => void startVerify(taskId)} title={`Run the checks ${taskId} names`}>
            Verify {taskId}
          </button>
        )}
        {running && (
          <>
            <progress max={job.total} value={job.done} aria-label="Verification progress" />
            <span className="num muted" aria-live="polite">
              {job.done}/{job.total}
            </span>
            <button type="button" className="btn btn-small btn-danger" onClick={() => void cancelVerify()}>
              Cancel
            </button>
          </>
        )}
        {job?.finished && (
          <span role="status" className={failed ? 'danger' : 'ok'}>
            {job.cancelled ? '? cancelled' : failed ? `✘ ${failed} of ${job.results.length} failed` : `✔ all ${job.results.length} passed`}
          </span>
        )}
        <span className="spacer" />
        <ChecksSettings />
      </div>
      {job && (running || job.output) && (
        <details className="cal-output" open={running}>
          <summary className="muted">{running ? `Running: ${job.current ?? '…'}` : 'Output of the last verification'}</summary>
          <pre aria-label="Verification output">{job.output || ' '}</pre>
          {job.finished && job.results.length > 0 && (
            <ul className="list">
              {job.results.map((r) => {
                const m = markOf(r.outcome);
                return (
                  <li key={r.check.id} className="row">
                    <span className={m.tone}>{m.symbol}</span>
                    <span className="grow">{r.check.label}</span>
                    <span className={m.tone}>{m.word}</span>
                  </li>
                );
              })}
            </ul>
          )}
        </details>
      )}
    </div>
  );
}
