import type { TestCounts } from '../../../../shared/contract/verify';

/** A recognised test report: which format and the counts it gave. */
export interface ParsedCounts {
  readonly format: 'junit' | 'tap' | 'vitest' | 'jest' | 'node' | 'mocha' | 'pytest' | 'go' | 'cargo';
  readonly counts: TestCounts;
}

/** Builds counts; total defaults to the sum when the tool does not print one. */
export function makeCounts(passed: number, failed: number, skipped: number, total?: number): TestCounts {
  return { passed, failed, skipped, total: total ?? passed + failed + skipped };
}

/** Adds counts of several reports (several suites or crates in one output). */
export function addCounts(a: TestCounts, b: TestCounts): TestCounts {
  return { passed: a.passed + b.passed, failed: a.failed + b.failed, skipped: a.skipped + b.skipped, total: a.total + b.total };
}

/** Removes ANSI colour and cursor sequences that runners print on a terminal. */
export function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;?]*[ -/]*[@-~]/g, '').replace(/\r(?!\n)/g, '\n');
}
