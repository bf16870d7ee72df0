import { useEffect, useMemo, useState } from 'react';
import { useCommands } from '../../commands/registry';
import { useShallow } from 'zustand/react/shallow';
import { useAppStore } from '../../stores/app-store';
import './agent.css';
import { formatCost, statusLabel } from './format';
import { HandbackPanel } from './HandbackPanel';
import { LanesView } from './LanesView';
import { useUiPrefs } from '../../stores/ui-prefs';
import { RunView } from './RunView';
import { SettingsDialog } from '../settings/SettingsDialog';
import { RunGlanceMark } from '../verify/RunGlance';
import { ThinkerActions } from './ThinkerActions';

/** Why an agent button is disabled, in words (no key → what to set). */
export function useAgentBlocker(role: 'thinker' | 'builder' | 'utility'): string | null {
  const settings = useAppStore((s) => s.agentSettings);
  if (!settings) return null;
  return settings.roles[role].keySet ? null : `No API key for the ${role} role: open Agent settings and set one, or start Plumbline with ANTHROPIC_API_KEY.`;
}

/** The Builder's "Agent" tab: run a task, list runs, show the selected run. */
export function AgentTab() {
  const { root, tasks, runs, shown, selection, busy } = useAppStore(
    useShallow((s) => ({ root: s.project?.root ?? null, tasks: s.agentTasks, runs: s.agentRuns, shown: s.shownRun?.runId ?? null, selection: s.selection.taskId, busy: s.agentBusy })),
  );
  const { load, showRun, runTask } = useAppStore(useShallow((s) => ({ load: s.loadAgent, showRun: s.showRun, runTask: s.runTask })));
  const blocker = useAgentBlocker('builder');
  // The Calibrator's verdict per run, so a red run is visible in the list.
  const verifiedRuns = useAppStore((s) => s.verifiedRuns);
  const verified = useMemo(() => new Map(verifiedRuns.map((v) => [v.runId, v] as const)), [verifiedRuns]);
  const view = useUiPrefs((s) => s.agentView);
  const setView = useUiPrefs((s) => s.setAgentView);
  const [taskId, setTaskId] = useState<string>('');
  const [settingsOpen, setSettingsOpen] = useState(false);
  useEffect(() => {
    void load();
  }, [root, load]);
  const chosen = taskId || selection || tasks.find((t) => t.status === 'todo')?.id || tasks[0]?.id || '';
  const commands = useMemo(
    () => [
      { id: 'agent.runTask', title: 'Agent: Run task', keys: 'Ctrl+Enter', run: () => void (chosen && !blocker && runTask(chosen)) },
      { id: 'agent.settings', title: 'Agent: Settings', run: () => setSettingsOpen(true) },
    ],
    [chosen, blocker, runTask],
  );
  useCommands(commands);
  const visible = runs.filter((r) => !selection || r.taskId === selection || r.kind !== 'task');
  return (
    <div
      className="agent-tab"
      onKeyDown={(e) => {
        if (e.key === 'Enter' && (e.ctrlKey || e.metaKey) && chosen && !blocker && !busy) {
          e.preventDefault();
          void runTask(chosen);
        }
      }}
    >
      <div className="toolbar agent-toolbar">
        <label htmlFor="agent-task" className="muted">Task</label>
        <select id="agent-task" value={chosen} onChange={(e) => setTaskId(e.target.value)} disabled={!tasks.length}>
          {!tasks.length && <option value="">No tasks in .plumbline/tasks.md</option>}
          {tasks.map((t) => (
            <option key={t.id} value={t.id}>
              {t.id} {t.title} ({t.status})
            </option>
          ))}
        </select>
        <button className="btn btn-primary" disabled={!chosen || !!blocker || busy} title={blocker ?? 'Run the building agent on this task (Ctrl+Enter)'} onClick={() => void runTask(chosen)}>
          Run task
        </button>
        <span className="spacer" />
        <div role="radiogroup" aria-label="Agent view" className="segmented">
          <button type="button" role="radio" aria-checked={view === 'runs'} className="btn btn-small" onClick={() => setView('runs')}>
            Runs
          </button>
          <button type="button" role="radio" aria-checked={view === 'lanes'} className="btn btn-small" title="Parallel runs and the merge queue" onClick={() => setView('lanes')}>
            Runs lane
          </button>
        </div>
        <button className="btn" onClick={() => setSettingsOpen(true)}>Agent settings…</button>
      </div>
      {/* On its own line: beside the buttons it squeezed them out of a narrow pane. */}
      {blocker && <div className="banner warn" role="note">⚠ {blocker}</div>}
      <HandbackPanel />
      <ThinkerActions />
      {view === 'lanes' ? (
        <div className="lanes-split">
          <LanesView />
          <RunView />
        </div>
      ) : (
        <div className="agent-split">
          <nav className="agent-runs" aria-label="Runs">
            {!visible.length && <div className="empty">No runs yet.</div>}
            <ul className="list">
              {visible.map((r) => {
                const st = statusLabel(r.status);
                return (
                  <li key={r.runId} className="row" aria-selected={r.runId === shown} tabIndex={0} onClick={() => void showRun(r.runId)} onKeyDown={(e) => e.key === 'Enter' && void showRun(r.runId)}>
                    <span className="grow">
                      {r.title}
                      {/* A run that did not finish says why in its row, so two failed runs can be told apart. */}
                      {r.status !== 'completed' && r.endedAt && r.reason && <span className={`run-reason ${st.cls}`} title={r.reason}>{r.reason}</span>}
                    </span>
                    <span className="meta">
                      <time dateTime={r.startedAt} className="muted">{new Date(r.startedAt).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}</time>
                      <span className={st.cls}>{st.text}</span>
                      {verified.get(r.runId) && <RunGlanceMark run={verified.get(r.runId)!} />}
                      {r.review !== 'none' && !(r.review === 'pending' && r.status !== 'completed') && <span>{r.review}</span>}
                      <span className="num">{formatCost(r.costUsd)}</span>
                    </span>
                  </li>
                );
              })}
            </ul>
          </nav>
          <RunView />
        </div>
      )}
      {settingsOpen && <SettingsDialog onClose={() => setSettingsOpen(false)} />}
    </div>
  );
}
