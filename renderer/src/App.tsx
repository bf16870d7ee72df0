import { useEffect, useMemo, useState } from 'react';
import { useApi } from './api/api-context';
import { useFocusRescue } from './components/focus-rescue';
import { useCommands, type Command } from './commands/registry';
import { CommandPalette } from './components/CommandPalette';
import { useShallow } from 'zustand/react/shallow';
import { FolderBrowser } from './components/FolderBrowser';
import { HostNotice } from './components/HostNotice';
import { Notices } from './components/Notices';
import { useAppStore, useAppStoreApi } from './stores/app-store';
import { WelcomeScreen } from './features/welcome/WelcomeScreen';
import { focusPane, Workspace } from './features/workspace/Workspace';
import { MOD, WorkspaceCommands } from './features/workspace/workspace-commands';
import { ShortcutSheet } from './components/ShortcutSheet';


/** The app-wide commands of the palette. */
function useAppCommands() {
  const store = useAppStoreApi();
  const hasProject = useAppStore((s) => s.project !== null);
  const isRepo = useAppStore((s) => s.project?.git.isRepo ?? true);
  const list = useMemo<Command[]>(() => {
    const s = () => store.getState();
    const cmds: Command[] = [
      { id: 'app.openFolder', title: 'Open folder…', keys: `${MOD}+O`, run: () => void s().pickAndOpenFolder() },
      { id: 'app.openExample', title: 'Open the example project', run: () => void s().openExample() },
    ];
    if (hasProject) {
      cmds.push(
        { id: 'app.closeProject', title: 'Back to projects', run: () => void s().closeProject() },
        { id: 'app.focusOrchestrator', title: 'Focus Orchestrator', keys: `${MOD}+1`, run: () => focusPane(1) },
        { id: 'app.focusBuilder', title: 'Focus Builder', keys: `${MOD}+2`, run: () => focusPane(2) },
        { id: 'app.focusCalibrator', title: 'Focus Calibrator', keys: `${MOD}+3`, run: () => focusPane(3) },
      );
      if (!isRepo) cmds.push({ id: 'app.initGit', title: 'Initialise git', run: () => void s().initGit() });
    }
    return cmds;
  }, [store, hasProject, isRepo]);
  useCommands(list);
}

/** True when the key goes to a text field (where `?` is a character, not a shortcut). */
function typingIn(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}

/** Global shortcuts: Ctrl/Cmd+Shift+P palette, Ctrl/Cmd+O open folder, Ctrl/Cmd+1/2/3 focus a pane, `?` the shortcut sheet. */
function useGlobalShortcuts(openPalette: () => void, openShortcuts: () => void) {
  const store = useAppStoreApi();
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === '?' && !e.ctrlKey && !e.metaKey && !e.altKey && !typingIn(e.target) && !document.querySelector('[role="dialog"]')) {
        e.preventDefault();
        openShortcuts();
        return;
      }
      const mod = e.ctrlKey || e.metaKey;
      if (!mod || e.altKey) return;
      if (e.key.toLowerCase() === 'p' && e.shiftKey) {
        e.preventDefault();
        openPalette();
      } else if (e.key.toLowerCase() === 'o' && !e.shiftKey) {
        e.preventDefault();
        void store.getState().pickAndOpenFolder();
      } else if (e.key === '1' || e.key === '2' || e.key === '3') {
        if (!store.getState().project) return;
        e.preventDefault();
        focusPane(Number(e.key) as 1 | 2 | 3);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [store, openPalette, openShortcuts]);
}

/** The app: the welcome screen, or the workspace of the open project. */
export function App() {
  const { project, browsing } = useAppStore(useShallow((s) => ({ project: s.project, browsing: s.browsing })));
  const [palette, setPalette] = useState(false);
  const [shortcuts, setShortcuts] = useState(false);
  const openPalette = useMemo(() => () => setPalette(true), []);
  const openShortcuts = useMemo(() => () => setShortcuts(true), []);
  useAppCommands();
  useGlobalShortcuts(openPalette, openShortcuts);
  useFocusRescue();
  const api = useApi();
  // The desktop menu's "Command Palette…" item.
  useEffect(() => api.onEvent('menu.didInvoke', (e) => e.command === 'palette' && openPalette()), [api, openPalette]);
  return (
    <>
      {project ? <Workspace /> : <WelcomeScreen />}
      {project && <WorkspaceCommands openShortcuts={openShortcuts} />}
      {browsing && <FolderBrowser />}
      {palette && <CommandPalette onClose={() => setPalette(false)} />}
      <HostNotice />
      {shortcuts && <ShortcutSheet mod={MOD} onClose={() => setShortcuts(false)} />}
      <Notices />
    </>
  );
}
