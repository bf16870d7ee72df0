import { APIError } from '@anthropic-ai/sdk';
import type { Handlers } from '../../../shared/rpc';
import type { DomainModule } from '../create-core';
import type { AgentService } from '../agent/agent-service';
import { makeClient } from '../model/model-stream';
import { classifyError, messagesUrl, statusReason } from '../model/retry-policy';
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
          allowNetwork: req.allowNetwork ?? cur.allowNetwork,
          parallelRuns: req.parallelRuns ?? cur.parallelRuns,
        });
        return store.view();
      },
      'settings.setKey': async ({ role, key }) => {
        await store.setKey(role, key);
        return store.view();
      },
      'settings.testConnection': async ({ role, model, baseURL, key }) => {
        const saved = await store.connection(role);
        const conn = {
          model: model?.trim() || saved.model,
          // The form's endpoint when given (empty: the default one), else the saved one.
          baseURL: baseURL === undefined ? saved.baseURL : baseURL?.trim() || store.defaultBaseURL(),
          apiKey: key?.trim() || saved.apiKey,
        };
        if (!conn.apiKey) return { ok: false, message: missingKeyMessage(role), models: [] };
        const url = messagesUrl(conn.baseURL);
        const client = makeClient(conn.apiKey, conn.baseURL);
        let models: Array<{ id: string; displayName: string | null }> = [];
        try {
          const page = await client.models.list({ limit: 100 }, { timeout: 15_000, maxRetries: 0 });
          models = page.data.map((m) => ({ id: m.id, displayName: m.display_name ?? null }));
        } catch (error) {
          // Some endpoints (local servers) do not list models; a tiny request still proves the connection.
          if (error instanceof APIError && (error.status === 401 || error.status === 403)) {
            return { ok: false, message: `${statusReason(error.status, null, url)} for the ${role} role.`, models: [] };
          }
        }
        try {
          await client.messages.create({ model: conn.model, max_tokens: 1, messages: [{ role: 'user', content: 'ping' }] }, { timeout: 30_000, maxRetries: 0 });
          const listed = models.length ? ` ${models.length} model(s) listed.` : ' The endpoint does not list models.';
          return { ok: true, message: `Connected to ${url} with ${conn.model}.${listed}`, models };
        } catch (error) {
          return { ok: false, message: `${classifyError(error, url).reason}.`, models };
        }
      },
    },
  };
}
