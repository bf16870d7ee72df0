// Pure parts of `npm start` (scripts/start.mjs), kept apart so unit tests can exercise them:
// reading its arguments, choosing the desktop app or the web host, and the words said on fallback.

/** Options of the web host that take a value; their values are not folder arguments. */
const VALUE_FLAGS = new Set(['--port', '--token', '--token-file', '--data-dir', '--root']);

/**
 * Splits `npm start -- [--web] [web host options] [FOLDER]`: `--web` asks for the web host
 * outright and is not passed on; everything else is passed to the web host unchanged; the folder
 * (the first positional) is what the desktop app is given.
 */
export function splitStartArgs(argv) {
  let forceWeb = false;
  let folder = null;
  const passthrough = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--web') {
      forceWeb = true;
      continue;
    }
    passthrough.push(arg);
    if (VALUE_FLAGS.has(arg)) {
      if (i + 1 < argv.length) passthrough.push(argv[++i]);
      continue;
    }
    if (!arg.startsWith('-') && folder === null) folder = arg;
  }
  return { forceWeb, folder, passthrough };
}

/** True when a desktop window can be shown: always on macOS and Windows; on Linux with X11 or Wayland. */
export function hasDisplay(platform, env) {
  if (platform !== 'linux' && platform !== 'freebsd' && platform !== 'openbsd') return true;
  return Boolean(env.DISPLAY || env.WAYLAND_DISPLAY);
}

/**
 * Decides which host `npm start` runs. `binary` is 'present', or 'missing' after electron's own
 * install step failed (with `detail` saying why). Returns `{ host: 'desktop' }` or
 * `{ host: 'web', reason }` with reason 'requested' | 'no-display' | 'no-binary'.
 */
export function chooseHost({ forceWeb, platform, env, binary }) {
  if (forceWeb) return { host: 'web', reason: 'requested' };
  if (!hasDisplay(platform, env)) return { host: 'web', reason: 'no-display' };
  if (binary !== 'present') return { host: 'web', reason: 'no-binary' };
  return { host: 'desktop' };
}

/**
 * Whether `npm start` runs Electron's download step: only when the binary is missing and the
 * desktop app could open here (not with --web, not without a display, not when the user
 * turned the download off with ELECTRON_SKIP_BINARY_DOWNLOAD).
 */
export function shouldFetchBinary({ forceWeb, platform, env, binaryPresent }) {
  if (forceWeb || binaryPresent) return false;
  if (!hasDisplay(platform, env)) return false;
  return !env.ELECTRON_SKIP_BINARY_DOWNLOAD;
}

/** Printed right before the download step runs (and only then). */
export const FETCH_MESSAGE = 'Fetching the Electron desktop binary (it is not installed yet)…';

/** Reduces an install step's error output to its one telling line. */
export function summariseInstallError(output) {
  const lines = String(output ?? '')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
  const telling = lines.find((l) => /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|certificate|HTTPError|Response code|status code|checksum/i.test(l));
  const pick = telling ?? lines.find((l) => /error/i.test(l)) ?? lines[0];
  if (!pick) return 'the download step ended without saying why';
  return pick.replace(/^(Error|RequestError|HTTPError):\s*/, '').slice(0, 200);
}

/** The words `npm start` prints before starting the web host instead of the desktop app. */
export function fallbackMessage(decision, detail) {
  switch (decision.reason) {
    case 'requested':
      return 'Starting the Plumbline web host (--web). Open the URL it prints in a browser.';
    case 'no-display':
      return (
        'No display was found (DISPLAY and WAYLAND_DISPLAY are not set), so the Plumbline desktop window cannot open here; ' +
        'starting the web host instead. Open the URL it prints in a browser (or run `xvfb-run npm start` for the desktop app).'
      );
    case 'no-binary':
      return (
        `Plumbline could not fetch the Electron desktop binary (${detail || 'unknown reason'}). ` +
        'The electron npm package is installed without it, and its first-start download comes from GitHub ' +
        '(or ELECTRON_MIRROR), which this machine cannot reach. Starting the web host instead: everything works the same ' +
        'in a browser, so open the URL it prints below. To get the desktop app, run `npm start` again once github.com ' +
        '(or a mirror set in ELECTRON_MIRROR) is reachable.'
      );
    default:
      throw new Error(`Unexpected fallback reason: ${decision.reason}`);
  }
}
