import type { Handlers } from '../../../shared/rpc';
import type { CoreContext } from '../core-context';
import type { DomainModule } from '../create-core';
import { saveEditorText } from './file-save';

/** Saving from the editor: atomic, byte-preserving, with conflict detection against the loaded hash. */
export function createEditorModule(ctx: CoreContext): DomainModule<Pick<Handlers, 'files.write'>> {
  return {
    handlers: {
      'files.write': async ({ root, path, content, expectedHash, overwrite, allowInvalidUtf8 }) => {
        const abs = await ctx.projects.resolveInside(root, path);
        const saved = await saveEditorText(abs, content, { expectedHash, overwrite, allowInvalidUtf8 });
        return { path, ...saved };
      },
    },
  };
}
