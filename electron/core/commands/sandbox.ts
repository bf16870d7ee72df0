import { execFile, spawnSync } from 'node:child_process';
import { closeSync, constants, existsSync, lstatSync, mkdirSync, openSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * The OS sandbox every agent command and check command runs in.
 *
 *   Linux  — bubblewrap (`bwrap`, detected at run time): the whole file system read-only, the project
 *            writable except its `.git` and `.plumbline/evidence.jsonl` (created empty first when missing,
 *            so it is always bound read-only; its folder a mount point, so it cannot be moved aside), a
 *            private /tmp, the app-data
 *            folders hidden, a new PID namespace (the host's /proc invisible), no network unless allowed,
 *            its own session without a terminal (the runner's setsid), killed with its parent.
 *   macOS  — `sandbox-exec` with a profile of the same rules (writes only in the project and temp
 *            folders, never `.git` or the ledger; the app-data folders unreadable; no network unless allowed).
 *   else   — none: the caller says so and asks before every command.
 */
export type SandboxKind = 'bubblewrap' | 'sandbox-exec' | 'none';

/** What the host can offer, with a sentence the UI shows. */
export interface SandboxInfo {
  readonly kind: SandboxKind;
  readonly message: string;
}

/** What one sandboxed command may touch. */
export interface SandboxPolicy {
  /** The project folder (writable except its git data and the evidence ledger). */
  readonly root: string;
  /** Network access; off unless the user or the task allows it. */
  readonly network?: boolean;
}

const hidden = new Set<string>();

/** Registers a folder no command may see (each core's app-data folder, holding secrets and transcripts). */
export function hideFromCommands(dir: string): void {
  hidden.add(resolve(dir));
}

/** The folders hidden from commands: the registered ones and the platform's default app-data folder. */
export function hiddenFolders(): string[] {
  const defaults = process.platform === 'darwin' ? [join(homedir(), 'Library', 'Application Support', 'Plumbline')] : [join(process.env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'Plumbline')];
  return [...new Set([...hidden, ...defaults])];
}

let detected: SandboxInfo | null = null;
let detecting: Promise<SandboxInfo> | null = null;

/**
 * Finds the sandbox of this machine once (a tiny probe run for bubblewrap, since user namespaces may be off),
 * without blocking the event loop: the probe takes a few hundred milliseconds on a busy machine. Every command
 * runner awaits this before it starts a command; the core starts it when it is created.
 */
export function detectSandboxAsync(): Promise<SandboxInfo> {
  if (detected) return Promise.resolve(detected);
  if (detecting) return detecting;
  const started: Promise<SandboxInfo> = probe().then((info) => {
    // A reset meanwhile (tests) discards this result.
    if (detecting === started) detected ??= info;
    // A blocking probe (detectSandbox) that finished first decided: every caller gets that one answer.
    return detected ?? info;
  });
  detecting = started;
  return started;
}

/** The sandbox of this machine: the result of `detectSandboxAsync` when known, else a blocking probe. */
export function detectSandbox(): SandboxInfo {
  detected ??= probeNow();
  return detected;
}

/** Forgets the detection result (tests). */
export function resetSandboxDetection(): void {
  detected = null;
  detecting = null;
}

const BWRAP_CANDIDATES = ['/usr/bin/bwrap', '/bin/bwrap', '/usr/local/bin/bwrap'];
const PROBE_ARGS = ['--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc', '--unshare-pid', '--unshare-net', '--die-with-parent', '--new-session', '--', '/bin/true'];

/** Runs the bubblewrap probe: null when it started, else why it could not. */
function runProbeSync(file: string, args: readonly string[]): string | null {
  const r = spawnSync(file, args, { timeout: 10_000, stdio: 'pipe' });
  if (r.status === 0) return null;
  return (r.stderr?.toString() ?? '').trim().split('\n')[0] || r.error?.message || `exit ${r.status}`;
}

/** The same probe without blocking the event loop. */
function runProbeAsync(file: string, args: readonly string[]): Promise<string | null> {
  return new Promise((done) => {
    execFile(file, args, { timeout: 10_000 }, (error, _stdout, stderr) => {
      if (!error) return done(null);
      done(String(stderr ?? '').trim().split('\n')[0] || error.message || 'failed');
    });
  });
}

function probeNow(): SandboxInfo {
  const bwrap = process.env.PLUMBLINE_SANDBOX === 'none' || process.platform !== 'linux' ? null : findBwrap();
  return fromProbe(bwrap, (file) => runProbeSync(file, PROBE_ARGS));
}

async function probe(): Promise<SandboxInfo> {
  const bwrap = process.env.PLUMBLINE_SANDBOX === 'none' || process.platform !== 'linux' ? null : findBwrap();
  const failure = bwrap ? await runProbeAsync(bwrap, PROBE_ARGS) : null;
  return fromProbe(bwrap, () => failure);
}

function findBwrap(): string | null {
  return BWRAP_CANDIDATES.find((p) => existsSync(p)) ?? null;
}

/** What this machine offers, given the bubblewrap found (Linux) and the probe's failure (null: it started). */
function fromProbe(bwrap: string | null, failureOf: (bwrap: string) => string | null): SandboxInfo {
  if (process.env.PLUMBLINE_SANDBOX === 'none') return { kind: 'none', message: 'The command sandbox is turned off (PLUMBLINE_SANDBOX=none); every command asks for approval.' };
  if (process.platform === 'linux') {
    if (!bwrap) return { kind: 'none', message: 'No command sandbox: install bubblewrap (Debian/Ubuntu: apt install bubblewrap) so agent and check commands run confined. Until then every command asks for approval.' };
    const why = failureOf(bwrap);
    if (why !== null) {
      return { kind: 'none', message: `No command sandbox: bubblewrap is installed but cannot start here (${why}); unprivileged user namespaces may be turned off. Every command asks for approval.` };
    }
    bwrapPath = bwrap;
    return { kind: 'bubblewrap', message: 'Commands run in a bubblewrap sandbox: writes only inside the project (never .git or the evidence ledger), a private /tmp, no network unless Settings or the task allows it, app data hidden.' };
  }
  if (process.platform === 'darwin' && existsSync('/usr/bin/sandbox-exec')) {
    return { kind: 'sandbox-exec', message: 'Commands run under sandbox-exec: writes only inside the project and temp folders (never .git or the evidence ledger), no network unless Settings or the task allows it, app data hidden.' };
  }
  return { kind: 'none', message: `No command sandbox on ${process.platform}; every command asks for approval.` };
}

let bwrapPath = '/usr/bin/bwrap';

function real(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}

/** The git folders of a project that commands may read but not write (`.git` and what a `.git` file names). */
function gitPaths(root: string): string[] {
  const dotGit = join(root, '.git');
  if (!existsSync(dotGit)) return [];
  const out = [real(dotGit)];
  try {
    if (statSync(dotGit).isFile()) {
      // A linked worktree or submodule: its git dir (and the common dir it names) are guarded too.
      const m = /^gitdir:\s*(.+)$/m.exec(readFileSync(dotGit, 'utf8'));
      if (m) {
        const gitdir = resolve(root, m[1].trim());
        out.push(real(gitdir));
        const common = join(gitdir, 'commondir');
        if (existsSync(common)) out.push(real(resolve(gitdir, readFileSync(common, 'utf8').trim())));
      }
    }
  } catch {
    // An unreadable .git file: `.git` itself is still guarded.
  }
  return [...new Set(out)];
}

/** The evidence ledger inside a project (verify/ owns it; commands/ may not import verify/). */
const LEDGER = ['.plumbline', 'evidence.jsonl'] as const;

/**
 * Makes sure the project's evidence ledger exists (empty when new), so the sandbox can bind it
 * read-only: bubblewrap binds only what exists, and a ledger a command could create first is one
 * it could write. Never follows a symbolic link (`.plumbline` or the ledger itself) out of the
 * project. Returns the ledger's path, or null when it cannot be made (then the caller binds what exists).
 */
export function ensureLedgerFile(root: string): string | null {
  const dir = join(root, LEDGER[0]);
  const file = join(dir, LEDGER[1]);
  try {
    // Only inside an existing project: a missing project folder is never created here.
    try {
      mkdirSync(dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') return null;
    }
    if (!lstatSync(dir).isDirectory()) return null;
    closeSync(openSync(file, constants.O_WRONLY | constants.O_CREAT | constants.O_APPEND | constants.O_NOFOLLOW, 0o644));
    return file;
  } catch {
    return null;
  }
}

/**
 * How to start `shell args…` in the sandbox: the program and its arguments. With no sandbox the
 * command is returned unchanged (the caller has asked the user first).
 */
export function sandboxed(shell: string, args: readonly string[], policy: SandboxPolicy, info: SandboxInfo = detectSandbox()): { file: string; args: string[] } {
  if (info.kind === 'none') return { file: shell, args: [...args] };
  const root = real(policy.root);
  // The ledger is created first when missing, so it is always bound read-only (see ensureLedgerFile).
  const ledger = ensureLedgerFile(root);
  // Its folder is bound onto itself: a mount point cannot be renamed or removed, so a command cannot
  // move `.plumbline` aside and put a ledger of its own in its place (the folder stays writable).
  const ledgerDir = ledger ? join(root, LEDGER[0]) : null;
  const readOnly = [...gitPaths(root), join(root, ...LEDGER)].filter((p) => existsSync(p));
  const hide = hiddenFolders().map(real).filter((p) => existsSync(p) && statSync(p).isDirectory());
  if (info.kind === 'bubblewrap') {
    // Mounts apply in order: hidden folders first, then the project on top, so a project that lives
    // inside a hidden folder (the example copied into the app data) stays reachable, and the
    // read-only binds for .git and the ledger last of all.
    const out = ['--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc', '--tmpfs', '/tmp'];
    for (const p of hide) if (!isInside(p, root)) out.push('--tmpfs', p);
    out.push('--bind', root, root);
    if (ledgerDir) out.push('--bind', ledgerDir, ledgerDir);
    for (const p of readOnly) out.push('--ro-bind', p, p);
    out.push('--unshare-pid', '--unshare-ipc', '--unshare-uts', '--unshare-cgroup-try');
    if (!policy.network) out.push('--unshare-net');
    // No --new-session: the runner already starts bwrap in a new session without a controlling terminal
    // (detached spawn, setsid), and keeping the command in bwrap's process group lets a cancel or timeout
    // kill it even when bwrap is killed before --die-with-parent took effect.
    out.push('--die-with-parent', '--chdir', root, '--', shell, ...args);
    return { file: bwrapPath, args: out };
  }
  // sandbox-exec: SBPL profile; later rules win.
  const q = (p: string): string => JSON.stringify(p);
  const rules = [
    '(version 1)',
    '(allow default)',
    '(deny file-write*)',
    `(allow file-write* (subpath "/private/tmp") (subpath "/private/var/folders") (literal "/dev/null") (literal "/dev/tty"))`,
    ...hide.filter((p) => !isInside(p, root)).map((p) => `(deny file-read* file-write* (subpath ${q(p)}))`),
    // The project after the hidden folders (a project inside one stays reachable), its guarded parts last.
    `(allow file-read* file-write* (subpath ${q(root)}))`,
    ...readOnly.map((p) => `(deny file-write* (subpath ${q(p)}))`),
    // The ledger's folder itself may not be renamed or removed (its files stay writable).
    ...(ledgerDir ? [`(deny file-write* (literal ${q(ledgerDir)}))`] : []),
    ...(policy.network ? [] : ['(deny network-outbound (remote ip))', '(deny network-inbound (local ip))']),
  ];
  return { file: '/usr/bin/sandbox-exec', args: ['-p', rules.join('\n'), shell, ...args] };
}

function isInside(child: string, parent: string): boolean {
  return child === parent || child.startsWith(`${parent}/`);
}
