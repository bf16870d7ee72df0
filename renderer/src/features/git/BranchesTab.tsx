import { useEffect, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useAppStore } from '../../stores/app-store';
import { afterRender } from './focus';
import './git.css';

/** Branches: where HEAD is (branch, detached or unborn), the local branches, create and switch. */
export function BranchesTab() {
  const { root, branches, busy, loadBranches, createBranch, switchBranch } = useAppStore(
    useShallow((s) => ({ root: s.project?.root ?? null, branches: s.branches, busy: s.gitBusy, loadBranches: s.loadBranches, createBranch: s.createBranch, switchBranch: s.switchBranch })),
  );
  const [name, setName] = useState('');
  const [switching, setSwitching] = useState<{ readonly to: string; readonly shown: boolean } | null>(null);
  const status = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    if (root) void loadBranches();
  }, [root, loadBranches]);
  if (!branches) return <div className="empty">Reading branches…</div>;
  const where = branches.detached
    ? `Detached HEAD at ${branches.headOid?.slice(0, 7) ?? '?'} — not on any branch. Create a branch to keep new commits.`
    : branches.unborn
      ? `On ${branches.current}, which has no commits yet (unborn).`
      : `On ${branches.current} at ${branches.headOid?.slice(0, 7)}.`;
  const doSwitch = async (to: string) => {
    setSwitching({ to, shown: false });
    // Long operations show progress in place; a quick switch does not flash it.
    const timer = setTimeout(() => setSwitching((sw) => (sw && sw.to === to ? { to, shown: true } : sw)), 300);
    await switchBranch(to);
    clearTimeout(timer);
    setSwitching(null);
    afterRender(() => status.current?.focus());
  };
  return (
    <div className="branches" aria-busy={switching !== null}>
      <p role="status" ref={status} tabIndex={-1}>
        {switching?.shown ? <span className="busy-note"><span className="spinner" aria-hidden="true" /> Switching to {switching.to}…</span> : where}
      </p>
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          if (name.trim() && (await createBranch(name.trim()))) setName('');
        }}
      >
        <input aria-label="New branch name" placeholder="new-branch-name" value={name} onChange={(e) => setName(e.target.value)} />
        <button className="btn" type="submit" disabled={busy || !name.trim()}>
          Create branch
        </button>
      </form>
      <ul className="list" aria-label="Branches">
        {branches.branches.map((b) => (
          <li key={b.name} className={`row${b.current ? ' selected' : ''}`}>
            <span aria-hidden="true">{b.current ? '●' : '○'}</span>
            <span className="grow">{b.name}</span>
            <span className="mono muted">{b.oid ? b.oid.slice(0, 7) : 'no commits'}</span>
            {b.current ? (
              <span className="badge">current</span>
            ) : (
              <button className="btn btn-small" disabled={busy} aria-label={`Switch to ${b.name}`} onClick={() => void doSwitch(b.name)}>
                {switching?.shown && switching.to === b.name ? (
                  <>
                    <span className="spinner" aria-hidden="true" /> Switching…
                  </>
                ) : (
                  'Switch'
                )}
              </button>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}
