import { describe, expect, it } from 'vitest';
import { binIndex, brierScore, calibrate, calibrationByModel, expectedCalibrationError, reliabilityBins } from '../../../../../electron/core/verify/calibration';
import type { EvidenceRecord } from '../../../../../shared/contract/verify';
import { reliabilityDiagramSvg, calibrationTrendSvg } from '../../../../../shared/calibration-plot';

describe('Brier score', () => {
  it('is 0 for perfect and 1 for perfectly wrong certainty', () => {
    expect(brierScore([{ confidence: 1, correct: true }, { confidence: 0, correct: false }])).toBe(0);
    expect(brierScore([{ confidence: 1, correct: false }, { confidence: 0, correct: true }])).toBe(1);
  });
  it('matches a hand computation', () => {
    // (0.9-1)^2 = 0.01, (0.8-0)^2 = 0.64, (0.6-1)^2 = 0.16 → 0.81 / 3 = 0.27
    expect(brierScore([{ confidence: 0.9, correct: true }, { confidence: 0.8, correct: false }, { confidence: 0.6, correct: true }])).toBeCloseTo(0.27, 10);
  });
});

describe('ECE over 10 bins', () => {
  it('puts 1.0 in the last bin and 0.1 in the second', () => {
    expect(binIndex(1)).toBe(9);
    expect(binIndex(0.1)).toBe(1);
    expect(binIndex(0)).toBe(0);
  });
  it('matches a hand computation', () => {
    // Bin 9: conf 0.95, 0.95, 0.95, 0.95 with 2 correct → |0.5 - 0.95| = 0.45, weight 4/6.
    // Bin 2: conf 0.25, 0.25 with 1 correct → |0.5 - 0.25| = 0.25, weight 2/6.
    const claims = [
      ...[true, true, false, false].map((correct) => ({ confidence: 0.95, correct })),
      { confidence: 0.25, correct: true },
      { confidence: 0.25, correct: false },
    ];
    expect(expectedCalibrationError(claims)).toBeCloseTo((4 / 6) * 0.45 + (2 / 6) * 0.25, 10);
    const bins = reliabilityBins(claims);
    expect(bins).toHaveLength(10);
    expect(bins[9]).toMatchObject({ n: 4, accuracy: 0.5 });
    expect(bins[9]!.meanConfidence).toBeCloseTo(0.95, 10);
    expect(bins[2]).toMatchObject({ n: 2, accuracy: 0.5, meanConfidence: 0.25 });
  });
  it('is 0 when confidence matches frequency', () => {
    expect(expectedCalibrationError([{ confidence: 0.5, correct: true }, { confidence: 0.5, correct: false }])).toBe(0);
  });
});

describe('calibration per model and role', () => {
  const rec = (model: string, confidence: number, result: 'verified' | 'refuted' | 'unverifiable', time = '2026-01-01T00:00:00Z'): EvidenceRecord => ({
    id: `ev-${Math.random()}`, time, commit: null, dirty: false, subject: { kind: 'claim', id: 'r#0' }, what: '', how: '', kind: 'tree', result, excerpt: '', hasOutput: false,
    claim: { kind: 'file_changed', statement: '', confidence, model, role: 'builder' },
  });
  it('groups, ignores claims without an outcome, and marks overconfidence', () => {
    const records = [
      ...Array.from({ length: 6 }, (_, i) => rec('a', 0.95, i < 2 ? 'verified' : 'refuted', `2026-01-0${1 + (i % 2)}T00:00:00Z`)),
      rec('b', 0.6, 'verified'),
      rec('b', 0.6, 'unverifiable'),
    ];
    const groups = calibrationByModel(records);
    const a = groups.find((g) => g.model === 'a')!;
    expect(a).toMatchObject({ n: 6, overconfident: true });
    expect(a.accuracy).toBeCloseTo(2 / 6, 10);
    expect(a.trend.map((t) => t.n)).toEqual([3, 6]);
    const b = groups.find((g) => g.model === 'b')!;
    expect(b).toMatchObject({ n: 1, accuracy: 1, overconfident: false });
  });
  it('renders a reliability diagram with the diagonal, axes and counts', () => {
    const g = calibrate('m<x>', 'builder', [{ confidence: 0.9, correct: false }, { confidence: 0.9, correct: true }, { confidence: 0.3, correct: true }]);
    const svg = reliabilityDiagramSvg(g.bins, `${g.model} · ${g.role}`);
    expect(svg).toContain('class="diagonal"');
    expect(svg).toContain('stated confidence');
    expect(svg).toContain('observed accuracy');
    expect(svg.match(/class="bin"/g)).toHaveLength(2);
    expect(svg).toContain('m&lt;x&gt;');
    expect(svg).not.toContain('<x>');
    expect(calibrationTrendSvg(g.trend, 'm')).toContain('<svg');
  });
});
