import { describe, expect, it } from 'vitest';
import { checkInputs, isTestConfig, isTestFile, scriptsChanged } from '../../../../../electron/core/verify/check-inputs';

const tree = new Set([
  'check.js',
  'scripts/ci.sh',
  'scripts/build.js',
  'scripts/pre.js',
  'scripts/post.js',
  'scripts/deep.js',
  'scripts/deeper.js',
  'tests/test_a.py',
  'tests/a.test.ts',
  'tools/lint.py',
  'x.js',
  'y.js',
  'my file.js',
  'input.txt',
  'Makefile',
  'pkg/cli/__main__.py',
  'vitest.config.ts',
  't.py',
]);
const pkg = (scripts: Record<string, string>) => JSON.stringify({ name: 'p', scripts });

describe('checkInputs', () => {
  const files = (command: string, packageJson: string | null = null) => checkInputs(command, tree, packageJson).files;

  it('names the files a command runs', () => {
    expect(files('node check.js')).toEqual(['check.js']);
    expect(files('bash scripts/ci.sh')).toEqual(['scripts/ci.sh']);
    expect(files('python t.py')).toEqual(['t.py']);
    expect(files('./scripts/ci.sh --fast')).toEqual(['scripts/ci.sh']);
  });
  it('strips ./ and normalises the path, and ignores paths outside the project', () => {
    expect(files('node ./scripts/../check.js')).toEqual(['check.js']);
    expect(files('node /tmp/check.js ../check.js')).toEqual([]);
  });
  it('reads quoted words as one path', () => {
    expect(files('node "my file.js"')).toEqual(['my file.js']);
    expect(files('node my file.js')).toEqual([]);
  });
  it('splits on &&, ||, ; and |', () => {
    expect(files('node x.js && node y.js || node check.js; bash scripts/ci.sh | tee log')).toEqual(['x.js', 'y.js', 'check.js', 'scripts/ci.sh']);
  });
  it('reads pytest node ids and --opt=value', () => {
    expect(checkInputs('python -m pytest tests/test_a.py::test_one', tree, null)).toEqual({ files: ['tests/test_a.py'], packageScripts: false, testSuite: true });
    expect(files('vitest run --config=vitest.config.ts')).toEqual(['vitest.config.ts']);
  });
  it('looks inside sh -c strings one level', () => {
    expect(files('sh -c "node x.js && node y.js"')).toEqual(['x.js', 'y.js']);
    expect(files(`bash -ec 'sh -c "node x.js"'`)).toEqual([]);
    expect(files(`bash -o pipefail -c 'node x.js | tee log'`)).toEqual(['x.js']);
  });
  it('names an input redirection but not an output one', () => {
    expect(files('node check.js < input.txt > x.js')).toEqual(['check.js', 'input.txt']);
  });
  it('reads `python -m` modules and make', () => {
    expect(files('python3 -m pkg.cli')).toEqual(['pkg/cli/__main__.py']);
    expect(files('make lint')).toEqual(['Makefile']);
  });
  it('skips assignments and wrappers to find the program', () => {
    expect(checkInputs('CI=1 npx vitest run', tree, null).testSuite).toBe(true);
    expect(checkInputs('cross-env NODE_ENV=test jest --ci', tree, null).testSuite).toBe(true);
    expect(checkInputs('env -i A=1 node check.js', tree, null)).toEqual({ files: ['check.js'], packageScripts: false, testSuite: false });
  });
  it('does not take quoted operators for separators', () => {
    expect(files('echo "node x.js; node y.js"')).toEqual([]);
  });

  it('follows npm test into the test script with its pre and post scripts', () => {
    const json = pkg({ pretest: 'node scripts/pre.js', test: 'vitest run', posttest: 'node scripts/post.js' });
    expect(checkInputs('npm test', tree, json)).toEqual({ files: ['scripts/pre.js', 'scripts/post.js'], packageScripts: true, testSuite: true });
  });
  it('follows npm run, yarn and pnpm scripts', () => {
    const json = pkg({ build: 'node scripts/build.js', lint: 'python tools/lint.py' });
    expect(checkInputs('npm run build', tree, json)).toEqual({ files: ['scripts/build.js'], packageScripts: true, testSuite: false });
    expect(checkInputs('yarn lint', tree, json).files).toEqual(['tools/lint.py']);
    expect(checkInputs('pnpm run build', tree, json).files).toEqual(['scripts/build.js']);
    expect(checkInputs('npm run build -- --watch', tree, json).files).toEqual(['scripts/build.js']);
  });
  it('follows npm run inside scripts two levels deep, not further', () => {
    const json = pkg({ ci: 'npm run a', a: 'node scripts/deep.js && npm run b', b: 'node scripts/deeper.js' });
    expect(checkInputs('npm run ci', tree, json).files).toEqual(['scripts/deep.js']);
    expect(checkInputs('npm run a', tree, json).files).toEqual(['scripts/deep.js', 'scripts/deeper.js']);
  });
  it('stops on scripts that run themselves', () => {
    expect(checkInputs('npm test', tree, pkg({ test: 'npm test && node check.js' }))).toEqual({ files: ['check.js'], packageScripts: true, testSuite: true });
  });
  it('says a script runs even without a readable package.json', () => {
    expect(checkInputs('npm test', tree, null)).toEqual({ files: [], packageScripts: true, testSuite: true });
    expect(checkInputs('npm run build', tree, '{ broken')).toEqual({ files: [], packageScripts: true, testSuite: false });
  });
  it('finds a test runner inside a script', () => {
    expect(checkInputs('npm run check', tree, pkg({ check: 'tsc -b && node --test' })).testSuite).toBe(true);
  });
  it('does not take package manager commands or npx for scripts', () => {
    for (const command of ['npm ci', 'npm install', 'yarn', 'yarn install', 'pnpm add x', 'npx eslint .']) {
      expect(checkInputs(command, tree, pkg({ install: 'node check.js', eslint: 'node check.js' })).packageScripts).toBe(false);
    }
  });
  it('knows the test runners', () => {
    const suites = ['vitest', 'jest', 'mocha', 'tape test/*.js', 'ava', 'node --test', 'pytest -q', 'python -m pytest', 'python3 -m unittest', 'go test ./...', 'cargo test', 'npm test', 'npx playwright test', 'tap', './node_modules/.bin/vitest run'];
    for (const command of suites) expect(checkInputs(command, tree, null).testSuite, command).toBe(true);
    const others = ['node check.js', 'tsc -b', 'npx playwright install', 'go build', 'python -m http.server', 'npm run build', 'echo vitest'];
    for (const command of others) expect(checkInputs(command, tree, null).testSuite, command).toBe(false);
  });
});

