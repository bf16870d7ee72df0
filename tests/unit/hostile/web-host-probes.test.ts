import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { TranscriptEvent } from '../../../shared/contract';
import { detectSandbox } from '../../../electron/core/commands/sandbox';
import { streamReply } from '../../helpers/mock-messages-api';
import { git, makeTempDir } from '../../helpers/temp-repo';
import { startHarness, STORED_KEY, toolResults, type Harness, type HarnessOptions } from './web-host-harness';

/**
 * The hostile suite through the web host: every probe is an HTTP RPC as the page sends it (token,
 * Origin) or a tool call of a building run that the scripted model endpoint drives. One block per
 * item of the security work: (1) commands see no secret, (2) nothing writes into .git, (3) no
 * content through a symbolic link, (4) model and file input cannot block the host, (5) every fault
 * is a typed error and loses nothing. docs/security.md lists each probe with the guard it checks.
 */

const bwrap = detectSandbox().kind === 'bubblewrap';
const SECRET = 'PRIVATE-KEY-MATERIAL-WEB-HOST-0123456789';

const harnesses: Harness[] = [];
const cleanups: Array<() => void> = [];
afterEach(async () => {
  for (const h of harnesses.splice(0)) await h.close();
  for (const c of cleanups.splice(0).reverse()) c();
});

async function harness(options: HarnessOptions): Promise<Harness> {
  const h = await startHarness(options);
  harnesses.push(h);
  return h;
}

/** A file outside every project, standing in for `~/.ssh/id_ed25519`. */
function secretOutside(): string {
  const home = makeTempDir('plumbline-home-');
  writeFileSync(join(home, 'id_ed25519'), `-----BEGIN OPENSSH PRIVATE KEY-----\n${SECRET}\n`);
  return join(home, 'id_ed25519');
}

const bash = (id: string, command: string) => streamReply([{ type: 'tool_use', id, name: 'bash', input: { command } }]);
const done = () => streamReply([{ type: 'text', text: 'Done.' }]);

/** Waits for the next `verify.didFinish` after `from` (an index into the host's events). */
async function verifyFinished(h: Harness, from: number): Promise<void> {
  await expect.poll(() => h.busEvents.slice(from).includes('verify.didFinish'), { timeout: 60_000, interval: 50 }).toBe(true);
}

