import type { StateCreator } from 'zustand';
import type { DecisionFields, EventOf, ImportChange, PlanSnapshot, ResponseOf, SpecSectionKind, SpecTable, TaskFields } from '../../../shared/contract';
import type { ApiClient } from '../api/client';
import { currentRoot, messageOf } from './app-slice';
import type { AppState } from './app-store';

/** The Orchestrator's tabs. */
export type OrchestratorTab = 'spec' | 'decisions' | 'tasks';

/** How the Spec tab shows the chosen spec: its sections, its Markdown, or the coverage matrix. */
export type SpecMode = 'structured' | 'markdown' | 'coverage';

/** Fields of a decision as the forms edit them. */
export type DecisionDraft = Readonly<DecisionFields>;

/** Fields of a task as the forms edit them. */
export type TaskDraft = Readonly<TaskFields>;

/** The Orchestrator slice: the plan snapshot of the open project and the actions that edit it. */
export interface SpecSlice {
  readonly plan: PlanSnapshot | null;
  readonly planLoading: boolean;
  readonly planError: string | null;
  readonly orchestratorTab: OrchestratorTab;
  /** The spec shown in the Spec tab (project-relative); null is the main spec. */
  readonly specPath: string | null;
  readonly specMode: SpecMode;
  /** The decision open in the Decisions tab. */
  readonly selectedDecision: number | null;
  /** Import offers the user dismissed in this session (by path). */
  readonly importDismissed: readonly string[];
  /** The running import of the open project: its ID and progress (steps done of the total known so far). */
  readonly importRun: { readonly importId: string; readonly done: number; readonly total: number; readonly items: number } | null;
  /** Upstream changes of sources imported before, shown for the user to pick from. */
  readonly importPreview: { readonly paths: readonly string[]; readonly changes: readonly ImportChange[] } | null;
  /** Clears the plan state and loads it for the open project (called when the project changes). */
  loadPlan(): Promise<void>;
  refreshPlan(): Promise<void>;
  /** A plan file changed (`spec.didChange`): re-read, unless a mutation of ours is in flight (its answer is the fresh state). */
  onPlanChanged(root: string): void;
  setOrchestratorTab(tab: OrchestratorTab): void;
  setSpecPath(path: string | null): void;
  setSpecMode(mode: SpecMode): void;
  /** Opens a decision in the Decisions tab. */
  showDecision(number: number | null): void;
  createSpec(): Promise<void>;
  /** Creates `.plumbline/specs/<slug>.md` and shows it; returns its path. */
  createNamedSpec(name: string): Promise<string | null>;
  saveSpecRaw(content: string, baseHash?: string): Promise<boolean>;
  addSpecItem(section: SpecSectionKind, text: string): Promise<string | null>;
  /** Replaces a section's text with the user's words; `previous` is the text the edit began from. */
  setSpecSectionText(section: SpecSectionKind, text: string, previous: string): Promise<boolean>;
  /** Writes a section's table from its cells; `previous` is the table the edit began from (null: none). */
  setSpecTable(section: SpecSectionKind, table: SpecTable, previous: SpecTable | null): Promise<boolean>;
  updateSpecItem(id: string, text: string): Promise<boolean>;
  deleteSpecItem(id: string): Promise<void>;
  moveSpecItem(id: string, direction: 'up' | 'down'): Promise<void>;
  answerQuestion(index: number, question: string, answer: string, settlesDecision: boolean, decisionTitle?: string): Promise<boolean>;
  createDecision(draft: DecisionDraft): Promise<number | null>;
  updateDecision(number: number, patch: Partial<DecisionDraft>): Promise<boolean>;
  supersedeDecision(number: number, title?: string): Promise<number | null>;
  createTask(draft: TaskDraft): Promise<string | null>;
  updateTask(id: string, patch: Partial<TaskDraft>): Promise<boolean>;
  deleteTask(id: string): Promise<void>;
  /** Imports the sources (only the `accept`ed changes on a re-import); a call while one runs does nothing (one import at a time). */
  runImport(paths: readonly string[], accept?: readonly string[]): Promise<void>;
  /** Loads what a re-import of the sources would change. */
  previewImport(paths: readonly string[]): Promise<void>;
  closeImportPreview(): void;
  onImportProgress(e: EventOf<'import.didProgress'>): void;
  cancelImport(): Promise<void>;
  /** "Not now": remembered in the project, so the offer does not come back. */
  dismissImport(paths: readonly string[]): Promise<void>;
  exportPlan(format: 'md' | 'html' | 'pdf', withTasks: boolean, withEvidence: boolean): Promise<ResponseOf<'export.render'> | null>;
}

