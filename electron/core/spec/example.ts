import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import git from 'isomorphic-git';
import { RpcError } from '../../../shared/rpc';

/** Name of the bundled example's folder under the resources folder. */
export const EXAMPLE_DIR = 'example';
const EXAMPLE_NAME = 'quota-service';

async function isEmptyOrMissing(dir: string): Promise<boolean> {
  try {
    return (await fs.readdir(dir)).length === 0;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw error;
  }
}

/**
 * Copies the bundled example project to `targetDir` (used as is when empty or missing, else a new
 * `quota-service[-n]` folder inside it), makes the copy a git repository with one commit, and
 * returns its path. The original is only read.
 */
export async function copyExample(resourcesDir: string, targetDir: string): Promise<string> {
  const source = join(resourcesDir, EXAMPLE_DIR);
  try {
    await fs.access(join(source, '.plumbline', 'spec.md'));
  } catch {
    throw new RpcError('NOT_FOUND', `The example project is missing from ${source}. Reinstall Plumbline.`);
  }
  let target = targetDir;
  if (!(await isEmptyOrMissing(target))) {
    for (let n = 1; ; n++) {
      target = join(targetDir, n === 1 ? EXAMPLE_NAME : `${EXAMPLE_NAME}-${n}`);
      if (await isEmptyOrMissing(target)) break;
    }
  }
  await fs.mkdir(target, { recursive: true });
  await fs.cp(source, target, { recursive: true, errorOnExist: true, force: false });
  await git.init({ fs, dir: target, defaultBranch: 'main' });
  for (const filepath of await listFiles(target, '')) await git.add({ fs, dir: target, filepath });
  const author = { name: 'Plumbline Example', email: 'example@plumbline.invalid' };
  await git.commit({ fs, dir: target, message: 'Example project', author, committer: author });
  return target;
}

async function listFiles(root: string, rel: string): Promise<string[]> {
  const out: string[] = [];
  for (const d of await fs.readdir(join(root, rel), { withFileTypes: true })) {
    if (d.name === '.git') continue;
    const path = rel ? `${rel}/${d.name}` : d.name;
    if (d.isDirectory()) out.push(...(await listFiles(root, path)));
    else out.push(path);
  }
  return out;
}
