import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { runExportCommand } from '../core/export/export-command';
import { runVerifyCommand } from '../core/verify/verify-command';
import { defaultDataDir } from './app-paths';
import { readOrCreateTokenFile } from './token-file';
import { startWebHost } from './web-host';

/** Where the package lives: this file is bundled to dist/node/cli.mjs. */
const appRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

const USAGE = `Usage: plumbline <command> [options]

Commands:
  serve [FOLDER]     Serve the workspace in a browser on 127.0.0.1
      --port N         port to listen on (default 7420; 0 = any free port)
      --token-file FILE
                       read the access token from FILE; a missing FILE is created
                       with a random token (mode 0600), so a restart keeps the token
      --token T        access token (default: a random one; prefer --token-file,
                       which keeps the token off the command line)
      --data-dir DIR   app data folder (default: the platform's app-data folder)
      --root DIR       folder the in-app folder picker may browse (repeatable;
                       default: FOLDER's parent and your home folder)
  export [FOLDER]    Export the spec and decision log as one document
      --format md|html|pdf   (required)
      --out FILE             write here instead of standard output / a default name
      --with-tasks           include the task list
      --with-evidence        include the evidence ledger and calibration
  verify [FOLDER]    Run every acceptance check, decision confirmation and the test
                     command; append evidence; exit 1 when anything fails
      --task T-n             only that task's checks
      --json                 machine-readable result
      --no-tests             skip the project's test command
      --timeout SECONDS      per check
      --data-dir DIR         where full outputs go
  help               Show this text
`;

function version(): string {
  try {
    return (JSON.parse(readFileSync(join(appRoot, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}

async function serve(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      port: { type: 'string' },
      token: { type: 'string' },
      'token-file': { type: 'string' },
      'data-dir': { type: 'string' },
      root: { type: 'string', multiple: true },
    },
  });
  const port = values.port === undefined ? 7420 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`--port must be a number between 0 and 65535 (got ${values.port}).`);
    return 2;
  }
  if (positionals.length > 1) {
    console.error('serve takes at most one FOLDER.');
    return 2;
  }
  if (values.token !== undefined && values['token-file'] !== undefined) {
    console.error('Give either --token or --token-file, not both.');
    return 2;
  }
  const token = values['token-file'] !== undefined ? await readOrCreateTokenFile(resolve(values['token-file'])) : values.token;
  const host = await startWebHost({
    port,
    token,
    dataDir: resolve(values['data-dir'] ?? defaultDataDir()),
    folder: positionals[0],
    roots: values.root,
    rendererDir: join(appRoot, 'dist', 'renderer'),
    resourcesDir: join(appRoot, 'resources'),
    statusWorkerPath: join(appRoot, 'dist', 'node', 'status-worker.mjs'),
    importWorkerPath: join(appRoot, 'dist', 'node', 'import-worker.mjs'),
    version: version(),
    validateResponses: process.env.PLUMBLINE_VALIDATE_RESPONSES === '1',
  });
  console.log(`Plumbline is serving at ${host.url}`);
  const stop = async () => {
    await host.close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  return new Promise<number>(() => undefined);
}

/** Runs the `plumbline` command line; resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'serve':
        return await serve(rest);
      case 'export':
        return await runExportCommand(rest);
      case 'verify':
        return await runVerifyCommand(rest);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        console.log(USAGE);
        return 0;
      default:
        console.error(`Unknown command "${command}".\n\n${USAGE}`);
        return 2;
    }
  } catch (error) {
    console.error(`plumbline ${command}: ${(error as Error).message}`);
    return 1;
  }
}
