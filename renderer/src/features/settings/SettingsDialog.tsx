import { useEffect, useRef, useState } from 'react';
import { createPortal } from 'react-dom';
import type { AgentRole, ListedModel, ModelPrice } from '../../../../shared/contract';
import { useApi } from '../../api/api-context';
import { useModalFocus } from '../../components/use-modal-focus';
import { useAppStore } from '../../stores/app-store';
import { messageOf } from '../../stores/app-slice';
import { backendDescription, useGitBackend } from '../git/use-git-backend';

const ROLES: readonly AgentRole[] = ['thinker', 'builder', 'breaker', 'utility'];
const PRICE_FIELDS: ReadonlyArray<[keyof ModelPrice, string]> = [
  ['input', 'Input'],
  ['output', 'Output'],
  ['cacheWrite5m', 'Cache write 5m'],
  ['cacheWrite1h', 'Cache write 1h'],
  ['cacheRead', 'Cache read'],
];

/** Agent settings: per role model, endpoint and key (write-only); prices; ceiling; auto-approval. */
export function SettingsDialog({ onClose }: { readonly onClose: () => void }) {
  const api = useApi();
  const settings = useAppStore((s) => s.agentSettings);
  const sandbox = useAppStore((s) => s.sandbox);
  const update = useAppStore((s) => s.updateAgentSettings);
  const setKey = useAppStore((s) => s.setAgentKey);
  const [draft, setDraft] = useState(settings);
  const [keys, setKeys] = useState<Record<string, string>>({});
  const [tests, setTests] = useState<Record<string, { ok: boolean; message: string; models: readonly ListedModel[] }>>({});
  const first = useRef<HTMLInputElement>(null);
  const loadSettings = useAppStore((s) => s.loadAgentSettings);
  const project = useAppStore((s) => s.project);
  const backend = useGitBackend(project?.root, project?.git.isRepo ?? false);
  useEffect(() => setDraft(settings), [settings]);
  // Opened from the header before anything loaded the settings: fetch them rather than show nothing.
  useEffect(() => {
    if (!settings) void loadSettings();
  }, [settings, loadSettings]);
  useEffect(() => first.current?.focus(), []);
  const dialog = useRef<HTMLDivElement>(null);
  useModalFocus(dialog, draft !== null);
  if (!draft) return null;
  const save = async (): Promise<void> => {
    await update({
      roles: Object.fromEntries(ROLES.map((r) => [r, { model: draft.roles[r].model, baseURL: draft.roles[r].baseURL }])),
      prices: draft.prices,
      costCeilingUsd: draft.costCeilingUsd,
      stepLimit: draft.stepLimit,
      commandTimeoutSec: draft.commandTimeoutSec,
      autoApprove: draft.autoApprove,
      allowNetwork: draft.allowNetwork,
      parallelRuns: draft.parallelRuns,
    });
    for (const [role, key] of Object.entries(keys)) if (key.trim()) await setKey(role as AgentRole, key.trim());
    setKeys({});
    onClose();
  };
  const test = async (role: AgentRole): Promise<void> => {
    try {
      // The values typed in the form, saved or not; an empty key field means the saved key.
      const r = draft.roles[role];
      const res = await api.request('settings.testConnection', { role, model: r.model, baseURL: r.baseURL, key: keys[role]?.trim() || undefined });
      setTests((t) => ({ ...t, [role]: res }));
    } catch (error) {
      setTests((t) => ({ ...t, [role]: { ok: false, message: messageOf(error), models: [] } }));
    }
  };
  const setRole = (role: AgentRole, patch: Partial<{ model: string; baseURL: string | null }>): void =>
    setDraft({ ...draft, roles: { ...draft.roles, [role]: { ...draft.roles[role], ...patch } } });
  const setPrice = (i: number, field: keyof ModelPrice, value: string): void =>
    setDraft({ ...draft, prices: draft.prices.map((p, j) => (j === i ? { ...p, [field]: field === 'model' ? value : Number(value) || 0 } : p)) });
  // Portalled to the body: the panes clip and transform their content, which would cut a fixed dialog.
  return createPortal(
    <div className="dialog-backdrop" onKeyDown={(e) => e.key === 'Escape' && onClose()}>
      <div ref={dialog} className="dialog settings-dialog" role="dialog" aria-modal="true" aria-label="Agent settings">
        <h2>Agent settings</h2>
        <p className="muted">Keys are stored by the app (never shown again, never sent to this window). ANTHROPIC_API_KEY and ANTHROPIC_BASE_URL from the environment are used when a role has none.</p>
        {sandbox && <p className={sandbox.kind === 'none' ? 'warn' : 'muted'} aria-label="Command sandbox">{sandbox.message}</p>}
        <table>
          <thead>
            <tr><th>Role</th><th>Model</th><th>Endpoint</th><th>Key</th><th /></tr>
          </thead>
          <tbody>
            {ROLES.map((role, i) => {
              const r = draft.roles[role];
              const t = tests[role];
              return (
                <tr key={role}>
                  <td>{role}</td>
                  <td>
                    <input ref={i === 0 ? first : undefined} aria-label={`${role} model`} value={r.model} list={`models-${role}`} onChange={(e) => setRole(role, { model: e.target.value })} />
                    <datalist id={`models-${role}`}>{t?.models.map((m) => <option key={m.id} value={m.id}>{m.displayName ?? m.id}</option>)}</datalist>
                  </td>
                  <td>
                    <input aria-label={`${role} endpoint`} placeholder={r.effectiveBaseURL} value={r.baseURL ?? ''} onChange={(e) => setRole(role, { baseURL: e.target.value || null })} />
                  </td>
                  <td>
                    <input type="password" autoComplete="off" aria-label={`${role} key`} placeholder={r.keySet ? `set (${r.keySource === 'env' ? 'environment' : 'app'})` : 'not set'} value={keys[role] ?? ''} onChange={(e) => setKeys({ ...keys, [role]: e.target.value })} />
                  </td>
                  <td>
                    <button className="btn btn-small" onClick={() => void test(role)}>Test connection</button>
                    {t && <div className={`role-status ${t.ok ? 'ok' : 'danger'}`} role="status">{t.ok ? '✔' : '✘'} {t.message}</div>}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
        <h3>Prices (US$ per million tokens)</h3>
        <table>
          <thead>
            <tr><th>Model</th>{PRICE_FIELDS.map(([, l]) => <th key={l}>{l}</th>)}</tr>
          </thead>
          <tbody>
            {draft.prices.map((p, i) => (
              <tr key={i}>
                <td><input aria-label={`Price model ${i + 1}`} value={p.model} onChange={(e) => setPrice(i, 'model', e.target.value)} /></td>
                {PRICE_FIELDS.map(([f, l]) => (
                  <td key={f}><input type="number" step="0.01" min="0" aria-label={`${p.model} ${l}`} value={p[f] as number} onChange={(e) => setPrice(i, f, e.target.value)} /></td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
        <button className="btn btn-small" onClick={() => setDraft({ ...draft, prices: [...draft.prices, { model: 'new-model', input: 0, output: 0, cacheWrite5m: 0, cacheWrite1h: 0, cacheRead: 0 }] })}>Add model price</button>
        <h3>Limits and approval</h3>
        <div className="toolbar" style={{ border: 'none', flexWrap: 'wrap' }}>
          <label>Cost ceiling per run $ <input type="number" min="0" step="0.5" aria-label="Cost ceiling per run" value={draft.costCeilingUsd} onChange={(e) => setDraft({ ...draft, costCeilingUsd: Number(e.target.value) || 0 })} /></label>
          <label>Step limit <input type="number" min="1" aria-label="Step limit" value={draft.stepLimit} onChange={(e) => setDraft({ ...draft, stepLimit: Math.max(1, Number(e.target.value) || 1) })} /></label>
          <label title="How many tasks of Run selected build at once, each in its own worktree (1–4). More runs finish sooner together but cost more at once and load the machine more.">Parallel runs <input type="number" min="1" max="4" aria-label="Parallel runs" value={draft.parallelRuns} onChange={(e) => setDraft({ ...draft, parallelRuns: Math.min(4, Math.max(1, Math.round(Number(e.target.value)) || 1)) })} /></label>
          <label>Command timeout s <input type="number" min="1" aria-label="Command timeout" value={draft.commandTimeoutSec} onChange={(e) => setDraft({ ...draft, commandTimeoutSec: Math.max(1, Number(e.target.value) || 1) })} /></label>
          <label><input type="checkbox" checked={draft.autoApprove.edits} onChange={(e) => setDraft({ ...draft, autoApprove: { ...draft.autoApprove, edits: e.target.checked } })} /> Apply edits without asking (flagged edits still ask)</label>
          <label title="Off: agent commands run without network. A task can allow it for its own runs with a line '- network: allowed' in tasks.md."><input type="checkbox" checked={draft.allowNetwork} onChange={(e) => setDraft({ ...draft, allowNetwork: e.target.checked })} /> Allow network for agent commands</label>
        </div>
        <label className="muted" htmlFor="allowlist">Read-only commands that run without asking (one per line)</label>
        <textarea id="allowlist" rows={4} style={{ width: '100%' }} value={draft.autoApprove.commands.join('\n')} onChange={(e) => setDraft({ ...draft, autoApprove: { ...draft.autoApprove, commands: e.target.value.split('\n').map((x) => x.trim()).filter(Boolean) } })} />
        {backend && (
          <>
            <h3>Git</h3>
            <p aria-label="Git backend in use">{backendDescription(backend)}</p>
          </>
        )}
        <div className="footer">
          <button className="btn" onClick={onClose}>Cancel</button>
          <button className="btn btn-primary" onClick={() => void save()}>Save</button>
        </div>
      </div>
    </div>,
    document.body,
  );
}
