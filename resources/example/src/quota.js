import { createBucket, take, waitMs } from './bucket.js';

// One bucket per API key. Keys are never listed or echoed back to another caller (SEC-1).

/** A quota store for many keys sharing one limit. */
export function createQuota({ capacity = 10, refillPerSecond = 1, clock = () => Date.now() } = {}) {
  const buckets = new Map();

  function bucketFor(key) {
    let bucket = buckets.get(key);
    if (!bucket) {
      bucket = createBucket(capacity, refillPerSecond, clock());
      buckets.set(key, bucket);
    }
    return bucket;
  }

  return {
    /** Tries to spend one request of `key`'s quota. */
    consume(key, cost = 1) {
      if (typeof key !== 'string' || key.length === 0 || key.length > 128) {
        return { allowed: false, status: 400, reason: 'invalid key' };
      }
      const bucket = bucketFor(key);
      const now = clock();
      if (take(bucket, now, cost)) {
        return { allowed: true, status: 200, remaining: Math.floor(bucket.tokens) };
      }
      return { allowed: false, status: 429, retryAfterMs: waitMs(bucket, now, cost) };
    },
    /** What is left for `key` right now. */
    remaining(key) {
      const bucket = bucketFor(key);
      take(bucket, clock(), 0);
      return Math.floor(bucket.tokens);
    },
  };
}
