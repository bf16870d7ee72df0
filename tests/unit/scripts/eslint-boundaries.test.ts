import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ESLint, Linter } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
import plumbline from '../../../scripts/eslint-no-cycle.mjs';
import { makeTempDir } from '../../helpers/temp-repo';

/** Lints one file of a temp folder with only the no-cycle rule. */
function cycleErrors(files: Record<string, string>, lint: string): string[] {
  const dir = makeTempDir('plumbline-cycle-');
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  const linter = new Linter({ cwd: dir });
  const config = [{ files: ['**/*.ts'], languageOptions: { parser: tseslint.parser }, plugins: { plumbline }, rules: { 'plumbline/no-cycle': 'error' as const } }];
  return linter.verify(files[lint]!, config, { filename: join(dir, lint) }).map((m) => m.message);
}

describe('the core import boundaries', () => {
  it('reject a runtime import cycle and name its path', () => {
    const errors = cycleErrors(
      {
        'a.ts': "import { b } from './b';\nexport const a = () => b;\n",
        'b.ts': "import { c } from './sub/c';\nexport const b = () => c;\n",
        'sub/c.ts': "import { a } from '../a';\nexport const c = () => a;\n",
      },
      'a.ts',
    );
    expect(errors).toEqual([expect.stringContaining('Import cycle: a.ts → b.ts → sub/c.ts → a.ts')]);
  });

  it('allow a cycle that only type-only imports close', () => {
    const files = {
      'a.ts': "import { b } from './b';\nexport const a = () => b;\nexport interface A { x: number }\n",
      'b.ts': "import type { A } from './a';\nimport { type A as A2 } from './a';\nexport const b = (x: A, y: A2) => x.x + y.x;\n",
    };
    expect(cycleErrors(files, 'a.ts')).toEqual([]);
    expect(cycleErrors(files, 'b.ts')).toEqual([]);
  });

  it('reject an import from verify/ into agent/ with the project configuration', async () => {
    const eslint = new ESLint({ cwd: process.cwd() });
    const [result] = await eslint.lintText("import { AgentService } from '../agent/agent-service';\nexport const x = AgentService;\n", { filePath: 'electron/core/verify/probe.ts' });
    expect(result!.messages.map((m) => m.message)).toEqual([expect.stringContaining('verify/ never imports agent/')]);
  });

});
