import type { StateCreator } from 'zustand';
import type { CommitDetails, CommitSummary, DiscardedEntry, GitAuthor, GitDiff, GitStatus, ResponseOf } from '../../../shared/contract';
import type { ApiClient } from '../api/client';
import { currentRoot, messageOf } from './app-slice';
import type { AppState } from './app-store';

/** Which change is shown in the diff: a path in one group of the Changes list. */
export interface ChangeSelection {
  readonly path: string;
  readonly group: 'staged' | 'unstaged' | 'untracked';
}

/** The author typed for this session when none is configured (asked once). */
export interface SessionAuthor {
  readonly name: string;
  readonly email: string;
}

/** The git workbench: Changes, diff, commit, branches, history and recently discarded changes. */
export interface GitSlice {
  readonly gitStatus: GitStatus | null;
  readonly gitError: string | null;
  readonly changeSelection: ChangeSelection | null;
  readonly changeDiff: GitDiff | null;
  readonly discarded: readonly DiscardedEntry[];
  readonly author: GitAuthor | null;
  readonly sessionAuthor: SessionAuthor | null;
  readonly branches: ResponseOf<'git.branches'> | null;
  readonly history: readonly CommitSummary[];
  readonly historyHasMore: boolean;
  readonly historyLoading: boolean;
  readonly selectedCommit: CommitDetails | null;
  readonly commitFile: { readonly path: string; readonly diff: GitDiff | null } | null;
  /** Busy while a write operation runs, so buttons do not fire twice. */
  readonly gitBusy: boolean;
  /** Clears the git state and loads it for the open project (called when the project changes). */
  loadGit(): Promise<void>;
  refreshGit(): Promise<void>;
  /** Takes the status a `repo.didChange` carried (no request), then follows it like a refresh does. */
  applyGitStatus(status: GitStatus): Promise<void>;
  selectChange(sel: ChangeSelection | null): Promise<void>;
  stage(paths: readonly string[] | 'all'): Promise<void>;
  unstage(paths: readonly string[] | 'all'): Promise<void>;
  stageHunk(index: number, header: string): Promise<void>;
  unstageHunk(index: number, header: string): Promise<void>;
  discard(paths: readonly string[]): Promise<void>;
  restoreDiscarded(id: string): Promise<void>;
  saveAuthor(name: string, email: string, toRepo: boolean): Promise<boolean>;
  commit(message: string, amend: boolean): Promise<boolean>;
  lastCommitMessage(): Promise<string>;
  loadBranches(): Promise<void>;
  createBranch(name: string): Promise<boolean>;
  switchBranch(name: string): Promise<boolean>;
  loadHistory(reset: boolean): Promise<void>;
  selectCommit(oid: string | null): Promise<void>;
  selectCommitFile(path: string | null): Promise<void>;
}

const PAGE = 200;

