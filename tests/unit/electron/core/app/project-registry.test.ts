import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ProjectRegistry, resolveInsideRoot } from '../../../../../electron/core/app/project-registry';
import { makeTempDir, writeFiles } from '../../../../helpers/temp-repo';

describe('resolveInsideRoot', () => {
  const outside = makeTempDir();
  const root = makeTempDir();
  writeFiles(root, { 'src/a.ts': '' });
  writeFiles(outside, { 'secret.txt': 's' });
  symlinkSync(outside, join(root, 'link-out'));
  symlinkSync(join(root, 'src'), join(root, 'link-in'));
  mkdirSync(join(root, 'empty'));

  it('resolves paths inside the root, existing or not', async () => {
    expect(await resolveInsideRoot(root, 'src/a.ts')).toBe(join(root, 'src/a.ts'));
    expect(await resolveInsideRoot(root, 'src/new/file.ts')).toBe(join(root, 'src/new/file.ts'));
    expect(await resolveInsideRoot(root, 'link-in/a.ts')).toBe(join(root, 'link-in/a.ts'));
  });
  it('refuses .., absolute paths outside, symlinks out and NUL bytes', async () => {
    await expect(resolveInsideRoot(root, '../x')).rejects.toThrow(/outside the project/);
    await expect(resolveInsideRoot(root, '/etc/passwd')).rejects.toThrow(/outside the project/);
    await expect(resolveInsideRoot(root, 'link-out/secret.txt')).rejects.toThrow(/symbolic link/);
    await expect(resolveInsideRoot(root, 'link-out/new.txt')).rejects.toThrow(/symbolic link/);
    await expect(resolveInsideRoot(root, 'a\0b')).rejects.toThrow(/NUL/);
  });
  it('serves only opened roots', async () => {
    const reg = new ProjectRegistry();
    await expect(reg.resolveInside(root, 'src/a.ts')).rejects.toThrow(/not open/);
    reg.add(root);
    expect(await reg.resolveInside(root, 'src/a.ts')).toBe(join(root, 'src/a.ts'));
  });
});
