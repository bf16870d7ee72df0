import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { atomicWrite } from '../util/atomic-write';
import { readInsideProject, realInside } from '../util/real-path';
import { RpcError } from '../../../shared/rpc';

/**
 * The hand-off note lives in the project at `.plumbline/handoff.md`: it is part of the plan the
 * user versions with the code, readable without the app, and the next run starts from it.
 * (Full transcripts stay in the app data folder.)
 */
export const HANDOFF_PATH = '.plumbline/handoff.md';

/** The sections of a hand-off note. */
export interface HandoffFields {
  readonly task: string;
  readonly state: string;
  readonly discoveries: readonly string[];
  readonly nextSteps: readonly string[];
  readonly filesTouched: readonly string[];
}

/** Renders a note as Markdown. */
export function renderHandoff(f: HandoffFields, at = new Date()): string {
  const list = (xs: readonly string[]): string => (xs.length ? xs.map((x) => `- ${x}`).join('\n') : '- (none)');
  return [
    `# Hand-off note`,
    ``,
    `Written ${at.toISOString().slice(0, 16).replace('T', ' ')} UTC.`,
    ``,
    `## Task`,
    ``,
    f.task || '(none)',
    ``,
    `## State`,
    ``,
    f.state || '(unknown)',
    ``,
    `## Discoveries`,
    ``,
    list(f.discoveries),
    ``,
    `## Next steps`,
    ``,
    list(f.nextSteps),
    ``,
    `## Files touched`,
    ``,
    list(f.filesTouched.map((p) => `\`${p}\``)),
    ``,
  ].join('\n');
}

/** Writes the note atomically (keeping the existing file's line endings). */
export async function writeHandoff(root: string, markdown: string): Promise<string> {
  const path = join(root, HANDOFF_PATH);
  if (!(await realInside(root, path))) throw new RpcError('FORBIDDEN', `${HANDOFF_PATH} leads outside the project through a symbolic link; the note was not written. Replace the link with a plain folder or file.`);
  await fs.mkdir(join(root, '.plumbline'), { recursive: true });
  let text = markdown;
  try {
    const old = await fs.readFile(path, 'utf8');
    if (old.includes('\r\n')) text = text.replace(/\r?\n/g, '\r\n');
  } catch {
    // new file
  }
  await atomicWrite(path, text);
  return HANDOFF_PATH;
}

/** The current note, or null. */
export async function readHandoff(root: string): Promise<string | null> {
  try {
    return (await readInsideProject(root, join(root, HANDOFF_PATH)))?.toString('utf8') ?? null;
  } catch {
    return null;
  }
}
