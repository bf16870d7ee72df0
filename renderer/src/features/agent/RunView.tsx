import { useEffect, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { LineDiff } from '../../components/LineDiff';
import { DiffEditor } from '../../editor/DiffEditor';
import { useAppStore } from '../../stores/app-store';
import { acceptConcerns } from '../verify/run-glance';
import { RunGlance } from '../verify/RunGlance';
import { AcceptDialog } from './AcceptDialog';
import { acceptBlocker } from './lane-format';
import { formatCost, formatTokens, statusLabel, totalTokens } from './format';
import { TranscriptView } from './TranscriptView';

function Countdown({ at }: { readonly at: number }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(t);
  }, []);
  return <span className="warn">retrying in {Math.max(0, Math.ceil((at - now) / 1000))} s</span>;
}

function SteerBox() {
  const [text, setText] = useState('');
  const steer = useAppStore((s) => s.steerRun);
  const stop = useAppStore((s) => s.stopRun);
  const send = (): void => {
    if (!text.trim()) return;
    void steer(text);
    setText('');
  };
  return (
    <div className="steer">
      <input
        aria-label="Steer the agent"
        placeholder="Type to queue a message for the next turn…"
        value={text}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') send();
          if (e.key === 'Escape' && window.confirm('Stop this run?')) void stop();
        }}
      />
      <button className="btn" onClick={send} disabled={!text.trim()}>Send</button>
      <button className="btn btn-danger" onClick={() => void stop()}>Stop</button>
    </div>
  );
}

function Review() {
  const { diff, summary, busy, canUndo } = useAppStore(useShallow((s) => ({ diff: s.runDiff, summary: s.shownRun?.summary ?? null, busy: s.agentBusy, canUndo: s.canUndoReject })));
  const { accept, reject, undo } = useAppStore(useShallow((s) => ({ accept: s.acceptRun, reject: s.rejectRun, undo: s.undoRejectRun })));
  const verification = useAppStore((s) => (summary ? s.verifiedRuns.find((r) => r.runId === summary.runId) : undefined));
  // A parallel run (it has a lane): Accept commits on its branch and puts it into the merge queue.
  const lane = useAppStore((s) => (summary ? s.lanes.find((l) => l.runId === summary.runId) : undefined));
  const [selected, setSelected] = useState<string | null>(null);
  // The diff shows as lines at first: the diff editor (Monaco) is loaded only when the user asks for it,
  // so a run ending while others stream never stalls the page loading it.
  const [inEditor, setInEditor] = useState(false);
  // The problems shown by the "Accept anyway?" dialog; null while it is closed.
  const [asking, setAsking] = useState<readonly string[] | null>(null);
  if (!summary || summary.kind !== 'task' || !summary.endedAt) return null;
  const file = diff?.find((f) => f.path === selected) ?? diff?.[0] ?? null;
  // A red run or one with open findings asks once more; a clean one is accepted at once.
  const onAccept = (): void => {
    const concerns = acceptConcerns(verification);
    if (concerns.length > 0) setAsking(concerns);
    else void accept();
  };
  return (
    <section className="review" aria-label="Run diff">
      <div className="toolbar">
        <strong>Review</strong>
        <span className="muted">
          {summary.review === 'accepted'
            ? '✔ accepted'
            : summary.review === 'rejected'
              ? '↩ rejected'
              : summary.status === 'failed' && diff?.length === 0
                ? '✘ failed, no files changed'
                : diff
                  ? `${diff.length} file(s) changed`
                  : 'loading diff…'}
        </span>
        {lane && (
          <span className="muted small" title="Accepted runs merge into your branch in dependency order, each after its checks pass on the merged tree">
            {summary.review === 'accepted' ? `in the merge queue: ${lane.state}` : `parallel run on ${lane.branch ?? 'its branch'}: Accept puts it into the merge queue`}
          </span>
        )}
        <span className="spacer" />
        {summary.review === 'pending' && diff && diff.length > 0 && (
          <>
            <button className="btn" disabled={busy} onClick={() => void reject()}>Reject</button>
            <button className="btn btn-primary" disabled={busy || !!acceptBlocker(lane)} title={acceptBlocker(lane) ?? undefined} onClick={onAccept}>Accept</button>
          </>
        )}
        {summary.review === 'rejected' && canUndo && (
          <button className="btn" disabled={busy} onClick={() => void undo()}>Undo reject</button>
        )}
      </div>
      {diff && diff.length > 0 && summary.review === 'pending' && (
        <>
          <div className="files-bar">
            <div className="files" role="tablist" aria-label="Changed files">
              {diff.map((f) => (
                <button key={f.path} role="tab" aria-selected={f.path === file?.path} className="tab" onClick={() => setSelected(f.path)}>
                  {f.status === 'added' ? '+' : f.status === 'deleted' ? '−' : '~'} {f.path}
                </button>
              ))}
            </div>
            <button type="button" className="btn btn-small" aria-pressed={inEditor} title={inEditor ? 'Show the changed lines only' : 'Show the whole file before and after in the diff editor (side by side where there is room)'} onClick={() => setInEditor(!inEditor)}>
              Diff editor
            </button>
          </div>
          <div className="diff-host">
            {file &&
              (file.binary ? (
                <div className="empty">Binary file — not shown.</div>
              ) : inEditor ? (
                <DiffEditor key={file.path} original={file.before ?? ''} modified={file.after ?? ''} path={file.path} ariaLabel={`Diff of ${file.path}`} />
              ) : (
                <LineDiff key={file.path} before={file.before ?? ''} after={file.after ?? ''} ariaLabel={`Diff of ${file.path}`} onOpenEditor={() => setInEditor(true)} />
              ))}
          </div>
        </>
      )}
      {diff && diff.length === 0 && summary.review === 'pending' && (
        <div className="empty">{summary.status === 'failed' ? `The run failed before it changed any file: ${summary.reason ?? 'no reason was recorded'}` : 'The run changed no files.'}</div>
      )}
      {asking && verification && (
        <AcceptDialog
          run={verification}
          concerns={asking}
          parallel={!!lane}
          onCancel={() => setAsking(null)}
          onAccept={() => {
            setAsking(null);
            void accept();
          }}
        />
      )}
    </section>
  );
}

