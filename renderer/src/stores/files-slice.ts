import type { StateCreator } from 'zustand';
import type { FileContent, FileEntry } from '../../../shared/contract';
import type { ApiClient } from '../api/client';
import { messageOf } from './app-slice';
import type { AppState } from './app-store';

/** The lazy file tree and the file shown in the Files tab. */
export interface FilesSlice {
  /** Children per loaded directory ('' is the root). */
  readonly tree: Readonly<Record<string, readonly FileEntry[]>>;
  readonly expanded: Readonly<Record<string, boolean>>;
  readonly viewing: FileContent | null;
  readonly viewingPath: string | null;
  loadDir(dir: string): Promise<void>;
  toggleDir(dir: string): Promise<void>;
  viewFile(path: string): Promise<void>;
  /** Re-reads loaded directories and the viewed file after changes on disk. */
  refreshFiles(paths?: readonly string[]): Promise<void>;
  resetFiles(): void;
}

/** Creates the files slice. */
export function createFilesSlice(api: ApiClient): StateCreator<AppState, [], [], FilesSlice> {
  return (set, get) => ({
    tree: {},
    expanded: {},
    viewing: null,
    viewingPath: null,
    async loadDir(dir) {
      const root = get().project?.root;
      if (!root) return;
      try {
        const { entries } = await api.request('files.list', { root, dir });
        if (get().project?.root !== root) return;
        set({ tree: { ...get().tree, [dir]: entries } });
      } catch (error) {
        get().notify('error', messageOf(error));
      }
    },
    async toggleDir(dir) {
      const open = !get().expanded[dir];
      set({ expanded: { ...get().expanded, [dir]: open } });
      if (open && !get().tree[dir]) await get().loadDir(dir);
    },
    async viewFile(path) {
      const root = get().project?.root;
      if (!root) return;
      set({ viewingPath: path });
      try {
        const content = await api.request('files.read', { root, path });
        if (get().viewingPath === path) set({ viewing: content });
      } catch (error) {
        get().notify('error', messageOf(error));
      }
    },
    async refreshFiles(paths) {
      const dirs = Object.keys(get().tree);
      const touched = paths ? new Set(paths.map((p) => (p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : ''))) : null;
      await Promise.all(dirs.filter((d) => !touched || touched.has(d) || d === '').map((d) => get().loadDir(d)));
      const viewing = get().viewingPath;
      if (viewing && (!paths || paths.includes(viewing))) await get().viewFile(viewing);
    },
    resetFiles() {
      set({ tree: {}, expanded: {}, viewing: null, viewingPath: null });
    },
  });
}
