// A token bucket: `capacity` tokens, refilled continuously at `refillPerSecond`.
// Time is passed in (milliseconds), so tests never wait on a real clock.

/** Creates a bucket that starts full. */
export function createBucket(capacity, refillPerSecond, now) {
  if (!(capacity > 0) || !(refillPerSecond >= 0)) {
    throw new RangeError('capacity must be > 0 and refillPerSecond >= 0');
  }
  return { capacity, refillPerSecond, tokens: capacity, updatedAt: now };
}

/** Adds the tokens earned since the last update, never above capacity. */
export function refill(bucket, now) {
  const elapsed = Math.max(0, now - bucket.updatedAt) / 1000;
  bucket.tokens = Math.min(bucket.capacity, bucket.tokens + elapsed * bucket.refillPerSecond);
  bucket.updatedAt = now;
  return bucket;
}

/** Takes `cost` tokens if there are enough; returns whether it did. */
export function take(bucket, now, cost = 1) {
  refill(bucket, now);
  if (bucket.tokens < cost) return false;
  bucket.tokens -= cost;
  return true;
}

/** Milliseconds until `cost` tokens are available (0 when they already are). */
export function waitMs(bucket, now, cost = 1) {
  refill(bucket, now);
  if (bucket.tokens >= cost || bucket.refillPerSecond === 0) return bucket.tokens >= cost ? 0 : Infinity;
  return Math.ceil(((cost - bucket.tokens) / bucket.refillPerSecond) * 1000);
}