/** The "Agent run" view: header with model, tokens and cost, the transcript, approvals, steering, and the review. */
export function RunView() {
  const run = useAppStore((s) => s.shownRun);
  const sandbox = useAppStore((s) => s.sandbox);
  const verification = useAppStore((s) => (run ? s.verifiedRuns.find((r) => r.runId === run.runId) : undefined));
  const { resume, discard } = useAppStore(useShallow((s) => ({ resume: s.resumeRun, discard: s.discardRun })));
  if (!run) return <section className="agent-run" aria-label="Agent run"><div className="empty">Pick a task and press “Run task”, or choose a run on the left.</div></section>;
  const s = run.summary;
  const start = run.events.find((e) => e.type === 'start');
  const title = s?.title ?? (start?.type === 'start' ? start.title : run.runId);
  const live = s ? ['running', 'waiting', 'retrying'].includes(s.status) : true;
  const label = s ? statusLabel(s.status) : { text: '● starting', cls: '' };
  return (
    <section className="agent-run" aria-label="Agent run">
      <div className="run-head">
        <span className="title">{title}</span>
        {s && <span className="muted">{s.role}: <span className="mono">{s.model}</span></span>}
        <span className={label.cls}>{label.text}</span>
        {run.retryAt && <Countdown at={run.retryAt} />}
        {verification ? <RunGlance run={verification} /> : s?.kind === 'task' && s.endedAt && <span className="muted">… not verified yet</span>}
        {sandbox?.kind === 'none' && <span className="warn small" title={sandbox.message}>⚠ no command sandbox: every command asks</span>}
        {s && (
          <span className="meter" aria-label="Cost meter">
            <span className="num">{formatTokens(totalTokens(s.usage))} tok</span>
            <span className="num" title="Estimated from the price table in Settings">≈ {formatCost(s.costUsd)} estimated</span>
          </span>
        )}
      </div>
      <TranscriptView />
      {s?.status === 'interrupted' && (
        <div className="toolbar">
          <span className="warn">⚠ {s.reason}</span>
          <span className="spacer" />
          <button className="btn" onClick={() => void discard()}>Discard</button>
          <button className="btn btn-primary" onClick={() => void resume()}>Resume</button>
        </div>
      )}
      {live && <SteerBox />}
      <Review />
    </section>
  );
}
