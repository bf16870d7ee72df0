import { relative, sep } from 'node:path';
import { RpcError } from '../../../shared/rpc';
import { resolveInsideRoot } from '../app/project-registry';
import { refuseGitDirWrite } from './git-dir-guard';

/** An error returned to the model as a tool result (is_error), never thrown past the loop. */
export class ToolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ToolError';
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
 * A path to write is also refused when it is or resolves into the repository's git data.
 */
export async function confinePath(root: string, input: unknown, purpose: 'read' | 'write' = 'read'): Promise<AgentPath> {
  if (typeof input !== 'string' || input.trim() === '') throw new ToolError('A non-empty "path" is required.');
  try {
    const abs = await resolveInsideRoot(root, input);
    const rel = relative(root, abs).split(sep).join('/');
    if (rel === '.git' || rel.startsWith('.git/')) throw new ToolError(`Refused: ${input} is inside .git; the agent may not touch the repository's internals.`);
    if (purpose === 'write') {
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