/** Creates the Orchestrator slice over the API client. */
export function createSpecSlice(api: ApiClient): StateCreator<AppState, [], [], SpecSlice> {
  return (set, get) => {
    let inflight: Promise<void> | null = null;
    let again = false;

    /** Mutations of this window in flight: the change events they cause are answered by their own snapshot. */
    let mutating = 0;

    /** Runs a mutation of the open project's plan; applies the returned snapshot if still current. */
    async function mutate<T>(run: (root: string) => Promise<T>, snapshotOf: (r: T) => PlanSnapshot): Promise<T | null> {
      const root = currentRoot(get());
      if (!root) return null;
      mutating++;
      try {
        const result = await run(root);
        if (currentRoot(get()) === root) set({ plan: snapshotOf(result), planError: null });
        return result;
      } catch (error) {
        get().notify('error', messageOf(error));
        return null;
      } finally {
        mutating--;
      }
    }
    const same = (s: PlanSnapshot): PlanSnapshot => s;
    /** The spec the Spec tab shows, as a request's `spec`; undefined (the main spec) when that file is gone. */
    const shownSpec = (): string | undefined => {
      const path = get().specPath;
      return path !== null && get().plan?.specs.some((x) => x.path === path) ? path : undefined;
    };

    return {
      plan: null,
      planLoading: false,
      planError: null,
      orchestratorTab: 'spec',
      specPath: null,
      specMode: 'structured',
      selectedDecision: null,
      importDismissed: [],
      importRun: null,
      importPreview: null,
      async loadPlan() {
        const root = currentRoot(get());
        set({ plan: null, planError: null, planLoading: root !== null, importDismissed: [], importRun: null, importPreview: null, specPath: null, selectedDecision: null });
        if (root) await get().refreshPlan();
      },
      onPlanChanged(root) {
        if (currentRoot(get()) === root && mutating === 0) void get().refreshPlan();
      },
      refreshPlan() {
        // Coalesce bursts of change events into at most one extra read.
        if (inflight) {
          again = true;
          return inflight;
        }
        const run = async (): Promise<void> => {
          do {
            again = false;
            const root = currentRoot(get());
            if (!root) return;
            try {
              const plan = await api.request('spec.snapshot', { root });
              if (currentRoot(get()) === root) set({ plan, planError: null });
            } catch (error) {
              if (currentRoot(get()) === root) set({ planError: messageOf(error) });
            }
          } while (again);
        };
        inflight = run().finally(() => {
          inflight = null;
          set({ planLoading: false });
        });
        return inflight;
      },
      setOrchestratorTab(tab) {
        set({ orchestratorTab: tab });
      },
      setSpecPath(path) {
        set({ specPath: path });
      },
      setSpecMode(mode) {
        set({ specMode: mode });
      },
      showDecision(number) {
        set({ selectedDecision: number, orchestratorTab: number === null ? get().orchestratorTab : 'decisions' });
      },
      async createSpec() {
        await mutate((root) => api.request('spec.create', { root }), same);
      },
      async createNamedSpec(name) {
        const r = await mutate((root) => api.request('spec.createNamed', { root, name }), (x) => x.snapshot);
        if (!r) return null;
        set({ specPath: r.path, specMode: 'structured' });
        return r.path;
      },
      async saveSpecRaw(content, baseHash) {
        const spec = shownSpec();
        return (await mutate((root) => api.request('spec.saveRaw', { root, content, baseHash, spec }), same)) !== null;
      },
      async addSpecItem(section, text) {
        const spec = shownSpec();
        const r = await mutate((root) => api.request('spec.addItem', { root, section, text, spec }), (x) => x.snapshot);
        return r ? r.id : null;
      },
      async setSpecSectionText(section, text, previous) {
        const spec = shownSpec();
        return (await mutate((root) => api.request('spec.setSectionText', { root, section, text, previous, spec }), same)) !== null;
      },
      async setSpecTable(section, table, previous) {
        const spec = shownSpec();
        const cells = { columns: [...table.columns], rows: table.rows.map((r) => [...r]) };
        const before = previous && { columns: [...previous.columns], rows: previous.rows.map((r) => [...r]) };
        return (await mutate((root) => api.request('spec.setTable', { root, section, ...cells, previous: before, spec }), same)) !== null;
      },
      async updateSpecItem(id, text) {
        const spec = shownSpec();
        return (await mutate((root) => api.request('spec.updateItem', { root, id, text, spec }), same)) !== null;
      },
      async deleteSpecItem(id) {
        const r = await mutate((root) => api.request('spec.deleteItem', { root, id, spec: shownSpec() }), (x) => x.snapshot);
        if (!r) return;
        get().notify('info', `Deleted ${id}.`, {
          label: 'Undo',
          // Undo writes the spec the item was deleted from, whichever spec is shown by then.
          run: () => void mutate((root) => api.request('spec.saveRaw', { root, content: r.previousContent, baseHash: r.previousHash, spec: r.spec }), same),
        });
      },
      async moveSpecItem(id, direction) {
        const spec = shownSpec();
        await mutate((root) => api.request('spec.moveItem', { root, id, direction, spec }), same);
      },
      async answerQuestion(index, question, answer, settlesDecision, decisionTitle) {
        const spec = shownSpec();
        const r = await mutate((root) => api.request('spec.answerQuestion', { root, index, question, answer, settlesDecision, decisionTitle, spec }), (x) => x.snapshot);
        if (r?.decision != null) get().notify('info', `Answer recorded as decision ${String(r.decision).padStart(4, '0')}.`);
        return r !== null;
      },
      async createDecision(draft) {
        const r = await mutate((root) => api.request('decisions.create', { root, ...draft, links: [...draft.links] }), (x) => x.snapshot);
        return r ? r.number : null;
      },
      async updateDecision(number, patch) {
        return (await mutate((root) => api.request('decisions.update', { root, number, patch: { ...patch, links: patch.links ? [...patch.links] : undefined } }), same)) !== null;
      },
      async supersedeDecision(number, title) {
        const r = await mutate((root) => api.request('decisions.supersede', { root, number, title }), (x) => x.snapshot);
        return r ? r.by : null;
      },
      async createTask(draft) {
        const r = await mutate(
          (root) => api.request('tasks.create', { root, ...draft, serves: [...draft.serves], scope: [...draft.scope], checks: [...draft.checks], depends: [...draft.depends] }),
          (x) => x.snapshot,
        );
        return r ? r.id : null;
      },
      async updateTask(id, patch) {
        const clean = {
          ...patch,
          serves: patch.serves ? [...patch.serves] : undefined,
          scope: patch.scope ? [...patch.scope] : undefined,
          checks: patch.checks ? [...patch.checks] : undefined,
          depends: patch.depends ? [...patch.depends] : undefined,
        };
        return (await mutate((root) => api.request('tasks.update', { root, id, patch: clean }), same)) !== null;
      },
      async deleteTask(id) {
        const r = await mutate((root) => api.request('tasks.delete', { root, id }), (x) => x.snapshot);
        if (!r) return;
        if (get().selection.taskId === id) get().select({});
        get().notify('info', `Deleted ${id}.`, {
          label: 'Undo',
          run: () => void mutate((root) => api.request('tasks.saveRaw', { root, content: r.previousContent }), same),
        });
      },
      async runImport(paths, accept) {
        if (get().importRun) return;
        const importId = `import-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
        set({ importRun: { importId, done: 0, total: 0, items: 0 } });
        try {
          const r = await mutate((root) => api.request('import.run', { root, paths: [...paths], importId, ...(accept ? { accept: [...accept] } : {}) }), (x) => x.snapshot);
          if (r) {
            set({ importPreview: null });
            get().notify('info', r.summary.join(' '));
          }
        } finally {
          if (get().importRun?.importId === importId) set({ importRun: null });
        }
      },
      async previewImport(paths) {
        const root = currentRoot(get());
        if (!root) return;
        try {
          const r = await api.request('import.preview', { root, paths: [...paths] });
          if (currentRoot(get()) === root) set({ importPreview: { paths: [...paths], changes: r.changes } });
        } catch (error) {
          get().notify('error', messageOf(error));
        }
      },
      closeImportPreview() {
        set({ importPreview: null });
      },
      onImportProgress(e) {
        const run = get().importRun;
        if (e.root === currentRoot(get()) && run && run.importId === e.importId) set({ importRun: { importId: e.importId, done: e.done, total: e.total, items: e.items } });
      },
      async cancelImport() {
        const run = get().importRun;
        const root = currentRoot(get());
        if (!run || !root) return;
        try {
          await api.request('import.cancel', { root, importId: run.importId });
        } catch (error) {
          get().notify('error', messageOf(error));
        }
      },
      async dismissImport(paths) {
        set({ importDismissed: [...get().importDismissed, ...paths] });
        await mutate((root) => api.request('import.decline', { root, paths: [...paths] }), same);
      },
      async exportPlan(format, withTasks, withEvidence) {
        const root = currentRoot(get());
        if (!root) return null;
        try {
          return await api.request('export.render', { root, format, withTasks, withEvidence });
        } catch (error) {
          get().notify('error', messageOf(error));
          return null;
        }
      },
    };
  };
}
