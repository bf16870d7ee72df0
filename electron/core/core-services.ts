/**
 * The services of the core, built once: the ones every project shares (plan writer, settings,
 * transcripts, the repository services with their status workers) and, per opened project, the
 * ones that hold state for it (its evidence ledger and its shadow repository).
 *
 *   const { ledger, shadow } = ctx.services.project(root);   // root must have been opened
 *   const status = await ctx.services.repos.get(root).status();
 *
 * A project's services are made on first use after `project.open` and dropped when the project is
 * closed, so every module sees the same ledger (one tree-state cache), the same shadow repository
 * (one stat cache) and the same status engine (one watcher) — nothing is built per request.
 */
import { ShadowRepo } from './checkpoints/shadow-repo';
import type { CoreEvent, EventBus } from './events';
import { RepoServices } from './git/repo-services';
import type { SecretStore } from './core-context';
import { SettingsStore } from './model/settings-store';
import { TranscriptStore } from './model/transcript-store';
import type { ProjectRegistry } from './app/project-registry';
import { PlanEchoFilter } from './spec/plan-echo';
import { PlanService } from './spec/plan-service';
import { EvidenceLedger, trustedRecords } from './verify/evidence';

/** The services of one opened project. */
export interface ProjectServices {
  readonly root: string;
  /** The append-only evidence ledger; its tree state comes from the project's live status engine. */
  readonly ledger: EvidenceLedger;
  /** Checkpoints of agent runs, in the app data folder. */
  readonly shadow: ShadowRepo;
}

/** What the core's services are built from. */
export interface CoreServicesConfig {
  readonly dataDir: string;
  readonly bus: EventBus;
  readonly projects: ProjectRegistry;
  readonly secrets: SecretStore;
  readonly statusWorkerPath?: string;
  /** Environment the settings fall back to (`ANTHROPIC_API_KEY`, `ANTHROPIC_BASE_URL`). */
  readonly env?: NodeJS.ProcessEnv;
}

/** The core's services (see the module comment). */
export class CoreServices {
  readonly plans: PlanService;
  /** Drops the plan watcher's echo of a write the plan writer already announced. */
  readonly planEcho = new PlanEchoFilter();
  readonly settings: SettingsStore;
  readonly transcripts: TranscriptStore;
  readonly repos: RepoServices;
  private readonly perProject = new Map<string, ProjectServices>();

  constructor(private readonly config: CoreServicesConfig) {
    this.plans = new PlanService(
      (root, files) => {
        config.bus.emit('spec.didChange', { root, files });
        this.planEcho.remember(root, files);
      },
      // Coverage counts only records the Calibrator signed on this machine.
      async (root) => trustedRecords(await new EvidenceLedger(root, config.dataDir).readAll()),
    );
    this.settings = new SettingsStore(config.dataDir, config.secrets, config.env ?? process.env);
    this.transcripts = new TranscriptStore(config.dataDir);
    this.repos = new RepoServices(config.bus, config.statusWorkerPath);
    // A closed project releases its watcher, status engine and caches.
    config.projects.onRemove((root) => void this.release(root));
    // A change to the tree makes the ledger's cached tree state stale at once.
    config.bus.subscribe((e) => {
      if (e.event === 'repo.didChange') this.perProject.get((e as CoreEvent<'repo.didChange'>).payload.root)?.ledger.invalidate();
    });
  }

  /** The services of an opened project (FORBIDDEN when the root was not opened). */
  project(root: string): ProjectServices {
    this.config.projects.require(root);
    let services = this.perProject.get(root);
    if (!services) {
      const status = () => this.repos.get(root).status();
      services = { root, ledger: new EvidenceLedger(root, this.config.dataDir, null, status), shadow: new ShadowRepo(root, this.config.dataDir) };
      this.perProject.set(root, services);
    }
    return services;
  }

  /** Drops a project's services (closed, or git initialised so its engine must be rebuilt). */
  async release(root: string): Promise<void> {
    this.perProject.delete(root);
    this.planEcho.forget(root);
    await this.repos.release(root);
  }

  /** Stops every watcher and status worker. */
  async dispose(): Promise<void> {
    this.perProject.clear();
    await this.repos.dispose();
  }
}
