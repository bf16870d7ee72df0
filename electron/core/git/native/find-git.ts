/**
 * Finds the native git the app may use: `PLUMBLINE_GIT` (a path, or `embedded` to use the built-in
 * engine only), else `git` on PATH; accepted when its version is at least 2.30.
 */
import { execFileSync } from 'node:child_process';
import type { NativeGit } from './git-runner';

export const MIN_GIT_VERSION = [2, 30] as const;

/** Parses `git version 2.39.5` (and vendor suffixes like `(Apple Git-146)`, `.windows.1`). */
export function parseGitVersion(text: string): string | null {
  const m = /git version (\d+)\.(\d+)(?:\.(\d+))?/.exec(text);
  return m ? `${m[1]}.${m[2]}.${m[3] ?? '0'}` : null;
}

/** True when the version is at least MIN_GIT_VERSION. */
export function versionSupported(version: string): boolean {
  const [major, minor] = version.split('.').map(Number);
  return major > MIN_GIT_VERSION[0] || (major === MIN_GIT_VERSION[0] && minor >= MIN_GIT_VERSION[1]);
}

/** What the search found: a usable git, or why the built-in engine is used instead. */
export type GitProbe = { readonly git: NativeGit; readonly reason: null } | { readonly git: null; readonly reason: string };

const cache = new Map<string, GitProbe>();

/** Probes one git binary (cached per path for the life of the process). */
export function probeGit(path: string): GitProbe {
  const hit = cache.get(path);
  if (hit) return hit;
  let probe: GitProbe;
  try {
    const out = execFileSync(path, ['--version'], { encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, LC_ALL: 'C' } });
    const version = parseGitVersion(out);
    if (!version) probe = { git: null, reason: `${path} did not report a git version.` };
    else if (!versionSupported(version)) probe = { git: null, reason: `git ${version} is older than ${MIN_GIT_VERSION.join('.')}; update git to use it.` };
    else probe = { git: { path, version }, reason: null };
  } catch {
    probe = { git: null, reason: path === 'git' ? 'No git was found on PATH.' : `${path} could not be run.` };
  }
  cache.set(path, probe);
  return probe;
}

/** The git to use per PLUMBLINE_GIT / PATH, or why there is none. */
export function findNativeGit(setting: string | undefined = process.env.PLUMBLINE_GIT): GitProbe {
  const s = setting?.trim();
  if (s === 'embedded') return { git: null, reason: 'The built-in engine was chosen (PLUMBLINE_GIT=embedded).' };
  return probeGit(s || 'git');
}
