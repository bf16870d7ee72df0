import { describe, expect, it } from 'vitest';
import type { RunLane } from '../../../../../../shared/contract';
import { acceptBlocker, laneMark, selectionOutcome, sentence } from '../../../../../../renderer/src/features/agent/lane-format';

const lane = (patch: Partial<RunLane>): RunLane => ({ taskId: 'T-3', runId: 'r1', branch: 'plumbline/T-3-http-api', state: 'running', reason: null, costUsd: 0, glance: null, ...patch });

describe('lanes in words', () => {
  it('says per selected task whether it started, is queued, waits or was not started, and why', () => {
    expect(selectionOutcome(lane({}))).toEqual({ text: '▸ T-3 started on plumbline/T-3-http-api', tone: 'ok' });
    expect(selectionOutcome(lane({ state: 'queued', runId: null, branch: null, reason: 'queued: 2 runs go at once' })).text).toBe('… T-3 queued: 2 runs go at once');
    expect(selectionOutcome(lane({ state: 'waiting', reason: 'waits for T-2: both may touch src/quota.js' })).text).toBe('⏸ T-3 waits for T-2: both may touch src/quota.js');
    expect(selectionOutcome(lane({ state: 'waiting', reason: 'the plan changed' })).text).toBe('⏸ T-3 waits: the plan changed');
    expect(selectionOutcome(lane({ state: 'stopped', reason: 'T-3 depends on T-2, which is not done; run T-2 first.' }))).toEqual({ text: '✘ T-3 not started: T-3 depends on T-2, which is not done; run T-2 first.', tone: 'danger' });
  });

  it('marks lane states with a shape and a word; green only for merged, red only for stopped', () => {
    const tones = (['waiting', 'queued', 'running', 'verifying', 'finished', 'verified', 'merging', 'merged', 'stopped', 'rejected'] as const).map((s) => `${s}:${laneMark(s).tone}`);
    expect(tones.filter((t) => t.endsWith(':ok'))).toEqual(['merged:ok']);
    expect(tones.filter((t) => t.endsWith(':danger'))).toEqual(['stopped:danger']);
  });

  it('tells a run verified in its worktree from one merged with its checks passing on the merged tree', () => {
    expect(laneMark('verified')).toEqual({ symbol: '☑', word: 'verified in its worktree — review it to merge', tone: 'muted' });
    expect(laneMark('merged')).toEqual({ symbol: '✔', word: 'merged — checks pass on the merged tree', tone: 'ok' });
    expect(acceptBlocker(lane({ state: 'verified' }))).toBeNull();
  });

  it('lets a parallel run be accepted only once its run and its verification are over', () => {
    expect(acceptBlocker(undefined)).toBeNull();
    expect(acceptBlocker(lane({ state: 'finished' }))).toBeNull();
    expect(acceptBlocker(lane({ state: 'verifying' }))).toBe('T-3 is verifying; accept it once the Calibrator has judged it.');
    expect(acceptBlocker(lane({ state: 'running' }))).toMatch(/^T-3 is running/);
  });

  it('turns a refusal into a sentence', () => {
    expect(sentence('parallel runs need git ≥ 2.30 installed; with the embedded engine tasks run one at a time (no git)')).toBe('Parallel runs need git ≥ 2.30 installed; with the embedded engine tasks run one at a time (no git).');
    expect(sentence('Done.')).toBe('Done.');
  });
});
