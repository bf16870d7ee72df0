import { useEffect, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { SettingsDialog } from '../settings/SettingsDialog';
import { formatCost } from '../agent/format';
import { useAppStore } from '../../stores/app-store';
import { backendDescription, backendLabel, useGitBackend } from '../git/use-git-backend';
import { useUiPrefs } from '../../stores/ui-prefs';

/** True when an ISO time falls on the local calendar day of `now`. */
function isToday(iso: string, now: Date): boolean {
  const d = new Date(iso);
  return d.getFullYear() === now.getFullYear() && d.getMonth() === now.getMonth() && d.getDate() === now.getDate();
}

/** The workspace header: project, branch (or why there is none), change count, today's cost, and the way back to the project list. */
export function Header() {
  const { project, closeProject, initGit } = useAppStore(useShallow((s) => ({ project: s.project, closeProject: s.closeProject, initGit: s.initGit })));
  const [settings, setSettings] = useState(false);
  const startVerify = useAppStore((s) => s.startVerify);
  const verifying = useAppStore((s) => s.verifyJob !== null && !s.verifyJob.finished);
  const changes = useAppStore((s) => (s.gitStatus ? s.gitStatus.staged.length + s.gitStatus.unstaged.length + s.gitStatus.untracked.length : null));
  const costToday = useAppStore((s) => {
    const now = new Date();
    return s.agentRuns.reduce((sum, r) => (isToday(r.startedAt, now) ? sum + r.costUsd : sum), 0);
  });
  const setBuilderTab = useUiPrefs((s) => s.setBuilderTab);
  const loadAgent = useAppStore((s) => s.loadAgent);
  const root = project?.root;
  const backend = useGitBackend(root, project?.git.isRepo ?? false);
  // Today's cost and the settings dialog need the runs and settings before the Agent tab is first opened.
  useEffect(() => {
    if (root) void loadAgent();
  }, [root, loadAgent]);
  if (!project) return null;
  const g = project.git;
  let branch: string;
  if (!g.isRepo) branch = 'not a git repository';
  else if (g.problem) branch = 'repository problem';
  else if (g.detached) branch = `detached HEAD at ${g.head ?? '?'}`;
  else if (g.unborn) branch = `${g.branch ?? 'main'} (no commits yet)`;
  else branch = g.branch ?? '?';
  return (
    <header className="header">
      <button className="btn btn-small btn-ghost" onClick={() => void closeProject()} aria-label="Back to projects" title="Back to the project list">
        ←
      </button>
      <span className="brand">Plumbline</span>
      <span className="sep">│</span>
      <strong title={project.root}>{project.name}</strong>
      <span className="sep">│</span>
      <span aria-label="Branch" className={g.problem ? 'danger' : g.isRepo ? '' : 'muted'} title={g.problem ?? undefined}>
        ⎇ {branch}
      </span>
      {backend && (
        <span className="muted" aria-label="Git backend" title={backendDescription(backend)}>
          ({backendLabel(backend)})
        </span>
      )}
      {!g.isRepo && (
        <button className="btn btn-small" onClick={() => void initGit()}>
          Initialise git
        </button>
      )}
      {changes !== null && (
        <>
          <span className="sep">│</span>
          <button className="btn btn-small btn-ghost" onClick={() => setBuilderTab('changes')} title="Show the Changes tab">
            <span aria-hidden="true">{changes > 0 ? '●' : '○'}</span>
            <span className="num">{changes === 0 ? 'no changes' : changes === 1 ? '1 change' : `${changes} changes`}</span>
          </button>
        </>
      )}
      <span className="sep">│</span>
      <span className="num muted" title="Estimated cost of today's agent runs">
        {formatCost(costToday)} today
      </span>
      <span className="spacer" />
      <button className="btn btn-small" onClick={() => void startVerify()} disabled={verifying} title="Run every acceptance check, decision confirmation and the test command">
        {verifying ? 'Verifying…' : 'Verify'}
      </button>
      <button className="btn btn-small btn-ghost" aria-label="Settings" title="Models, endpoints, keys, prices and approvals" onClick={() => setSettings(true)}>
        ⚙
      </button>
      {settings && <SettingsDialog onClose={() => setSettings(false)} />}
    </header>
  );
}
