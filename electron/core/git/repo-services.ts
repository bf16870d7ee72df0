import { basename } from 'node:path';
import type { ProjectInfo } from '../../../shared/contract';
import { RpcError } from '../../../shared/rpc';
import type { EventBus } from '../events';
import { readHeadInfo } from '../app/head-info';
import { chooseBackend, type GitBackend } from './backend';
import { toChangesView } from './operations';
import type { StatusEngine, StatusResult } from './status-engine';
import { watchRepository } from './watcher';

/** What RepoService needs of a status engine: the engine itself, or its worker-thread client. */
export type StatusSource = Pick<StatusEngine, 'status' | 'notifyChanged' | 'invalidateAll' | 'dispose'>;

/** The temp files of Plumbline's own atomic writes (`.name.<12 hex>.tmp`): never a change of their own. */
const OWN_TEMP_FILE = /(^|\/)\.[^/]+\.[0-9a-f]{12}\.tmp$/;

/** A status in a form that compares equal exactly when the Changes view would show the same thing. */
function statusSignature(s: StatusResult): string {
  return JSON.stringify([s.headOid, s.branch, s.detached, s.unborn, s.entries]);
}

/**
 * The live git services of one opened repository: its status engine and its file watcher.
 * Each change is announced once, with the status it leads to (read once here, not again by every window): a write of ours announces itself when it is done, and the
 * watcher's report of the same write (the index file changed) is dropped when the status it leads
 * to is the one already announced. Our own atomic-write temp files are never reported.
 */
export class RepoService {
  private watcher: { close(): Promise<void> } | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  /** The status last announced after a write of ours (to recognise the watcher's echo of it). */
  private announced: string | null = null;
  /** Settles when the write in progress has been announced. */
  private writing: Promise<void> | null = null;
  /** The watcher's reports, one at a time: each announces the status it read, so they must go out in order. */
  private watched: Promise<void> = Promise.resolve();
  /** Settles when the fresh status a reader waits for (freshStatus) is read. */
  private fresh: Promise<void> | null = null;

  constructor(
    readonly root: string,
    private readonly engine: StatusSource,
    private readonly bus: EventBus,
  ) {}

  /** Starts watching; every change feeds the engine and reaches the renderer as `repo.didChange`. */
  startWatching(): void {
    if (this.watcher) return;
    try {
      this.watcher = watchRepository(this.root, (change) => {
        const paths = change.paths.filter((p) => !OWN_TEMP_FILE.test(p));
        this.watched = this.watched.then(() => this.onWatched(paths, change.git)).catch(() => undefined);
      });
    } catch {
      // Without a watcher the engine cannot trust its cache: every status re-scans.
      this.watcher = null;
    }
  }

  /** A batch from the watcher: announced unless it is only the echo of a write already announced. */
  private async onWatched(paths: readonly string[], git: boolean): Promise<void> {
    if (paths.length === 0 && !git) return;
    while (this.writing) await this.writing;
    if (git) this.engine.invalidateAll();
    else this.engine.notifyChanged(paths);
    // A reader waits for a fresh status (judging a run, a commit): it goes first, not beside a second git
    // status of the same tree; the cache is dropped already, so no reader gets the old status meanwhile.
    while (this.fresh) await this.fresh;
    // The Changes view needs this status next: read it once here and send it with the event.
    const now = await this.engine.status().catch(() => null);
    // Only git's own files changed: an echo of our write when the status is the one announced.
    if (paths.length === 0 && this.announced !== null && now && statusSignature(now) === this.announced) return;
    this.announced = null;
    // Unreadable for the moment: announced without a status, and the reader says what is wrong.
    this.bus.emit('repo.didChange', { root: this.root, paths: [...paths], git, ...(now ? { status: toChangesView(now) } : {}) });
    // HEAD or refs moved outside the app (a terminal `git checkout`): the header must follow.
    if (git) void this.emitProjectInfo();
  }

