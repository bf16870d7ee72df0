import { describe, expect, it } from 'vitest';
import { IgnoreStack } from '../../../../../electron/core/files/ignore-stack';
import { git, makeRepo, writeFiles } from '../../../../helpers/temp-repo';

describe('IgnoreStack agrees with git check-ignore', () => {
  it('applies nested .gitignore files, negation and .git/info/exclude', async () => {
    const dir = makeRepo({
      '.gitignore': '*.log\nbuild/\n!keep.log\n',
      'src/.gitignore': 'gen/\n*.tmp\n!important.tmp\n',
      'src/a.ts': '',
      'src/x.tmp': '',
      'src/important.tmp': '',
      'src/gen/g.ts': '',
      'build/out.js': '',
      'app.log': '',
      'keep.log': '',
      'secret.txt': '',
      'docs/readme.md': '',
    }, { commit: false });
    writeFiles(dir, { '.git/info/exclude': 'secret.txt\n' });
    const stack = new IgnoreStack(dir);
    const cases: [string, boolean][] = [
      ['src/a.ts', false], ['src/x.tmp', false], ['src/important.tmp', false], ['src/gen', true], ['build', true],
      ['app.log', false], ['keep.log', false], ['secret.txt', false], ['docs/readme.md', false], ['src/gen/g.ts', false],
    ];
    for (const [path, isDir] of cases) {
      let expected: boolean;
      try {
        git(dir, 'check-ignore', '-q', path);
        expected = true;
      } catch {
        expected = false;
      }
      expect([path, await stack.isIgnored(path, isDir)]).toEqual([path, expected]);
    }
  });
});
