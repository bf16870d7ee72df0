import * as fs from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import git from 'isomorphic-git';
import type { GitAuthor } from '../../../shared/contract';
import { atomicWrite } from '../util/atomic-write';
import { parseConfig } from './repo-layout';

/** The fs isomorphic-git writes the config through: every write is atomic (a crash never leaves a torn .git/config). */
const atomicFs = {
  ...fs,
  promises: { ...fs.promises, writeFile: (path: fs.PathLike, data: string | Uint8Array) => atomicWrite(String(path), data) },
};

/** The global config files git reads, in order (later ones win): XDG, then ~/.gitconfig. */
function globalConfigPaths(): string[] {
  const home = process.env.HOME || homedir();
  const xdg = process.env.XDG_CONFIG_HOME || join(home, '.config');
  return [join(xdg, 'git', 'config'), join(home, '.gitconfig')];
}

async function readGlobalUser(): Promise<{ name: string | null; email: string | null }> {
  let name: string | null = null;
  let email: string | null = null;
  for (const path of globalConfigPaths()) {
    let text: string;
    try {
      text = await fs.promises.readFile(path, 'utf8');
    } catch {
      continue;
    }
    const map = parseConfig(text);
    name = map.get('user.name') ?? name;
    email = map.get('user.email') ?? email;
  }
  return { name, email };
}

/** The commit author: the repository's config first, then the global one; `none` when unset. */
export async function readAuthor(dir: string): Promise<GitAuthor> {
  const [repoName, repoEmail] = await Promise.all([
    git.getConfig({ fs, dir, path: 'user.name' }) as Promise<string | undefined>,
    git.getConfig({ fs, dir, path: 'user.email' }) as Promise<string | undefined>,
  ]);
  if (repoName && repoEmail) return { name: repoName, email: repoEmail, source: 'repo' };
  const global = await readGlobalUser();
  const name = repoName || global.name;
  const email = repoEmail || global.email;
  if (name && email) return { name, email, source: repoName || repoEmail ? 'repo' : 'global' };
  return { name: name ?? null, email: email ?? null, source: 'none' };
}

/** Saves the author to the repository's own config (.git/config). */
export async function writeRepoAuthor(dir: string, name: string, email: string): Promise<GitAuthor> {
  await git.setConfig({ fs: atomicFs, dir, path: 'user.name', value: name });
  await git.setConfig({ fs: atomicFs, dir, path: 'user.email', value: email });
  return readAuthor(dir);
}