/** Creates the git slice over the API client. */
export function createGitSlice(api: ApiClient): StateCreator<AppState, [], [], GitSlice> {
  return (set, get) => {
    // Events can arrive in bursts: one refresh runs at a time, and one more runs after it if asked.
    let refreshing: Promise<void> | null = null;
    let again = false;
    /** Statuses the core pushed with its events; a fetched status older than the last one pushed is dropped. */
    let pushed = 0;
    /** Following a pushed status (the selected diff may be re-read). */
    let applying: Promise<void> | null = null;

    const root = () => currentRoot(get());
    const fail = (error: unknown) => get().notify('error', messageOf(error));

    const loadDiff = async (r: string, sel: ChangeSelection | null) => {
      if (!sel) return set({ changeDiff: null });
      const side = sel.group === 'staged' ? 'staged' : 'unstaged';
      try {
        const diff = await api.request('git.diff', { root: r, path: sel.path, side });
        const now = get().changeSelection;
        if (root() === r && now?.path === sel.path && now.group === sel.group) set({ changeDiff: diff });
      } catch (error) {
        set({ changeDiff: null });
        fail(error);
      }
    };

    /** Shows a status and follows it: History when HEAD moved, the selected change's diff, the branches. */
    const apply = async (r: string, status: GitStatus) => {
      try {
        const headMoved = get().gitStatus !== null && get().gitStatus?.headOid !== status.headOid;
        set({ gitStatus: status, gitError: null });
        // A commit, checkout or reset (here or in a terminal) moved HEAD: History follows.
        if (headMoved && get().history.length) void get().loadHistory(true);
        // The selected change may have moved groups (staged) or gone (committed, discarded).
        const sel = get().changeSelection;
        if (sel) {
          const inGroup = (g: ChangeSelection['group']) => (g === 'untracked' ? status.untracked.includes(sel.path) : status[g].some((c) => c.path === sel.path));
          if (inGroup(sel.group)) await loadDiff(r, sel);
          else {
            const moved = (['unstaged', 'staged', 'untracked'] as const).find(inGroup);
            const next = moved ? { path: sel.path, group: moved } : null;
            set({ changeSelection: next });
            await loadDiff(r, next);
          }
        }
        if (get().branches) void get().loadBranches();
      } catch (error) {
        if (root() === r) fail(error);
      }
    };

    const doRefresh = async () => {
      const r = root();
      if (!r) return;
      const seen = pushed;
      let status: GitStatus;
      try {
        // The discarded list changes only by discard and restore, which announce it (git.didDiscard).
        status = await api.request('git.status', { root: r });
      } catch (error) {
        if (root() === r) set({ gitError: messageOf(error), gitStatus: null });
        return;
      }
      // An event brought a status while this one was on its way: that one may be newer.
      if (root() !== r || pushed !== seen) return;
      await apply(r, status);
    };

    /**
     * Runs a write; errors become notices. Returns whether it succeeded. The refresh comes from the
     * event every git write of the core announces (`repo.didChange`, before its response), never
     * from here as well: one action, one refresh.
     */
    const write = async (fn: (r: string) => Promise<unknown>): Promise<boolean> => {
      const r = root();
      if (!r) return false;
      set({ gitBusy: true });
      try {
        await fn(r);
        // The event came before the answer and its status is being followed: resolve once it is in, so
        // what follows (focus on the next hunk) sees the fresh status and diff.
        await Promise.all([refreshing, applying]);
        return true;
      } catch (error) {
        fail(error);
        return false;
      } finally {
        set({ gitBusy: false });
      }
    };

    return {
      gitStatus: null,
      gitError: null,
      changeSelection: null,
      changeDiff: null,
      discarded: [],
      author: null,
      sessionAuthor: null,
      branches: null,
      history: [],
      historyHasMore: false,
      historyLoading: false,
      selectedCommit: null,
      commitFile: null,
      gitBusy: false,

      async loadGit() {
        const r = root();
        set({
          gitStatus: null,
          gitError: null,
          changeSelection: null,
          changeDiff: null,
          discarded: [],
          author: null,
          branches: null,
          history: [],
          historyHasMore: false,
          selectedCommit: null,
          commitFile: null,
        });
        if (!r) return;
        await get().refreshGit();
        try {
          const { entries } = await api.request('git.discarded', { root: r });
          if (root() === r) set({ discarded: entries });
        } catch {
          // Not a repository yet: nothing was discarded.
        }
        try {
          const author = await api.request('git.author', { root: r });
          if (root() === r) set({ author });
        } catch {
          // Not a repository yet: the Changes view says so.
        }
      },

      async applyGitStatus(status) {
        const r = root();
        if (!r) return;
        pushed++;
        const run = apply(r, status);
        applying = run;
        try {
          await run;
        } finally {
          if (applying === run) applying = null;
        }
      },

      async refreshGit() {
        if (refreshing) {
          again = true;
          return refreshing;
        }
        refreshing = (async () => {
          do {
            again = false;
            await doRefresh();
          } while (again);
        })();
        try {
          await refreshing;
        } finally {
          refreshing = null;
        }
      },

      async selectChange(sel) {
        set({ changeSelection: sel, changeDiff: null });
        const r = root();
        if (r) await loadDiff(r, sel);
      },

      stage: (paths) => write((r) => api.request('git.stage', paths === 'all' ? { root: r, all: true } : { root: r, paths: [...paths] })).then(() => undefined),
      unstage: (paths) => write((r) => api.request('git.unstage', paths === 'all' ? { root: r, all: true } : { root: r, paths: [...paths] })).then(() => undefined),

      async stageHunk(index, header) {
        const sel = get().changeSelection;
        if (sel) await write((r) => api.request('git.stageHunk', { root: r, path: sel.path, index, header }));
      },
      async unstageHunk(index, header) {
        const sel = get().changeSelection;
        if (sel) await write((r) => api.request('git.unstageHunk', { root: r, path: sel.path, index, header }));
      },

      async discard(paths) {
        let entry: DiscardedEntry | null = null;
        await write(async (r) => {
          entry = await api.request('git.discard', { root: r, paths: [...paths] });
        });
        const done = entry as DiscardedEntry | null;
        if (done) {
          const what = done.paths.length === 1 ? done.paths[0] : `${done.paths.length} files`;
          get().notify('info', `Discarded changes to ${what}.`, { label: 'Bring back', run: () => void get().restoreDiscarded(done.id) });
        }
      },

      async restoreDiscarded(id) {
        if (await write((r) => api.request('git.restoreDiscarded', { root: r, id }))) get().notify('info', 'Brought the discarded changes back.');
      },

      async saveAuthor(name, email, toRepo) {
        const r = root();
        if (!r) return false;
        if (!toRepo) {
          set({ sessionAuthor: { name, email } });
          return true;
        }
        try {
          set({ author: await api.request('git.setAuthor', { root: r, name, email }), sessionAuthor: null });
          return true;
        } catch (error) {
          fail(error);
          return false;
        }
      },

      async commit(message, amend) {
        const session = get().sessionAuthor;
        return write(async (r) => {
          await api.request('git.commit', { root: r, message, amend, ...(session ? { author: session } : {}) });
        });
      },

      async lastCommitMessage() {
        const r = root();
        if (!r) return '';
        try {
          const { commits } = await api.request('git.log', { root: r, limit: 1 });
          if (!commits[0]) return '';
          const details = await api.request('git.commitDetails', { root: r, oid: commits[0].oid });
          return details.message.replace(/\n+$/, '');
        } catch (error) {
          fail(error);
          return '';
        }
      },

      async loadBranches() {
        const r = root();
        if (!r) return;
        try {
          const branches = await api.request('git.branches', { root: r });
          if (root() === r) set({ branches });
        } catch (error) {
          fail(error);
        }
      },

      async createBranch(name) {
        const ok = await write(async (r) => get().setProject(await api.request('git.createBranch', { root: r, name, checkout: true })));
        await get().loadBranches();
        return ok;
      },

      async switchBranch(name) {
        const ok = await write(async (r) => get().setProject(await api.request('git.switchBranch', { root: r, name })));
        await get().loadBranches();
        return ok;
      },

      async loadHistory(reset) {
        const r = root();
        if (!r || (get().historyLoading && !reset)) return;
        const skip = reset ? 0 : get().history.length;
        set({ historyLoading: true });
        try {
          const page = await api.request('git.log', { root: r, skip, limit: PAGE });
          if (root() !== r) return;
          set({ history: reset ? page.commits : [...get().history, ...page.commits], historyHasMore: page.hasMore });
        } catch (error) {
          fail(error);
        } finally {
          set({ historyLoading: false });
        }
      },

      async selectCommit(oid) {
        const r = root();
        set({ commitFile: null, selectedCommit: oid ? get().selectedCommit : null });
        if (!r || !oid) return;
        try {
          const details = await api.request('git.commitDetails', { root: r, oid });
          if (root() === r) set({ selectedCommit: details });
        } catch (error) {
          fail(error);
        }
      },

      async selectCommitFile(path) {
        const r = root();
        const commit = get().selectedCommit;
        if (!r || !commit || !path) return set({ commitFile: null });
        set({ commitFile: { path, diff: null } });
        try {
          const diff = await api.request('git.commitDiff', { root: r, oid: commit.oid, path });
          if (get().commitFile?.path === path && get().selectedCommit?.oid === commit.oid) set({ commitFile: { path, diff } });
        } catch (error) {
          fail(error);
        }
      },
    };
  };
}
