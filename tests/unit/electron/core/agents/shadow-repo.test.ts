import { execFileSync } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ShadowRepo } from '../../../../../electron/core/agents/shadow-repo';
import { tempProject } from './loop-harness';

let project: Awaited<ReturnType<typeof tempProject>>;
beforeEach(async () => {
  project = await tempProject();
});
afterEach(() => project.cleanup());

const f = (p: string): string => join(project.root, p);

describe('ShadowRepo checkpoints', () => {
  it('restores a checkpoint keeping untracked and ignored user files, and the restore is undoable', async () => {
    execFileSync('git', ['init', '-q'], { cwd: project.root });
    await writeFile(f('.gitignore'), 'build/\n*.log\n');
    await writeFile(f('app.js'), 'v1\n');
    await writeFile(f('keep.txt'), 'user file\n');
    const gitBefore = execFileSync('git', ['status', '--porcelain'], { cwd: project.root }).toString();
    const shadow = new ShadowRepo(project.root, project.dataDir);
    const checkpoint = await shadow.snapshot('before run');
    // The run: edits app.js, creates new.js, deletes keep.txt? No — the agent edits and creates.
    await writeFile(f('app.js'), 'v2 by agent\n');
    await writeFile(f('new.js'), 'agent created\n');
    // Meanwhile the user makes untracked and ignored files.
    await writeFile(f('notes.md'), 'user notes\n');
    await mkdir(f('build'));
    await writeFile(f('build/out.bin'), 'ignored output\n');
    await writeFile(f('debug.log'), 'ignored log\n');
    const result = await shadow.restore(checkpoint, new Set(['app.js', 'new.js']));
    expect(result.restored).toEqual(['app.js']);
    expect(result.deleted).toEqual(['new.js']);
    expect(await readFile(f('app.js'), 'utf8')).toBe('v1\n');
    await expect(readFile(f('new.js'))).rejects.toThrow();
    expect(await readFile(f('notes.md'), 'utf8')).toBe('user notes\n');
    expect(await readFile(f('build/out.bin'), 'utf8')).toBe('ignored output\n');
    expect(await readFile(f('debug.log'), 'utf8')).toBe('ignored log\n');
    // The user's .git was never touched by the shadow repository.
    expect(execFileSync('git', ['status', '--porcelain'], { cwd: project.root }).toString()).toBe(`${gitBefore}?? notes.md\n`);
    // Undo the restore: files return to how they were just before it.
    const target = await shadow.readSnapshot(checkpoint);
    const undoTree = await shadow.readSnapshot(result.undoRef);
    const recreated = new Set([...target.keys()].filter((p) => !undoTree.has(p)));
    const undo = await shadow.restore(result.undoRef, recreated);
    expect([...undo.restored].sort()).toEqual(['app.js', 'new.js']);
    expect(await readFile(f('app.js'), 'utf8')).toBe('v2 by agent\n');
    expect(await readFile(f('notes.md'), 'utf8')).toBe('user notes\n');
  });

  it('lists files changed between snapshots', async () => {
    const shadow = new ShadowRepo(project.root, project.dataDir);
    await writeFile(f('a.txt'), 'a\n');
    const a = await shadow.readSnapshot(await shadow.snapshot('one'));
    await writeFile(f('a.txt'), 'changed\n');
    await writeFile(f('b.txt'), 'b\n');
    const b = await shadow.scan();
    expect(ShadowRepo.changed(a, b)).toEqual(['a.txt', 'b.txt']);
  });
});
