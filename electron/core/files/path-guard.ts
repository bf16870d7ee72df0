import { relative, sep } from 'node:path';
import { RpcError } from '../../../shared/rpc';
import { resolveInsideRoot } from '../app/project-registry';
import { EVIDENCE_PATH } from '../spec/plan-files';
import { realPathLenient, within } from '../util/real-path';
import { refuseGitDirWrite } from './git-dir-guard';

/** An error returned to the model as a tool result (is_error), never thrown past the loop. */
export class ToolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ToolError';
  }
}

/**
 * True when a project-relative path names the evidence ledger on any file system: `./` and empty
 * segments dropped, compared case-insensitively and without Windows' trailing dots and spaces.
 */
export function namesLedger(rel: string): boolean {
  const fold = (segment: string): string => segment.replace(/[. ]+$/, '').toLowerCase();
  const want = EVIDENCE_PATH.split('/');
  const parts = rel.split(/[\\/]+/).filter((p) => p !== '' && p !== '.');
  return parts.length === want.length && parts.every((p, i) => fold(p) === want[i]);
}

/**
 * Refuses an agent write to the evidence ledger, named directly or reached through a symbolic link:
 * only the Calibrator appends there (and records it did not sign never count anyway).
 */
async function refuseLedgerWrite(root: string, abs: string, input: string): Promise<void> {
  const [real, realRoot] = await Promise.all([realPathLenient(abs), realPathLenient(root)]);
  if (namesLedger(relative(root, abs)) || (within(realRoot, real) && namesLedger(relative(realRoot, real)))) {
    throw new ToolError(`Refused: ${input} is the evidence ledger (${EVIDENCE_PATH}); only Plumbline's Calibrator writes it. Report what you did with report_outcome and let the Calibrator check it.`);
  }
}

/** A path the agent gave, resolved inside the project. */
export interface AgentPath {
  readonly abs: string;
  /** Forward-slash path relative to the root. */
  readonly rel: string;
}

/**
 * Resolves a path from the model (relative to the root, or absolute inside it). `../`, absolute
 * paths outside, symlinks leading out and NUL bytes are refused with a message the model can act on.
 * A path to write is also refused when it is or resolves into the repository's git data, or is the
 * evidence ledger.
 */
export async function confinePath(root: string, input: unknown, purpose: 'read' | 'write' = 'read'): Promise<AgentPath> {
  if (typeof input !== 'string' || input.trim() === '') throw new ToolError('A non-empty "path" is required.');
  try {
    const abs = await resolveInsideRoot(root, input);
    const rel = relative(root, abs).split(sep).join('/');
    if (rel === '.git' || rel.startsWith('.git/')) throw new ToolError(`Refused: ${input} is inside .git; the agent may not touch the repository's internals.`);
    if (purpose === 'write') {
      await refuseLedgerWrite(root, abs, input);
      try {
        await refuseGitDirWrite(root, abs, input);
      } catch (error) {
        if (error instanceof RpcError) throw new ToolError(`Refused: ${error.message}`);
        throw error;
      }
    }
    return { abs, rel };
  } catch (error) {
    if (error instanceof RpcError) {
      throw new ToolError(`Refused: ${error.message} Use a path inside the project folder (relative to its root).`);
    }
    throw error;
  }
}
