import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeTempDir } from './temp-repo';

/** A web host started as its own process, the way a user starts it. */
export interface HostHandle {
  readonly url: string;
  readonly origin: string;
  readonly token: string;
  readonly port: number;
  readonly dataDir: string;
  readonly process: ChildProcess;
  stop(): Promise<void>;
}

const appRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * Starts `plumbline serve` on a free port with a temp data folder and resolves once it printed
 * its URL. The renderer and CLI bundles must be built (the e2e global setup does that once).
 */
export async function startHostProcess(opts: { folder?: string; env?: Record<string, string>; dataDir?: string; args?: string[] } = {}): Promise<HostHandle> {
  const dataDir = opts.dataDir ?? makeTempDir('plumbline-data-');
  const args = [join(appRoot, 'bin/plumbline.mjs'), 'serve', '--port', '0', '--data-dir', dataDir, ...(opts.args ?? [])];
  if (opts.folder) args.push(opts.folder);
  const child = spawn(process.execPath, args, {
    cwd: appRoot,
    env: { ...process.env, PLUMBLINE_VALIDATE_RESPONSES: '1', ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`web host did not start:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Plumbline is serving at (\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolveUrl(match[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (c: Buffer) => {
      output += c.toString();
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`web host exited with ${code}:\n${output}`));
    });
  });
  child.removeAllListeners('exit');
  const parsed = new URL(url);
  return {
    url,
    origin: parsed.origin,
    token: parsed.searchParams.get('token') ?? '',
    port: Number(parsed.port),
    dataDir,
    process: child,
    async stop() {
      if (child.exitCode !== null) return;
      await new Promise<void>((r) => {
        child.once('exit', () => r());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5000).unref();
      });
    },
  };
}
