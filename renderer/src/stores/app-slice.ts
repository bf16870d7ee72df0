import type { StateCreator } from 'zustand';
import type { CommandSandbox, HostCapabilities, ProjectInfo, RecentProject } from '../../../shared/contract';
import { ApiError, isHostConnectionError, type ApiClient } from '../api/client';
import type { AppState } from './app-store';

/** A message shown to the user in the notice area; errors say what to do. */
export interface Notice {
  readonly id: number;
  readonly kind: 'error' | 'info';
  readonly message: string;
  /** Optional one-click action (for example "Bring back"). */
  readonly action?: { readonly label: string; readonly run: () => void };
}

/** What is selected across panes: choosing a task or requirement highlights it everywhere. */
export interface Selection {
  readonly taskId?: string;
  readonly requirementId?: string;
}

/**
 * The open project's root: the one "current project" of the renderer. Every slice's state belongs to it; an answer
 * that arrives for another root (the project changed while it was on its way) is dropped.
 */
export function currentRoot(state: { readonly project: ProjectInfo | null }): string | null {
  return state.project?.root ?? null;
}

/** The app slice: host, project, recent list, selection and notices. */
export interface AppSlice {
  readonly host: HostCapabilities | null;
  /** The OS sandbox agent and check commands run in (from app.info). */
  readonly sandbox: CommandSandbox | null;
  readonly version: string;
  readonly project: ProjectInfo | null;
  readonly opening: boolean;
  readonly recent: readonly RecentProject[];
  readonly selection: Selection;
  readonly notices: readonly Notice[];
  /** Folder browser (hosts without a native dialog) is open. */
  readonly browsing: boolean;
  init(): Promise<void>;
  openFolder(path: string): Promise<boolean>;
  pickAndOpenFolder(): Promise<void>;
  openExample(): Promise<void>;
  closeProject(): Promise<void>;
  refreshProject(): Promise<void>;
  setProject(info: ProjectInfo): void;
  initGit(): Promise<void>;
  loadRecent(): Promise<void>;
  removeRecent(root: string): Promise<void>;
  setBrowsing(open: boolean): void;
  select(selection: Selection): void;
  notify(kind: Notice['kind'], message: string, action?: Notice['action']): void;
  dismiss(id: number): void;
}

let noticeId = 1;

/** Turns any failure into the message the user sees. */
export function messageOf(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}

/** Creates the app slice over the API client. */
export function createAppSlice(api: ApiClient): StateCreator<AppState, [], [], AppSlice> {
  return (set, get) => ({
    host: null,
    sandbox: null,
    version: '',
    project: null,
    opening: false,
    recent: [],
    selection: {},
    notices: [],
    browsing: false,
    async init() {
      try {
        const info = await api.request('app.info', {});
        set({ host: info.host, version: info.version, sandbox: info.sandbox });
      } catch (error) {
        get().notify('error', messageOf(error));
      }
      await get().loadRecent();
    },
    async openFolder(path) {
      set({ opening: true });
      try {
        const project = await api.request('project.open', { path });
        set({ project, selection: {}, browsing: false });
        sessionStorage.removeItem('plumbline.closed');
        void get().loadRecent();
        return true;
      } catch (error) {
        get().notify('error', messageOf(error));
        void get().loadRecent();
        return false;
      } finally {
        set({ opening: false });
      }
    },
    async pickAndOpenFolder() {
      const host = get().host;
      if (host?.nativeFolderDialog) {
        try {
          const { path } = await api.request('dialog.pickFolder', { title: 'Open a project folder' });
          if (path) await get().openFolder(path);
        } catch (error) {
          get().notify('error', messageOf(error));
        }
      } else {
        set({ browsing: true });
      }
    },
    async openExample() {
      set({ opening: true });
      try {
        const project = await api.request('project.openExample', {});
        set({ project, selection: {} });
        void get().loadRecent();
      } catch (error) {
        get().notify('error', messageOf(error));
      } finally {
        set({ opening: false });
      }
    },
    async closeProject() {
      const project = get().project;
      set({ project: null, selection: {} });
      // Remembered for this window only, so a reload does not reopen what the user just closed.
      sessionStorage.setItem('plumbline.closed', '1');
      if (project) await api.request('project.close', { root: project.root }).catch(() => undefined);
      await get().loadRecent();
    },
    async refreshProject() {
      const project = get().project;
      if (!project) return;
      try {
        set({ project: await api.request('project.info', { root: project.root }) });
      } catch (error) {
        get().notify('error', messageOf(error));
      }
    },
    setProject(info) {
      const cur = get().project;
      // The core announces the project after every change under .git; an unchanged one renders nothing.
      if (cur?.root === info.root && JSON.stringify(cur) !== JSON.stringify(info)) set({ project: info });
    },
    async initGit() {
      const project = get().project;
      if (!project) return;
      try {
        set({ project: await api.request('project.initGit', { root: project.root }) });
        get().notify('info', 'Initialised an empty git repository on branch main.');
      } catch (error) {
        get().notify('error', messageOf(error));
      }
    },
    async loadRecent() {
      try {
        const { projects } = await api.request('recent.list', {});
        set({ recent: projects });
      } catch (error) {
        get().notify('error', messageOf(error));
      }
    },
    async removeRecent(root) {
      await api.request('recent.remove', { root }).catch((error: unknown) => get().notify('error', messageOf(error)));
      await get().loadRecent();
    },
    setBrowsing(open) {
      set({ browsing: open });
    },
    select(selection) {
      set({ selection });
    },
    notify(kind, message, action) {
      // A host that stopped or restarted is said once, by the host notice, not by every request it failed.
      if (kind === 'error' && isHostConnectionError(message)) return;
      const id = noticeId++;
      set({ notices: [...get().notices.slice(-4), { id, kind, message, action }] });
      if (kind === 'info') setTimeout(() => get().dismiss(id), 6000);
    },
    dismiss(id) {
      set({ notices: get().notices.filter((n) => n.id !== id) });
    },
  });
}
