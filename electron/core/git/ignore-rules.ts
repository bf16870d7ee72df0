/**
 * Git's ignore rules, applied per directory the way git does.
 *
 *   const rules = new IgnoreRules(layout, config);
 *   rules.isIgnored('src/build', true)   — is this directory (or file, with false) excluded?
 *   rules.invalidate('src')              — a .gitignore in src/ changed
 *
 * Precedence (lowest first): core.excludesFile (or ~/.config/git/ignore), .git/info/exclude, then each
 * .gitignore from the root down to the path's own folder; within one source the last matching pattern
 * wins, and a deeper .gitignore overrides a shallower one. Callers never ask about paths inside an
 * excluded directory: git cannot re-include those, and the engine does not descend into them.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import ignore, { type Ignore } from 'ignore';
import type { GitConfig, RepoLayout } from './repo-layout';

function readLines(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

/** Ignore matching for one work tree; caches each folder's parsed .gitignore until invalidated. */
export class IgnoreRules {
  private readonly base: Ignore[] = [];
  private readonly perDir = new Map<string, Ignore | null>();
  private readonly ignoreCase: boolean;

  /**
   * `hasGitignore(dirRel)` may say whether a folder holds a .gitignore (from a listing the caller already
   * has), sparing a failed read per folder; undefined means "don't know, look".
   */
  constructor(
    private readonly layout: RepoLayout,
    config: GitConfig,
    private readonly hasGitignore: (dirRel: string) => boolean | undefined = () => undefined,
  ) {
    const make = (text: string): Ignore => ignore({ ignorecase: config.ignoreCase, allowRelativePaths: true }).add(text);
    let excludes = config.excludesFile;
    if (excludes) {
      if (excludes.startsWith('~/')) excludes = join(homedir(), excludes.slice(2));
      else if (!isAbsolute(excludes)) excludes = resolve(layout.dir, excludes);
    } else {
      const xdg = process.env.XDG_CONFIG_HOME || (process.env.HOME ? join(process.env.HOME, '.config') : '');
      excludes = xdg ? join(xdg, 'git', 'ignore') : null;
    }
    const global = excludes ? readLines(excludes) : null;
    if (global) this.base.push(make(global));
    const info = readLines(join(layout.commondir, 'info', 'exclude'));
    if (info) this.base.push(make(info));
    this.ignoreCase = config.ignoreCase;
  }

  /** The parsed .gitignore of a folder ('' is the root), or null when it has none. */
  private rulesOf(dirRel: string): Ignore | null {
    let r = this.perDir.get(dirRel);
    if (r !== undefined) return r;
    const text = this.hasGitignore(dirRel) === false ? null : readLines(join(this.layout.dir, dirRel, '.gitignore'));
    r = text === null ? null : ignore({ ignorecase: this.ignoreCase, allowRelativePaths: true }).add(text);
    this.perDir.set(dirRel, r);
    return r;
  }

  /** True when git would exclude this path; `isDir` matters for patterns ending in "/". */
  isIgnored(relPath: string, isDir: boolean): boolean {
    const probe = isDir ? `${relPath}/` : relPath;
    let ignored = false;
    for (const ig of this.base) {
      const t = ig.test(probe);
      if (t.ignored) ignored = true;
      else if (t.unignored) ignored = false;
    }
    const apply = (dirRel: string): void => {
      const rules = this.rulesOf(dirRel);
      if (!rules) return;
      const t = rules.test(dirRel ? probe.slice(dirRel.length + 1) : probe);
      if (t.ignored) ignored = true;
      else if (t.unignored) ignored = false;
    };
    // Each folder from the root down to the path's parent.
    apply('');
    for (let i = relPath.indexOf('/'); i >= 0; i = relPath.indexOf('/', i + 1)) apply(relPath.slice(0, i));
    return ignored;
  }

  /** Forgets a folder's cached .gitignore (after it changed). */
  invalidate(dirRel: string): void {
    this.perDir.delete(dirRel);
  }
}
