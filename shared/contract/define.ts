import { z } from 'zod';

/** One contract method: the zod schema of its single request object and of its response. */
export interface MethodSpec<Req extends z.ZodType = z.ZodType, Res extends z.ZodType = z.ZodType> {
  readonly request: Req;
  readonly response: Res;
}

/** Declares a method; every method takes exactly one object argument. */
export function method<Req extends z.ZodObject, Res extends z.ZodType>(request: Req, response: Res): MethodSpec<Req, Res> {
  return { request, response };
}

/** Absolute path of an opened project; every project-scoped request carries it. */
export const projectRoot = z.string().min(1).max(4096);

/** A path inside a project, relative to its root, with forward slashes. */
export const relPath = z
  .string()
  .max(4096)
  .refine((p) => !p.includes('\0'), 'path contains a NUL byte');

/** The empty response for methods that only act. */
export const ok = z.object({ ok: z.literal(true) });
