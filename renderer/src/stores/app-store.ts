import { createContext, useContext } from 'react';
import { createStore, useStore, type StoreApi } from 'zustand';
import type { ApiClient } from '../api/client';
import { createAppSlice, type AppSlice } from './app-slice';
import { createFilesSlice, type FilesSlice } from './files-slice';
import { createGitSlice, type GitSlice } from './git-slice';
import { createEditorSlice, type EditorSlice } from './editor-slice';
import { createAgentSlice, type AgentSlice } from './agent-slice';
import { createSpecSlice, type SpecSlice } from './spec-slice';
import { createVerifySlice, type VerifySlice } from './verify-slice';

/** The whole renderer state: one store made of slices (add a feature's slice type here). */
export type AppState = AppSlice & FilesSlice & GitSlice & EditorSlice & AgentSlice & SpecSlice & VerifySlice;

/** Creates the store over an API client (tests pass a fake). */
export function createAppStore(api: ApiClient): StoreApi<AppState> {
  return createStore<AppState>()((...a) => ({
    ...createAppSlice(api)(...a),
    ...createFilesSlice(api)(...a),
    ...createGitSlice(api)(...a),
    ...createEditorSlice(api)(...a),
    ...createAgentSlice(api)(...a),
    ...createSpecSlice(api)(...a),
    ...createVerifySlice(api)(...a),
  }));
}

/** React context carrying the store. */
export const AppStoreContext = createContext<StoreApi<AppState> | null>(null);

/** Reads from the app store with a selector (wrap object-building selectors in useShallow). */
export function useAppStore<T>(selector: (state: AppState) => T): T {
  const store = useContext(AppStoreContext);
  if (!store) throw new Error('useAppStore outside AppStoreContext');
  return useStore(store, selector);
}

/** The store itself, for event handlers that read state without subscribing. */
export function useAppStoreApi(): StoreApi<AppState> {
  const store = useContext(AppStoreContext);
  if (!store) throw new Error('useAppStoreApi outside AppStoreContext');
  return store;
}
