/**
 * What the built-in engine (isomorphic-git) cannot write exactly as git does. Before any write it
 * refuses such repositories with a message naming the feature and what to do — never a half-write.
 */
import { existsSync, lstatSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { RpcError } from '../../../shared/rpc';
import { readIndex } from './index-reader';
import { parseConfig, resolveLayout } from './repo-layout';
import { readFileSync } from 'node:fs';

const FIX = 'Install git 2.30 or newer (Plumbline then uses it for this repository)';

function refuse(feature: string, fix: string): never {
  throw new RpcError('UNAVAILABLE', `The built-in git engine cannot safely change this repository: ${feature}. ${fix}. Nothing was changed.`, { feature });
}

/** Throws when the repository uses a feature the built-in engine cannot write; `paths` are checked for submodules. */
export function assertEmbeddedCanWrite(dir: string, paths: readonly string[] = []): void {
  const layout = resolveLayout(dir);
  let config = new Map<string, string>();
  try {
    config = parseConfig(readFileSync(join(layout.commondir, 'config'), 'utf8'));
  } catch {}
  if ((config.get('extensions.objectformat') ?? 'sha1').toLowerCase() === 'sha256') {
    refuse('it uses SHA-256 object names', FIX);
  }
  if (layout.gitdir !== layout.commondir) {
    refuse('it is a linked worktree (made with `git worktree add`)', `${FIX}, or open the main working tree instead`);
  }
  const index = readIndex(layout.gitdir);
  if (index) {
    if (index.extensions.includes('link') || config.get('core.splitindex') === 'true') {
      refuse('it uses a split index (core.splitIndex)', `${FIX}, or run \`git update-index --no-split-index\``);
    }
    if (index.extensions.includes('sdir') || index.entries.some((e) => e.mode === 0o040000)) {
      refuse('it uses a sparse index', `${FIX}, or run \`git sparse-checkout disable\``);
    }
    if (index.version === 4) refuse('its index is version 4 (index.version / feature.manyFiles)', `${FIX}, or run \`git update-index --index-version 2\``);
    if (index.invalidNames.length) refuse(`the name of ${index.invalidNames[0]} is not valid UTF-8`, `${FIX}, or rename the file with git`);
    if (index.entries.some((e) => e.skipWorktree)) refuse('it uses a sparse checkout (skip-worktree entries)', `${FIX}, or run \`git sparse-checkout disable\``);
    const gitlinks = new Set(index.entries.filter((e) => e.mode === 0o160000).map((e) => e.path));
    for (const p of paths) {
      const clean = p.replace(/\/$/, '');
      if (gitlinks.has(clean)) refuse(`${clean} is a submodule`, `${FIX}, or commit the submodule change with git`);
      if (clean && isNestedRepo(join(dir, clean))) refuse(`${clean} is a separate git repository inside this one`, `${FIX}, or add it as a submodule with git`);
    }
  }
}

function isNestedRepo(abs: string): boolean {
  try {
    return lstatSync(abs).isDirectory() && existsSync(join(abs, '.git'));
  } catch {
    return false;
  }
}

const COMMIT_HOOKS = ['pre-commit', 'prepare-commit-msg', 'commit-msg', 'post-commit'];

/** The commit hooks of the repository that git would run (executable, in core.hooksPath or .git/hooks). */
export function activeCommitHooks(dir: string): string[] {
  const layout = resolveLayout(dir);
  let hooksDir = join(layout.commondir, 'hooks');
  try {
    const cfg = parseConfig(readFileSync(join(layout.commondir, 'config'), 'utf8'));
    const custom = cfg.get('core.hookspath');
    if (custom) hooksDir = custom.startsWith('/') ? custom : join(dir, custom);
  } catch {}
  let names: string[];
  try {
    names = readdirSync(hooksDir);
  } catch {
    return [];
  }
  return COMMIT_HOOKS.filter((h) => {
    if (!names.includes(h)) return false;
    try {
      return (statSync(join(hooksDir, h)).mode & 0o111) !== 0;
    } catch {
      return false;
    }
  });
}
