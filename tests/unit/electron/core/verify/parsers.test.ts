import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CheckOutcome } from '../../../../../shared/contract/verify';
import { classifyOutcome, parseTestOutput } from '../../../../../electron/core/verify/parsers/parse-output';
import { parseTap } from '../../../../../electron/core/verify/parsers/tap';

const dir = join(__dirname, '../../../../fixtures/runner-outputs');
const read = (name: string) => readFileSync(join(dir, name), 'utf8');
const exitCodes = JSON.parse(read('exit-codes.json')) as Record<string, number>;
const end = (exitCode: number | null) => ({ exitCode, timedOut: false, cancelled: false });
const counts = (passed: number, failed: number, skipped: number, total = passed + failed + skipped) => ({ passed, failed, skipped, total });

describe('parseTestOutput on real runner outputs', () => {
  const cases: [string, string, ReturnType<typeof counts>][] = [
    ['node-spec-fail.txt', 'node', counts(1, 1, 1)],
    ['node-spec-pass.txt', 'node', counts(2, 0, 0)],
    ['node-spec-no-files.txt', 'node', counts(0, 0, 0)],
    ['node-tap-fail.txt', 'tap', counts(1, 1, 1)],
    ['node-tap-pass.txt', 'tap', counts(2, 0, 0)],
    ['node-junit-fail.xml', 'junit', counts(1, 1, 1)],
    ['vitest-fail.txt', 'vitest', counts(1, 1, 1)],
    ['vitest-pass.txt', 'vitest', counts(2, 0, 0)],
    ['vitest-none.txt', 'vitest', counts(0, 0, 0)],
    ['vitest-junit-fail.xml', 'junit', counts(1, 1, 1)],
    ['pytest-fail.txt', 'pytest', counts(1, 1, 1)],
    ['pytest-pass.txt', 'pytest', counts(2, 0, 0)],
    ['pytest-none.txt', 'pytest', counts(0, 0, 0)],
    ['pytest-junit-fail.xml', 'junit', counts(1, 1, 1)],
    ['cargo-fail.txt', 'cargo', counts(1, 1, 1)],
    ['cargo-pass.txt', 'cargo', counts(2, 0, 1)],
    ['go-v-fail.txt', 'go', counts(1, 1, 1)],
    ['go-none.txt', 'go', counts(0, 0, 0)],
    ['jest-fail.txt', 'jest', counts(1, 1, 1)],
    ['jest-pass.txt', 'jest', counts(2, 0, 0)],
    ['jest-none.txt', 'jest', counts(0, 0, 0)],
    // tape prints `# pass  21` with two spaces; skipped assertions are in its pass count.
    ['tape-pass.txt', 'tap', counts(21, 0, 0)],
    ['tape-fail.txt', 'tap', counts(21, 2, 1)],
    ['tape-cli-fail.txt', 'tap', counts(21, 2, 1)],
    // mocha's TAP leaves pending tests out of `# tests`; the plan counts them.
    ['mocha-tap-fail.txt', 'tap', counts(1, 1, 1)],
    ['mocha-pass.txt', 'mocha', counts(2, 0, 0)],
    ['mocha-fail.txt', 'mocha', counts(1, 1, 1)],
  ];
  for (const [file, format, expected] of cases) {
    it(`reads ${file}`, () => {
      const parsed = parseTestOutput(read(file));
      expect(parsed?.format).toBe(format);
      expect(parsed?.counts).toEqual(expected);
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
    expect(parseTestOutput(coloured)?.counts).toEqual(counts(2, 0, 0));
  });
});

describe('outcome of each captured run (its real exit status and output)', () => {
  const outcomes: [string, CheckOutcome][] = [
    ['tape-pass.txt', 'passed'],
    ['tape-fail.txt', 'failed'],
    ['tape-cli-fail.txt', 'failed'],
    ['tape-empty-test.txt', 'no_tests'],
    ['tape-cli-none.txt', 'no_tests'],
    ['mocha-pass.txt', 'passed'],
    ['mocha-fail.txt', 'failed'],
    ['mocha-none.txt', 'no_tests'],
    ['mocha-tap-fail.txt', 'failed'],
    ['mocha-tap-none.txt', 'no_tests'],
    ['jest-pass.txt', 'passed'],
    ['jest-fail.txt', 'failed'],
    ['jest-none.txt', 'no_tests'],
    ['jest-none-pass-with-no-tests.txt', 'no_tests'],
    ['jest-empty-file.txt', 'no_tests'],
    ['vitest-pass.txt', 'passed'],
    ['vitest-fail.txt', 'failed'],
    ['vitest-none.txt', 'no_tests'],
    ['vitest-none-pass-with-no-tests.txt', 'no_tests'],
    ['vitest-empty-file.txt', 'no_tests'],
    ['node-spec-pass.txt', 'passed'],
    ['node-spec-fail.txt', 'failed'],
    ['node-spec-none.txt', 'no_tests'],
    ['node-spec-no-files.txt', 'no_tests'],
    ['node-spec-mixed.txt', 'passed'],
    ['node-tap-pass.txt', 'passed'],
    ['node-tap-fail.txt', 'failed'],
    ['node-tap-none.txt', 'no_tests'],
    ['node-tap-mixed.txt', 'passed'],
    ['node-default-none.txt', 'no_tests'],
    ['pytest-pass.txt', 'passed'],
    ['pytest-fail.txt', 'failed'],
    ['pytest-none.txt', 'no_tests'],
    ['pytest-empty-file.txt', 'no_tests'],
  ];
  for (const [file, outcome] of outcomes) {
    it(`${file} (exit ${exitCodes[file]}) is ${outcome}`, () => {
      expect(exitCodes[file]).toBeTypeOf('number');
      const parsed = parseTestOutput(read(file));
      expect(classifyOutcome(end(exitCodes[file]!), parsed?.counts ?? null)).toBe(outcome);
    });
  }

  it('does not count the placeholder node 20 reports for a file without tests', () => {
    expect(parseTestOutput(read('node-tap-mixed.txt'))?.counts).toEqual(counts(2, 0, 0));
    expect(parseTestOutput(read('node-spec-mixed.txt'))?.counts).toEqual(counts(2, 0, 0));
    expect(parseTestOutput(read('node-tap-none.txt'))?.counts).toEqual(counts(0, 0, 0));
    expect(parseTestOutput(read('node-spec-none.txt'))?.counts).toEqual(counts(0, 0, 0));
  });

  it('still counts a file that failed to load as a failure', () => {
    const tap = 'TAP version 13\n# Subtest: /repo/broken.test.js\nnot ok 1 - /repo/broken.test.js\n1..1\n# tests 1\n# pass 0\n# fail 1\n# skipped 0\n';
    expect(parseTestOutput(tap)?.counts).toEqual(counts(0, 1, 0));
  });

  it('gives no counts when `node file.js` of a tape file without tests printed nothing', () => {
    // tape prints nothing at all then: the exit status alone decides.
    expect(read('tape-none.txt')).toBe('');
    expect(parseTestOutput(read('tape-none.txt'))).toBeNull();
  });
});

describe('parseTap', () => {
  it('reads summary comments with any spacing', () => {
    expect(parseTap('TAP version 13\nok 1 a\n1..1\n# tests 1\n#  pass   1\n')?.counts).toEqual(counts(1, 0, 0));
    expect(parseTap('TAP version 13\nok 1 a\nnot ok 2 b\n1..2\n# tests\t2\n# pass\t1\n# fail\t1\n')?.counts).toEqual(counts(1, 1, 0));
  });
  it('counts result lines when there is no summary', () => {
    expect(parseTap('TAP version 13\nok 1 a\nnot ok 2 b\nok 3 c # SKIP\nok 4 d # TODO later\n1..4\n')?.counts).toEqual(counts(1, 1, 2));
  });
  it('reads an empty plan as no tests', () => {
    expect(parseTap('TAP version 13\n1..0\n# tests 0\n# pass  0\n\n# ok\n')?.counts).toEqual(counts(0, 0, 0));
  });
  it('is not TAP without a version line or plan', () => {
    expect(parseTap('ok 1 looks like tap\n')).toBeNull();
  });
});

describe('classifyOutcome', () => {
  it('never calls a run without tests a pass', () => {
    expect(classifyOutcome(end(0), counts(0, 0, 0))).toBe('no_tests');
    expect(classifyOutcome(end(0), counts(0, 0, 2))).toBe('no_tests');
    expect(classifyOutcome(end(1), counts(0, 0, 0))).toBe('no_tests');
    expect(classifyOutcome(end(5), counts(0, 0, 0))).toBe('no_tests');
  });
  it('uses the exit status when counts are unknown', () => {
    expect(classifyOutcome(end(0), null)).toBe('passed');
    expect(classifyOutcome(end(2), null)).toBe('failed');
  });
  it('fails on failed tests even with exit status 0', () => {
    expect(classifyOutcome(end(0), counts(3, 1, 0))).toBe('failed');
  });
  it('reports timeouts, cancellation and spawn errors as such', () => {
    expect(classifyOutcome({ exitCode: null, timedOut: true, cancelled: false }, null)).toBe('timeout');
    expect(classifyOutcome({ exitCode: null, timedOut: false, cancelled: true }, null)).toBe('cancelled');
    expect(classifyOutcome({ exitCode: null, timedOut: false, cancelled: false, spawnError: 'ENOENT' }, null)).toBe('error');
  });
});
