import { promises as fs } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';

/** True when `child` is `parent` or inside it (both absolute, compared as given). */
export function within(parent: string, child: string): boolean {
  const rel = relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/**
 * The real path of `abs` with every symbolic link resolved, also when the file (or some of its
 * parent folders) does not exist yet: the longest existing prefix is resolved and the rest appended.
 */
export async function realPathLenient(abs: string): Promise<string> {
  let probe = resolve(abs);
  const rest: string[] = [];
  for (;;) {
    try {
      const real = await fs.realpath(probe);
      return rest.length ? join(real, ...rest.reverse()) : real;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw error;
      const parent = resolve(probe, '..');
      if (parent === probe) return resolve(abs);
      rest.push(relative(parent, probe));
      probe = parent;
    }
  }
}

/** True when the real path of `abs` (symlinks resolved) lies inside the real path of `root`. */
export async function realInside(root: string, abs: string): Promise<boolean> {
  const [realRoot, real] = await Promise.all([realPathLenient(root), realPathLenient(abs)]);
  return within(realRoot, real);
}

/**
 * Reads a project file only when its real path is inside the project: a file (or a folder on the
 * way to it) that is a symbolic link leading out of the project reads as absent (null), so a
 * hostile repository cannot make Plumbline show or send a file from elsewhere. Missing → null.
 */
export async function readInsideProject(root: string, abs: string): Promise<Buffer | null> {
  try {
    if (!(await realInside(root, abs))) return null;
    return await fs.readFile(abs);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') return null;
    throw error;
  }
}
