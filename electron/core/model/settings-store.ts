import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import type { AgentRole, AgentSettingsView, AutoApprove, KeySource, ModelPrice } from '../../../shared/contract';
import { atomicWrite } from '../util/atomic-write';
import type { SecretStore } from '../core-context';

/** The roles, in the order settings show them. */
export const ROLES: readonly AgentRole[] = ['thinker', 'builder', 'breaker', 'utility'];

/** One role's stored settings (never the key). */
export interface RoleSettings {
  readonly model: string;
  readonly baseURL: string | null;
}

/** Settings as stored in `<dataDir>/agent-settings.json`. */
export interface StoredAgentSettings {
  readonly version: 1;
  readonly roles: Readonly<Record<AgentRole, RoleSettings>>;
  readonly prices: readonly ModelPrice[];
  readonly costCeilingUsd: number;
  readonly stepLimit: number;
  readonly commandTimeoutSec: number;
  readonly autoApprove: AutoApprove;
  /** Agent commands may reach the network (a task can also allow it with `- network: allowed`). */
  readonly allowNetwork: boolean;
  /** Parallel runs at once per project (Run selected), 1–4. */
  readonly parallelRuns: number;
}

/** What a model call needs: the key stays in the core. */
export interface RoleConnection {
  readonly role: AgentRole;
  readonly model: string;
  readonly baseURL: string | undefined;
  readonly apiKey: string | null;
  readonly keySource: KeySource;
}

/** How many parallel runs go at once unless the user chose otherwise. */
export const DEFAULT_PARALLEL_RUNS = 2;

/** A stored parallel-runs count brought into 1–4 (a hand-edited file may hold anything). */
export function clampParallelRuns(n: unknown): number {
  return typeof n === 'number' && Number.isFinite(n) ? Math.min(4, Math.max(1, Math.round(n))) : DEFAULT_PARALLEL_RUNS;
}

const PUBLIC_API = 'https://api.anthropic.com';

/** Defaults: configuration, editable in the Settings dialog; no logic depends on these names. */
export function defaultSettings(): StoredAgentSettings {
  return {
    version: 1,
    roles: {
      thinker: { model: 'claude-opus-4-5', baseURL: null },
      builder: { model: 'claude-sonnet-4-6', baseURL: null },
      breaker: { model: 'claude-sonnet-4-6', baseURL: null },
      utility: { model: 'claude-haiku-4-5', baseURL: null },
    },
    prices: [
      { model: 'claude-opus-4-5', input: 5, output: 25, cacheWrite5m: 6.25, cacheWrite1h: 10, cacheRead: 0.5 },
      { model: 'claude-sonnet-4-6', input: 3, output: 15, cacheWrite5m: 3.75, cacheWrite1h: 6, cacheRead: 0.3 },
      // Kept for the cost of runs made with it (it reached its end of life on 2026-11-30).
      { model: 'claude-sonnet-4-5', input: 3, output: 15, cacheWrite5m: 3.75, cacheWrite1h: 6, cacheRead: 0.3 },
      { model: 'claude-haiku-4-5', input: 1, output: 5, cacheWrite5m: 1.25, cacheWrite1h: 2, cacheRead: 0.1 },
    ],
    costCeilingUsd: 5,
    stepLimit: 40,
    commandTimeoutSec: 120,
    autoApprove: { edits: false, commands: ['ls', 'cat', 'pwd', 'git status', 'git diff', 'git log', 'head', 'tail', 'wc', 'grep', 'rg', 'find'] },
    allowNetwork: false,
    parallelRuns: DEFAULT_PARALLEL_RUNS,
  };
}

/** Name of the secret holding a role's key; `all` is the shared fallback. */
export function secretName(role: AgentRole | 'all'): string {
  return role === 'all' ? 'anthropic.apiKey' : `anthropic.apiKey.${role}`;
}

