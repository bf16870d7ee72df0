import { create } from 'zustand';
import { persist } from 'zustand/middleware';

/** UI preferences that survive restarts (only these are persisted in the renderer). */
export interface UiPrefs {
  /** Pane sizes in percent: Orchestrator, Builder, Calibrator. */
  readonly paneSizes: readonly [number, number, number];
  readonly builderTab: string;
  setPaneSizes(sizes: readonly [number, number, number]): void;
  setBuilderTab(tab: string): void;
}

/** The persisted preferences store (localStorage, versioned). */
export const useUiPrefs = create<UiPrefs>()(
  persist(
    (set) => ({
      paneSizes: [30, 45, 25],
      builderTab: 'files',
      setPaneSizes: (paneSizes) => set({ paneSizes }),
      setBuilderTab: (builderTab) => set({ builderTab }),
    }),
    { name: 'plumbline.ui', version: 1 },
  ),
);
