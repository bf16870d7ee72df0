import type { Handlers } from '../../shared/rpc';
import { createAppHandlers } from './app/app-handlers';
import { createFilesModule } from './files/files-module';
import { createGitModule } from './git/git-module';
import { createSpecModule } from './spec/spec-module';
import { createVerifyModule } from './verify/verify-module';
import { createAgentModule } from './agent/agent-module';
import { createSettingsModule } from './settings/settings-module';
import type { CoreContext, HostServices } from './core-context';
import { EventBus } from './events';
import { ProjectRegistry } from './app/project-registry';
import { detectSandboxAsync, hideFromCommands } from './commands/sandbox';
import { CoreServices } from './core-services';

/** What a host passes to build the core. */
export interface CoreConfig {
  readonly dataDir: string;
  readonly version: string;
  readonly host: HostServices;
  readonly resourcesDir: string;
  /** The bundled status worker; hosts pass it so walking and hashing never block their thread. */
  readonly statusWorkerPath?: string;
  /** The bundled import worker; hosts pass it so reading and parsing an import never block their thread. */
  readonly importWorkerPath?: string;
  /** Environment the model settings fall back to; default `process.env`. */
  readonly env?: NodeJS.ProcessEnv;
}

/** The context every module receives: config, event bus, opened projects and the services built once. */
export function createCoreContext(config: CoreConfig): CoreContext {
  const bus = new EventBus();
  const projects = new ProjectRegistry();
  const services = new CoreServices({ dataDir: config.dataDir, bus, projects, secrets: config.host.secrets, statusWorkerPath: config.statusWorkerPath, env: config.env });
  return {
    dataDir: config.dataDir,
    version: config.version,
    bus,
    projects,
    host: config.host,
    resourcesDir: config.resourcesDir,
    statusWorkerPath: config.statusWorkerPath,
    importWorkerPath: config.importWorkerPath,
    services,
  };
}

/** The assembled core: handlers for every contract method, the event bus, and a way to stop it. */
export interface Core {
  readonly handlers: Handlers;
  readonly bus: EventBus;
  readonly ctx: CoreContext;
  /** Stops watchers, child processes and timers. */
  dispose(): Promise<void>;
}

/** A domain's services: its handlers and what must be stopped on dispose. */
export interface DomainModule<H> {
  readonly handlers: H;
  dispose?(): Promise<void> | void;
}

/**
 * The composition root: wires every domain's services from one config. Each domain lives in its
 * own folder and contributes the handlers for its part of the contract.
 */
export function createCore(config: CoreConfig): Core {
  const ctx = createCoreContext(config);
  const bus = ctx.bus;
  // No agent or check command may see the app-data folder (secrets, transcripts, checkpoints).
  hideFromCommands(config.dataDir);
  // The sandbox probe runs now, in the background, so the first command does not wait for it.
  void detectSandboxAsync();
  // One line per domain module; the Handlers type makes a method without a handler a type error.
  const app = createAppHandlers(ctx);
  const gitModule = createGitModule(ctx);
  const files = createFilesModule(ctx);
  const spec = createSpecModule(ctx);
  const verify = createVerifyModule(ctx);
  const agent = createAgentModule(ctx);
  const settings = createSettingsModule(agent.service);
  const modules: DomainModule<unknown>[] = [app, gitModule, files, spec, verify, agent, settings];
  const handlers: Handlers = {
    ...app.handlers,
    ...gitModule.handlers,
    ...files.handlers,
    ...spec.handlers,
    ...verify.handlers,
    ...agent.handlers,
    ...settings.handlers,
  };
  return {
    handlers,
    bus,
    ctx,
    async dispose() {
      for (const m of modules.reverse()) await m.dispose?.();
      await ctx.services.dispose();
    },
  };
}
