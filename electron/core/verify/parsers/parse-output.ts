import type { CheckOutcome, TestCounts } from '../../../../shared/contract/verify';
import { stripAnsi, type ParsedCounts } from './counts';
import { parseJUnit } from './junit';
import { parseCargo, parseGo, parseJest, parseMocha, parseNodeSpec, parsePytest, parseVitest } from './summary-lines';
import { parseTap } from './tap';

export type { ParsedCounts } from './counts';

/**
 * Test counts from a runner's output, trying each known format (most specific first). Null when the
 * output allows no counting — the exit status alone then decides.
 */
export function parseTestOutput(raw: string): ParsedCounts | null {
  const text = stripAnsi(raw);
  if (/<testsuites?[\s>]/.test(text)) {
    const junit = parseJUnit(text);
    if (junit) return junit;
  }
  for (const parse of [parseTap, parseCargo, parsePytest, parseVitest, parseJest, parseNodeSpec, parseMocha, parseGo]) {
    const result = parse(text);
    if (result) return result;
  }
  return null;
}

/** What ended a check's process. */
export interface ProcessEnd {
  readonly exitCode: number | null;
  readonly timedOut: boolean;
  readonly cancelled: boolean;
  /** The process could not start (command not found, bad cwd). */
  readonly spawnError?: string;
}

/**
 * The outcome of a check: the exit status always counts, and a run that executed no test is
 * "no_tests", never a pass — even with exit status 0.
 */
export function classifyOutcome(end: ProcessEnd, counts: TestCounts | null): CheckOutcome {
  if (end.cancelled) return 'cancelled';
  if (end.timedOut) return 'timeout';
  if (end.spawnError !== undefined) return 'error';
  if (end.exitCode !== 0) return counts && counts.total === 0 && counts.failed === 0 ? 'no_tests' : 'failed';
  if (counts && counts.failed > 0) return 'failed';
  if (counts && counts.total - counts.skipped <= 0) return 'no_tests';
  return 'passed';
}
