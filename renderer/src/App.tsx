import { useEffect } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { FolderBrowser } from './components/FolderBrowser';
import { Notices } from './components/Notices';
import { useAppStore, useAppStoreApi } from './stores/app-store';
import { WelcomeScreen } from './features/welcome/WelcomeScreen';
import { focusPane, Workspace } from './features/workspace/Workspace';

/** Global shortcuts: Ctrl/Cmd+O open folder, Ctrl/Cmd+1/2/3 focus a pane. */
function useGlobalShortcuts() {
  const store = useAppStoreApi();
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const mod = e.ctrlKey || e.metaKey;
      if (!mod || e.altKey) return;
      if (e.key.toLowerCase() === 'o' && !e.shiftKey) {
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
  }, [store]);
}

/** The app: the welcome screen, or the workspace of the open project. */
export function App() {
  const { project, browsing } = useAppStore(useShallow((s) => ({ project: s.project, browsing: s.browsing })));
  useGlobalShortcuts();
  return (
    <>
      {project ? <Workspace /> : <WelcomeScreen />}
      {browsing && <FolderBrowser />}
      <Notices />
    </>
  );
}
