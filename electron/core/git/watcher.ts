/**
 * Watches a work tree and its git metadata, batching changes for the status engine.
 *
 *   const w = watchRepository(dir, ({ paths, git }) => …, { debounceMs: 50, ignoreDir? });
 *   await w.close();
 *
 * `paths` are work-tree paths relative to `dir` ('/'-separated) that may have changed; `git` is true when
 * HEAD, the index, packed-refs or anything under refs/ changed (then the engine must invalidateAll()).
 * Everything else inside `.git` (objects, logs, lock files) is noise and never reported.
 * One non-recursive fs.watch per folder (inotify on Linux, FSEvents/ReadDirectoryChangesW elsewhere)
 * instead of a watch per file: a 25,000-file tree needs only its few hundred folders watched.
 * Events are batched: the first change starts a timer of `debounceMs`, later changes join the batch,
 * so a burst costs one callback and the delay from a write to the callback is bounded.
 */
import { type FSWatcher, lstatSync, readdirSync, watch } from 'node:fs';
import { join } from 'node:path';
import { resolveLayout } from './repo-layout';

/** A batch of changes. */
export interface RepoChange {
  readonly paths: string[];
  readonly git: boolean;
}

/** Options of watchRepository. */
export interface WatchOptions {
  /** Batch window in ms (default 50). */
  readonly debounceMs?: number;
  /** Folders (relative) not to watch, e.g. huge dependency folders; default: watch every folder. */
  readonly ignoreDir?: (rel: string) => boolean;
}

const GIT_FILES = new Set(['HEAD', 'index', 'packed-refs']);

/** Starts watching `dir`; throws when it is not a git work tree. */
export function watchRepository(dir: string, onChange: (e: RepoChange) => void, opts: WatchOptions = {}): { close(): Promise<void> } {
  const layout = resolveLayout(dir);
  const root = layout.dir;
  const debounceMs = opts.debounceMs ?? 50;
  const watchers = new Map<string, FSWatcher>();
  let pending = new Set<string>();
  let gitPending = false;
  let timer: NodeJS.Timeout | null = null;
  let closed = false;

  const flush = (): void => {
    timer = null;
    if (closed) return;
    const batch: RepoChange = { paths: [...pending], git: gitPending };
    pending = new Set();
    gitPending = false;
    if (batch.paths.length > 0 || batch.git) onChange(batch);
  };
  const schedule = (): void => {
    if (!timer && !closed) timer = setTimeout(flush, debounceMs);
  };

  const unwatchUnder = (key: string): void => {
    for (const [k, w] of [...watchers]) {
      if (k === key || k.startsWith(`${key}/`)) {
        w.close();
        watchers.delete(k);
      }
    }
  };

  const isDir = (abs: string): boolean => {
    try {
      // lstat: a symlinked folder is a file to git, and following it could leave the work tree.
      return lstatSync(abs, { throwIfNoEntry: false })?.isDirectory() === true;
    } catch {
      return false;
    }
  };

  // Work-tree folders: key is the relative folder ('' = root).
  const watchTree = (rel: string): void => {
    if (closed || watchers.has(`wt:${rel}`)) return;
    if (rel && opts.ignoreDir?.(rel)) return;
    const abs = rel ? join(root, rel) : root;
    let w: FSWatcher;
    try {
      w = watch(abs, { persistent: false }, (_event, filename) => {
        if (filename === null) {
          pending.add(rel || '.');
          schedule();
          return;
        }
        const name = filename.toString();
        if (!rel && name === '.git') return;
        if (name === '.git') return;
        const childRel = rel ? `${rel}/${name}` : name;
        pending.add(childRel);
        const childAbs = join(abs, name);
        if (isDir(childAbs)) watchTree(childRel);
        else if (watchers.has(`wt:${childRel}`)) unwatchUnder(`wt:${childRel}`);
        schedule();
      });
    } catch {
      return; // vanished or unreadable folder: nothing to watch
    }
    w.on('error', () => unwatchUnder(`wt:${rel}`));
    watchers.set(`wt:${rel}`, w);
    let names: { name: string; isDirectory(): boolean }[] = [];
    try {
      names = readdirSync(abs, { withFileTypes: true });
    } catch {}
    for (const d of names) {
      if (d.name === '.git' || !d.isDirectory()) continue;
      watchTree(rel ? `${rel}/${d.name}` : d.name);
    }
  };

  // Git metadata: the git dir itself (HEAD, index, packed-refs) and every folder under refs/.
  const watchGit = (abs: string, key: string, filter: (name: string) => boolean): void => {
    if (closed || watchers.has(key)) return;
    let w: FSWatcher;
    try {
      w = watch(abs, { persistent: false }, (_event, filename) => {
        const name = filename === null ? '' : filename.toString();
        if (filename !== null && !filter(name)) return;
        gitPending = true;
        if (key.startsWith('refs:') && name && isDir(join(abs, name))) watchGit(join(abs, name), `${key}/${name}`, () => true);
        schedule();
      });
    } catch {
      return;
    }
    w.on('error', () => unwatchUnder(key));
    watchers.set(key, w);
  };
  const watchRefs = (abs: string, key: string): void => {
    watchGit(abs, key, () => true);
    let names: { name: string; isDirectory(): boolean }[] = [];
    try {
      names = readdirSync(abs, { withFileTypes: true });
    } catch {}
    for (const d of names) if (d.isDirectory()) watchRefs(join(abs, d.name), `${key}/${d.name}`);
  };

  watchTree('');
  watchGit(layout.gitdir, 'git:', (name) => GIT_FILES.has(name));
  if (layout.commondir !== layout.gitdir) watchGit(layout.commondir, 'common:', (name) => name === 'packed-refs');
  watchRefs(join(layout.commondir, 'refs'), 'refs:');

  return {
    close: async () => {
      closed = true;
      if (timer) clearTimeout(timer);
      timer = null;
      for (const w of watchers.values()) w.close();
      watchers.clear();
    },
  };
}
