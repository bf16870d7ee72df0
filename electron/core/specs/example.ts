import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import git from 'isomorphic-git';

/**
 * Copies the bundled example project to `targetDir` (which must be missing or empty), makes it a
 * git repository with one commit, and returns the copy's path. The original is never modified.
 */
export async function copyExample(resourcesDir: string, targetDir: string): Promise<string> {
  const source = join(resourcesDir, 'example');
  await fs.access(source);
  const existing = await fs.readdir(targetDir).catch(() => [] as string[]);
  if (existing.length > 0) throw new Error(`${targetDir} is not empty; pick an empty folder for the example.`);
  await fs.mkdir(targetDir, { recursive: true });
  await fs.cp(source, targetDir, { recursive: true, errorOnExist: true, force: false });
  await git.init({ fs, dir: targetDir, defaultBranch: 'main' });
  const files = await listFiles(targetDir, '');
  for (const filepath of files) await git.add({ fs, dir: targetDir, filepath });
  const author = { name: 'Plumbline Example', email: 'example@plumbline.invalid' };
  await git.commit({ fs, dir: targetDir, message: 'Example project', author, committer: author });
  return targetDir;
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
