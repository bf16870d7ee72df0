import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { classifyOutcome, parseTestOutput } from '../../../../../electron/core/verify/parsers/parse-output';

const dir = join(__dirname, '../../../../fixtures/runner-outputs');
const read = (name: string) => readFileSync(join(dir, name), 'utf8');

describe('parseTestOutput on real runner outputs', () => {
  const cases: [string, string, { passed: number; failed: number; skipped: number; total: number }][] = [
    ['node-spec-fail.txt', 'node', { passed: 1, failed: 1, skipped: 1, total: 3 }],
    ['node-spec-pass.txt', 'node', { passed: 2, failed: 0, skipped: 0, total: 2 }],
    ['node-spec-none.txt', 'node', { passed: 0, failed: 0, skipped: 0, total: 0 }],
    ['node-tap-fail.txt', 'tap', { passed: 1, failed: 1, skipped: 1, total: 3 }],
    ['node-tap-pass.txt', 'tap', { passed: 2, failed: 0, skipped: 0, total: 2 }],
    ['node-junit-fail.xml', 'junit', { passed: 1, failed: 1, skipped: 1, total: 3 }],
    ['vitest-fail.txt', 'vitest', { passed: 1, failed: 1, skipped: 1, total: 3 }],
    ['vitest-pass.txt', 'vitest', { passed: 2, failed: 0, skipped: 1, total: 3 }],
    ['vitest-none.txt', 'vitest', { passed: 0, failed: 0, skipped: 0, total: 0 }],
    ['vitest-junit-fail.xml', 'junit', { passed: 1, failed: 1, skipped: 1, total: 3 }],
    ['pytest-fail.txt', 'pytest', { passed: 1, failed: 1, skipped: 1, total: 3 }],
    ['pytest-pass.txt', 'pytest', { passed: 2, failed: 0, skipped: 1, total: 3 }],
    ['pytest-none.txt', 'pytest', { passed: 0, failed: 0, skipped: 0, total: 0 }],
    ['pytest-junit-fail.xml', 'junit', { passed: 1, failed: 1, skipped: 1, total: 3 }],
    ['cargo-fail.txt', 'cargo', { passed: 1, failed: 1, skipped: 1, total: 3 }],
    ['cargo-pass.txt', 'cargo', { passed: 2, failed: 0, skipped: 1, total: 3 }],
    ['go-v-fail.txt', 'go', { passed: 1, failed: 1, skipped: 1, total: 3 }],
    ['go-none.txt', 'go', { passed: 0, failed: 0, skipped: 0, total: 0 }],
    ['jest-fail.txt', 'jest', { passed: 1, failed: 1, skipped: 1, total: 3 }],
    ['jest-pass.txt', 'jest', { passed: 1, failed: 0, skipped: 0, total: 1 }],
    ['jest-none.txt', 'jest', { passed: 0, failed: 0, skipped: 0, total: 0 }],
  ];
  for (const [file, format, counts] of cases) {
    it(`reads ${file}`, () => {
      const parsed = parseTestOutput(read(file));
      expect(parsed?.format).toBe(format);
      expect(parsed?.counts).toEqual(counts);
    });
  }

  it('gives no counts for go output without -v that ran tests', () => {
    expect(parseTestOutput(read('go-pass.txt'))).toBeNull();
  });

  it('gives no counts for plain command output', () => {
    expect(parseTestOutput('hello\nworld\n')).toBeNull();
  });

  it('strips colour codes before reading', () => {
    const coloured = '\u001b[2m      Tests \u001b[22m \u001b[1m\u001b[32m2 passed\u001b[39m\u001b[22m\u001b[90m (2)\u001b[39m\n';
    expect(parseTestOutput(coloured)?.counts).toEqual({ passed: 2, failed: 0, skipped: 0, total: 2 });
  });
});

describe('classifyOutcome', () => {
  const end = (exitCode: number | null) => ({ exitCode, timedOut: false, cancelled: false });
  it('never calls a run without tests a pass', () => {
    expect(classifyOutcome(end(0), { passed: 0, failed: 0, skipped: 0, total: 0 })).toBe('no_tests');
    expect(classifyOutcome(end(0), { passed: 0, failed: 0, skipped: 2, total: 2 })).toBe('no_tests');
    expect(classifyOutcome(end(1), { passed: 0, failed: 0, skipped: 0, total: 0 })).toBe('no_tests');
  });
  it('uses the exit status when counts are unknown', () => {
    expect(classifyOutcome(end(0), null)).toBe('passed');
    expect(classifyOutcome(end(2), null)).toBe('failed');
  });
  it('fails on failed tests even with exit status 0', () => {
    expect(classifyOutcome(end(0), { passed: 3, failed: 1, skipped: 0, total: 4 })).toBe('failed');
  });
  it('reports timeouts, cancellation and spawn errors as such', () => {
    expect(classifyOutcome({ exitCode: null, timedOut: true, cancelled: false }, null)).toBe('timeout');
    expect(classifyOutcome({ exitCode: null, timedOut: false, cancelled: true }, null)).toBe('cancelled');
    expect(classifyOutcome({ exitCode: null, timedOut: false, cancelled: false, spawnError: 'ENOENT' }, null)).toBe('error');
  });
});
