import { describe, expect, it } from 'vitest';
import { matchScore } from '../../../../../renderer/src/commands/registry';

describe('matchScore', () => {
  it('matches characters in order and prefers contiguous matches', () => {
    expect(matchScore('Back to projects', 'back proj')).not.toBeNull();
    expect(matchScore('Open folder…', 'xyz')).toBeNull();
    const tight = matchScore('Focus Builder', 'focus') ?? Infinity;
    const loose = matchScore('Find out causes', 'focus') ?? Infinity;
    expect(tight).toBeLessThan(loose);
    expect(matchScore('Anything', '')).toBe(0);
  });
});
