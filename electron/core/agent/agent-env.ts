import { RpcError } from '../../../shared/rpc';
import type { AgentRole } from '../../../shared/contract';
import type { CoreContext } from '../core-context';
import type { ShadowRepo } from '../checkpoints/shadow-repo';
import { type BackoffOptions, type Sleeper } from '../model/retry-policy';
import { missingKeyMessage, SettingsStore, type RoleConnection } from '../model/settings-store';
import type { TranscriptStore } from '../model/transcript-store';

/** Test seams: a fetch for the SDK, backoff and sleep so tests never wait. */
export interface AgentServiceOptions {
  readonly backoff?: BackoffOptions;
  readonly sleep?: Sleeper;
  readonly env?: NodeJS.ProcessEnv;
  /** Delta batching interval (ms). */
  readonly batchMs?: number;
}

/** A role's connection with its API key present. */
export type KeyedConnection = RoleConnection & { apiKey: string };

/** The settings a run starts with. */
export type RunSettings = Awaited<ReturnType<SettingsStore['load']>>;

/** What every part of the agent sessions shares: the core, the settings, the transcripts and the test seams. */
export class AgentEnv {
  readonly settings: SettingsStore;
  readonly transcripts: TranscriptStore;

  constructor(
    readonly ctx: CoreContext,
    readonly options: AgentServiceOptions = {},
  ) {
    // A test may give the run its own environment (keys, endpoint); the app uses the core's settings.
    this.settings = options.env ? new SettingsStore(ctx.dataDir, ctx.host.secrets, options.env) : ctx.services.settings;
    this.transcripts = ctx.services.transcripts;
  }

  /** The shadow repository of a project. */
  shadow(root: string): ShadowRepo {
    return this.ctx.services.project(root).shadow;
  }

  /** A role's connection, or a clear error naming what to set. */
  async requireConnection(role: AgentRole): Promise<KeyedConnection> {
    const c = await this.settings.connection(role);
    if (!c.apiKey) throw new RpcError('UNAVAILABLE', missingKeyMessage(role));
    return { ...c, apiKey: c.apiKey };
  }
}
