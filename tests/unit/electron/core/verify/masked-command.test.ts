import { describe, expect, it } from 'vitest';
import { maskedFailure } from '../../../../../electron/core/verify/masked-command';
import { parseShellList, tokenizeShell } from '../../../../../electron/core/verify/shell-words';

describe('maskedFailure flags command lines that hide a failure', () => {
  const masked: [string, RegExp][] = [
    ['npm test || true', /`\|\| true` turns a failure of `npm test` into success/],
    ['npm test || :', /`\|\| :` turns a failure of `npm test`/],
    ['npm test || exit 0', /`exit 0` ends the command with success whatever `npm test` did/],
    ['npm test; exit 0', /`exit 0` ends the command with success/],
    ['npm test ; true', /`npm test` is followed by `true`/],
    ['npm test; :', /is followed by `:`/],
    ['npm test\ntrue', /`npm test` is followed by `true`/],
    ['npm test\nexit 0\n', /`exit 0` ends the command/],
    ['set +e\nnpm test\nnpm run lint', /`set \+e` lets the commands after it fail/],
    ['set +e; npm test; echo done', /`set \+e`/],
    ['npm test | tee out.log', /the exit status is that of `tee out.log`, not of `npm test`/],
    ['npm test 2>&1 | grep -v warning', /the exit status is that of `grep -v warning`, not of `npm test 2>&1`/],
    ['pytest 2>/dev/null || echo "tests failed"', /`\|\| echo "tests failed"` turns a failure of `pytest 2>\/dev\/null` \(its errors hidden by `2>\/dev\/null`\)/],
    ['npm test || echo failed', /turns a failure of `npm test` into success/],
    ['npm run build && npm test || true', /turns a failure of `npm run build && npm test` into success/],
    ['npm test &>/dev/null; echo done', /`npm test &>\/dev\/null` \(its errors hidden by `&>\/dev\/null`\) is followed by `echo done`/],
    ['npm test || false || true', /`\|\| true`/],
    ['(npm test || true)', /`\|\| true`/],
    ['CI=1 npm test || true', /`CI=1 npm test`/],
    ['bash -c "npm test || true"', /^Inside `bash -c "npm test \|\| true"`: `\|\| true` turns a failure of `npm test` into success/],
    ["sh -ec 'npm test | tee log'", /exit status is that of `tee log`/],
    ['! npm test', /inverts the exit status/],
    ['npm test &', /runs in the background/],
    ['set -e; npm test || true', /`\|\| true`/],
    ['set -o pipefail; npm test || true', /`\|\| true`/],
    ['npm test || printf "x\\n"', /`\|\| printf/],
    ['npm test || exit 0 # keep CI green', /`exit 0`/],
    ['npm test \\\n  || true', /`\|\| true`/],
    ['npm test; set -x', /followed by `set -x`/],
    ['npm test | cat; exit 0', /exit status is that of `cat`/],
    ['npm test || true\nexit $?', /`\|\| true`/],
    ['npm test || true || npm run report', /`\|\| true`/],
    ['bash -o pipefail -c "npm test || true"', /^Inside `bash -o pipefail -c "npm test \|\| true"`: `\|\| true`/],
    ["bash -o errexit -c 'npm test | tee log'", /exit status is that of `tee log`/],
  ];
  for (const [command, reason] of masked) {
    it(JSON.stringify(command), () => {
      expect(maskedFailure(command)).toMatch(reason);
    });
  }
});

describe('maskedFailure leaves honest command lines alone', () => {
  const honest = [
    'npm test',
    'npm run build && npm test',
    'npm ci && npm run lint && npm test',
    'echo "a || true"',
    "node check.js --label 'x || true'",
    'grep -q "a|b" file.txt',
    "echo 'a | b'",
    '[ -f dist/app.js ] || exit 1',
    'test -d build || { echo "no build" >&2; exit 1; }',
    'npm test || exit 1',
    'npm test || exit $?',
    'npm test || exit',
    'npm test || false',
    'set -o pipefail; npm test | tee out.log',
    'set -euo pipefail\nnpm test | tee out.log',
    'set -eo pipefail; npm test 2>&1 | tee out.log',
    'bash -o pipefail -c true',
    "bash -o pipefail -c 'npm test | tee log'",
    'npm test # || true',
    'npm run lint || true; npm test',
    'set -e; npm run build; true',
    'npm test && exit 0',
    'echo start; npm test',
    'npm test || echo "failed" && exit 1',
    'echo hello | node check.js',
    'cd app && npm test',
    'bash -c "npm test"',
    'npm test 2>/dev/null',
    'true',
    'npm test "||" true',
    'npm test \\|\\| true',
    'false || true',
    'npm test 2>&1 | tee out.log; exit ${PIPESTATUS[0]}',
  ];
  for (const command of honest) {
    it(JSON.stringify(command), () => {
      expect(maskedFailure(command)).toBeNull();
    });
  }

  it('gives no verdict on a line with an open quote', () => {
    expect(maskedFailure('npm test "|| true')).toBeNull();
  });
});

describe('tokenizeShell', () => {
  it('keeps quoted operators inside words and reads redirections', () => {
    const tokens = tokenizeShell(`echo "a || b" 'c | d' e\\;f 2>/dev/null && x`)!;
    expect(tokens).toEqual([
      { kind: 'word', value: 'echo', raw: 'echo', quoted: false },
      { kind: 'word', value: 'a || b', raw: '"a || b"', quoted: true },
      { kind: 'word', value: 'c | d', raw: "'c | d'", quoted: true },
      { kind: 'word', value: 'e;f', raw: 'e\\;f', quoted: true },
      { kind: 'redirect', op: '2>', target: '/dev/null', raw: '2>/dev/null' },
      { kind: 'op', op: '&&' },
      { kind: 'word', value: 'x', raw: 'x', quoted: false },
    ]);
  });
  it('keeps command substitutions whole', () => {
    const words = tokenizeShell('echo $(a || b) "$(c | d)" `e; f`')!.map((t) => (t.kind === 'word' ? t.value : t.kind));
    expect(words).toEqual(['echo', '$(a || b)', '$(c | d)', '`e; f`']);
  });
  it('reads lists of pipelines', () => {
    const items = parseShellList(tokenizeShell('a | b && c || d; e &\nf')!);
    expect(items.map((i) => [i.pipeline.text, i.joinedBy, i.background])).toEqual([
      ['a | b', null, false],
      ['c', '&&', false],
      ['d', '||', false],
      ['e', ';', true],
      ['f', ';', false],
    ]);
  });
  it('is null when a quote is left open', () => {
    expect(tokenizeShell("echo 'open")).toBeNull();
    expect(tokenizeShell('echo "open')).toBeNull();
  });
  it('joins continued lines', () => {
    expect(tokenizeShell('a \\\n  b')!.map((t) => (t.kind === 'word' ? t.value : t.kind))).toEqual(['a', 'b']);
  });
});