  /** The current status (cached by the engine, re-scanned when nothing watches). */
  async status(signal?: AbortSignal): Promise<StatusResult> {
    if (!this.watcher) this.engine.invalidateAll();
    return this.engine.status({ signal });
  }

  /**
   * The status from a full re-check, not the watcher-fed cache: what a write decides from (stage all,
   * commit, switch) must include a change made a moment ago that the watcher has not reported yet.
   */
  async freshStatus(): Promise<StatusResult> {
    this.engine.invalidateAll();
    const run = this.engine.status();
    const settled = run.then(
      () => undefined,
      () => undefined,
    );
    this.fresh = settled;
    void settled.then(() => {
      if (this.fresh === settled) this.fresh = null;
    });
    return run;
  }

  /**
   * Runs one write operation at a time for this repository (two quick clicks must not race on the
   * index), then drops the engine's caches and tells the renderer right away, not after the watcher.
   */
  async write<T>(paths: readonly string[], gitChanged: boolean, op: () => Promise<T>): Promise<T> {
    const run = this.queue.then(op, op);
    this.queue = run.catch(() => undefined);
    // Watcher reports that arrive meanwhile wait for this write's announcement, then compare with it.
    const done = (async () => {
      try {
        return await run;
      } finally {
        this.engine.invalidateAll();
        // The status after the write is computed now (readers get it from the engine's cache), so the
        // watcher's report of this same write can be recognised and dropped.
        const now = await this.engine.status().catch(() => null);
        this.announced = this.watcher && now ? statusSignature(now) : null;
        this.bus.emit('repo.didChange', { root: this.root, paths: [...paths], git: gitChanged, ...(now ? { status: toChangesView(now) } : {}) });
      }
    })();
    const settled = done.then(() => undefined, () => undefined);
    this.writing = settled;
    void settled.then(() => {
      if (this.writing === settled) this.writing = null;
    });
    return done;
  }

  /** Pushes a fresh ProjectInfo so the header shows the current branch. */
  async emitProjectInfo(): Promise<ProjectInfo> {
    const info: ProjectInfo = { root: this.root, name: basename(this.root), git: await readHeadInfo(this.root) };
    this.bus.emit('project.didChange', info);
    return info;
  }

  /** Stops watching and frees the engine. */
  async dispose(): Promise<void> {
    const w = this.watcher;
    this.watcher = null;
    await w?.close();
    this.engine.dispose();
  }
}

/** Per-root RepoService instances, created on first use and disposed with the core or the project. */
export class RepoServices {
  private readonly services = new Map<string, RepoService>();

  /** `statusWorkerPath`: the bundled worker entry of the built-in engine; without it status runs on this thread. */
  /** `backend`: which git does the work (default: native git when usable, else the built-in engine). */
  constructor(
    private readonly bus: EventBus,
    private readonly statusWorkerPath?: string,
    readonly backend: GitBackend = chooseBackend(),
  ) {}

  /** The service of an opened root; UNAVAILABLE with what to do when it is not a git repository. */
  get(root: string): RepoService {
    let svc = this.services.get(root);
    if (!svc) {
      let engine: StatusSource;
      try {
        engine = this.backend.statusSource(root, this.statusWorkerPath);
      } catch (error) {
        throw new RpcError('UNAVAILABLE', (error as Error).message);
      }
      svc = new RepoService(root, engine, this.bus);
      svc.startWatching();
      this.services.set(root, svc);
    }
    return svc;
  }

  /** Forgets a root (project closed, or git initialised so the engine must be rebuilt). */
  async release(root: string): Promise<void> {
    const svc = this.services.get(root);
    this.services.delete(root);
    await svc?.dispose();
  }

  /** Stops every watcher. */
  async dispose(): Promise<void> {
    const all = [...this.services.values()];
    this.services.clear();
    await Promise.all(all.map((s) => s.dispose()));
  }
}
