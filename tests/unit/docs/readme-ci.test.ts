import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, symlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { makeRepo, makeTempDir } from '../../helpers/temp-repo';

const appRoot = resolve(import.meta.dirname, '..', '..', '..');
const readme = readFileSync(join(appRoot, 'README.md'), 'utf8');

interface Step {
  readonly name?: string;
  readonly run?: string;
  readonly uses?: string;
}

/** The GitHub Actions workflow of the README's "Verify in CI" section. */
function workflow(): { env: Record<string, string>; steps: Step[] } {
  const section = readme.slice(readme.indexOf('### GitHub Actions'));
  const yaml = /```yaml\n([\s\S]*?)```/.exec(section)?.[1];
  if (!yaml) throw new Error('README has no yaml block under "### GitHub Actions"');
  const job = (parse(yaml) as { jobs: Record<string, { env?: Record<string, string>; steps: Step[] }> }).jobs.verify;
  return { env: job.env ?? {}, steps: job.steps };
}

describe("the README's CI snippet", () => {
  it('never runs a package by the name plumbline from the registry', () => {
    expect(readme).not.toMatch(/^\s*(?:- run:\s*)?npx plumbline/m);
    for (const step of workflow().steps) expect(step.run ?? '').not.toMatch(/\bnpx\b|npm (?:exec|install|i) plumbline|npm_config_registry/);
    // The package can never be published by mistake under a name someone else owns.
    expect((JSON.parse(readFileSync(join(appRoot, 'package.json'), 'utf8')) as { private?: boolean }).private).toBe(true);
  });

  it('runs as written against a fresh project: npm ci, then plumbline verify from the Plumbline checkout', () => {
    const { env, steps } = workflow();
    const get = steps.find((s) => s.name === 'Get Plumbline');
    expect(get?.run).toContain('"$PLUMBLINE_GIT" "$RUNNER_TEMP/plumbline-app"');
    const project = makeRepo({
      'package.json': JSON.stringify({ name: 'demo', version: '1.0.0', private: true, scripts: { test: 'node --test' } }, null, 2),
      'package-lock.json': JSON.stringify({ name: 'demo', version: '1.0.0', lockfileVersion: 3, requires: true, packages: { '': { name: 'demo', version: '1.0.0' } } }, null, 2),
      'test/sum.test.js': "const test = require('node:test');\nconst assert = require('node:assert');\ntest('sum', () => assert.strictEqual(1 + 1, 2));\n",
      '.plumbline/spec.md': '# Spec: demo\n\n## Acceptance checks\n\n- AC-1: the package has a manifest `test -f package.json`\n',
      'README.md': '# demo\n',
    });
    const runnerTemp = makeTempDir('plumbline-runner-');
    // The "Get Plumbline" step needs GitHub; this checkout (already installed) stands in for its clone.
    symlinkSync(appRoot, join(runnerTemp, 'plumbline-app'));
    const runs = steps.filter((s) => s.run !== undefined && s !== get).map((s) => s.run as string);
    expect(runs).toHaveLength(2);
    for (const run of runs) {
      expect(run).not.toContain('${{');
      const result = spawnSync('/bin/sh', ['-e', '-c', run], { cwd: project, env: { ...process.env, ...env, RUNNER_TEMP: runnerTemp, CI: 'true' }, encoding: 'utf8' });
      expect(result.status, `${run}\n${result.stdout}\n${result.stderr}`).toBe(0);
    }
    // What the upload step collects exists.
    expect(existsSync(join(project, '.plumbline/evidence.jsonl'))).toBe(true);
    expect(existsSync(join(runnerTemp, 'plumbline', 'outputs'))).toBe(true);
    expect(execFileSync('git', ['status', '--porcelain', '--', 'package.json', 'test'], { cwd: project, encoding: 'utf8' })).toBe('');
  });
});
