import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { grepTool, type BuilderToolEnv } from '../../../electron/core/agent/builder-tools';
import { searchFiles } from '../../../electron/core/agent/regex-search';
import { makeTempDir } from '../../helpers/temp-repo';

/** Hostile model: a catastrophic regular expression never blocks the host's event loop. */

describe('hostile: model-supplied regular expressions', () => {
  it('^(a+)+$ on one long line is stopped at the budget while the event loop keeps running', async () => {
    const root = makeTempDir();
    writeFileSync(join(root, 'evil.txt'), `${'a'.repeat(34)}!\n`);
    let ticked = false;
    setTimeout(() => (ticked = true), 20);
    const result = await searchFiles('^(a+)+$', [{ abs: join(root, 'evil.txt'), rel: 'evil.txt' }], { budgetMs: 500 });
    // The timer fired while the pattern ran: the loop was free.
    expect(ticked).toBe(true);
    expect(result).toMatchObject({ ok: false, message: expect.stringMatching(/longer than 0\.5 s and was stopped\. Simplify it/) });
  });

  it('the grep tool still finds matches, refuses an invalid pattern, and honours cancel', async () => {
    const root = makeTempDir();
    writeFileSync(join(root, 'a.ts'), 'const x = 1;\nexport function hello() {}\n');
    const tool = grepTool({ root } as unknown as BuilderToolEnv);
    const ctx = { toolUseId: 't', signal: new AbortController().signal } as never;
    expect(await tool.run({ pattern: 'function \\w+' }, ctx)).toMatchObject({ isError: false, text: 'a.ts:2: export function hello() {}' });
    expect(await tool.run({ pattern: '(' }, ctx)).toMatchObject({ isError: true, text: expect.stringMatching(/^Invalid regular expression/) });
    const controller = new AbortController();
    writeFileSync(join(root, 'evil.txt'), `${'a'.repeat(40)}!\n`);
    const running = tool.run({ pattern: '^(a+)+$' }, { toolUseId: 't', signal: controller.signal } as never);
    controller.abort();
    expect(await running).toMatchObject({ isError: true, text: 'The search was cancelled.' });
  });
});
