import type { CalibrationBin, CalibrationGroup, EvidenceRecord } from '../../../shared/contract/verify';

/** One claim with a decided outcome: stated confidence and whether it turned out true. */
export interface ScoredClaim {
  readonly confidence: number;
  readonly correct: boolean;
  readonly time?: string;
}

/** Number of equal-width confidence bins of the reliability diagram and the ECE. */
export const BIN_COUNT = 10;

/** Claims needed before a model's calibration is judged at all. */
export const MIN_CLAIMS_FOR_JUDGEMENT = 5;

/** How far mean confidence may exceed accuracy before a model counts as overconfident. */
export const OVERCONFIDENCE_MARGIN = 0.1;

/** Brier score: the mean squared difference between stated confidence and outcome (1 true, 0 false). 0 is perfect. */
export function brierScore(claims: readonly ScoredClaim[]): number {
  if (claims.length === 0) return 0;
  return claims.reduce((s, c) => s + (c.confidence - (c.correct ? 1 : 0)) ** 2, 0) / claims.length;
}

/** The bin of a confidence: [0, 0.1), [0.1, 0.2), …, [0.9, 1.0] (1.0 falls in the last bin). */
export function binIndex(confidence: number, bins = BIN_COUNT): number {
  return Math.min(bins - 1, Math.max(0, Math.floor(confidence * bins)));
}

/** Reliability bins: per bin, how many claims, their mean confidence and the fraction that held. */
export function reliabilityBins(claims: readonly ScoredClaim[], bins = BIN_COUNT): CalibrationBin[] {
  const out = Array.from({ length: bins }, (_, i) => ({ lo: i / bins, hi: (i + 1) / bins, n: 0, sumConf: 0, sumCorrect: 0 }));
  for (const c of claims) {
    const b = out[binIndex(c.confidence, bins)]!;
    b.n++;
    b.sumConf += c.confidence;
    b.sumCorrect += c.correct ? 1 : 0;
  }
  return out.map((b) => ({ lo: b.lo, hi: b.hi, n: b.n, meanConfidence: b.n ? b.sumConf / b.n : 0, accuracy: b.n ? b.sumCorrect / b.n : 0 }));
}

/**
 * Expected calibration error over 10 equal-width bins: Σ_b (n_b / N) · |accuracy_b − meanConfidence_b|.
 * 0 means stated confidence matched the observed frequency in every bin.
 */
export function expectedCalibrationError(claims: readonly ScoredClaim[], bins = BIN_COUNT): number {
  if (claims.length === 0) return 0;
  return reliabilityBins(claims, bins).reduce((s, b) => s + (b.n / claims.length) * Math.abs(b.accuracy - b.meanConfidence), 0);
}

/** True when enough claims show mean confidence above accuracy by more than the margin. */
export function isOverconfident(claims: readonly ScoredClaim[]): boolean {
  if (claims.length < MIN_CLAIMS_FOR_JUDGEMENT) return false;
  const mean = claims.reduce((s, c) => s + c.confidence, 0) / claims.length;
  const acc = claims.filter((c) => c.correct).length / claims.length;
  return mean - acc > OVERCONFIDENCE_MARGIN;
}

/** Running Brier score and accuracy after each day that brought verdicts. */
export function calibrationTrend(claims: readonly ScoredClaim[]): CalibrationGroup['trend'] {
  const sorted = [...claims].filter((c) => c.time).sort((a, b) => a.time!.localeCompare(b.time!));
  const out: CalibrationGroup['trend'] = [];
  for (let i = 0; i < sorted.length; i++) {
    const day = sorted[i]!.time!.slice(0, 10);
    if (i + 1 < sorted.length && sorted[i + 1]!.time!.slice(0, 10) === day) continue;
    const upto = sorted.slice(0, i + 1);
    out.push({ time: day, n: upto.length, brier: brierScore(upto), accuracy: upto.filter((c) => c.correct).length / upto.length });
  }
  return out;
}

/** Full calibration of one set of claims. */
export function calibrate(model: string, role: string, claims: readonly ScoredClaim[]): CalibrationGroup {
  const n = claims.length;
  return {
    model,
    role,
    n,
    accuracy: n ? claims.filter((c) => c.correct).length / n : 0,
    meanConfidence: n ? claims.reduce((s, c) => s + c.confidence, 0) / n : 0,
    brier: brierScore(claims),
    ece: expectedCalibrationError(claims),
    bins: reliabilityBins(claims),
    trend: calibrationTrend(claims),
    overconfident: isOverconfident(claims),
  };
}

/**
 * Calibration per model and role from claim evidence (pass current records: superseded verdicts
 * dropped). Only verified and refuted claims count; unverifiable and pending ones have no outcome yet.
 */
export function calibrationByModel(records: readonly EvidenceRecord[]): CalibrationGroup[] {
  const groups = new Map<string, { model: string; role: string; claims: ScoredClaim[] }>();
  for (const r of records) {
    if (r.subject.kind !== 'claim' || !r.claim) continue;
    if (r.result !== 'verified' && r.result !== 'refuted') continue;
    const key = `${r.claim.model}\u0000${r.claim.role}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { model: r.claim.model, role: r.claim.role, claims: [] }));
    g.claims.push({ confidence: r.claim.confidence, correct: r.result === 'verified', time: r.time });
  }
  return [...groups.values()].map((g) => calibrate(g.model, g.role, g.claims)).sort((a, b) => b.n - a.n);
}
