import { spawn } from 'node:child_process';
import { detectSandboxAsync, sandboxed } from './sandbox';

/** How a command ended. */
export interface CommandResult {
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly timedOut: boolean;
  readonly cancelled: boolean;
  /** stdout and stderr interleaved; head and tail kept when over the cap. */
  readonly output: string;
  readonly truncatedBytes: number;
  readonly durationMs: number;
}

/** Options of runCommand. */
export interface CommandOptions {
  readonly cwd: string;
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
  /** Bytes of output kept at the start and at the end. */
  readonly capBytes?: number;
  /** Extra secret values to remove from the environment wherever they appear. */
  readonly secrets?: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
  /** Network access inside the sandbox (off by default). */
  readonly network?: boolean;
}

const SECRET_NAME = /^(ANTHROPIC_.*|.*_API_KEY|.*_AUTH_TOKEN|.*_SECRET(_.*)?|OPENAI_.*)$/i;

/** The environment for agent commands: API keys and tokens removed, by name and by value. */
export function scrubEnv(env: NodeJS.ProcessEnv, secrets: readonly string[] = []): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  const values = new Set(secrets.filter((s) => s.length > 0));
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined || SECRET_NAME.test(k) || values.has(v)) continue;
    out[k] = v;
  }
  return out;
}

/**
 * Runs one bash command in the project folder, in the OS sandbox, in its own process group, so a
 * timeout or a cancel kills everything it started. Output is capped keeping the head and the tail.
 */
export async function runCommand(command: string, options: CommandOptions): Promise<CommandResult> {
  // The sandbox is known before the command starts (probed once, without blocking the event loop).
  await detectSandboxAsync();
  return startCommand(command, options);
}

function startCommand(command: string, options: CommandOptions): Promise<CommandResult> {
  const cap = options.capBytes ?? 16 * 1024;
  const started = Date.now();
  return new Promise((resolve) => {
    const head: Buffer[] = [];
    let headLen = 0;
    let tail = Buffer.alloc(0);
    let dropped = 0;
    const take = (chunk: Buffer): void => {
      if (headLen < cap) {
        const part = chunk.subarray(0, cap - headLen);
        head.push(part);
        headLen += part.length;
        chunk = chunk.subarray(part.length);
      }
      if (chunk.length === 0) return;
      const joined = Buffer.concat([tail, chunk]);
      if (joined.length > cap) {
        dropped += joined.length - cap;
        tail = joined.subarray(joined.length - cap);
      } else tail = joined;
    };
    let timedOut = false;
    let cancelled = false;
    // In the OS sandbox where there is one (commands/sandbox.ts); the caller asked the user first where there is none.
    const run = sandboxed('bash', ['-c', command], { root: options.cwd, network: options.network });
    const child = spawn(run.file, run.args, {
      cwd: options.cwd,
      env: scrubEnv(options.env ?? process.env, options.secrets),
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const killGroup = (): void => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // The group is already gone.
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, options.timeoutMs);
    const onAbort = (): void => {
      cancelled = true;
      killGroup();
    };
    if (options.signal?.aborted) onAbort();
    else options.signal?.addEventListener('abort', onAbort, { once: true });
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    const finish = (code: number | null, sig: string | null, extra = ''): void => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      // Children that outlive bash (background jobs) are killed with the group too.
      killGroup();
      const middle = dropped > 0 ? `\n… ${dropped} bytes of output omitted …\n` : '';
      const output = Buffer.concat(head).toString('utf8') + middle + tail.toString('utf8') + extra;
      resolve({ exitCode: code, signal: sig, timedOut, cancelled, output, truncatedBytes: dropped, durationMs: Date.now() - started });
    };
    child.on('error', (err) => finish(null, null, `\n${err.message}`));
    child.on('close', (code, sig) => finish(code, sig));
  });
}

/** True when the command is allowlisted: its text equals an entry or starts with it followed by a space, and has no shell operators. */
export function isAllowlisted(command: string, allowlist: readonly string[]): boolean {
  const c = command.trim();
  // Chaining, redirection or substitution could turn a read-only command into anything.
  if (/[;&|><`$(){}\n\\]/.test(c)) return false;
  return allowlist.some((entry) => {
    const e = entry.trim();
    return e !== '' && (c === e || c.startsWith(`${e} `));
  });
}
