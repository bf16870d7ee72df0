import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closedPortUrl, errorReply, startMockMessagesApi, type MockMessagesApi } from '../../../../helpers/mock-messages-api';
import { runScripted, tempProject } from '../agent/loop-harness';

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

describe('endpoint errors with the real SDK', () => {
  it('a refused connection fails at once, naming the URL and what to check', async () => {
    const url = await closedPortUrl();
    const { result, events } = await runScripted(api, project.root, project.dataDir, { baseURL: url });
    expect(result.status).toBe('failed');
    expect(events.filter((e) => e.type === 'retry')).toHaveLength(0);
    expect(result.reason).toBe(`The model endpoint failed: Cannot connect to the Messages API at ${url}/v1/messages (connection refused: nothing is listening there) — check the endpoint in Settings`);
  });

  it('a wrong path says there is no Messages API there, without retrying', async () => {
    const { result, events } = await runScripted(api, project.root, project.dataDir, { baseURL: `${api.url}/wrong` });
    expect(result.status).toBe('failed');
    expect(result.reason).toBe(`The model endpoint failed: No Messages API at ${api.url}/wrong/v1/messages (HTTP 404) — check the endpoint in Settings`);
    expect(events.filter((e) => e.type === 'retry')).toHaveLength(0);
    expect(api.requests).toHaveLength(1);
  });

  it('4xx other than 408/409/429 are not retried; each says what it means without double periods', async () => {
    const cases: Array<[number, string, RegExp]> = [
      [401, 'invalid x-api-key.', /refused the key \(HTTP 401: invalid x-api-key\) — check the key in Settings$/],
      [403, 'not allowed.', /does not allow this key \(HTTP 403: not allowed\)/],
      [404, 'model: nope', /does not know this model \(HTTP 404: model: nope\) — check the model name in Settings$/],
      [422, 'unprocessable', /refused the request \(HTTP 422: unprocessable\)/],
    ];
    for (const [status, message, expected] of cases) {
      api.enqueue(errorReply(status, 'some_error', message));
      const { result, events } = await runScripted(api, project.root, project.dataDir);
      expect(result.status).toBe('failed');
      expect(result.reason).toMatch(expected);
      expect(result.reason).toContain(`${api.url}/v1/messages`);
      expect(result.reason).not.toContain('..');
      expect(events.filter((e) => e.type === 'retry')).toHaveLength(0);
    }
  });

  it('408, 409 and 429 are still retried', async () => {
    api.enqueue(errorReply(408, 'timeout', 'slow'), errorReply(409, 'conflict', 'busy'), errorReply(429, 'rate_limit_error', 'slow down', { 'retry-after': '0' }));
    api.respondWith(() => errorReply(400, 'invalid_request_error', 'stop here'));
    const { events } = await runScripted(api, project.root, project.dataDir);
    expect(events.filter((e) => e.type === 'retry')).toHaveLength(3);
  });
});
