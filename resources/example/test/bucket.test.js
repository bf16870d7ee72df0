import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createBucket, take, waitMs } from '../src/bucket.js';

test('a full bucket allows exactly its capacity in a burst', () => {
  const b = createBucket(3, 1, 0);
  assert.equal(take(b, 0), true);
  assert.equal(take(b, 0), true);
  assert.equal(take(b, 0), true);
  assert.equal(take(b, 0), false);
});

test('tokens come back at the refill rate and never above capacity', () => {
  const b = createBucket(2, 2, 0);
  take(b, 0);
  take(b, 0);
  assert.equal(take(b, 499), false);
  assert.equal(take(b, 500), true);
  assert.equal(take(b, 60_000), true);
  assert.ok(b.tokens <= 2);
});

test('waitMs says when the next token arrives', () => {
  const b = createBucket(1, 4, 0);
  take(b, 0);
  assert.equal(waitMs(b, 0), 250);
  assert.equal(waitMs(b, 250), 0);
});

test('a bad configuration is refused', () => {
  assert.throws(() => createBucket(0, 1, 0), RangeError);
});
