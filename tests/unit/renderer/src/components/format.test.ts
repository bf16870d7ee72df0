import { describe, expect, it } from 'vitest';
import { splitPath } from '../../../../../renderer/src/components/format';

describe('splitPath', () => {
  it('gives a file at the root no folder', () => {
    expect(splitPath('index.js')).toEqual({ name: 'index.js', folder: '' });
    expect(splitPath('.plumbline/')).toEqual({ name: '.plumbline', folder: '' });
  });

  it('splits nested paths at the last slash', () => {
    expect(splitPath('src/lib/util.ts')).toEqual({ name: 'util.ts', folder: 'src/lib' });
    expect(splitPath('docs/notes/')).toEqual({ name: 'notes', folder: 'docs' });
  });
});
