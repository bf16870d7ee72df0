import type { StateCreator } from 'zustand';
import type { FileContent } from '../../../shared/contract';
import { ApiError, type ApiClient } from '../api/client';
import { messageOf } from './app-slice';
import type { AppState } from './app-store';

type TextContent = Extract<FileContent, { kind: 'text' }>;

/** One file open in the Editor tab. */
export interface EditorDoc {
  readonly path: string;
  /** What was read from disk; `null` while loading. Binary and too-large files are never loaded whole. */
  readonly loaded: FileContent | null;
  /** The editor's current text. */
  readonly text: string;
  /** The hash the next save must find on disk. */
  readonly baseHash: string | null;
  readonly dirty: boolean;
  readonly saving: boolean;
  /** The file changed on disk while open, with its new content (for Reload / Compare). */
  readonly disk: TextContent | { readonly kind: 'deleted' } | null;
  /** The user chose to keep their text; the next save overwrites the disk version. */
  readonly keepMine: boolean;
  /** Showing a diff of disk (left) against the editor text (right). */
  readonly comparing: boolean;
  /** The file is not valid UTF-8 and the user allowed editing it anyway. */
  readonly allowInvalid: boolean;
  /** A clean file was reloaded because it changed on disk. */
  readonly reloaded: boolean;
}

/** Editable files in Monaco tabs: dirty markers, atomic save, external-change detection. */
export interface EditorSlice {
  readonly docs: readonly EditorDoc[];
  readonly activeDoc: string | null;
  openEditor(path: string): Promise<void>;
  closeEditor(path: string): void;
  setActiveDoc(path: string): void;
  editText(path: string, text: string): void;
  saveDoc(path: string): Promise<boolean>;
  /** Compares open files with the disk after a change event (all when `paths` is empty). */
  checkDisk(paths: readonly string[]): Promise<void>;
  reloadDoc(path: string): void;
  keepMine(path: string): void;
  setComparing(path: string, on: boolean): void;
  allowInvalidEdit(path: string): void;
  resetEditor(): void;
}

function patch(docs: readonly EditorDoc[], path: string, change: Partial<EditorDoc>): EditorDoc[] {
  return docs.map((d) => (d.path === path ? { ...d, ...change } : d));
}

