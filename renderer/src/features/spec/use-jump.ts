import { useCallback } from 'react';
import { useAppStoreApi } from '../../stores/app-store';
import { focusItem, specOfItem } from './plan-helpers';

/** Returns a function that shows a spec item: its spec in the Spec tab, structured, the row focused. */
export function useJumpToItem(): (id: string) => void {
  const store = useAppStoreApi();
  return useCallback(
    (id: string) => {
      const state = store.getState();
      const plan = state.plan;
      if (!plan) return;
      const spec = specOfItem(plan, id);
      if (spec) state.setSpecPath(spec.path === plan.spec.path ? null : spec.path);
      state.setSpecMode('structured');
      state.setOrchestratorTab('spec');
      state.select({ requirementId: id });
      focusItem(id);
    },
    [store],
  );
}
