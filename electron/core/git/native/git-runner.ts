/**
 * The one way the app runs native git: an argument array (never a shell), a scrubbed environment in
 * which git can never wait on a terminal (no credential prompt, no editor, no pager), stdin closed or
 * fed, a timeout, and failures turned into GitCommandError with a clear message (git-errors.ts).
 *
 *   const { stdout } = await runGit(git, ['status', '--porcelain=v2', '-z'], { cwd: root, read: true });
 */
import { spawn } from 'node:child_process';
import { RpcError } from '../../../../shared/rpc';
import { type GitErrorKind, parseGitError } from './git-errors';

/** Which git binary to run and its version. */
export interface NativeGit {
  readonly path: string;
  readonly version: string;
}

export interface RunOptions {
  readonly cwd: string;
  /** A read that must not take optional locks (GIT_OPTIONAL_LOCKS=0), so it never disturbs other git programs. */
  readonly read?: boolean;
  /** Bytes written to git's stdin; without them stdin is closed. */
  readonly input?: Uint8Array | string;
  readonly timeoutMs?: number;
  /** Error kinds the caller handles: returned in `error` instead of thrown. */
  readonly expected?: ReadonlySet<GitErrorKind>;
  /** Exit codes that are not failures (default: 0). */
  readonly successCodes?: ReadonlySet<number>;
  /** Extra environment (identity for a commit). */
  readonly env?: Readonly<Record<string, string>>;
  /** Says what failed in the message ("commit", "stage"). */
  readonly what?: string;
}

export interface RunResult {
  readonly stdout: Buffer;
  readonly stderr: string;
  readonly exitCode: number;
  readonly error: GitErrorKind | null;
}

/** A git command that failed: the RpcError the user sees plus what git said. */
export class GitCommandError extends RpcError {
  constructor(
    code: ConstructorParameters<typeof RpcError>[0],
    message: string,
    readonly kind: GitErrorKind | null,
    readonly exitCode: number,
    readonly output: string,
    details?: unknown,
  ) {
    super(code, message, details);
  }
}

const DEFAULT_TIMEOUT_MS = 120_000;

/** Variables that would point git at another repository, index or work tree than the one we ask about. */
const REPO_VARS = ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE', 'GIT_OBJECT_DIRECTORY', 'GIT_ALTERNATE_OBJECT_DIRECTORIES', 'GIT_COMMON_DIR', 'GIT_NAMESPACE', 'GIT_PREFIX'];

/** The environment every git run gets. */
export function gitEnv(read: boolean, extra: Readonly<Record<string, string>> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of REPO_VARS) delete env[k];
  Object.assign(env, {
    GIT_TERMINAL_PROMPT: '0',
    GIT_ASKPASS: '',
    SSH_ASKPASS: '',
    GCM_INTERACTIVE: 'never',
    GIT_EDITOR: 'true',
    GIT_SEQUENCE_EDITOR: 'true',
    GIT_PAGER: 'cat',
    PAGER: 'cat',
    TERM: 'dumb',
    // Messages in English so the error table recognises them.
    LC_ALL: 'C',
    LANGUAGE: 'C',
  });
  if (read) env.GIT_OPTIONAL_LOCKS = '0';
  else delete env.GIT_OPTIONAL_LOCKS;
  return Object.assign(env, extra);
}

/** Runs git once; resolves with its output, or throws GitCommandError (unexpected failure) / RpcError (could not run). */
export function runGit(git: NativeGit, args: readonly string[], options: RunOptions): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(git.path, ['-c', 'core.quotepath=false', '-c', 'color.ui=false', ...args], {
      cwd: options.cwd,
      env: gitEnv(options.read ?? false, options.env),
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      shell: false,
      windowsHide: true,
      // Its own process group, so a timeout also stops what git started (hooks, filters, credential helpers).
      detached: process.platform !== 'win32',
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        if (child.pid && process.platform !== 'win32') process.kill(-child.pid, 'SIGKILL');
        else child.kill('SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    }, options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    child.stdout?.on('data', (b: Buffer) => out.push(b));
    child.stderr?.on('data', (b: Buffer) => err.push(b));
    if (options.input !== undefined && child.stdin) {
      child.stdin.on('error', () => undefined);
      child.stdin.end(options.input);
    }
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new RpcError('UNAVAILABLE', `Could not run git (${git.path}): ${e.message}. Check that git is installed, or unset PLUMBLINE_GIT to use the built-in engine.`));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      const stdout = Buffer.concat(out);
      const stderr = Buffer.concat(err).toString('utf8');
      const what = options.what ?? `run git ${args[0] ?? ''}`;
      if (timedOut) {
        reject(new GitCommandError('UNAVAILABLE', `Could not ${what}: git did not finish within ${Math.round((options.timeoutMs ?? DEFAULT_TIMEOUT_MS) / 1000)} s and was stopped. Try again; if it keeps happening, run the command in a terminal to see what it waits for.`, null, -1, stderr));
        return;
      }
      const exitCode = code ?? -1;
      if ((options.successCodes ?? new Set([0])).has(exitCode)) {
        resolve({ stdout, stderr, exitCode, error: null });
        return;
      }
      const combined = `${stderr}\n${stdout.toString('utf8')}`;
      const parsed = parseGitError(combined);
      if (parsed && options.expected?.has(parsed.kind)) {
        resolve({ stdout, stderr, exitCode, error: parsed.kind });
        return;
      }
      if (parsed) {
        reject(new GitCommandError(parsed.code, parsed.message, parsed.kind, exitCode, combined.trim()));
        return;
      }
      const said = combined.trim() || `exit code ${exitCode}`;
      reject(new GitCommandError('INTERNAL', `Could not ${what}. Git said:\n${said}`, null, exitCode, said));
    });
  });
}