/**
 * Agent settings: a JSON file in the app data folder for everything but keys, which go through the
 * host's SecretStore. App settings win over ANTHROPIC_BASE_URL / ANTHROPIC_API_KEY from the environment.
 */
export class SettingsStore {
  private cache: StoredAgentSettings | null = null;
  private readonly file: string;

  constructor(
    dataDir: string,
    private readonly secrets: SecretStore,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {
    this.file = join(dataDir, 'agent-settings.json');
  }

  /** The stored settings, defaults filled in. */
  async load(): Promise<StoredAgentSettings> {
    if (this.cache) return this.cache;
    const defaults = defaultSettings();
    try {
      const raw = JSON.parse(await fs.readFile(this.file, 'utf8')) as Partial<StoredAgentSettings>;
      this.cache = {
        ...defaults,
        ...raw,
        version: 1,
        roles: { ...defaults.roles, ...(raw.roles ?? {}) },
        autoApprove: { ...defaults.autoApprove, ...(raw.autoApprove ?? {}) },
        parallelRuns: clampParallelRuns(raw.parallelRuns),
      };
    } catch {
      this.cache = defaults;
    }
    return this.cache;
  }

  /** Replaces the stored settings atomically. */
  async save(next: StoredAgentSettings): Promise<void> {
    await fs.mkdir(join(this.file, '..'), { recursive: true });
    await atomicWrite(this.file, `${JSON.stringify(next, null, 2)}\n`, { mode: 0o600 });
    this.cache = next;
  }

  /** Stores or forgets a key. */
  async setKey(role: AgentRole | 'all', key: string | null): Promise<void> {
    const value = key?.trim() ? key.trim() : null;
    if (role === 'all') {
      await this.secrets.set(secretName('all'), value);
      for (const r of ROLES) await this.secrets.set(secretName(r), null);
    } else {
      await this.secrets.set(secretName(role), value);
    }
  }

  /** The connection for one role: model, endpoint and key with its source. */
  async connection(role: AgentRole): Promise<RoleConnection> {
    const s = await this.load();
    const roleKey = (await this.secrets.get(secretName(role))) ?? (await this.secrets.get(secretName('all')));
    const envKey = this.env.ANTHROPIC_API_KEY?.trim() || null;
    const apiKey = roleKey ?? envKey;
    const keySource: KeySource = roleKey ? 'app' : envKey ? 'env' : 'none';
    const baseURL = s.roles[role].baseURL ?? this.defaultBaseURL();
    return { role, model: s.roles[role].model, baseURL, apiKey, keySource };
  }

  /** The endpoint a role without its own uses: ANTHROPIC_BASE_URL, else the public API (undefined). */
  defaultBaseURL(): string | undefined {
    return this.env.ANTHROPIC_BASE_URL?.trim() || undefined;
  }

  /** The key-free view for the renderer. */
  async view(): Promise<AgentSettingsView> {
    const s = await this.load();
    const roles = {} as Record<AgentRole, AgentSettingsView['roles']['thinker']>;
    for (const role of ROLES) {
      const c = await this.connection(role);
      roles[role] = {
        model: s.roles[role].model,
        baseURL: s.roles[role].baseURL,
        effectiveBaseURL: c.baseURL ?? PUBLIC_API,
        keySet: c.apiKey !== null,
        keySource: c.keySource,
      };
    }
    return {
      roles,
      prices: [...s.prices],
      costCeilingUsd: s.costCeilingUsd,
      stepLimit: s.stepLimit,
      commandTimeoutSec: s.commandTimeoutSec,
      autoApprove: { edits: s.autoApprove.edits, commands: [...s.autoApprove.commands] },
      allowNetwork: s.allowNetwork === true,
      parallelRuns: clampParallelRuns(s.parallelRuns),
    };
  }
}

/** The message every agent action shows when its role has no key. */
export function missingKeyMessage(role: AgentRole): string {
  return `No API key for the ${role} role. Open Settings (⚙) and set a key, or start Plumbline with ANTHROPIC_API_KEY set.`;
}
