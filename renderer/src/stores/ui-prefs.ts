import { create } from 'zustand';
import { persist } from 'zustand/middleware';

/** UI preferences that survive restarts (only these are persisted in the renderer). */
export interface UiPrefs {
  /** Pane sizes in percent: Orchestrator, Builder, Calibrator. */
  readonly paneSizes: readonly [number, number, number];
  readonly builderTab: string;
  /** What Builder ▸ Agent shows: the list of single runs, or the Runs lane of parallel runs. */
  readonly agentView: 'runs' | 'lanes';
  setPaneSizes(sizes: readonly [number, number, number]): void;
  setBuilderTab(tab: string): void;
  setAgentView(view: 'runs' | 'lanes'): void;
}

/** The persisted preferences store (localStorage, versioned). */
export const useUiPrefs = create<UiPrefs>()(
  persist(
    (set) => ({
      paneSizes: [30, 45, 25],
      builderTab: 'files',
      agentView: 'runs',
      setPaneSizes: (paneSizes) => set({ paneSizes }),
      setBuilderTab: (builderTab) => set({ builderTab }),
      setAgentView: (agentView) => set({ agentView }),
    }),
    { name: 'plumbline.ui', version: 1 },
  ),
);