/** Creates the editor slice. */
export function createEditorSlice(api: ApiClient): StateCreator<AppState, [], [], EditorSlice> {
  return (set, get) => {
    const doc = (path: string) => get().docs.find((d) => d.path === path);
    const root = () => get().project?.root ?? null;

    return {
      docs: [],
      activeDoc: null,

      async openEditor(path) {
        const r = root();
        if (!r) return;
        if (!doc(path)) {
          set({
            docs: [
              ...get().docs,
              { path, loaded: null, text: '', baseHash: null, dirty: false, saving: false, disk: null, keepMine: false, comparing: false, allowInvalid: false, reloaded: false },
            ],
          });
        }
        set({ activeDoc: path });
        if (doc(path)?.loaded) return;
        try {
          const loaded = await api.request('files.read', { root: r, path });
          if (root() !== r || !doc(path)) return;
          set({ docs: patch(get().docs, path, { loaded, text: loaded.kind === 'text' ? loaded.content : '', baseHash: loaded.kind === 'text' ? loaded.hash : null }) });
        } catch (error) {
          get().notify('error', messageOf(error));
          get().closeEditor(path);
        }
      },

      closeEditor(path) {
        const docs = get().docs.filter((d) => d.path !== path);
        const active = get().activeDoc === path ? (docs[docs.length - 1]?.path ?? null) : get().activeDoc;
        set({ docs, activeDoc: active });
      },

      setActiveDoc(path) {
        set({ activeDoc: path });
      },

      editText(path, text) {
        const d = doc(path);
        if (!d || d.loaded?.kind !== 'text') return;
        const base = d.disk && d.keepMine && d.disk.kind === 'text' ? d.disk.content : d.loaded.content;
        if (d.text === text) return;
        set({ docs: patch(get().docs, path, { text, dirty: text !== base || d.keepMine, reloaded: false }) });
      },

      async saveDoc(path) {
        const r = root();
        const d = doc(path);
        if (!r || !d || d.loaded?.kind !== 'text' || d.saving) return false;
        if (d.loaded.invalidUtf8 && !d.allowInvalid) {
          get().notify('error', `${path} is not valid UTF-8 and is open read-only. Choose "Edit anyway" to save it.`);
          return false;
        }
        if (d.disk && !d.keepMine) {
          get().notify('error', `${path} changed on disk. Choose Reload, or Keep mine and then save.`);
          return false;
        }
        set({ docs: patch(get().docs, path, { saving: true }) });
        const text = d.text;
        try {
          const saved = await api.request('files.write', {
            root: r,
            path,
            content: text,
            expectedHash: d.baseHash,
            overwrite: d.keepMine,
            allowInvalidUtf8: d.allowInvalid,
          });
          const now = doc(path);
          if (!now || now.loaded?.kind !== 'text') return true;
          const loaded: TextContent = { ...now.loaded, content: text, hash: saved.hash, size: saved.size, mtimeMs: saved.mtimeMs };
          set({
            docs: patch(get().docs, path, { loaded, baseHash: saved.hash, saving: false, dirty: now.text !== text, disk: null, keepMine: false, comparing: false }),
          });
          return true;
        } catch (error) {
          set({ docs: patch(get().docs, path, { saving: false }) });
          if (error instanceof ApiError && error.code === 'CONFLICT') await get().checkDisk([path]);
          get().notify('error', messageOf(error));
          return false;
        } finally {
          // Events that arrived during the save were skipped; look once more now.
          void get().checkDisk([path]);
        }
      },

      async checkDisk(paths) {
        const r = root();
        if (!r) return;
        const targets = get().docs.filter((d) => d.loaded?.kind === 'text' && !d.saving && (paths.length === 0 || paths.includes(d.path)));
        await Promise.all(
          targets.map(async (d) => {
            let current: FileContent | { kind: 'deleted' };
            try {
              current = await api.request('files.read', { root: r, path: d.path });
            } catch (error) {
              if (!(error instanceof ApiError) || (error.code !== 'NOT_FOUND' && !/ENOENT|no such file/i.test(error.message))) return;
              current = { kind: 'deleted' };
            }
            const now = doc(d.path);
            if (!now || now.saving || now.loaded?.kind !== 'text') return;
            if (current.kind === 'text' && current.hash === now.baseHash) {
              if (now.disk) set({ docs: patch(get().docs, d.path, { disk: null }) });
              return;
            }
            if (current.kind === 'binary' || current.kind === 'tooLarge') return;
            if (now.keepMine && now.disk?.kind === current.kind && (current.kind === 'deleted' || (now.disk.kind === 'text' && now.disk.hash === current.hash))) return;
            if (!now.dirty && current.kind === 'text') {
              // Nothing of the user's would be lost: follow the disk, and say so.
              set({ docs: patch(get().docs, d.path, { loaded: current, text: current.content, baseHash: current.hash, disk: null, reloaded: true }) });
              return;
            }
            set({ docs: patch(get().docs, d.path, { disk: current, keepMine: false }) });
          }),
        );
      },

      reloadDoc(path) {
        const d = doc(path);
        if (!d?.disk) return;
        if (d.disk.kind === 'deleted') {
          get().closeEditor(path);
          return;
        }
        const disk = d.disk;
        set({ docs: patch(get().docs, path, { loaded: disk, text: disk.content, baseHash: disk.hash, dirty: false, disk: null, keepMine: false, comparing: false }) });
      },

      keepMine(path) {
        set({ docs: patch(get().docs, path, { keepMine: true, dirty: true, comparing: true }) });
      },

      setComparing(path, on) {
        set({ docs: patch(get().docs, path, { comparing: on }) });
      },

      allowInvalidEdit(path) {
        set({ docs: patch(get().docs, path, { allowInvalid: true }) });
      },

      resetEditor() {
        set({ docs: [], activeDoc: null });
      },
    };
  };
}
