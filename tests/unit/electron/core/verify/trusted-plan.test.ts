import { describe, expect, it, vi } from 'vitest';
import type { SnapshotEntry } from '../../../../../electron/core/checkpoints/shadow-repo';
import { trustedPlanOf } from '../../../../../electron/core/verify/trusted-plan';

const SPEC = '# Spec: s\n\n## Acceptance checks\n\n- AC-1: It works — `node check.js`\n';

/** A shadow repository holding one checkpoint with a spec; `missing` makes its checkpoint unreadable. */
function fakeShadow(state: { missing: boolean }) {
  const blobs = new Map([['a'.repeat(40), new TextEncoder().encode(SPEC)]]);
  return {
    readSnapshot: vi.fn(async (): Promise<Map<string, SnapshotEntry>> => {
      if (state.missing) throw new Error('missing');
      return new Map([['.plumbline/spec.md', { oid: 'a'.repeat(40), mode: '100644' }]]);
    }),
    readBlob: vi.fn(async (oid: string) => blobs.get(oid)!),
  };
}

describe('trustedPlanOf', () => {
  it('reads the plan of a checkpoint once (baseline and judging share it), and not a failed read', async () => {
    const state = { missing: true };
    const shadow = fakeShadow(state);
    await expect(trustedPlanOf(shadow, 'c1')).rejects.toThrow('missing');
    state.missing = false;
    const first = await trustedPlanOf(shadow, 'c1');
    expect(first.facts.acceptance.map((a) => a.command)).toEqual(['node check.js']);
    expect(await trustedPlanOf(shadow, 'c1')).toBe(first);
    expect(shadow.readSnapshot).toHaveBeenCalledTimes(2);
    expect(shadow.readBlob).toHaveBeenCalledTimes(1);
    // Another checkpoint is read on its own.
    await trustedPlanOf(shadow, 'c2');
    expect(shadow.readSnapshot).toHaveBeenCalledTimes(3);
  });
});
