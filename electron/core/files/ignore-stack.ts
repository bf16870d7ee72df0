import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import ignore, { type Ignore } from 'ignore';

/**
 * .gitignore rules applied per directory, as git does: the rules of every ancestor's
 * .gitignore (and .git/info/exclude at the root) apply, each relative to its own folder.
 * Used by the lazy file tree; cached per folder by the .gitignore's mtime.
 */
export class IgnoreStack {
  private readonly cache = new Map<string, { mtimeMs: number; rules: Ignore | null }>();

  constructor(private readonly root: string) {}

  /** True when the project-relative path (dir with a trailing slash) is ignored. */
  async isIgnored(relPath: string, isDir: boolean): Promise<boolean> {
    const parts = relPath.split('/').filter(Boolean);
    let ignored = false;
    // Walk from the root down: a deeper .gitignore can re-include (negation) what a higher one excluded.
    for (let depth = 0; depth < parts.length; depth++) {
      const base = parts.slice(0, depth).join('/');
      const rules = await this.rulesFor(base);
      const rest = parts.slice(depth).join('/') + (isDir ? '/' : '');
      if (rules) {
        const result = rules.test(rest);
        if (result.ignored) ignored = true;
        else if (result.unignored) ignored = false;
      }
      // A parent directory that is ignored hides everything below it (git does not descend).
      if (depth < parts.length - 1 && ignored) return true;
    }
    return ignored;
  }

  private async rulesFor(base: string): Promise<Ignore | null> {
    const file = join(this.root, base, '.gitignore');
    let text = '';
    let mtimeMs = -1;
    try {
      const st = await fs.stat(file);
      mtimeMs = st.mtimeMs;
      const cached = this.cache.get(base);
      if (cached && cached.mtimeMs === mtimeMs) return cached.rules;
      text = await fs.readFile(file, 'utf8');
    } catch {
      const cached = this.cache.get(base);
      if (cached && cached.mtimeMs === -1 && base !== '') return cached.rules;
    }
    if (base === '') {
      try {
        text = `${await fs.readFile(join(this.root, '.git', 'info', 'exclude'), 'utf8')}\n${text}`;
      } catch {}
    }
    const rules = text.trim() ? ignore().add(text) : null;
    this.cache.set(base, { mtimeMs, rules });
    return rules;
  }
}