describe('isTestFile', () => {
  it('knows test files', () => {
    for (const p of ['src/a.test.ts', 'a.spec.js', 'test/helpers.js', 'tests/fixtures/x.json', 'pkg/__tests__/a.js', 'spec/a_spec.rb', 'test_a.py', 'pkg/b_test.py', 'cmd/main_test.go']) expect(isTestFile(p), p).toBe(true);
  });
  it('leaves other files alone', () => {
    for (const p of ['src/a.ts', 'src/testing.ts', 'contest.py', 'src/latest/a.js', 'test.py', 'main.go', 'attest/a.js']) expect(isTestFile(p), p).toBe(false);
  });
});

describe('isTestConfig', () => {
  it('knows test configuration at any depth', () => {
    const configs = ['vitest.config.ts', 'vitest.config.e2e.mts', 'vitest.workspace.ts', 'jest.config.js', 'jest.config.json', 'packages/a/jest.config.cjs', 'playwright.config.ts', '.mocharc.yml', '.mocharc.json', 'karma.conf.js', 'ava.config.mjs', 'pytest.ini', 'conftest.py', 'tests/unit/conftest.py', 'tox.ini', 'setup.cfg', 'tsconfig.json', 'tsconfig.build.json', 'electron/core/tsconfig.json', 'babel.config.js', '.babelrc', '.nycrc', '.nycrc.json'];
    for (const p of configs) expect(isTestConfig(p), p).toBe(true);
  });
  it('leaves other files alone, package.json included', () => {
    for (const p of ['package.json', 'vite.config.ts', 'src/config.ts', 'jest.ts', 'tsconfig.ts', 'README.md', 'setup.py']) expect(isTestConfig(p), p).toBe(false);
  });
});

describe('scriptsChanged', () => {
  const base = { name: 'p', version: '1.0.0', scripts: { test: 'vitest run', build: 'tsc' } };
  it('ignores changes outside scripts and the order of keys', () => {
    expect(scriptsChanged(JSON.stringify(base), JSON.stringify({ ...base, version: '2.0.0', dependencies: { a: '1' } }))).toBe(false);
    expect(scriptsChanged(JSON.stringify(base), JSON.stringify({ ...base, scripts: { build: 'tsc', test: 'vitest run' } }))).toBe(false);
    expect(scriptsChanged(JSON.stringify(base), JSON.stringify(base, null, 2))).toBe(false);
  });
  it('sees a changed, added or removed script', () => {
    expect(scriptsChanged(JSON.stringify(base), JSON.stringify({ ...base, scripts: { test: 'vitest run || true', build: 'tsc' } }))).toBe(true);
    expect(scriptsChanged(JSON.stringify(base), JSON.stringify({ ...base, scripts: { ...base.scripts, pretest: 'node x.js' } }))).toBe(true);
    expect(scriptsChanged(JSON.stringify(base), JSON.stringify({ ...base, scripts: { test: 'vitest run' } }))).toBe(true);
    expect(scriptsChanged(JSON.stringify(base), JSON.stringify({ name: 'p' }))).toBe(true);
  });
  it('treats a missing package.json as one without scripts', () => {
    expect(scriptsChanged(null, null)).toBe(false);
    expect(scriptsChanged(JSON.stringify(base), null)).toBe(true);
    expect(scriptsChanged(null, JSON.stringify({ name: 'p' }))).toBe(false);
    expect(scriptsChanged(JSON.stringify({ name: 'p', scripts: {} }), JSON.stringify({ name: 'p' }))).toBe(false);
  });
  it('counts an unparseable side as changed, unless the text is the same', () => {
    expect(scriptsChanged(JSON.stringify(base), '{ "scripts": ')).toBe(true);
    expect(scriptsChanged('{ broken', JSON.stringify(base))).toBe(true);
    expect(scriptsChanged('[1]', '[2]')).toBe(true);
    expect(scriptsChanged('{ broken', '{ broken')).toBe(false);
  });
});
