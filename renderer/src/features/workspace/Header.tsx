import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { SettingsDialog } from '../agent/SettingsDialog';
import { useAppStore } from '../../stores/app-store';

/** The workspace header: project, branch (or why there is none), and the way back to the project list. */
export function Header() {
  const { project, closeProject, initGit } = useAppStore(useShallow((s) => ({ project: s.project, closeProject: s.closeProject, initGit: s.initGit })));
  const [settings, setSettings] = useState(false);
  const startVerify = useAppStore((s) => s.startVerify);
  const verifying = useAppStore((s) => s.verifyJob !== null && !s.verifyJob.finished);
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
      {!g.isRepo && (
        <button className="btn btn-small" onClick={() => void initGit()}>
          Initialise git
        </button>
      )}
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
