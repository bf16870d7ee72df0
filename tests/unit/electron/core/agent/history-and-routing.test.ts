import type { MessageParam } from '@anthropic-ai/sdk/resources/messages';
import { describe, expect, it } from 'vitest';
import { historyIsValid, repairHistory } from '../../../../../electron/core/model/history';
import { makeClient } from '../../../../../electron/core/model/model-stream';
import { routeByHeuristic } from '../../../../../electron/core/agent/thinker-actions';
import { readHandoff, renderHandoff, writeHandoff } from '../../../../../electron/core/agent/handoff-note';
import { jsonReply, startMockMessagesApi } from '../../../../helpers/mock-messages-api';
import { tempProject } from './loop-harness';

describe('history repair', () => {
  it('answers every unanswered tool_use with a cancelled error result', () => {
    const messages: MessageParam[] = [
      { role: 'user', content: 'go' },
      { role: 'assistant', content: [{ type: 'tool_use', id: 'a', name: 'bash', input: {} }, { type: 'tool_use', id: 'b', name: 'bash', input: {} }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'a', content: 'ok' }] },
      { role: 'assistant', content: [{ type: 'tool_use', id: 'c', name: 'bash', input: {} }] },
    ];
    expect(historyIsValid(messages)).toBe(false);
    const fixed = repairHistory(messages);
    expect(historyIsValid(fixed)).toBe(true);
    expect(JSON.stringify(fixed[2])).toContain('"tool_use_id":"b"');
    expect(JSON.stringify(fixed[4])).toMatch(/"tool_use_id":"c".*Cancelled/);
  });
});

describe('routing without a model', () => {
  it('sends concrete questions to the builder and fuzzy ones to the thinker', () => {
    expect(routeByHeuristic('Where is the retry logic in src/server.js?').role).toBe('builder');
    expect(routeByHeuristic('Should we support multiple tenants at all?').role).toBe('thinker');
  });
});

describe('mock Messages API', () => {
  it('answers plain JSON messages and count_tokens through the real SDK, recording requests', async () => {
    const api = await startMockMessagesApi();
    try {
      api.enqueue(jsonReply('plain answer'));
      const client = makeClient('k', api.url);
      const msg = await client.messages.create({ model: 'mock-model', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] });
      expect(msg.content[0]).toMatchObject({ type: 'text', text: 'plain answer' });
      const count = await client.messages.countTokens({ model: 'mock-model', messages: [{ role: 'user', content: 'hello there' }] });
      expect(count.input_tokens).toBeGreaterThan(0);
      const models = await client.models.list();
      expect(models.data.map((m) => m.id)).toContain('mock-model');
      expect(api.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /v1/messages', 'POST /v1/messages/count_tokens', 'GET /v1/models']);
      const h = api.requests[0].headers;
      expect(h['x-api-key'] === 'k' || h.authorization === 'Bearer k').toBe(true);
    } finally {
      await api.close();
    }
  });
});

describe('hand-off note', () => {
  it('is written to .plumbline/handoff.md with every section and read back', async () => {
    const p = await tempProject();
    try {
      const text = renderHandoff({ task: 'T-2 Quota', state: 'half done', discoveries: ['clock is injected'], nextSteps: ['finish tests'], filesTouched: ['src/quota.js'] });
      expect(await writeHandoff(p.root, text)).toBe('.plumbline/handoff.md');
      const back = await readHandoff(p.root);
      for (const part of ['## Task', 'T-2 Quota', '## State', '## Discoveries', '## Next steps', '## Files touched', '`src/quota.js`']) expect(back).toContain(part);
    } finally {
      await p.cleanup();
    }
  });
});
