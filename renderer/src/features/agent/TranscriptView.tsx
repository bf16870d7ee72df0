import { useVirtualizer } from '@tanstack/react-virtual';
import { diffLines } from 'diff';
import { memo, useEffect, useMemo, useRef } from 'react';
import { useAppStore } from '../../stores/app-store';
import { buildRows, paragraphs, toolLabel, type TranscriptRow } from './transcript-rows';

function EditPreview({ before, after }: { readonly before: string | null; readonly after: string | null }) {
  const parts = useMemo(() => diffLines(before ?? '', after ?? ''), [before, after]);
  return (
    <pre aria-label="Proposed edit">
      {parts.map((p, i) => {
        const lines = p.value.replace(/\n$/, '').split('\n');
        if (!p.added && !p.removed) {
          // Long unchanged stretches are folded to their edges.
          const shown = lines.length > 6 ? [...lines.slice(0, 2), `  … ${lines.length - 4} unchanged lines …`, ...lines.slice(-2)] : lines;
          return <span key={i}>{shown.map((l) => `  ${l}`).join('\n')}{'\n'}</span>;
        }
        return (
          <span key={i} className={p.added ? 'diff-line-add' : 'diff-line-del'}>
            {lines.map((l) => `${p.added ? '+ ' : '- '}${l}`).join('\n')}
            {'\n'}
          </span>
        );
      })}
    </pre>
  );
}

/** One paragraph of a text block (see `paragraphs`); unchanged paragraphs are not rendered again. */
const Paragraph = memo(function Paragraph({ text }: { readonly text: string }) {
  return <div>{text}</div>;
});

function Row({ row }: { readonly row: TranscriptRow }) {
  const answer = useAppStore((s) => s.answerApproval);
  switch (row.kind) {
    case 'user':
      return row.steer ? <div className="tx-user">➜ You: {row.text}</div> : <details className="tx-tool"><summary>Task given to the agent</summary><pre>{row.text}</pre></details>;
    case 'text':
      return (
        <div className="tx-text">
          {paragraphs(`${row.text}${row.live ? ' ▍' : ''}`).map((p, i) => (
            <Paragraph key={i} text={p} />
          ))}
        </div>
      );
    case 'thinking':
      return <div className="tx-thinking">{row.text}</div>;
    case 'tool': {
      const mark = row.result ? (row.result.isError ? '✘' : '✔') : '…';
      return (
        <details className="tx-tool">
          <summary>
            <span className={row.result?.isError ? 'danger' : undefined}>{mark}</span> {row.input ? toolLabel(row.name, row.input) : `${row.name} (streaming input)`}
          </summary>
          {row.partial !== null ? <pre>{row.partial}</pre> : <pre>{JSON.stringify(row.input, null, 2)}</pre>}
          {row.result && <pre className={row.result.isError ? 'tx-error' : undefined}>{row.result.text}</pre>}
        </details>
      );
    }
    case 'approval': {
      const e = row.event;
      const what = e.action === 'edit' ? `Edit ${e.path ?? ''}` : `Run command`;
      return (
        <div className="tx-approval" role="group" aria-label={`Approval: ${what}`}>
          <div>
            <strong>{what}</strong>
            {row.decided === true && <span className="muted"> — ✔ approved</span>}
            {row.decided === false && <span className="muted"> — ✘ declined</span>}
          </div>
          {e.action === 'edit' ? <EditPreview before={e.before} after={e.after} /> : <pre>{e.command}</pre>}
          {row.decided === null && (
            <div className="actions">
              <button className="btn btn-primary" onClick={() => void answer(e.approvalId, true)}>Approve</button>
              <button className="btn" onClick={() => void answer(e.approvalId, false)}>Deny</button>
            </div>
          )}
        </div>
      );
    }
    case 'line':
      return <div className={`tx-notice ${row.tone}`}>{row.text}</div>;
  }
}

/** The run's transcript, virtualised so thousands of records keep the DOM small; follows the end while at the bottom. */
export function TranscriptView() {
  const run = useAppStore((s) => s.shownRun);
  const rows = useMemo(() => (run ? buildRows(run.events, run.live) : []), [run]);
  const parent = useRef<HTMLDivElement>(null);
  const stick = useRef(true);
  // eslint-disable-next-line react-hooks/incompatible-library -- the virtualizer is used directly in this component only
  const virtual = useVirtualizer({ count: rows.length, getScrollElement: () => parent.current, estimateSize: () => 28, overscan: 8, getItemKey: (i) => rows[i].key });
  // Following the end: one scroll per frame, in the frame's own layout (a scroll from the effect would force a
  // layout in every update of a streaming run). The total size is known without layout; the browser clamps it.
  const follow = useRef(0);
  useEffect(() => {
    if (!stick.current || !rows.length || follow.current) return;
    follow.current = requestAnimationFrame(() => {
      follow.current = 0;
      const el = parent.current;
      if (el && stick.current) el.scrollTop = virtual.getTotalSize();
    });
  }, [rows, virtual]);
  useEffect(() => () => cancelAnimationFrame(follow.current), []);
  return (
    <div
      className="transcript"
      ref={parent}
      role="log"
      aria-label="Transcript"
      onScroll={(e) => {
        const el = e.currentTarget;
        stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
      }}
    >
      <div style={{ height: virtual.getTotalSize(), position: 'relative' }}>
        {virtual.getVirtualItems().map((item) => (
          <div key={item.key} data-index={item.index} ref={virtual.measureElement} className="tx-item" style={{ position: 'absolute', top: 0, left: 0, right: 0, transform: `translateY(${item.start}px)` }}>
            <Row row={rows[item.index]} />
          </div>
        ))}
      </div>
    </div>
  );
}
