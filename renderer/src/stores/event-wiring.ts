import type { StoreApi } from 'zustand';
import type { ApiClient } from '../api/client';
import type { AppState } from './app-store';

/** Maps core events to store actions, in one place; returns a function that unsubscribes all. */
export function wireEvents(api: ApiClient, store: StoreApi<AppState>): () => void {
  const offs = [
    api.onEvent('project.didChange', (info) => store.getState().setProject(info)),
    api.onEvent('repo.didChange', (e) => {
      const state = store.getState();
      if (state.project?.root !== e.root) return;
      void state.refreshFiles(e.paths.length ? e.paths : undefined);
      if (e.git) void state.refreshProject();
    }),
  ];
  return () => offs.forEach((off) => off());
}
