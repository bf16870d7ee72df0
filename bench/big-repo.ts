/**
 * The standard large repository, built once by ../shared/bench/make-big-repo.mjs and cached under the
 * OS temp folder keyed by the script's hash (so a changed script builds a new one).
 */
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** Where make-big-repo.mjs lives: $PLUMBLINE_MAKE_BIG_REPO, else ../shared/bench beside the project. */
export function makeBigRepoScript(projectRoot: string): string {
  return process.env.PLUMBLINE_MAKE_BIG_REPO ?? resolve(projectRoot, '..', 'shared', 'bench', 'make-big-repo.mjs');
}

/** Returns the cached standard repository, building it first when needed (takes a while). */
export function ensureBigRepo(projectRoot: string, log: (line: string) => void): string {
  const script = makeBigRepoScript(projectRoot);
  if (!existsSync(script)) throw new Error(`The repository builder ${script} is missing; set PLUMBLINE_MAKE_BIG_REPO to its path.`);
  const hash = createHash('sha256').update(readFileSync(script)).digest('hex').slice(0, 16);
  const base = join(tmpdir(), `plumbline-bench-${hash}`);
  const repo = join(base, 'repo');
  if (existsSync(join(repo, '.git'))) return repo;
  mkdirSync(base, { recursive: true });
  const tmp = join(base, `repo.tmp-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  log(`building the standard repository in ${repo} (one time) …`);
  const r = spawnSync(process.execPath, [script, tmp], { stdio: ['ignore', 'pipe', 'inherit'] });
  if (r.status !== 0) throw new Error('make-big-repo.mjs failed; see its output above.');
  renameSync(tmp, repo);
  return repo;
}
