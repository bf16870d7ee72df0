import { useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { EvidenceRecord } from '../../../../shared/contract';
import { useAppStore } from '../../stores/app-store';
import { markOf, shortTime } from './verdict-marks';

const BAD = new Set(['failed', 'refuted', 'timeout', 'error', 'no_tests', 'flagged']);
const GOOD = new Set(['passed', 'verified']);

function matches(r: EvidenceRecord, f: { text: string; result: string; kind: string }, sel: { taskId?: string; requirementId?: string } | null): boolean {
  if (f.result === 'bad' && !BAD.has(r.result)) return false;
  if (f.result === 'good' && !GOOD.has(r.result)) return false;
  if (f.result === 'open' && r.result !== 'unverifiable' && r.result !== 'pending') return false;
  if (f.kind === 'checks' && r.kind !== 'command') return false;
  if (f.kind === 'claims' && r.subject.kind !== 'claim') return false;
  if (f.kind === 'findings' && r.kind !== 'finding' && r.kind !== 'review') return false;
  if (sel?.taskId && r.taskId !== sel.taskId && !(r.subject.kind === 'task' && r.subject.id === sel.taskId)) return false;
  if (sel?.requirementId && !r.requirementIds?.includes(sel.requirementId) && r.subject.id !== sel.requirementId) return false;
  if (f.text) {
    const q = f.text.toLowerCase();
    const hay = `${r.what} ${r.how} ${r.subject.id} ${r.taskId ?? ''} ${(r.requirementIds ?? []).join(' ')} ${r.note ?? ''}`.toLowerCase();
    if (!hay.includes(q)) return false;
  }
  return true;
}

const natural = new Intl.Collator(undefined, { numeric: true });

/** Groups records per task or per requirement (a record may bear on several requirements). */
function groupRecords(records: readonly EvidenceRecord[], by: 'task' | 'requirement'): [string, EvidenceRecord[]][] {
  const groups = new Map<string, EvidenceRecord[]>();
  const add = (key: string, r: EvidenceRecord) => {
    const list = groups.get(key);
    if (list) list.push(r);
    else groups.set(key, [r]);
  };
  for (const r of records) {
    if (by === 'task') add(r.taskId ?? (r.subject.kind === 'task' ? r.subject.id : 'No task'), r);
    else {
      const ids = r.requirementIds?.length ? r.requirementIds : r.subject.kind === 'requirement' ? [r.subject.id] : ['No requirement'];
      for (const id of ids) add(id, r);
    }
  }
  return [...groups.entries()].sort(([a], [b]) => (a.startsWith('No ') ? 1 : b.startsWith('No ') ? -1 : natural.compare(a, b)));
}

/**
 * What a group heading counts: current records (not superseded) whose MAC verified. Untrusted
 * records are shown, struck through, and only counted apart as "not counted".
 */
export function groupCounts(records: readonly EvidenceRecord[], superseded: ReadonlySet<string>): { good: number; bad: number; untrusted: number } {
  const counted = records.filter((r) => !superseded.has(r.id) && !r.untrusted);
  return { good: counted.filter((r) => GOOD.has(r.result)).length, bad: counted.filter((r) => BAD.has(r.result)).length, untrusted: records.filter((r) => r.untrusted).length };
}

/** The core's reason when a record's MAC does not verify; other reasons are shown beside the mark. */
const NOT_WRITTEN_HERE = 'not written by Plumbline on this machine';

/** One evidence row: mark, what, counts, result, commit, time; opens the full output. Untrusted rows carry a red mark and are struck through. */
export function EvidenceRow({ r, old, open, onOpen }: { r: EvidenceRecord; old: boolean; open: boolean; onOpen: () => void }) {
  const m = markOf(r.result);
  const untrusted = r.untrusted ? `Not counted: ${r.untrusted}. Anything could have written this line (a run, a hand edit, another machine); Plumbline did not sign it here.` : null;
  return (
    <li>
      <button
        type="button"
        className={`row cal-ev-row${old ? ' superseded' : ''}${r.untrusted ? ' untrusted' : ''}${open ? ' selected' : ''}`}
        onClick={onOpen}
        title={untrusted ?? r.note ?? r.what}
      >
        <span className={`cal-mark ${m.tone}`} aria-hidden="true">
          {m.symbol}
        </span>
        <span className="grow">
          {r.what}
          {r.how && r.kind === 'command' ? <code className="muted"> {r.how}</code> : null}
        </span>
        {r.counts && (
          <span className="num muted" title="passed / total tests">
            {r.counts.passed}/{r.counts.total}
          </span>
        )}
        <span className={`ev-result ${m.tone}`}>{m.word}</span>
        {old && <span className="badge">superseded</span>}
        {r.untrusted && (
          <span className="badge danger ev-untrusted" aria-label={`not written by Plumbline: ${r.untrusted}; not counted`}>
            ✘ not written by Plumbline
            {r.untrusted !== NOT_WRITTEN_HERE && <span className="ev-untrusted-reason"> — {r.untrusted}</span>}
          </span>
        )}
        <span className="num muted mono ev-commit" title={r.commit ? `commit ${r.commit}${r.dirty ? ' with uncommitted changes' : ''}` : 'no commit'}>
          {r.commit ? r.commit.slice(0, 7) : '—'}
          {r.dirty ? '*' : ''}
        </span>
        <span className="num muted ev-time" title={new Date(r.time).toLocaleString()}>{shortTime(r.time)}</span>
      </button>
    </li>
  );
}

/** The evidence timeline: newest first, filterable, per task / requirement via the shared selection. */
export function EvidenceTab() {
  const { evidence, superseded, filter, selection, openOutput } = useAppStore(
    useShallow((s) => ({ evidence: s.evidence, superseded: s.supersededIds, filter: s.evidenceFilter, selection: s.selection, openOutput: s.openOutput })),
  );
  const { setFilter, showOutput, closeOutput } = useAppStore(useShallow((s) => ({ setFilter: s.setEvidenceFilter, showOutput: s.showOutput, closeOutput: s.closeOutput })));
  const hasSelection = Boolean(selection.taskId || selection.requirementId);
  const supersededSet = useMemo(() => new Set(superseded), [superseded]);
  const shown = useMemo(
    () => evidence.filter((r) => matches(r, filter, filter.followSelection && hasSelection ? selection : null)),
    [evidence, filter, selection, hasSelection],
  );
  const untrustedShown = shown.filter((r) => r.untrusted).length;
  return (
    <div className="cal-evidence">
      <div className="toolbar cal-filters">
        <input type="search" placeholder="Filter evidence" aria-label="Filter evidence" value={filter.text} onChange={(e) => setFilter({ text: e.target.value })} />
        <select aria-label="Result" value={filter.result} onChange={(e) => setFilter({ result: e.target.value as typeof filter.result })}>
          <option value="all">All results</option>
          <option value="bad">✘ Failed / refuted</option>
          <option value="good">✔ Passed / verified</option>
          <option value="open">? Open</option>
        </select>
        <select aria-label="Group" value={filter.group} onChange={(e) => setFilter({ group: e.target.value as typeof filter.group })}>
          <option value="time">Timeline</option>
          <option value="task">Per task</option>
          <option value="requirement">Per requirement</option>
        </select>
        <select aria-label="Kind" value={filter.kind} onChange={(e) => setFilter({ kind: e.target.value as typeof filter.kind })}>
          <option value="all">Everything</option>
          <option value="checks">Checks</option>
          <option value="claims">Claims</option>
          <option value="findings">Findings</option>
        </select>
        {hasSelection && (
          <label className="muted">
            <input type="checkbox" checked={filter.followSelection} onChange={(e) => setFilter({ followSelection: e.target.checked })} /> only {selection.taskId ?? selection.requirementId}
          </label>
        )}
      </div>
      <div className="scroll">
        {evidence.length === 0 ? (
          <div className="empty">
            <p>No evidence yet.</p>
            <p>Press Verify to run the acceptance checks, decision confirmations and tests, or finish an agent run: each claim it makes is checked here.</p>
          </div>
        ) : shown.length === 0 && filter.followSelection && hasSelection ? (
          // Checks of the whole project carry no task: say where the evidence went instead of showing nothing.
          <div className="empty">
            <p>No evidence for {selection.taskId ?? selection.requirementId} yet.</p>
            <button type="button" className="btn btn-small" onClick={() => setFilter({ followSelection: false })}>
              Show all evidence
            </button>
          </div>
        ) : shown.length === 0 ? (
          <p className="empty">No evidence matches the filter.</p>
        ) : (
          <>
            {untrustedShown > 0 && (
              <p className="ev-untrusted-note danger" role="note">
                {untrustedShown === 1 ? '1 record was' : `${untrustedShown} records were`} not written by Plumbline on this machine (a run, a hand edit or another machine wrote
                {untrustedShown === 1 ? ' it' : ' them'}): shown struck through, never counted in task states, coverage or calibration.
              </p>
            )}
            <ul className="list" aria-label="Evidence">
              {filter.group === 'time'
                ? shown.map((r) => <EvidenceRow key={r.id} r={r} old={supersededSet.has(r.id)} open={openOutput?.id === r.id} onOpen={() => void showOutput(r)} />)
                : groupRecords(shown, filter.group).map(([key, records]) => {
                    const { good, bad, untrusted } = groupCounts(records, supersededSet);
                    return (
                      <li key={key} className="cal-group-rows">
                        <div className="cal-group-head" role="heading" aria-level={4}>
                          <strong>{key}</strong> <span className="ok num">✔ {good}</span> <span className={`num ${bad ? 'danger' : 'muted'}`}>✘ {bad}</span>
                          {untrusted > 0 && (
                            <span className="num danger ev-uncounted" title="Records not written by Plumbline on this machine: shown struck through, not counted">
                              <s>{untrusted}</s> not counted
                            </span>
                          )}
                        </div>
                        <ul className="list" aria-label={`Evidence for ${key}`}>
                          {records.map((r) => (
                            <EvidenceRow key={r.id} r={r} old={supersededSet.has(r.id)} open={openOutput?.id === r.id} onOpen={() => void showOutput(r)} />
                          ))}
                        </ul>
                      </li>
                    );
                  })}
            </ul>
          </>
        )}
      </div>
      {openOutput && (
        <section className="cal-detail" aria-label="Evidence output">
          <div className="toolbar">
            <strong className="grow">{openOutput.title}</strong>
            {!openOutput.found && <span className="muted">excerpt (no full output kept)</span>}
            <button type="button" className="btn btn-small btn-ghost" onClick={closeOutput} aria-label="Close output">
              ✕
            </button>
          </div>
          <pre className="scroll">{openOutput.text || '(no output)'}</pre>
        </section>
      )}
    </div>
  );
}
