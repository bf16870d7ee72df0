import { chmod, mkdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileWriter, type EditRequest } from '../../../../../electron/core/agent/file-writer';
import { ToolError } from '../../../../../electron/core/files/path-guard';
import { RunJournal } from '../../../../../electron/core/checkpoints/run-journal';
import { tempProject } from './loop-harness';

let project: Awaited<ReturnType<typeof tempProject>>;
let journal: RunJournal;
let requests: EditRequest[];
let writer: FileWriter;

beforeEach(async () => {
  project = await tempProject();
  journal = new RunJournal();
  requests = [];
  writer = new FileWriter(project.root, journal, async (r) => {
    requests.push(r);
    return true;
  });
});
afterEach(() => project.cleanup());

const file = (name: string): string => join(project.root, name);

describe('FileWriter and the evidence ledger', () => {
  it('refuses to create, edit or insert into .plumbline/evidence.jsonl under any spelling, and leaves it unchanged', async () => {
    await mkdir(file('.plumbline'), { recursive: true });
    const ledger = '{"id":"ev-1"}\n';
    await writeFile(file('.plumbline/evidence.jsonl'), ledger);
    await writer.run({ command: 'view', path: '.plumbline/evidence.jsonl' });
    const spellings = ['.plumbline/evidence.jsonl', './.plumbline/evidence.jsonl', '.plumbline//evidence.jsonl', 'src/../.plumbline/evidence.jsonl', '.Plumbline/Evidence.JSONL', '.plumbline/evidence.jsonl.', join(project.root, '.plumbline/evidence.jsonl')];
    for (const path of spellings) {
      await expect(writer.run({ command: 'create', path, file_text: '{"id":"forged"}\n' })).rejects.toThrow(/Refused: .* is the evidence ledger \(\.plumbline\/evidence\.jsonl\); only Plumbline's Calibrator writes it/);
    }
    await expect(writer.run({ command: 'str_replace', path: '.plumbline/evidence.jsonl', old_str: 'ev-1', new_str: 'ev-2' })).rejects.toBeInstanceOf(ToolError);
    await expect(writer.run({ command: 'insert', path: '.plumbline/evidence.jsonl', insert_line: 1, insert_text: '{"id":"forged"}' })).rejects.toBeInstanceOf(ToolError);
    expect(await readFile(file('.plumbline/evidence.jsonl'), 'utf8')).toBe(ledger);
    expect(requests).toHaveLength(0);
    expect(journal.entries()).toHaveLength(0);
  });

  it('refuses the ledger when it does not exist yet, and through a symbolic link to its folder', async () => {
    await expect(writer.run({ command: 'create', path: '.plumbline/evidence.jsonl', file_text: '{"id":"forged"}\n' })).rejects.toThrow(/is the evidence ledger/);
    await mkdir(file('.plumbline'), { recursive: true });
    await symlink(file('.plumbline'), file('plan'));
    await expect(writer.run({ command: 'create', path: 'plan/evidence.jsonl', file_text: '{"id":"forged"}\n' })).rejects.toThrow(/is the evidence ledger/);
    await expect(stat(file('.plumbline/evidence.jsonl'))).rejects.toThrow();
    // Other plan files stay writable.
    await writer.run({ command: 'create', path: '.plumbline/notes.md', file_text: 'ok\n' });
    expect(await readFile(file('.plumbline/notes.md'), 'utf8')).toBe('ok\n');
  });
});

describe('FileWriter', () => {
  it('refuses zero and several matches and leaves the file byte-identical', async () => {
    const original = Buffer.from('\uFEFFone\r\ntwo\r\ntwo\r\n', 'utf8');
    await writeFile(file('f.txt'), original);
    await writer.run({ command: 'view', path: 'f.txt' });
    await expect(writer.run({ command: 'str_replace', path: 'f.txt', old_str: 'three', new_str: 'x' })).rejects.toThrow(/No match/);
    expect(Buffer.compare(await readFile(file('f.txt')), original)).toBe(0);
    await expect(writer.run({ command: 'str_replace', path: 'f.txt', old_str: 'two', new_str: 'x' })).rejects.toThrow(/matches 2 times.*lines 2, 3/);
    expect(Buffer.compare(await readFile(file('f.txt')), original)).toBe(0);
    expect(journal.entries()).toHaveLength(0);
  });

  it('matches after normalising to the file line endings and keeps EOL, BOM and mode', async () => {
    await writeFile(file('f.sh'), Buffer.from('\uFEFFa\r\nb\r\nc\r\n', 'utf8'));
    await chmod(file('f.sh'), 0o755);
    await writer.run({ command: 'view', path: 'f.sh' });
    await writer.run({ command: 'str_replace', path: 'f.sh', old_str: 'a\nb', new_str: 'a\nB\nb2' });
    expect((await readFile(file('f.sh'))).toString('utf8')).toBe('\uFEFFa\r\nB\r\nb2\r\nc\r\n');
    expect((await stat(file('f.sh'))).mode & 0o777).toBe(0o755);
    expect(journal.entries()[0]).toMatchObject({ path: 'f.sh', source: 'edit' });
    expect(journal.entries()[0].hashBefore).not.toBe(journal.entries()[0].hashAfter);
  });

  it('flags placeholder gutting and emptying', async () => {
    const body = Array.from({ length: 30 }, (_, i) => `  line${i}();`).join('\n');
    await writeFile(file('g.js'), `function f() {\n${body}\n}\n`);
    await writer.run({ command: 'view', path: 'g.js' });
    const out = await writer.run({ command: 'str_replace', path: 'g.js', old_str: body, new_str: '  // ... existing code ...' });
    expect(out).toMatch(/WARNING.*placeholder/);
    expect(requests[0].flags).toEqual(expect.arrayContaining(['placeholder', 'shrunk']));
    expect(journal.entries()[0].flags).toContain('placeholder');
  });

  it('refuses a declined edit without writing', async () => {
    const declining = new FileWriter(project.root, journal, async () => false);
    await writeFile(file('d.txt'), 'keep\n');
    await declining.run({ command: 'view', path: 'd.txt' });
    await expect(declining.run({ command: 'str_replace', path: 'd.txt', old_str: 'keep', new_str: 'gone' })).rejects.toThrow(/declined/);
    expect(await readFile(file('d.txt'), 'utf8')).toBe('keep\n');
  });

  it('refuses an edit to a file changed on disk since the agent viewed it (stale read)', async () => {
    await writeFile(file('s.txt'), 'v1\n');
    await writer.run({ command: 'view', path: 's.txt' });
    await writeFile(file('s.txt'), 'v2 from the user\n');
    await expect(writer.run({ command: 'str_replace', path: 's.txt', old_str: 'v2', new_str: 'x' })).rejects.toThrow(/changed on disk/);
    expect(await readFile(file('s.txt'), 'utf8')).toBe('v2 from the user\n');
  });

  it('refuses path escapes through ../, an absolute path, a symlink and a NUL byte', async () => {
    const outside = join(project.root, '..', 'outside.txt');
    await writeFile(outside, 'secret\n');
    await mkdir(file('sub'));
    await symlink(join(project.root, '..'), file('sub/up'));
    for (const path of ['../outside.txt', outside, 'sub/up/outside.txt', 'a\0b']) {
      const error = await writer.run({ command: 'view', path }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ToolError);
      expect((error as Error).message).toMatch(/Refused/);
      const create = await writer.run({ command: 'create', path, file_text: 'x' }).catch((e: unknown) => e);
      expect(create).toBeInstanceOf(ToolError);
    }
    expect(await readFile(outside, 'utf8')).toBe('secret\n');
  });

  it('creates new files and inserts lines', async () => {
    expect(await writer.run({ command: 'create', path: 'new/dir/n.txt', file_text: 'a\nc\n' })).toContain('Created');
    await writer.run({ command: 'insert', path: 'new/dir/n.txt', insert_line: 1, insert_text: 'b' });
    expect(await readFile(file('new/dir/n.txt'), 'utf8')).toBe('a\nb\nc\n');
    expect([...journal.created()]).toEqual(['new/dir/n.txt']);
  });
});