describe.skipIf(!bwrap)('item 1: no secret reaches a command (bash tool, served check, verify.run)', () => {
  const ENV_KEY = 'sk-ant-api03-HOSTILE-ENV-KEY-0123456789';
  const TOKEN = 'hostile-web-token-0123456789abcdef';
  let saved: string | undefined;
  let stand: ChildProcess | undefined;

  afterEach(() => {
    stand?.kill('SIGKILL');
    if (saved === undefined) delete process.env.ANTHROPIC_API_KEY;
    else process.env.ANTHROPIC_API_KEY = saved;
  });

  it('/proc/$PPID/environ, /proc/1/environ, every /proc/*/environ and cmdline, the app data: no key, no token anywhere', async () => {
    // The in-process host's command line is vitest's, so a process started the way a careless user
    // starts the host (`ANTHROPIC_API_KEY=… plumbline serve --token …`) stands in for it: the probes
    // must not see its environment or its command line.
    stand = spawn(process.execPath, ['-e', 'setInterval(() => undefined, 1 << 30)', '--', 'serve', '--token', TOKEN], { env: { ...process.env, ANTHROPIC_API_KEY: ENV_KEY }, stdio: 'ignore' });
    await expect.poll(() => existsSync(`/proc/${stand!.pid}/cmdline`) && readFileSync(`/proc/${stand!.pid}/cmdline`, 'utf8').includes(TOKEN)).toBe(true);
    // Outside the sandbox the probe would find both: they are there to be found.
    expect(readFileSync(`/proc/${stand.pid}/environ`, 'utf8')).toContain(ENV_KEY);
    saved = process.env.ANTHROPIC_API_KEY;
    process.env.ANTHROPIC_API_KEY = ENV_KEY;

    // Outside /tmp, which the sandbox replaces with its own: only the app-data guard can hide it.
    const dataDir = mkdtempSync(join(existsSync('/var/tmp') ? '/var/tmp' : tmpdir(), 'plumbline-data-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const wanted = '-e key -e token -e sk-ant';
    const probe = [
      `echo PARENT; tr '\\0' '\\n' < /proc/$PPID/environ | grep -a -i ${wanted}`,
      `echo INIT; tr '\\0' '\\n' < /proc/1/environ | grep -a -i ${wanted}`,
      `echo ENVIRON; for p in /proc/[0-9]*; do tr '\\0' '\\n' < $p/environ; done 2>/dev/null | grep -a -i ${wanted}`,
      `echo CMDLINES; for p in /proc/[0-9]*; do tr '\\0' ' ' < $p/cmdline; echo; done 2>/dev/null | grep -a -i ${wanted}`,
      `echo OWN-ENV; env | grep -a -i ${wanted}`,
      `echo APPDATA; grep -r -a -h -o 'sk-ant[A-Za-z0-9-]*' ${dataDir} 2>/dev/null`,
      'echo PROBE-DONE',
    ].join('\n');
    const h = await harness({
      dataDir,
      token: TOKEN,
      files: {
        'probe.sh': `${probe}\n`,
        '.plumbline/spec.md': '# Spec\n\n## Acceptance checks\n\n- AC-1: leaks nothing `sh probe.sh`\n',
        '.plumbline/tasks.md': '# Tasks\n\n## T-1: Probe\n\n- serves: AC-1\n- status: todo\n',
      },
    });
    const secrets = [ENV_KEY, STORED_KEY, TOKEN];
    const noSecret = (what: string, text: string) => expect.soft(secrets.filter((s) => text.includes(s)), `secrets in ${what}`).toEqual([]);

    h.api.enqueue(bash('tu_probe', probe), done());
    const events = await h.runTask('T-1');
    const result = toolResults(events).get('tu_probe');
    expect(result?.output).toContain('PROBE-DONE');
    noSecret('the tool result', result?.output ?? '');
    noSecret('the transcript', JSON.stringify(events));
    const bodies = h.api.messageRequests().map((q) => JSON.stringify(q.body));
    // The request after the command carries its output to the model.
    expect(bodies.some((b) => b.includes('PROBE-DONE'))).toBe(true);
    for (const b of bodies) noSecret('a model request', b);

    // The served check ran at the run's start and after it; verify.run over HTTP runs it once more.
    const from = h.busEvents.length;
    await h.rpc('verify.run', { root: h.root, include: ['acceptance'] });
    await verifyFinished(h, from);
    const ledger = readFileSync(join(h.root, '.plumbline/evidence.jsonl'), 'utf8');
    // The excerpt of the check's output is in the ledger, without a secret.
    expect(ledger).toContain('PROBE-DONE');
    noSecret('evidence.jsonl', ledger);
  });
});

describe('item 2: files.write over HTTP never writes into .git', () => {
  it('refuses .git/hooks/pre-commit, .git/config, a symlink to .git and a linked worktree’s git dir; nothing is written', async () => {
    const h = await harness({ files: { 'a.txt': 'a\n' } });
    const wt = join(h.root, 'wt');
    git(h.root, 'worktree', 'add', '-q', wt);
    symlinkSync('.git', join(h.root, 'innocent'));
    // A link inside the project to the linked worktree's git dir (.git/worktrees/wt).
    symlinkSync('.git/worktrees/wt', join(h.root, 'wt-gitdir'));
    const before = new Map(['.git/config', '.git/worktrees/wt/HEAD', 'wt/.git'].map((p) => [p, readFileSync(join(h.root, p))]));
    const write = (root: string, path: string) => h.call('files.write', { root, path, content: '[core]\n\tfsmonitor = touch /tmp/pwned\n', expectedHash: null, overwrite: true });
    for (const path of ['.git/hooks/pre-commit', '.git/config', 'innocent/config', 'innocent/hooks/post-checkout', 'wt-gitdir/HEAD', 'wt-gitdir/hooks/pre-commit', 'wt/.git']) {
      expect.soft(await write(h.root, path), path).toMatchObject({ status: 400, error: { code: 'FORBIDDEN', message: expect.stringMatching(/\.git folder.*Choose a path outside \.git/) } });
    }
    // The linked worktree opened as a project: its .git file and, through a link, its git dir.
    await h.rpc('project.open', { path: wt });
    symlinkSync(join(h.root, '.git/worktrees/wt'), join(wt, 'gitdir-link'));
    for (const path of ['.git', 'gitdir-link/HEAD']) {
      expect.soft(await write(wt, path), `worktree ${path}`).toMatchObject({ status: 400, error: { code: 'FORBIDDEN' } });
    }
    for (const [p, bytes] of before) expect.soft(Buffer.compare(readFileSync(join(h.root, p)), bytes), p).toBe(0);
    expect.soft(existsSync(join(h.root, '.git/hooks/pre-commit'))).toBe(false);
    expect.soft(existsSync(join(h.root, '.git/hooks/post-checkout'))).toBe(false);
    expect.soft(existsSync(join(h.root, '.git/worktrees/wt/hooks'))).toBe(false);
    // Elsewhere the same call writes.
    expect(await write(h.root, 'ok.txt')).toMatchObject({ status: 200 });
  });
});

describe('item 3: no project content through a symbolic link, no folder outside --root', () => {
  it('AGENTS.md linked outside: not read, not in spec.snapshot, not in the run’s first model request', async () => {
    const secret = secretOutside();
    const h = await harness({
      files: {
        'CLAUDE.md': 'MEMORY-INSIDE: use tabs.\n',
        '.plumbline/spec.md': '# Spec\n\n## Acceptance checks\n\n- AC-1: greets\n',
        '.plumbline/tasks.md': '# Tasks\n\n## T-1: Greet\n\n- serves: AC-1\n- status: todo\n',
      },
      prepare: (root) => symlinkSync(secret, join(root, 'AGENTS.md')),
    });
    expect.soft(await h.call('files.read', { root: h.root, path: 'AGENTS.md' })).toMatchObject({ status: 400, error: { code: 'FORBIDDEN' } });
    const snap = await h.call('spec.snapshot', { root: h.root });
    expect(snap.status).toBe(200);
    expect.soft(JSON.stringify(snap)).not.toContain(SECRET);
    h.api.enqueue(done());
    await h.runTask('T-1');
    const first = JSON.stringify(h.api.messageRequests()[0]?.body);
    // The memory inside the project is sent (so the link's absence is the guard, not a missing feature).
    expect(first).toContain('MEMORY-INSIDE');
    expect.soft(first).not.toContain(SECRET);
    expect.soft(JSON.stringify(h.api.messageRequests().map((q) => q.body))).not.toContain(SECRET);
  });

  it('.plumbline/spec.md linked outside: files.read and spec.snapshot refuse it, a run sends nothing of it', async () => {
    const secret = secretOutside();
    const h = await harness({
      files: { '.plumbline/tasks.md': '# Tasks\n\n## T-1: Greet\n\n- status: todo\n' },
      prepare: (root) => symlinkSync(secret, join(root, '.plumbline/spec.md')),
    });
    expect.soft(await h.call('files.read', { root: h.root, path: '.plumbline/spec.md' })).toMatchObject({ status: 400, error: { code: 'FORBIDDEN' } });
    const snap = await h.call('spec.snapshot', { root: h.root });
    expect.soft(snap).toMatchObject({ status: 400, error: { code: 'FORBIDDEN', message: expect.stringMatching(/spec\.md .*outside the project.*Replace the link/) } });
    expect.soft(JSON.stringify(snap)).not.toContain(SECRET);
    // A run of the task is refused or runs without it; either way the model never gets the file.
    h.api.enqueue(done());
    const start = await h.call<{ runId: string }>('agent.start', { root: h.root, taskId: 'T-1' });
    if (start.result) await expect.poll(async () => (await h.transcript(start.result!.runId)).some((e) => e.type === 'end'), { timeout: 60_000 }).toBe(true);
    expect.soft(JSON.stringify(h.api.messageRequests().map((q) => q.body))).not.toContain(SECRET);
  });

  it('project.open of /etc and of a link out of the root, fs.browse through a link: refused over HTTP', async () => {
    const away = makeTempDir('plumbline-away-');
    const h = await harness({
      files: { 'a.txt': 'a\n' },
      prepare: (root) => {
        mkdirSync(join(root, 'inside'));
        symlinkSync('/etc', join(root, 'etc-link'));
        symlinkSync(away, join(root, 'away'));
      },
    });
    for (const path of ['/etc', '/', join(h.root, 'etc-link'), join(h.root, 'away')]) {
      expect.soft(await h.call('project.open', { path }), path).toMatchObject({ status: 400, error: { code: 'FORBIDDEN', message: expect.stringMatching(/outside the folders this host serves.*--root/) } });
    }
    expect.soft(await h.call('files.read', { root: '/etc', path: 'passwd' })).toMatchObject({ status: 400, error: { code: expect.not.stringMatching(/^INTERNAL$/) } });
    for (const dir of [join(h.root, 'etc-link'), join(h.root, 'away'), '/etc']) {
      expect.soft(await h.call('fs.browse', { dir }), dir).toMatchObject({ status: 400, error: { code: 'FORBIDDEN' } });
    }
    // Inside the root both still work.
    expect(await h.call('project.open', { path: join(h.root, 'inside') })).toMatchObject({ status: 200 });
    expect(await h.call('fs.browse', { dir: h.root })).toMatchObject({ status: 200 });
  });
});

describe('item 4: model and file input never block the host', () => {
  it('a run’s grep with ^(a+)+$ on a long line: app.info answers before the grep result arrives', async () => {
    const h = await harness({
      files: {
        'evil.txt': `${'a'.repeat(40)}!\n`,
        '.plumbline/spec.md': '# Spec\n\n## Acceptance checks\n\n- AC-1: greets\n',
        '.plumbline/tasks.md': '# Tasks\n\n## T-1: Greet\n\n- serves: AC-1\n- status: todo\n',
      },
    });
    const order: string[] = [];
    let asked: Promise<unknown> | undefined;
    h.host.core.bus.subscribe((e) => {
      if (e.event !== 'agent.didAppend') return;
      const ev = (e.payload as { event: TranscriptEvent }).event;
      // As soon as the run has the grep call, another client asks the host something.
      if (ev.type === 'assistant' && ev.content.some((b) => b.type === 'tool_use' && b.id === 'tu_grep')) {
        asked ??= h.rpc('app.info', {}).then(
          () => void order.push('app.info'),
          (error: Error) => void order.push(`app.info failed: ${error.message}`),
        );
      }
      if (ev.type === 'tool_result' && ev.toolUseId === 'tu_grep') order.push('grep result');
    });
    h.api.enqueue(streamReply([{ type: 'tool_use', id: 'tu_grep', name: 'grep', input: { pattern: '^(a+)+$' } }]), done());
    const events = await h.runTask('T-1');
    await asked;
    expect.soft(order).toEqual(['app.info', 'grep result']);
    // Stopped at the budget: a pattern run on the event loop could not be stopped mid-match.
    expect.soft(toolResults(events).get('tu_grep')).toMatchObject({ isError: true, output: expect.stringMatching(/longer than 5 s and was stopped\. Simplify it/) });
  });

  it.each([6_000, 24_000])('a %i-line file with every line changed saves over files.write, the bytes on disk exactly what was sent', async (lines) => {
    const h = await harness({ files: { 'big.txt': Array.from({ length: lines }, (_, i) => `old line ${i} ${'x'.repeat(i % 40)}`).join('\n') + '\n' } });
    const read = await h.rpc<{ hash: string }>('files.read', { root: h.root, path: 'big.txt' });
    const content = Array.from({ length: lines }, (_, i) => `new ${i}: ${'y'.repeat((i * 7) % 50)}`).join('\n') + '\n';
    const [saved, info] = await Promise.all([h.call('files.write', { root: h.root, path: 'big.txt', content, expectedHash: read.hash }), h.call('app.info', {})]);
    expect(info.status).toBe(200);
    expect(saved).toMatchObject({ status: 200 });
    expect(readFileSync(join(h.root, 'big.txt')).equals(Buffer.from(content, 'utf8'))).toBe(true);
  });
});

/** True when this process may mount (root with CAP_SYS_ADMIN): then a real read-only folder and a real full disk are made. */
function canMount(): boolean {
  if (process.getuid?.() !== 0) return false;
  const dir = makeTempDir('plumbline-mount-probe-');
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=16k', 'tmpfs', dir]);
  if (r.status !== 0) return false;
  spawnSync('umount', [dir]);
  return true;
}
const mountable = canMount();
const isRoot = process.getuid?.() === 0;

function sh(cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`);
}

const tempFiles = (dir: string): string[] => readdirSync(dir).filter((n) => n.endsWith('.tmp'));

describe('item 5: faults and bad input over HTTP are typed errors and lose nothing', () => {
  it('a malformed %-escape in the URL is 400; a 4 KB path is a typed error, not INTERNAL', async () => {
    const h = await harness({ files: { 'a.txt': 'a\n' } });
    expect.soft(await h.get('/%E0%A4%A')).toMatchObject({ status: 400, text: expect.stringMatching(/malformed %-escape/) });
    expect.soft(await h.get(`/assets/${'%ZZ'.repeat(3)}.js`)).toMatchObject({ status: 400 });
    const long = `${'d'.repeat(300)}/${'e'.repeat(3700)}.txt`;
    expect(long.length).toBeGreaterThan(4000);
    const write = await h.call('files.write', { root: h.root, path: long, content: 'x\n', expectedHash: null, overwrite: true });
    expect.soft(write).toMatchObject({ status: 400, error: { code: 'INVALID_REQUEST', message: expect.stringMatching(/too long.*shorter/) } });
    const read = await h.call('files.read', { root: h.root, path: long });
    expect.soft(read.error?.code).not.toBe('INTERNAL');
    expect.soft(read.error?.message ?? '').not.toMatch(/^ENAMETOOLONG/);
    expect.soft(await h.get(`/${'p'.repeat(4096)}`)).toMatchObject({ status: 404 });
  });

  it.skipIf(isRoot && !mountable)('a read-only project folder: files.write answers a typed error that says what to do, the file unchanged', async () => {
    // As root, chmod does not stop a write: the folder is made read-only with a read-only bind mount.
    const base = makeTempDir('plumbline-ro-');
    const dir = join(base, 'project');
    mkdirSync(dir);
    writeFileSync(join(dir, 'a.txt'), 'before\n');
    if (mountable) {
      sh('mount', ['--bind', dir, dir]);
      cleanups.push(() => void spawnSync('umount', ['-l', dir]));
      sh('mount', ['-o', 'remount,ro,bind', dir]);
    } else {
      sh('chmod', ['a-w', dir, join(dir, 'a.txt')]);
      cleanups.push(() => void spawnSync('chmod', ['-R', 'u+w', dir]));
    }
    const h = await harness({ files: { 'x.txt': 'x\n' }, roots: (root) => [root, base] });
    await h.rpc('project.open', { path: dir });
    const r = await h.call('files.write', { root: dir, path: 'a.txt', content: 'after\n', expectedHash: null, overwrite: true });
    expect(r).toMatchObject(
      mountable
        ? { status: 400, error: { code: 'UNAVAILABLE', message: expect.stringMatching(/read-only file system; nothing was written\. Remount it/) } }
        : { status: 400, error: { code: 'FORBIDDEN', message: expect.stringMatching(/may not write.*Check the permissions/) } },
    );
    expect(readFileSync(join(dir, 'a.txt'), 'utf8')).toBe('before\n');
    expect(tempFiles(dir)).toEqual([]);
  });

  it.skipIf(!mountable)('a full disk (a 1 MB tmpfs): files.write answers a typed error, the file unchanged and no temp file left', async () => {
    // Without mount rights, tests/unit/hostile/fs-faults.test.ts injects ENOSPC at the core instead.
    const base = makeTempDir('plumbline-full-');
    const dir = join(base, 'project');
    mkdirSync(dir);
    sh('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', dir]);
    cleanups.push(() => void spawnSync('umount', ['-l', dir]));
    writeFileSync(join(dir, 'a.txt'), 'before\n');
    // Fill the disk to the last block.
    spawnSync('dd', ['if=/dev/zero', `of=${join(dir, 'filler')}`, 'bs=4k'], { encoding: 'utf8' });
    const h = await harness({ files: { 'x.txt': 'x\n' }, roots: (root) => [root, base] });
    await h.rpc('project.open', { path: dir });
    const r = await h.call('files.write', { root: dir, path: 'a.txt', content: 'after\n'.repeat(20_000), expectedHash: null, overwrite: true });
    expect(r).toMatchObject({ status: 400, error: { code: 'UNAVAILABLE', message: expect.stringMatching(/is full.*nothing was written.*Free some space/) } });
    expect(readFileSync(join(dir, 'a.txt'), 'utf8')).toBe('before\n');
    expect(tempFiles(dir)).toEqual([]);
  });

  it('a torn last ledger line, then verify.run: the next record is kept', async () => {
    const h = await harness({
      files: {
        '.plumbline/spec.md': '# Spec\n\n## Acceptance checks\n\n- AC-1: a exists `test -f a.txt`\n',
        '.plumbline/tasks.md': '# Tasks\n\n## T-1: A\n\n- serves: AC-1\n- status: todo\n',
        'a.txt': 'a\n',
      },
    });
    const ledger = join(h.root, '.plumbline/evidence.jsonl');
    let from = h.busEvents.length;
    await h.rpc('verify.run', { root: h.root, include: ['acceptance'] });
    await verifyFinished(h, from);
    // A kill -9 mid-append leaves half a record without its line break.
    appendFileSync(ledger, '{"id":"torn-by-kill","what":"half a rec');
    from = h.busEvents.length;
    await h.rpc('verify.run', { root: h.root, include: ['acceptance'] });
    await verifyFinished(h, from);
    const parsed = readFileSync(ledger, 'utf8')
      .split('\n')
      .flatMap((line) => {
        try {
          return [JSON.parse(line) as { id: string; key?: string }];
        } catch {
          return [];
        }
      });
    // Both runs' records parse: the second was not written onto the torn line.
    expect(parsed.filter((r) => r.key === 'check:AC-1')).toHaveLength(2);
    const listed = await h.rpc<{ records: { id: string }[] }>('verify.evidence', { root: h.root });
    expect(listed.records.map((r) => r.id)).toEqual(expect.arrayContaining(parsed.map((r) => r.id)));
  });

  it('a plan file over 5 MB: spec.snapshot refuses it with a clear message instead of sending it', async () => {
    const h = await harness({ files: { '.plumbline/spec.md': `# Spec\n\n${'- FR-1: lorem ipsum dolor\n'.repeat(240_000)}` } });
    const snap = await h.call('spec.snapshot', { root: h.root });
    expect(snap).toMatchObject({ status: 400, error: { code: 'UNAVAILABLE', message: expect.stringMatching(/spec\.md is \d+\.\d MB; Plumbline opens plan files up to 5 MB\. Split it/) } });
    expect(JSON.stringify(snap).length).toBeLessThan(10_000);
  });

  it('an edit of a plan file holding invalid UTF-8 is refused over HTTP and keeps every byte', async () => {
    const bytes = Buffer.concat([Buffer.from('# Spec\n\n## Requirements\n\n- FR-1: caf'), Buffer.from([0xe9, 0xff, 0xfe]), Buffer.from('\n')]);
    const h = await harness({ files: { 'a.txt': 'a\n' }, prepare: (root) => (mkdirSync(join(root, '.plumbline')), writeFileSync(join(root, '.plumbline/spec.md'), bytes)) });
    const spec = join(h.root, '.plumbline/spec.md');
    expect.soft(await h.call('spec.addItem', { root: h.root, section: 'failure', text: 'disk full → say so' })).toMatchObject({ status: 400, error: { code: 'CONFLICT', message: expect.stringMatching(/not valid UTF-8.*save it as UTF-8/) } });
    expect.soft(await h.call('spec.saveRaw', { root: h.root, content: '# Spec\n' })).toMatchObject({ status: 400, error: { code: 'CONFLICT' } });
    expect(Buffer.compare(readFileSync(spec), bytes)).toBe(0);
  });
});
