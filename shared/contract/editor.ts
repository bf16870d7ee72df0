import { z } from 'zod';
import { method, projectRoot, relPath } from './define';

/** What a save wrote: the new hash becomes the editor's baseline for the next save. */
export const savedFile = z.object({ path: z.string(), hash: z.string(), size: z.number(), mtimeMs: z.number() });
export type SavedFile = z.infer<typeof savedFile>;

export const editorMethods = {
  /**
   * Saves editor text atomically. Unedited lines keep their exact bytes (line endings, BOM, invalid
   * UTF-8); mode is kept. CONFLICT when the file on disk no longer has `expectedHash` (null = must not
   * exist yet), unless `overwrite`. A file with invalid UTF-8 is refused unless `allowInvalidUtf8`.
   */
  'files.write': method(
    z.object({
      root: projectRoot,
      path: relPath,
      content: z.string().max(50 * 1024 * 1024),
      expectedHash: z.string().nullable(),
      overwrite: z.boolean().default(false),
      allowInvalidUtf8: z.boolean().default(false),
    }),
    savedFile,
  ),
} as const;
