import { z } from 'zod';
import { method, projectRoot, relPath } from './define';

export const fileEntry = z.object({
  name: z.string(),
  path: z.string(),
  kind: z.enum(['file', 'dir', 'symlink']),
  size: z.number().optional(),
  /** Matched by .gitignore; listed only when asked for. */
  ignored: z.boolean(),
});
export type FileEntry = z.infer<typeof fileEntry>;

export const fileContent = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('text'),
    path: z.string(),
    content: z.string(),
    size: z.number(),
    eol: z.enum(['lf', 'crlf', 'mixed', 'none']),
    bom: z.boolean(),
    /** The bytes are not valid UTF-8; content shows them decoded with replacement characters. */
    invalidUtf8: z.boolean(),
    mode: z.number(),
    mtimeMs: z.number(),
    /** SHA-1 of the bytes on disk, used to detect external changes before a save. */
    hash: z.string(),
  }),
  z.object({ kind: z.literal('binary'), path: z.string(), size: z.number() }),
  z.object({ kind: z.literal('tooLarge'), path: z.string(), size: z.number(), limit: z.number() }),
]);
export type FileContent = z.infer<typeof fileContent>;

/** What a save wrote: the new hash becomes the editor's baseline for the next save. */
export const savedFile = z.object({ path: z.string(), hash: z.string(), size: z.number(), mtimeMs: z.number() });
export type SavedFile = z.infer<typeof savedFile>;

export const filesMethods = {
  /** One directory level of the file tree; .git hidden, ignored entries omitted unless asked for. */
  'files.list': method(
    z.object({ root: projectRoot, dir: relPath.default(''), showIgnored: z.boolean().default(false) }),
    z.object({ entries: z.array(fileEntry) }),
  ),
  /** Reads a file for display: text, or a note that it is binary or too large (never loaded whole then). */
  'files.read': method(z.object({ root: projectRoot, path: relPath }), fileContent),
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
