import { describe, expect, it } from 'vitest';
import { applyWireUsage, costOf, priceFor, ZERO_USAGE } from '../../../../../electron/core/model/usage-cost';
import { backoffDelay, retryAfterMs } from '../../../../../electron/core/model/retry-policy';
import { isAllowlisted, scrubEnv } from '../../../../../electron/core/commands/command-runner';

describe('usage and cost', () => {
  it('replaces usage from message_delta instead of adding it', () => {
    let u = applyWireUsage(ZERO_USAGE, { input_tokens: 1200, output_tokens: 1, cache_read_input_tokens: 5000, cache_creation: { ephemeral_5m_input_tokens: 300, ephemeral_1h_input_tokens: 700 } });
    u = applyWireUsage(u, { output_tokens: 40 });
    u = applyWireUsage(u, { output_tokens: 95 });
    expect(u).toEqual({ input: 1200, output: 95, cacheWrite5m: 300, cacheWrite1h: 700, cacheRead: 5000 });
  });

  it('prices each kind separately per million tokens', () => {
    const price = { model: 'm', input: 3, output: 15, cacheWrite5m: 3.75, cacheWrite1h: 6, cacheRead: 0.3 };
    const cost = costOf({ input: 1_000_000, output: 100_000, cacheWrite5m: 200_000, cacheWrite1h: 100_000, cacheRead: 2_000_000 }, price);
    // 3 + 1.5 + 0.75 + 0.6 + 0.6
    expect(cost).toBeCloseTo(6.45, 10);
    expect(priceFor([price, { ...price, model: 'm-large', input: 9 }], 'm-large-2025')?.input).toBe(9);
    expect(costOf({ ...ZERO_USAGE, input: 10 }, null)).toBe(0);
  });

  it('treats a cache write without the TTL split as a 5-minute write', () => {
    expect(applyWireUsage(ZERO_USAGE, { cache_creation_input_tokens: 77 })).toMatchObject({ cacheWrite5m: 77, cacheWrite1h: 0 });
  });

  it('honours retry-after in seconds, milliseconds and as a date', () => {
    expect(retryAfterMs(new Headers({ 'retry-after': '3' }))).toBe(3000);
    expect(retryAfterMs(new Headers({ 'retry-after-ms': '250' }))).toBe(250);
    expect(retryAfterMs(new Headers({ 'retry-after': new Date(10_000).toUTCString() }), 4_000)).toBe(6000);
    expect(backoffDelay(1, 3000, { maxAttempts: 3, baseMs: 10, maxMs: 20 })).toBe(3000);
    expect(backoffDelay(3, null, { maxAttempts: 3, baseMs: 10, maxMs: 1000 }, () => 1)).toBe(40);
  });
});

describe('commands', () => {
  it('allows only plain allowlisted commands', () => {
    expect(isAllowlisted('ls -la src', ['ls'])).toBe(true);
    expect(isAllowlisted('lsof', ['ls'])).toBe(false);
    expect(isAllowlisted('ls; rm -rf .', ['ls'])).toBe(false);
    expect(isAllowlisted('cat a > b', ['cat'])).toBe(false);
  });

  it('removes API keys from the environment by name and by value', () => {
    const env = scrubEnv({ PATH: '/bin', ANTHROPIC_API_KEY: 'k', OPENAI_API_KEY: 'o', GITHUB_TOKEN_X: 'sk-live', OTHER: 'sk-live' }, ['sk-live']);
    expect(env).toEqual({ PATH: '/bin' });
  });
});
