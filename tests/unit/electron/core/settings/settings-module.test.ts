import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAgentModule } from '../../../../../electron/core/agent/agent-module';
import { createSettingsModule } from '../../../../../electron/core/settings/settings-module';
import { closedPortUrl, startMockMessagesApi, streamReply, type MockMessagesApi } from '../../../../helpers/mock-messages-api';
import { projectContext, tempProject } from '../agent/loop-harness';

let api: MockMessagesApi;
let project: Awaited<ReturnType<typeof tempProject>>;

beforeEach(async () => {
  api = await startMockMessagesApi();
  project = await tempProject();
});
afterEach(async () => {
  await api.close();
  await project.cleanup();
});

const call = { connectionId: 't' };

describe('settings.testConnection', () => {
  it('tests the values typed in the form, not the saved ones', async () => {
    const closed = await closedPortUrl();
    const agent = createAgentModule(projectContext(project), { env: { ANTHROPIC_BASE_URL: closed, PATH: process.env.PATH } });
    const settings = createSettingsModule(agent.service);
    // Saved: nothing listens there, and no key at all.
    const saved = await settings.handlers['settings.testConnection']({ role: 'builder' }, call);
    expect(saved.ok).toBe(false);
    expect(saved.message).toContain('No API key for the builder role');
    // Typed: the mock's address, a model and a key — not saved yet.
    api.enqueue(streamReply([{ type: 'text', text: 'pong' }]));
    const typed = await settings.handlers['settings.testConnection']({ role: 'builder', model: 'typed-model', baseURL: api.url, key: 'typed-key' }, call);
    expect(typed).toMatchObject({ ok: true, message: expect.stringContaining(`Connected to ${api.url}/v1/messages with typed-model.`) });
    const sent = api.messageRequests()[0];
    expect(sent.body?.model).toBe('typed-model');
    expect(sent.headers.authorization).toBe('Bearer typed-key');
    expect((await settings.handlers['settings.get']({}, call)).roles.builder.baseURL).toBeNull();
  });

  it('an empty key field uses the saved key; an empty endpoint the default one; failures name the URL once, with one period', async () => {
    const closed = await closedPortUrl();
    const agent = createAgentModule(projectContext(project), { env: { ANTHROPIC_BASE_URL: closed, ANTHROPIC_API_KEY: 'saved-key', PATH: process.env.PATH } });
    const settings = createSettingsModule(agent.service);
    await settings.handlers['settings.update']({ roles: { utility: { baseURL: api.url } } }, call);
    const refused = await settings.handlers['settings.testConnection']({ role: 'utility', baseURL: '', key: '' }, call);
    expect(refused.ok).toBe(false);
    expect(refused.message).toBe(`Cannot connect to the Messages API at ${closed}/v1/messages (connection refused: nothing is listening there) — check the endpoint in Settings.`);
    const wrong = await settings.handlers['settings.testConnection']({ role: 'utility', baseURL: `${api.url}/nope` }, call);
    expect(wrong.message).toBe(`No Messages API at ${api.url}/nope/v1/messages (HTTP 404) — check the endpoint in Settings.`);
    api.enqueue(streamReply([{ type: 'text', text: 'pong' }]));
    const ok = await settings.handlers['settings.testConnection']({ role: 'utility', key: '' }, call);
    expect(ok.ok).toBe(true);
    expect(api.messageRequests().at(-1)?.headers.authorization).toBe('Bearer saved-key');
  });
});

describe('settings: parallel runs', () => {
  it('defaults to 2, keeps what is saved, refuses values outside 1–4 and clamps a hand-edited file', async () => {
    const { writeFile } = await import('node:fs/promises');
    const { join } = await import('node:path');
    const { settingsMethods } = await import('../../../../../shared/contract');
    const agent = createAgentModule(projectContext(project), { env: { PATH: process.env.PATH } });
    const settings = createSettingsModule(agent.service);
    expect((await settings.handlers['settings.get']({}, call)).parallelRuns).toBe(2);
    expect((await settings.handlers['settings.update']({ parallelRuns: 3 }, call)).parallelRuns).toBe(3);
    expect((await agent.service.settings.load()).parallelRuns).toBe(3);
    expect(settingsMethods['settings.update'].request.safeParse({ parallelRuns: 5 }).success).toBe(false);
    expect(settingsMethods['settings.update'].request.safeParse({ parallelRuns: 0 }).success).toBe(false);
    // A file edited by hand is brought into range when read.
    await writeFile(join(project.dataDir, 'agent-settings.json'), JSON.stringify({ version: 1, parallelRuns: 9 }));
    const fresh = createAgentModule(projectContext(project), { env: { PATH: process.env.PATH } });
    expect((await createSettingsModule(fresh.service).handlers['settings.get']({}, call)).parallelRuns).toBe(4);
  });
});
