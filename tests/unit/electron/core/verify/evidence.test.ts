import { createHash, createHmac } from 'node:crypto';
import { appendFileSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  canonicalJson,
  currentRecords,
  EVIDENCE_FILE,
  EvidenceLedger,
  excerptOf,
  installKey,
  lastLine,
  LEDGER_KEY_FILE,
  ledgerKey,
  NOT_CHECKED,
  NOT_WRITTEN_HERE,
  readTreeState,
  supersededIds,
  trustedRecords,
} from '../../../../../electron/core/verify/evidence';
import { git, makeRepo, makeTempDir } from '../../../../helpers/temp-repo';

const entry = (key: string, result: 'passed' | 'failed') => ({
  subject: { kind: 'requirement' as const, id: 'AC-1' }, what: 'AC-1', how: 'true', kind: 'command' as const, result, excerpt: '', key,
});

describe('EvidenceLedger', () => {
  it('appends complete lines, tolerates a torn last line, and lets later records supersede', async () => {
    const root = makeRepo({ 'a.txt': 'a' });
    const ledger = new EvidenceLedger(root, makeTempDir('plumbline-data-'));
    const first = await ledger.append(entry('check:AC-1', 'failed'));
    const second = await ledger.append({ ...entry('check:AC-1', 'passed'), output: 'full output' });
    appendFileSync(join(root, EVIDENCE_FILE), '{"id":"ev-torn","time":');
    const all = await ledger.readAll();
    expect(all.map((r) => r.id)).toEqual([first.id, second.id]);
    expect(currentRecords(all).map((r) => r.id)).toEqual([second.id]);
    expect(supersededIds(all)).toEqual([first.id]);
    expect(await ledger.readOutput(second.id)).toBe('full output');
    expect(await ledger.readOutput(first.id)).toBeNull();
    expect(await ledger.readOutput('../../etc/passwd')).toBeNull();
    // Never rewritten: the first line is still byte-identical.
    expect(readFileSync(join(root, EVIDENCE_FILE), 'utf8').split('\n')[0]).toBe(JSON.stringify(first));
  });
});

const sha = (text: string) => createHash('sha256').update(text).digest('hex');
const linesOf = (root: string) => readFileSync(join(root, EVIDENCE_FILE), 'utf8').split('\n').filter(Boolean);
const CLEAN = { commit: null, dirty: false };

