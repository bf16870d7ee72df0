// `npm start`: opens the Plumbline desktop app, or the web host where the desktop app cannot run.
//   1. makes sure Electron's binary is present, running electron's own install step on first use
//      (npm installs the electron package without running it; see allowScripts in package.json);
//   2. if the binary could not be fetched, or there is no display, says so in one paragraph and
//      starts the web host (`plumbline serve`) with the same arguments, which prints its URL;
//   3. otherwise builds what is stale (renderer, Electron bundles) and launches the app.
// `npm start -- --web` asks for the web host outright.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { appRoot, buildRenderer } from './build-lib.mjs';
import { buildElectron } from './build-electron.mjs';
import { chooseHost, fallbackMessage, FETCH_MESSAGE, shouldFetchBinary, splitStartArgs, summariseInstallError } from './start-decision.mjs';

const electronDir = join(appRoot, 'node_modules', 'electron');
/** The folder `npm start` was typed in (npm runs scripts from the package root). */
const userCwd = process.env.INIT_CWD || process.cwd();
const installTimeoutMs = Number(process.env.PLUMBLINE_ELECTRON_INSTALL_TIMEOUT_MS) || 5 * 60_000;

/** Path of the Electron executable if it is installed, else null (mirrors electron/index.js). */
function electronBinary() {
  try {
    const rel = readFileSync(join(electronDir, 'path.txt'), 'utf8').trim();
    const base = process.env.ELECTRON_OVERRIDE_DIST_PATH || join(electronDir, 'dist');
    const exe = join(base, rel);
    return existsSync(exe) ? exe : null;
  } catch {
    return null;
  }
}

/** Runs electron's own install step (the download it skipped at npm install); resolves to its error output or null. */
function runElectronInstall() {
  return new Promise((resolvePromise) => {
    if (!existsSync(join(electronDir, 'install.js'))) {
      resolvePromise('the electron package is not installed (run npm install)');
      return;
    }
    process.stderr.write(`${FETCH_MESSAGE}\n`);
    const child = spawn(process.execPath, [join(electronDir, 'install.js')], { cwd: electronDir, stdio: ['ignore', 'inherit', 'pipe'] });
    let stderr = '';
    let timedOut = false;
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill();
    }, installTimeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      resolvePromise(error.message);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (timedOut) resolvePromise(`the download did not finish within ${Math.round(installTimeoutMs / 1000)} s`);
      else resolvePromise(code === 0 ? null : summariseInstallError(stderr));
    });
  });
}

/** Runs a child with our terminal, passing Ctrl+C and termination on; resolves to its exit code. */
function runChild(command, args, options) {
  return new Promise((resolvePromise) => {
    const child = spawn(command, args, { stdio: 'inherit', ...options });
    const forward = (signal) => child.kill(signal);
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    child.on('error', (error) => {
      console.error(`Could not start ${command}: ${error.message}`);
      resolvePromise(1);
    });
    child.on('exit', (code, signal) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      resolvePromise(code ?? (signal ? 1 : 0));
    });
  });
}

const args = splitStartArgs(process.argv.slice(2));
let binary = args.forceWeb ? null : electronBinary();
let installError = '';
if (shouldFetchBinary({ forceWeb: args.forceWeb, platform: process.platform, env: process.env, binaryPresent: Boolean(binary) })) {
  installError = (await runElectronInstall()) ?? '';
  binary = electronBinary();
  if (!binary && !installError) installError = 'the install step finished but left no binary';
} else if (!args.forceWeb && !binary && process.env.ELECTRON_SKIP_BINARY_DOWNLOAD) {
  installError = 'ELECTRON_SKIP_BINARY_DOWNLOAD is set, so it was not downloaded';
}
const decision = chooseHost({ forceWeb: args.forceWeb, platform: process.platform, env: process.env, binary: binary ? 'present' : 'missing' });

if (decision.host === 'web') {
  process.stderr.write(`\n${fallbackMessage(decision, installError)}\n\n`);
  process.exitCode = await runChild(process.execPath, [join(appRoot, 'bin', 'plumbline.mjs'), 'serve', ...args.passthrough], { cwd: userCwd });
} else {
  try {
    await buildRenderer();
    await buildElectron();
  } catch (error) {
    console.error(`Plumbline could not be built: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
  const folder = args.folder ? (isAbsolute(args.folder) ? args.folder : resolve(userCwd, args.folder)) : null;
  const env = { ...process.env };
  // Set by some tools; it would make the binary behave as plain Node instead of opening the app.
  delete env.ELECTRON_RUN_AS_NODE;
  process.exitCode = await runChild(binary, [appRoot, ...(folder ? [folder] : [])], { cwd: appRoot, env });
}
