import { z } from 'zod';
import { method } from './define';

/** The four model roles; every model request belongs to one. */
export const agentRole = z.enum(['thinker', 'builder', 'breaker', 'utility']);
export type AgentRole = z.infer<typeof agentRole>;

/** Prices in US dollars per million tokens for one model. */
export const modelPrice = z.object({
  model: z.string().min(1).max(200),
  input: z.number().min(0),
  output: z.number().min(0),
  cacheWrite5m: z.number().min(0),
  cacheWrite1h: z.number().min(0),
  cacheRead: z.number().min(0),
});
export type ModelPrice = z.infer<typeof modelPrice>;

/** Where a role's key comes from; the key itself never crosses the contract. */
export const keySource = z.enum(['app', 'env', 'none']);
export type KeySource = z.infer<typeof keySource>;

/** One role as the renderer sees it. */
export const roleSettingsView = z.object({
  model: z.string(),
  /** The endpoint set in the app, or null to use the environment / the SDK default. */
  baseURL: z.string().nullable(),
  /** The endpoint actually used (app setting, else ANTHROPIC_BASE_URL, else the public API). */
  effectiveBaseURL: z.string(),
  keySet: z.boolean(),
  keySource,
});
export type RoleSettingsView = z.infer<typeof roleSettingsView>;

/** Which actions run without asking. */
export const autoApprove = z.object({
  /** File edits by the building agent apply without an approval prompt. */
  edits: z.boolean(),
  /** Read-only commands (exact program names or prefixes) that run without asking. */
  commands: z.array(z.string().min(1).max(200)).max(200),
});
export type AutoApprove = z.infer<typeof autoApprove>;

/** All agent settings, key-free. */
export const agentSettingsView = z.object({
  roles: z.object({ thinker: roleSettingsView, builder: roleSettingsView, breaker: roleSettingsView, utility: roleSettingsView }),
  prices: z.array(modelPrice),
  /** A run stops when its estimated cost reaches this many dollars. */
  costCeilingUsd: z.number().min(0),
  /** A run stops after this many model turns. */
  stepLimit: z.number().int().min(1),
  /** Command timeout in seconds. */
  commandTimeoutSec: z.number().int().min(1),
  autoApprove,
  /** Agent commands (the bash tool) may reach the network; off by default (commands run with network off). */
  allowNetwork: z.boolean(),
  /** How many parallel runs (Run selected) go at once per project, 1–4. */
  parallelRuns: z.number().int().min(1).max(4),
});
export type AgentSettingsView = z.infer<typeof agentSettingsView>;

const roleUpdate = z.object({ model: z.string().min(1).max(200).optional(), baseURL: z.string().max(2000).nullable().optional() });

/** A model the endpoint lists. */
export const listedModel = z.object({ id: z.string(), displayName: z.string().nullable() });
export type ListedModel = z.infer<typeof listedModel>;

export const settingsMethods = {
  /** The agent settings, with `keySet` and its source instead of any key. */
  'settings.get': method(z.object({}), agentSettingsView),
  /** Changes models, endpoints, prices, ceiling, limits and auto-approval; omitted fields stay. */
  'settings.update': method(
    z.object({
      roles: z.object({ thinker: roleUpdate, builder: roleUpdate, breaker: roleUpdate, utility: roleUpdate }).partial().optional(),
      prices: z.array(modelPrice).max(500).optional(),
      costCeilingUsd: z.number().min(0).max(100_000).optional(),
      stepLimit: z.number().int().min(1).max(1000).optional(),
      commandTimeoutSec: z.number().int().min(1).max(3600).optional(),
      autoApprove: autoApprove.optional(),
      allowNetwork: z.boolean().optional(),
      parallelRuns: z.number().int().min(1).max(4).optional(),
    }),
    agentSettingsView,
  ),
  /** Stores (or with null, forgets) the key for one role, or for all roles at once. */
  'settings.setKey': method(z.object({ role: z.union([agentRole, z.literal('all')]), key: z.string().max(500).nullable() }), agentSettingsView),
  /**
   * Calls the role's endpoint; says what is wrong in words and lists models where the endpoint can.
   * `model`, `baseURL` and `key` are the values typed in the form (not yet saved): given, they are
   * tested instead of the saved ones; an empty `baseURL` means the default endpoint, an empty or
   * missing `key` the saved key.
   */
  'settings.testConnection': method(
    z.object({ role: agentRole, model: z.string().max(200).optional(), baseURL: z.string().max(2000).nullable().optional(), key: z.string().max(500).optional() }),
    z.object({ ok: z.boolean(), message: z.string(), models: z.array(listedModel) }),
  ),
} as const;
