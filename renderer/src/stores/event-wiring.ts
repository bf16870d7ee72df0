import type { StoreApi } from 'zustand';
import type { ApiClient } from '../api/client';
import type { AppState } from './app-store';
import { currentRoot } from './app-slice';

/** Maps core events to store actions, in one place; returns a function that unsubscribes all. */
export function wireEvents(api: ApiClient, store: StoreApi<AppState>): () => void {
  const offs = [
    api.onEvent('project.didChange', (info) => store.getState().setProject(info)),
    // Desktop host: a folder given to a second launch, and the native menu's commands
    // ('palette' and 'export' open UI owned by App.tsx and are handled there).
    api.onEvent('host.didRequestOpen', (e) => void store.getState().openFolder(e.path)),
    api.onEvent('menu.didInvoke', ({ command }) => {
      const state = store.getState();
      if (command === 'openFolder') void state.pickAndOpenFolder();
      else if (command === 'openExample') void state.openExample();
      // The project list (recent projects) is the welcome screen, shown once no project is open.
      else if (command === 'closeProject' || command === 'openRecent') void state.closeProject();
    }),
    api.onEvent('repo.didChange', (e) => {
      const state = store.getState();
      if (state.project?.root !== e.root) return;
      void state.refreshFiles(e.paths.length ? e.paths : undefined);
      // A moved HEAD arrives as project.didChange from the core itself; no project.info here.
      // The event carries the status when the core read it anyway: no request then.
      void (e.status ? state.applyGitStatus(e.status) : state.refreshGit());
      void state.checkDisk(e.git ? [] : e.paths);
    }),
    // Back from a lost connection (the web host restarted with its token): what failed meanwhile
    // is read again, so no pane keeps a "connection lost" error once the host is back.
    ...(api.onConnection
      ? [
          (() => {
            let down = false;
            return api.onConnection((state) => {
              if (state !== 'connected') {
                down = true;
                return;
              }
              if (!down) return;
              down = false;
              const s = store.getState();
              const root = s.project?.root;
              if (!root) return;
              void s.refreshFiles();
              void s.refreshGit();
              void s.refreshPlan();
              void s.refreshCalibrator();
            });
          })(),
        ]
      : []),
    api.onEvent('agent.didStream', (e) => store.getState().onAgentStream(e)),
    api.onEvent('agent.didAppend', (e) => store.getState().onAgentAppend(e)),
    api.onEvent('agent.didUpdate', (e) => store.getState().onAgentUpdate(e)),
    api.onEvent('agent.didLanes', (e) => store.getState().onLanes(e)),
    api.onEvent('spec.didChange', (e) => store.getState().onPlanChanged(e.root)),
    api.onEvent('verify.didProgress', (e) => store.getState().onVerifyProgress(e)),
    api.onEvent('import.didProgress', (e) => store.getState().onImportProgress(e)),
    api.onEvent('verify.didOutput', (e) => store.getState().onVerifyOutput(e)),
    api.onEvent('verify.didFinish', (e) => store.getState().onVerifyFinish(e)),
    // The coverage matrix shows the latest evidence per requirement: re-read the plan after a Verify.
    api.onEvent('verify.didFinish', (e) => void (currentRoot(store.getState()) === e.root && store.getState().refreshPlan())),
    api.onEvent('verify.didVerifyRun', (e) => store.getState().onRunVerified(e)),
    api.onEvent('verify.didReview', (e) => store.getState().onReview(e)),
    api.onEvent('evidence.didAppend', (e) => {
      // A verify job refreshes once at its end; other appends (runs, reviews) refresh now.
      const state = store.getState();
      if (currentRoot(state) === e.root && !(state.verifyJob && !state.verifyJob.finished)) void state.refreshCalibrator();
    }),
    api.onEvent('git.didDiscard', (e) => {
      if (currentRoot(store.getState()) === e.root) store.setState({ discarded: e.entries });
    }),
    // The git workbench and the editor follow the open project (and a git init in it).
    store.subscribe((state, prev) => {
      const r = state.project?.root ?? null;
      if (r !== (prev.project?.root ?? null)) {
        void state.loadPlan();
        void state.loadCalibrator();
        state.resetEditor();
        void state.loadGit();
      } else if (r && state.project?.git.isRepo !== prev.project?.git.isRepo) void state.refreshGit();
    }),
  ];
  if (currentRoot(store.getState())) {
    void store.getState().loadGit();
    void store.getState().loadPlan();
    void store.getState().loadCalibrator();
  }
  return () => offs.forEach((off) => off());
}
