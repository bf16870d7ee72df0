import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { currentRecords, EVIDENCE_FILE, EvidenceLedger, excerptOf, readTreeState, supersededIds } from '../../../../../electron/core/verify/evidence';
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
