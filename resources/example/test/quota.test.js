import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createQuota } from '../src/quota.js';
import { createQuotaServer } from '../src/server.js';

test('each key has its own bucket', () => {
  let now = 0;
  const q = createQuota({ capacity: 1, refillPerSecond: 1, clock: () => now });
  assert.equal(q.consume('a').allowed, true);
  assert.equal(q.consume('a').allowed, false);
  assert.equal(q.consume('b').allowed, true);
  now = 1000;
  assert.equal(q.consume('a').allowed, true);
});

test('an exhausted key gets 429 with a retry time', () => {
  const q = createQuota({ capacity: 1, refillPerSecond: 2, clock: () => 0 });
  q.consume('k');
  const r = q.consume('k');
  assert.equal(r.status, 429);
  assert.equal(r.retryAfterMs, 500);
});

test('invalid keys are rejected without touching any bucket', () => {
  const q = createQuota();
  assert.equal(q.consume('').status, 400);
  assert.equal(q.consume('x'.repeat(129)).status, 400);
});

test('the HTTP API answers 200, then 429 with Retry-After, and never names another key', async () => {
  const server = createQuotaServer(createQuota({ capacity: 1, refillPerSecond: 1, clock: () => 0 }));
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  try {
    const call = (key) => fetch(`http://127.0.0.1:${port}/consume`, { method: 'POST', headers: { 'x-api-key': key } });
    const first = await call('tenant-a');
    assert.equal(first.status, 200);
    const second = await call('tenant-a');
    assert.equal(second.status, 429);
    assert.equal(second.headers.get('retry-after'), '1');
    const body = await second.text();
    assert.ok(!body.includes('tenant-a'));
    const missing = await fetch(`http://127.0.0.1:${port}/quota`);
    assert.equal(missing.status, 401);
  } finally {
    server.close();
  }
});
