import { describe, expect, it } from 'vitest';
import { decisionMentions, inScope, newDependencies } from '../../../../../electron/core/verify/drift';
import { detectTestCommand } from '../../../../../electron/core/verify/test-command';
import { makeTempDir, writeFiles } from '../../../../helpers/temp-repo';

describe('newDependencies', () => {
  it('finds added packages in each manifest kind', () => {
    expect(newDependencies('package.json', '{"dependencies":{"a":"1"}}', '{"dependencies":{"a":"1"},"devDependencies":{"b":"1"}}').map((d) => d.name)).toEqual(['b']);
    expect(newDependencies('requirements.txt', 'requests==2\n', 'requests==2\nFlask>=3 # web\n-r other.txt\n').map((d) => d.name)).toEqual(['flask']);
    expect(newDependencies('pyproject.toml', '[project]\ndependencies = ["requests"]\n', '[project]\nname = "x"\ndependencies = [\n  "requests",\n  "httpx>=0.27",\n]\n').map((d) => d.name)).toEqual(['httpx']);
    expect(newDependencies('pyproject.toml', '[tool.poetry.dependencies]\npython = "^3.12"\n', '[tool.poetry.dependencies]\npython = "^3.12"\nrich = "^13"\n').map((d) => d.name)).toEqual(['rich']);
    expect(newDependencies('go.mod', 'module x\n\nrequire (\n\tgithub.com/a/b v1.0.0\n)\n', 'module x\n\nrequire (\n\tgithub.com/a/b v1.0.0\n\tgithub.com/c/d v0.1.0 // indirect\n)\nrequire golang.org/x/e v0.2.0\n').map((d) => d.name)).toEqual(['github.com/c/d', 'golang.org/x/e']);
    expect(newDependencies('Cargo.toml', '[package]\nname = "x"\n\n[dependencies]\nserde = "1"\n', '[package]\nname = "x"\n\n[dependencies]\nserde = "1"\ntokio = { version = "1" }\n\n[dev-dependencies]\nproptest = "1"\n').map((d) => d.name)).toEqual(['tokio', 'proptest']);
  });
  it('counts every dependency of a new manifest and none of a deleted one', () => {
    expect(newDependencies('package.json', null, '{"dependencies":{"a":"1"}}').map((d) => d.name)).toEqual(['a']);
    expect(newDependencies('package.json', '{"dependencies":{"a":"1"}}', null)).toEqual([]);
  });
});

describe('decisionMentions', () => {
  it('matches whole names only', () => {
    expect(decisionMentions(['We add left-pad for padding.'], 'left-pad')).toBe(true);
    expect(decisionMentions(['We add left-padding.'], 'left-pad')).toBe(false);
    expect(decisionMentions(['Uses github.com/c/d.'], 'github.com/c/d')).toBe(true);
  });
});

describe('inScope', () => {
  it('accepts folders, files and globs; an empty scope allows everything', () => {
    expect(inScope('src/a.ts', ['src/'])).toBe(true);
    expect(inScope('src/a.ts', ['src'])).toBe(true);
    expect(inScope('srcx/a.ts', ['src'])).toBe(false);
    expect(inScope('package.json', ['package.json'])).toBe(true);
    expect(inScope('lib/deep/a.test.ts', ['**/*.test.ts'])).toBe(true);
    expect(inScope('README.md', ['src/', 'test/'])).toBe(false);
    expect(inScope('README.md', [])).toBe(true);
  });
});

describe('detectTestCommand', () => {
  it('reads each kind of project', async () => {
    const cases: [Record<string, string>, string | null][] = [
      [{ 'package.json': '{"scripts":{"test":"vitest run"}}' }, 'npm test'],
      [{ 'package.json': '{"scripts":{"test":"echo \\"Error: no test specified\\" && exit 1"}}' }, null],
      [{ 'pyproject.toml': '[project]\nname="x"\n' }, 'python -m pytest'],
      [{ 'go.mod': 'module x\n' }, 'go test ./...'],
      [{ 'Cargo.toml': '[package]\nname="x"\n' }, 'cargo test'],
      [{ Makefile: 'build:\n\tcc x.c\ntest:\n\t./run-tests\n' }, 'make test'],
      [{ Makefile: 'build:\n\tcc x.c\n' }, null],
    ];
    for (const [files, expected] of cases) {
      const dir = makeTempDir();
      writeFiles(dir, files);
      expect((await detectTestCommand(dir))?.command ?? null).toBe(expected);
    }
  });
});

describe('acceptance check commands', () => {
  it('are the last inline code: the statement may quote code before the command', async () => {
    const { parseSpec } = await import('../../../../../electron/core/spec/spec-doc');
    const spec = parseSpec(
      '# S\n\n## Acceptance checks\n\n- AC-1: A burst of `capacity` requests passes — `node --test test/bucket.test.js`\n- AC-2: The whole suite passes — `npm test`\n- AC-3: A reviewer reads the body.\n',
    );
    expect(spec.items.map((i) => i.command)).toEqual(['node --test test/bucket.test.js', 'npm test', null]);
  });
});

describe('planChecks on the example project', () => {
  it('runs each named check, maps task commands onto them, and runs the test command once', async () => {
    const { planChecks, readPlanFacts } = await import('../../../../../electron/core/verify/plan-facts');
    const { resolveTestCommand } = await import('../../../../../electron/core/verify/test-command');
    const root = `${process.cwd()}/resources/example`;
    const facts = await readPlanFacts(root);
    const test = await resolveTestCommand(root);
    expect(test?.command).toBe('npm test');
    expect(planChecks(facts, test).map((c) => c.id)).toEqual(['AC-1', 'AC-2', 'AC-3', 'ADR-0001', 'ADR-0003']);
    // T-1 names `node --test test/bucket.test.js`, which is AC-1's command: the same check. A task is
    // judged by its own checks, the acceptance checks it serves and the test command.
    expect(planChecks(facts, test, 'T-1').map((c) => c.id)).toEqual(['AC-1', 'tests']);
    // T-6 names `npm test`, which is AC-3's command and the test command's line: one check.
    expect(planChecks(facts, test, 'T-6').map((c) => c.id)).toEqual(['AC-3']);
    expect(planChecks(facts, test, 'T-3').map((c) => c.id)).toEqual(['AC-3']);
    expect(planChecks(facts, test).find((c) => c.id === 'AC-1')?.taskIds).toEqual(['T-1']);
  });
});