describe('EvidenceLedger signing and chaining', () => {
  it('chains each record to the line before it and signs it with the install key (canonical JSON, keys sorted)', async () => {
    const root = makeTempDir('plumbline-proj-');
    const dataDir = makeTempDir('plumbline-data-');
    const ledger = new EvidenceLedger(root, dataDir);
    const first = await ledger.append(entry('check:AC-1', 'failed'), CLEAN);
    const second = await ledger.append(entry('check:AC-2', 'passed'), CLEAN);
    const [l1, l2] = linesOf(root);
    expect(first.prev).toBe('');
    expect(second.prev).toBe(sha(l1!));
    expect(JSON.parse(l2!).prev).toBe(sha(l1!));
    const key = readFileSync(join(dataDir, LEDGER_KEY_FILE));
    expect(key).toHaveLength(32);
    const { mac, ...rest } = JSON.parse(l2!) as Record<string, unknown>;
    expect(mac).toBe(createHmac('sha256', key).update(canonicalJson(rest)).digest('hex'));
    const all = await ledger.readAll();
    expect(all.map((r) => r.untrusted)).toEqual([undefined, undefined]);
    expect(await ledger.integrity()).toEqual({ forged: [], gaps: 0 });
  });

  it('sorts keys at every depth and keeps array order in canonical JSON', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null }, u: undefined })).toBe('{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}');
  });

  it('marks a forged line untrusted, keeps it out of the counts, and a forged record never supersedes a genuine one', async () => {
    const root = makeTempDir('plumbline-proj-');
    const ledger = new EvidenceLedger(root, makeTempDir('plumbline-data-'));
    const genuine = await ledger.append(entry('check:AC-1', 'failed'), CLEAN);
    const [l1] = linesOf(root);
    // A run appends a "passing" record for the same key, with a correct chain but no valid MAC.
    const forged = { ...genuine, id: 'ev-forged', result: 'passed', prev: sha(l1!), mac: 'ab'.repeat(32) };
    appendFileSync(join(root, EVIDENCE_FILE), `${JSON.stringify(forged)}\n`);
    const after = await ledger.append(entry('check:AC-2', 'passed'), CLEAN);
    const all = await ledger.readAll();
    expect(all.map((r) => [r.id, r.untrusted])).toEqual([
      [genuine.id, undefined],
      ['ev-forged', NOT_WRITTEN_HERE],
      [after.id, undefined],
    ]);
    expect(trustedRecords(all).map((r) => r.id)).toEqual([genuine.id, after.id]);
    expect(currentRecords(all).map((r) => r.id)).toEqual([genuine.id, after.id]);
    expect(supersededIds(all)).toEqual([]);
    // The Calibrator's next record follows the forged line as written: no gap, one forgery.
    expect(await ledger.integrity()).toEqual({ forged: ['ev-forged'], gaps: 0 });
  });

  it('treats unsigned records (written by hand or before signing) as not written here', async () => {
    const root = makeTempDir('plumbline-proj-');
    const ledger = new EvidenceLedger(root, makeTempDir('plumbline-data-'));
    const { mac: _mac, ...unsigned } = await ledger.append(entry('check:AC-1', 'passed'), CLEAN);
    writeFileSync(join(root, EVIDENCE_FILE), `${JSON.stringify(unsigned)}\n`);
    const [r] = await ledger.readAll();
    expect(r!.untrusted).toBe(NOT_WRITTEN_HERE);
    expect((await ledger.integrity()).forged).toEqual([unsigned.id]);
  });

  it('marks an edited line untrusted and reports the chain break after it', async () => {
    const root = makeTempDir('plumbline-proj-');
    const ledger = new EvidenceLedger(root, makeTempDir('plumbline-data-'));
    const a = await ledger.append(entry('check:AC-1', 'failed'), CLEAN);
    const b = await ledger.append(entry('check:AC-2', 'passed'), CLEAN);
    const lines = linesOf(root);
    lines[0] = lines[0]!.replace('"result":"failed"', '"result":"passed"');
    writeFileSync(join(root, EVIDENCE_FILE), `${lines.join('\n')}\n`);
    const all = await ledger.readAll();
    expect(all.map((r) => [r.id, r.result, r.untrusted])).toEqual([
      [a.id, 'passed', NOT_WRITTEN_HERE],
      [b.id, 'passed', undefined],
    ]);
    expect(await ledger.integrity()).toEqual({ forged: [a.id], gaps: 1 });
  });

  it('keeps counting a genuine record after a removed line and reports the gap', async () => {
    const root = makeTempDir('plumbline-proj-');
    const ledger = new EvidenceLedger(root, makeTempDir('plumbline-data-'));
    const a = await ledger.append(entry('check:AC-1', 'failed'), CLEAN);
    await ledger.append(entry('check:AC-2', 'failed'), CLEAN);
    const c = await ledger.append(entry('check:AC-3', 'passed'), CLEAN);
    const lines = linesOf(root);
    writeFileSync(join(root, EVIDENCE_FILE), `${lines[0]}\n${lines[2]}\n`);
    const all = await ledger.readAll();
    expect(all.map((r) => [r.id, r.untrusted])).toEqual([
      [a.id, undefined],
      [c.id, undefined],
    ]);
    expect(await ledger.integrity()).toEqual({ forged: [], gaps: 1 });
    // Removing the first line breaks the chain too: the new first record does not start it.
    writeFileSync(join(root, EVIDENCE_FILE), `${lines[1]}\n${lines[2]}\n`);
    expect(await ledger.integrity()).toEqual({ forged: [], gaps: 1 });
  });

  it('chains past a torn line as written, so a crash mid-append is not a gap', async () => {
    const root = makeTempDir('plumbline-proj-');
    const ledger = new EvidenceLedger(root, makeTempDir('plumbline-data-'));
    await ledger.append(entry('check:AC-1', 'failed'), CLEAN);
    appendFileSync(join(root, EVIDENCE_FILE), '{"id":"ev-torn","time":');
    const next = await ledger.append(entry('check:AC-2', 'passed'), CLEAN);
    expect(next.prev).toBe(sha('{"id":"ev-torn","time":'));
    expect(await ledger.integrity()).toEqual({ forged: [], gaps: 0 });
  });

  it('keeps the chain when the ledger is checked out with CRLF line endings', async () => {
    const root = makeTempDir('plumbline-proj-');
    const ledger = new EvidenceLedger(root, makeTempDir('plumbline-data-'));
    await ledger.append(entry('check:AC-1', 'failed'), CLEAN);
    await ledger.append(entry('check:AC-2', 'passed'), CLEAN);
    writeFileSync(join(root, EVIDENCE_FILE), readFileSync(join(root, EVIDENCE_FILE), 'utf8').replace(/\n/g, '\r\n'));
    await ledger.append(entry('check:AC-3', 'passed'), CLEAN);
    expect((await ledger.readAll()).map((r) => r.untrusted)).toEqual([undefined, undefined, undefined]);
    expect(await ledger.integrity()).toEqual({ forged: [], gaps: 0 });
  });

  it('creates the key on first use with mode 0600 and reuses it across instances', async () => {
    const root = makeTempDir('plumbline-proj-');
    const dataDir = join(makeTempDir('plumbline-data-'), 'not-yet');
    expect(existsSync(join(dataDir, LEDGER_KEY_FILE))).toBe(false);
    await new EvidenceLedger(root, dataDir).append(entry('check:AC-1', 'passed'), CLEAN);
    const keyFile = join(dataDir, LEDGER_KEY_FILE);
    const key = readFileSync(keyFile);
    if (process.platform !== 'win32') expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    const other = new EvidenceLedger(root, dataDir);
    await other.append(entry('check:AC-2', 'passed'), CLEAN);
    expect(readFileSync(keyFile).equals(key)).toBe(true);
    expect((await other.readAll()).map((r) => r.untrusted)).toEqual([undefined, undefined]);
    expect(await other.integrity()).toEqual({ forged: [], gaps: 0 });
    // Another install trusts none of them; reading does not make it a key.
    const elsewhereDir = makeTempDir('plumbline-data-');
    const elsewhere = new EvidenceLedger(root, elsewhereDir);
    expect((await elsewhere.readAll()).map((r) => r.untrusted)).toEqual([NOT_WRITTEN_HERE, NOT_WRITTEN_HERE]);
    expect((await elsewhere.integrity()).forged).toHaveLength(2);
    expect(existsSync(join(elsewhereDir, LEDGER_KEY_FILE))).toBe(false);
    // With a key of its own, still none.
    await ledgerKey(elsewhereDir);
    expect((await new EvidenceLedger(root, elsewhereDir).readAll()).map((r) => r.untrusted)).toEqual([NOT_WRITTEN_HERE, NOT_WRITTEN_HERE]);
  });

  it('ends with one key when several ledgers create it at once', async () => {
    const dataDir = makeTempDir('plumbline-data-');
    const keys = await Promise.all(Array.from({ length: 8 }, () => ledgerKey(dataDir)));
    const onDisk = readFileSync(join(dataDir, LEDGER_KEY_FILE));
    for (const k of keys) expect(k.equals(onDisk)).toBe(true);
    // No temp files are left behind.
    expect(readdirSync(dataDir)).toEqual([LEDGER_KEY_FILE]);
    // A second install never replaces the key in place: the one that landed first stays.
    const other = makeTempDir('plumbline-data-');
    const first = Buffer.alloc(32, 1);
    expect((await installKey(other, first)).equals(first)).toBe(true);
    expect((await installKey(other, Buffer.alloc(32, 2))).equals(first)).toBe(true);
    expect(readFileSync(join(other, LEDGER_KEY_FILE)).equals(first)).toBe(true);
  });

  it('serializes concurrent appends so every record chains to the one before', async () => {
    const root = makeTempDir('plumbline-proj-');
    const dataDir = makeTempDir('plumbline-data-');
    const a = new EvidenceLedger(root, dataDir);
    const b = new EvidenceLedger(root, dataDir);
    await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).append(entry(`check:AC-${i}`, 'passed'), CLEAN)));
    expect(linesOf(root)).toHaveLength(10);
    expect(await a.integrity()).toEqual({ forged: [], gaps: 0 });
  });

  it('refuses to append without an app data folder, and reads every record as not checked', async () => {
    const root = makeTempDir('plumbline-proj-');
    await new EvidenceLedger(root, makeTempDir('plumbline-data-')).append(entry('check:AC-1', 'passed'), CLEAN);
    const keyless = new EvidenceLedger(root, '');
    await expect(keyless.append(entry('check:AC-2', 'passed'), CLEAN)).rejects.toThrow(/without an app data folder/);
    const all = await keyless.readAll();
    expect(all.map((r) => r.untrusted)).toEqual([NOT_CHECKED]);
    expect(trustedRecords(all)).toEqual([]);
    expect(existsSync(LEDGER_KEY_FILE)).toBe(false);
  });

  it('says what to do when the key is damaged', async () => {
    const root = makeTempDir('plumbline-proj-');
    const dataDir = makeTempDir('plumbline-data-');
    writeFileSync(join(dataDir, LEDGER_KEY_FILE), 'short');
    const ledger = new EvidenceLedger(root, dataDir);
    await expect(ledger.append(entry('check:AC-1', 'passed'), CLEAN)).rejects.toThrow(/damaged \(5 bytes, not 32\)\. Move it away/);
  });
});

