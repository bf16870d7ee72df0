import { APIError } from '@anthropic-ai/sdk';
import type { Handlers } from '../../../shared/rpc';
import type { DomainModule } from '../create-core';
import type { AgentService } from '../agent/agent-service';
import { makeClient } from '../model/model-stream';
import { plainMessage } from '../model/retry-policy';
import { missingKeyMessage } from '../model/settings-store';

type SettingsHandlers = Pick<Handlers, 'settings.get' | 'settings.update' | 'settings.setKey' | 'settings.testConnection'>;

/** Agent settings: models, endpoints, keys (write-only), prices, ceiling, auto-approval. */
export function createSettingsModule(service: AgentService): DomainModule<SettingsHandlers> {
  const store = service.settings;
  return {
    handlers: {
      'settings.get': () => store.view(),
      'settings.update': async (req) => {
        const cur = await store.load();
        const roles = { ...cur.roles };
        for (const [role, patch] of Object.entries(req.roles ?? {}) as Array<[keyof typeof roles, { model?: string; baseURL?: string | null } | undefined]>) {
          if (!patch) continue;
          roles[role] = {
            model: patch.model ?? roles[role].model,
            baseURL: patch.baseURL === undefined ? roles[role].baseURL : patch.baseURL?.trim() ? patch.baseURL.trim() : null,
          };
        }
        await store.save({
          ...cur,
          roles,
          prices: req.prices ?? cur.prices,
          costCeilingUsd: req.costCeilingUsd ?? cur.costCeilingUsd,
          stepLimit: req.stepLimit ?? cur.stepLimit,
          commandTimeoutSec: req.commandTimeoutSec ?? cur.commandTimeoutSec,
          autoApprove: req.autoApprove ?? cur.autoApprove,
        });
        return store.view();
      },
      'settings.setKey': async ({ role, key }) => {
        await store.setKey(role, key);
        return store.view();
      },
      'settings.testConnection': async ({ role }) => {
        const conn = await store.connection(role);
        if (!conn.apiKey) return { ok: false, message: missingKeyMessage(role), models: [] };
        const client = makeClient(conn.apiKey, conn.baseURL);
        let models: Array<{ id: string; displayName: string | null }> = [];
        try {
          const page = await client.models.list({ limit: 100 }, { timeout: 15_000 });
          models = page.data.map((m) => ({ id: m.id, displayName: m.display_name ?? null }));
        } catch (error) {
          // Some endpoints (local servers) do not list models; a tiny request still proves the connection.
          if (error instanceof APIError && (error.status === 401 || error.status === 403)) {
            return { ok: false, message: `The endpoint refused the key (HTTP ${error.status}). Check the key for the ${role} role.`, models: [] };
          }
        }
        try {
          await client.messages.create({ model: conn.model, max_tokens: 1, messages: [{ role: 'user', content: 'ping' }] }, { timeout: 30_000, maxRetries: 0 });
          const listed = models.length ? ` ${models.length} model(s) listed.` : ' The endpoint does not list models.';
          return { ok: true, message: `Connected to ${conn.baseURL ?? 'the public API'} with ${conn.model}.${listed}`, models };
        } catch (error) {
          const what = error instanceof APIError && error.status ? `HTTP ${error.status}: ${plainMessage(error)}` : error instanceof Error ? error.message : String(error);
          const hint = error instanceof APIError && error.status === 404 ? ' Check the model name.' : error instanceof APIError && error.status === 401 ? ' Check the key.' : ' Check the endpoint address.';
          return { ok: false, message: `Could not reach ${conn.model} at ${conn.baseURL ?? 'the public API'}: ${what}.${hint}`, models };
        }
      },
    },
  };
}
