import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { RpcError } from '../../../shared/rpc';
import { atomicWrite } from '../util/atomic-write';

/** Where Plumbline keeps its planning files, relative to the project root. */
export const PLAN_DIR = '.plumbline';
export const SPEC_PATH = '.plumbline/spec.md';
/** Folder of the project's further specs (each `*.md` in it is a spec like the main one). */
export const SPECS_DIR = '.plumbline/specs';
export const TASKS_PATH = '.plumbline/tasks.md';
export const DECISIONS_DIR = '.plumbline/decisions';
export const IDS_PATH = '.plumbline/ids.json';
export const EVIDENCE_PATH = '.plumbline/evidence.jsonl';

/**
 * ID high-water marks. The next ID of a prefix is max(mark, highest ID in the files) + 1, and the
 * mark is raised whenever the app assigns or deletes an ID, so a deleted ID is never handed out
 * again. IDs typed by hand and deleted by hand before the app saw them are the one gap (documented).
 */
export interface IdMarks {
  readonly version: 1;
  readonly highWater: Readonly<Record<string, number>>;
}

/** Reads `.plumbline/ids.json` leniently (missing or malformed → no marks). */
export async function readIdMarks(root: string): Promise<IdMarks> {
  try {
    const data: unknown = JSON.parse(await fs.readFile(join(root, IDS_PATH), 'utf8'));
    if (data && typeof data === 'object' && 'highWater' in data && typeof data.highWater === 'object' && data.highWater) {
      const hw: Record<string, number> = {};
      for (const [k, v] of Object.entries(data.highWater as Record<string, unknown>)) if (typeof v === 'number') hw[k] = v;
      return { version: 1, highWater: hw };
    }
  } catch {
    // Missing or unreadable marks: the files alone decide.
  }
  return { version: 1, highWater: {} };
}

/** Raises the marks of the given prefixes (never lowers them). */
export async function raiseIdMarks(root: string, raise: Readonly<Record<string, number>>): Promise<void> {
  const marks = await readIdMarks(root);
  const next: Record<string, number> = { ...marks.highWater };
  let changed = false;
  for (const [k, v] of Object.entries(raise)) {
    if ((next[k] ?? 0) < v) {
      next[k] = v;
      changed = true;
    }
  }
  if (!changed) return;
  await fs.mkdir(join(root, PLAN_DIR), { recursive: true });
  const sorted = Object.fromEntries(Object.entries(next).sort(([a], [b]) => a.localeCompare(b)));
  await atomicWrite(join(root, IDS_PATH), `${JSON.stringify({ version: 1, highWater: sorted }, null, 2)}\n`);
}

/** The next free number for a prefix given the numbers in use and the mark. */
export function nextNumber(marks: IdMarks, prefix: string, inUse: Iterable<number>): number {
  let max = marks.highWater[prefix] ?? 0;
  for (const n of inUse) if (n > max) max = n;
  return max + 1;
}

/** A further spec's file name: one plain `*.md` directly in `.plumbline/specs/` (no dot files, no folders). */
const MORE_SPEC_NAME = /^[^./\\][^/\\]*\.md$/i;

/** Every spec file of a project, project-relative: the main spec first, then `.plumbline/specs/*.md` by name. */
export async function listSpecFiles(root: string): Promise<string[]> {
  let names: string[] = [];
  try {
    const entries = await fs.readdir(join(root, SPECS_DIR), { withFileTypes: true });
    names = entries.filter((e) => e.isFile() && MORE_SPEC_NAME.test(e.name)).map((e) => e.name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT' && (error as NodeJS.ErrnoException).code !== 'ENOTDIR') throw error;
  }
  return [SPEC_PATH, ...names.sort((a, b) => a.localeCompare(b)).map((n) => `${SPECS_DIR}/${n}`)];
}

/**
 * Checks a spec path given by a caller: the main spec or one `*.md` directly under `.plumbline/specs/`.
 * Anything else is refused, so a request can never point a spec edit at another file.
 */
export function checkSpecPath(rel: string | undefined): string {
  if (rel === undefined || rel === SPEC_PATH) return SPEC_PATH;
  const name = rel.startsWith(`${SPECS_DIR}/`) ? rel.slice(SPECS_DIR.length + 1) : '';
  if (!MORE_SPEC_NAME.test(name)) {
    throw new RpcError('INVALID_REQUEST', `"${rel}" is not a spec. Specs are ${SPEC_PATH} and the .md files directly in ${SPECS_DIR}/.`);
  }
  return rel;
}