describe('lastLine', () => {
  it('reads the last non-empty line from the tail of a large file', async () => {
    const dir = makeTempDir('plumbline-tail-');
    const file = join(dir, 'x.jsonl');
    expect(await lastLine(file)).toBeNull();
    writeFileSync(file, '');
    expect(await lastLine(file)).toBeNull();
    const big = 'y'.repeat(200_000);
    writeFileSync(file, `first\n${big}\nlast line\n\n`);
    expect((await lastLine(file))!.toString()).toBe('last line');
    writeFileSync(file, `first\n${big}\n`);
    expect((await lastLine(file))!.toString()).toBe(big);
    writeFileSync(file, 'only, torn');
    expect((await lastLine(file))!.toString()).toBe('only, torn');
  });
});

describe('readTreeState', () => {
  it('matches native git for HEAD and dirtiness, ignoring the ledger itself', async () => {
    const root = makeRepo({ 'a.txt': 'a' });
    const head = git(root, 'rev-parse', 'HEAD').trim();
    expect(await readTreeState(root)).toEqual({ commit: head, dirty: false });
    const ledger = new EvidenceLedger(root, makeTempDir('plumbline-data-'));
    await ledger.append(entry('k', 'passed'));
    expect(await readTreeState(root)).toEqual({ commit: head, dirty: false });
    writeFileSync(join(root, 'a.txt'), 'changed');
    expect(await readTreeState(root)).toEqual({ commit: head, dirty: true });
  });
  it('has no commit outside a repository', async () => {
    expect((await readTreeState(makeTempDir())).commit).toBeNull();
  });
});

describe('excerptOf', () => {
  it('keeps head and tail of long output', () => {
    const text = `HEAD${'x'.repeat(10_000)}TAIL`;
    const e = excerptOf(text, 100);
    expect(e.startsWith('HEAD')).toBe(true);
    expect(e.endsWith('TAIL')).toBe(true);
    expect(e.length).toBeLessThan(200);
  });
});
