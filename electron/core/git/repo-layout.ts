/**
 * Where a repository's git data lives and how to read its small plain-text files (HEAD, refs, config).
 *
 *   resolveLayout(dir, gitdir?) → RepoLayout   — follows a `.git` file (submodules, worktrees) and `commondir`
 *   readConfig(layout) → GitConfig              — the few core.* keys the read side needs
 *   readHead(layout) → HeadState                — branch / detached / unborn, with the resolved oid
 *   resolveRef(layout, ref) → oid | null        — full names, short branch/tag names, HEAD, or a full oid
 *
 * Everything here is synchronous and stateless so it can run in a worker thread.
 */
import { readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';

/** The folders of one repository: work tree, its private git dir and the shared (common) git dir. */
export interface RepoLayout {
  readonly dir: string;
  readonly gitdir: string;
  readonly commondir: string;
}

/** The core.* settings the status engine honours. */
export interface GitConfig {
  readonly fileMode: boolean;
  readonly symlinks: boolean;
  readonly ignoreCase: boolean;
  readonly autocrlf: 'true' | 'input' | 'false';
  readonly excludesFile: string | null;
  /** `core.attributesFile` as written (a global attributes file); null when not set. */
  readonly attributesFile: string | null;
  readonly trustCtime: boolean;
}

/** What HEAD points at. */
export interface HeadState {
  readonly oid: string | null;
  readonly branch: string | null;
  readonly detached: boolean;
  readonly unborn: boolean;
}

const OID_RE = /^[0-9a-f]{40}$/;

/** What a read of a SHA-256 repository says (object names of 64 hex digits). */
const SHA256_UNREAD = 'This repository uses SHA-256 object names, which Plumbline cannot read yet for history and diffs. Use git in a terminal for them.';

/** Finds the git dir of a work tree; throws a clear Error when the folder is not a repository. */
export function resolveLayout(dir: string, gitdir?: string): RepoLayout {
  const root = resolve(dir);
  let gd = gitdir ? resolve(gitdir) : join(root, '.git');
  let st;
  try {
    st = statSync(gd);
  } catch {
    throw new Error(`${root} is not a git repository (no .git found). Initialise git in this folder first.`);
  }
  if (st.isFile()) {
    // A `.git` file ("gitdir: <path>") is what submodules and linked worktrees use.
    const text = readFileSync(gd, 'utf8').trim();
    const m = /^gitdir:\s*(.+)$/m.exec(text);
    if (!m) throw new Error(`${gd} is not a valid .git file (expected "gitdir: <path>").`);
    gd = isAbsolute(m[1]) ? m[1] : resolve(root, m[1]);
  }
  let commondir = gd;
  try {
    const c = readFileSync(join(gd, 'commondir'), 'utf8').trim();
    if (c) commondir = isAbsolute(c) ? c : resolve(gd, c);
  } catch {}
  return { dir: root, gitdir: gd, commondir };
}

/** Parses git's INI-like config into `section[.subsection].key` → last value (keys lower-cased). */
export function parseConfig(text: string): Map<string, string> {
  const out = new Map<string, string>();
  let section = '';
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    const sec = /^\[\s*([A-Za-z0-9.-]+)(?:\s+"((?:[^"\\]|\\.)*)")?\s*\]/.exec(line);
    if (sec) {
      section = sec[1].toLowerCase() + (sec[2] !== undefined ? `.${sec[2].replace(/\\(.)/g, '$1')}` : '');
      continue;
    }
    const kv = /^([A-Za-z][A-Za-z0-9-]*)\s*(?:=\s*(.*))?$/.exec(line);
    if (!kv || !section) continue;
    let value = kv[2] === undefined ? 'true' : kv[2];
    // Strip a trailing comment outside quotes, then the quotes.
    value = value.replace(/\s+[#;].*$/, '').trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1).replace(/\\(.)/g, '$1');
    out.set(`${section}.${kv[1].toLowerCase()}`, value);
  }
  return out;
}

/** A git boolean config value (`true`/`yes`/`on`/`1`, `false`/`no`/`off`/`0`/empty), or `dflt`. */
export function bool(v: string | undefined, dflt: boolean): boolean {
  if (v === undefined) return dflt;
  const s = v.toLowerCase();
  if (s === 'true' || s === 'yes' || s === 'on' || s === '1') return true;
  if (s === 'false' || s === 'no' || s === 'off' || s === '0' || s === '') return false;
  return dflt;
}

/** Reads the repository config (the repository's own file only; global excludes are found by convention). */
export function readConfig(layout: RepoLayout): GitConfig {
  const map = readConfigMap(layout);
  const ac = (map.get('core.autocrlf') ?? 'false').toLowerCase();
  return {
    fileMode: bool(map.get('core.filemode'), true),
    symlinks: bool(map.get('core.symlinks'), true),
    ignoreCase: bool(map.get('core.ignorecase'), false),
    autocrlf: ac === 'input' ? 'input' : bool(ac, false) ? 'true' : 'false',
    excludesFile: map.get('core.excludesfile') ?? null,
    attributesFile: map.get('core.attributesfile') ?? null,
    trustCtime: bool(map.get('core.trustctime'), true),
  };
}

/** Every config key (`section[.subsection].key`, lower-cased) of the system, global and repository files, merged. */
export function readConfigMap(layout: RepoLayout): Map<string, string> {
  // System, then global, then the repository's own file: later files override earlier ones, as in git.
  const home = process.env.HOME ?? '';
  const xdg = process.env.XDG_CONFIG_HOME || (home ? join(home, '.config') : '');
  const files = [
    process.env.GIT_CONFIG_NOSYSTEM ? '' : '/etc/gitconfig',
    xdg ? join(xdg, 'git', 'config') : '',
    home ? join(home, '.gitconfig') : '',
    join(layout.commondir, 'config'),
  ];
  const map = new Map<string, string>();
  for (const f of files) {
    const text = f ? readText(f) : null;
    if (text !== null) for (const [k, v] of parseConfig(text)) map.set(k, v);
  }
  return map;
}

function readText(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

function packedRefs(layout: RepoLayout): Map<string, string> {
  const out = new Map<string, string>();
  const text = readText(join(layout.commondir, 'packed-refs'));
  if (!text) return out;
  for (const line of text.split('\n')) {
    if (!line || line[0] === '#' || line[0] === '^') continue;
    const sp = line.indexOf(' ');
    if (sp === 40) out.set(line.slice(41).trim(), line.slice(0, 40));
  }
  return out;
}

/** Reads one full ref name (following symbolic refs) to an oid, or null when it does not exist. */
export function readRef(layout: RepoLayout, name: string, depth = 0): string | null {
  if (depth > 5) throw new Error(`The ref ${name} is a loop of symbolic refs. Repair it with git.`);
  // Per-worktree refs (HEAD) live in gitdir; shared refs in commondir.
  const base = name === 'HEAD' || !name.startsWith('refs/') ? layout.gitdir : layout.commondir;
  const text = readText(join(base, name));
  if (text !== null) {
    const t = text.trim();
    if (t.startsWith('ref:')) return readRef(layout, t.slice(4).trim(), depth + 1);
    if (OID_RE.test(t)) return t;
    if (/^[0-9a-f]{64}$/.test(t)) throw new Error(SHA256_UNREAD);
    throw new Error(`The ref ${name} is corrupt (its file holds neither an object id nor "ref: …"). Repair it with git.`);
  }
  return packedRefs(layout).get(name) ?? null;
}

/** Reads HEAD: the current branch (or detached oid) and whether the branch has no commit yet. */
export function readHead(layout: RepoLayout): HeadState {
  const text = readText(join(layout.gitdir, 'HEAD'));
  if (text === null) throw new Error(`The repository at ${layout.dir} has no HEAD file; it is corrupt. Repair it with git.`);
  const t = text.trim();
  if (t.startsWith('ref:')) {
    const ref = t.slice(4).trim();
    if (!ref.startsWith('refs/')) throw new Error(`HEAD points at "${ref}", which is not a ref; the repository is corrupt. Repair it with git.`);
    const oid = readRef(layout, ref);
    const branch = ref.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : ref;
    return { oid, branch, detached: false, unborn: oid === null };
  }
  if (OID_RE.test(t)) return { oid: t, branch: null, detached: true, unborn: false };
  if (/^[0-9a-f]{64}$/.test(t)) throw new Error(SHA256_UNREAD);
  throw new Error(`HEAD is unreadable (it holds "${t.slice(0, 60)}"); the repository is corrupt. Repair it with git.`);
}

/** Resolves HEAD, a full ref, a short branch/tag/remote name or a full oid to a commit-ish oid. */
export function resolveRef(layout: RepoLayout, ref: string): string | null {
  if (OID_RE.test(ref)) return ref;
  if (ref === 'HEAD') return readHead(layout).oid;
  const direct = ref.startsWith('refs/') ? [ref] : [];
  for (const cand of [...direct, `refs/${ref}`, `refs/tags/${ref}`, `refs/heads/${ref}`, `refs/remotes/${ref}`, `refs/remotes/${ref}/HEAD`]) {
    const oid = readRef(layout, cand);
    if (oid) return oid;
  }
  return null;
}
