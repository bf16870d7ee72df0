import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import type { FileEntry } from '../../../shared/contract';
import { RpcError, type Handlers } from '../../../shared/rpc';
import type { CoreContext } from '../core-context';
import type { DomainModule } from '../create-core';
import { folderError } from '../app/app-handlers';
import { toRel } from '../app/project-registry';
import { IgnoreRules } from '../git/ignore-rules';
import { readConfig, resolveLayout, type RepoLayout } from '../git/repo-layout';
import { readFileForDisplay } from './file-reader';
import { saveEditorText } from './file-save';
import { refuseGitDirWrite } from './git-dir-guard';

/**
 * The folder's ignore rules as git applies them (the status engine's own implementation), read
 * fresh for each listing so an edited .gitignore shows at once. A folder that is not a repository
 * still honours its .gitignore files.
 */
function ignoreRulesFor(root: string): IgnoreRules {
  let layout: RepoLayout;
  try {
    layout = resolveLayout(root);
  } catch {
    layout = { dir: root, gitdir: join(root, '.git'), commondir: join(root, '.git') };
  }
  return new IgnoreRules(layout, readConfig(layout));
}

/** The files domain: the lazy file tree, reading for display, and atomic byte-preserving saves. */
export function createFilesModule(ctx: CoreContext): DomainModule<Pick<Handlers, 'files.list' | 'files.read' | 'files.write'>> {
  return {
    handlers: {
    'files.list': async ({ root, dir, showIgnored }) => {
      const abs = await ctx.projects.resolveInside(root, dir);
      let dirents;
      try {
        dirents = await fs.readdir(abs, { withFileTypes: true });
      } catch (error) {
        throw folderError(abs, error);
      }
      const rules = ignoreRulesFor(root);
      // Everything inside an ignored folder is ignored (git never looks inside it).
      const relDir = toRel(root, abs);
      const parts = relDir ? relDir.split('/') : [];
      const insideIgnored = parts.some((_, i) => rules.isIgnored(parts.slice(0, i + 1).join('/'), true));
      const entries: FileEntry[] = [];
      for (const d of dirents) {
        if (d.name === '.git') continue;
        const rel = toRel(root, join(abs, d.name));
        const kind = d.isSymbolicLink() ? 'symlink' : d.isDirectory() ? 'dir' : 'file';
        const ignored = insideIgnored || rules.isIgnored(rel, kind === 'dir');
        if (ignored && !showIgnored) continue;
        entries.push({ name: d.name, path: rel, kind, ignored });
      }
      entries.sort((a, b) => (a.kind === 'dir') !== (b.kind === 'dir') ? (a.kind === 'dir' ? -1 : 1) : a.name.localeCompare(b.name));
      return { entries };
    },
    'files.read': async ({ root, path }) => {
      const abs = await ctx.projects.resolveInside(root, path);
      try {
        return await readFileForDisplay(abs, path);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') throw new RpcError('NOT_FOUND', `${path} no longer exists on disk.`);
        if (code === 'EISDIR') throw new RpcError('INVALID_REQUEST', `${path} is a folder.`);
        throw error;
      }
    },
      'files.write': async ({ root, path, content, expectedHash, overwrite, allowInvalidUtf8 }) => {
        const abs = await ctx.projects.resolveInside(root, path);
        await refuseGitDirWrite(root, abs, path);
        const saved = await saveEditorText(abs, content, { expectedHash, overwrite, allowInvalidUtf8 });
        return { path, ...saved };
      },
    },
  };
}
