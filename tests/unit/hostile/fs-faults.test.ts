import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { dispatch, RpcError, type Handlers } from '../../../shared/rpc';
import { appendLine, atomicWrite, readJsonLines } from '../../../electron/core/util/atomic-write';
import { createFilesModule } from '../../../electron/core/files/files-module';
import type { CoreContext } from '../../../electron/core/core-context';
import { EventBus } from '../../../electron/core/events';
import { ProjectRegistry } from '../../../electron/core/app/project-registry';
import { EvidenceLedger } from '../../../electron/core/verify/evidence';
import { makeRepo, makeTempDir } from '../../helpers/temp-repo';

/** Injected faults: a read-only folder, a full disk, a long name, no permission, a torn ledger line. */

afterEach(() => {
  vi.restoreAllMocks();
});

const errno = (code: string): NodeJS.ErrnoException => Object.assign(new Error(`${code}: injected`), { code });

/** Makes the next temp-file write fail with `code` after part of the data is on disk. */
function failWrites(code: string): void {
  const realOpen = fsp.open.bind(fsp);
  vi.spyOn(fsp, 'open').mockImplementation(async (...args: Parameters<typeof fsp.open>) => {
    const handle = await realOpen(...args);
    if (String(args[0]).endsWith('.tmp')) {
      handle.writeFile = async (data: string | Uint8Array) => {
        await handle.write(Buffer.from(data).subarray(0, 3));
        throw errno(code);
      };
    }
    return handle;
  });
}

async function tempFiles(dir: string): Promise<string[]> {
  return (await fsp.readdir(dir)).filter((n) => n.endsWith('.tmp'));
}

describe('hostile: file-system faults are typed errors and leave nothing behind', () => {
  it.each([
    ['ENOSPC', 'UNAVAILABLE', /disk .* is full.*Free some space/],
    ['EROFS', 'UNAVAILABLE', /read-only file system.*Remount/],
    ['EACCES', 'FORBIDDEN', /may not write.*permissions/],
    ['ENAMETOOLONG', 'INVALID_REQUEST', /too long.*shorter/],
  ])('%s mid-write: %s with what to do, the file unchanged and no temp file', async (code, rpc, message) => {
    const dir = makeTempDir();
    await fsp.writeFile(join(dir, 'f.txt'), 'before\n');
    failWrites(code);
    const err = await atomicWrite(join(dir, 'f.txt'), 'after after after\n').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RpcError);
    expect(err).toMatchObject({ code: rpc, message: expect.stringMatching(message) });
    vi.restoreAllMocks();
    expect(await fsp.readFile(join(dir, 'f.txt'), 'utf8')).toBe('before\n');
    expect(await tempFiles(dir)).toEqual([]);
  });

  it('a failed rename removes the temp file too', async () => {
    const dir = makeTempDir();
    vi.spyOn(fsp, 'rename').mockRejectedValue(errno('EROFS'));
    await expect(atomicWrite(join(dir, 'g.txt'), 'x')).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    vi.restoreAllMocks();
    expect(await tempFiles(dir)).toEqual([]);
  });

  it('files.write on a full disk answers a typed error, not INTERNAL, and a 3 KB path with an over-long name is INVALID_REQUEST', async () => {
    const root = makeRepo({ 'a.txt': 'a\n' });
    const projects = new ProjectRegistry();
    projects.add(root);
    const ctx = { dataDir: makeTempDir(), version: 'test', bus: new EventBus(), projects, resourcesDir: '' } as unknown as CoreContext;
    const handlers = createFilesModule(ctx).handlers as unknown as Handlers;
    const write = (path: string) => dispatch(handlers, { id: 1, method: 'files.write', params: { root, path, content: 'b\n', expectedHash: null, overwrite: true } }, { connectionId: 't' });
    failWrites('ENOSPC');
    expect(await write('a.txt')).toMatchObject({ error: { code: 'UNAVAILABLE', message: expect.stringMatching(/full/) } });
    vi.restoreAllMocks();
    expect(await fsp.readFile(join(root, 'a.txt'), 'utf8')).toBe('a\n');
    expect(await tempFiles(root)).toEqual([]);
    expect(await write(`${'d'.repeat(300)}/${'e'.repeat(3000)}.txt`)).toMatchObject({ error: { code: 'INVALID_REQUEST', message: expect.stringMatching(/too long/) } });
  });

  it('a torn last line in a JSON Lines file never swallows the next record', async () => {
    const dir = makeTempDir();
    const file = join(dir, 'log.jsonl');
    await fsp.writeFile(file, '{"n":1}\n{"n":2,"torn');
    await appendLine(file, JSON.stringify({ n: 3 }));
    expect(await readJsonLines(file)).toEqual([{ n: 1 }, { n: 3 }]);
  });

  it('the evidence ledger after a torn line keeps the next record', async () => {
    const root = makeRepo({ 'a.txt': 'a\n', '.plumbline/evidence.jsonl': '' });
    const ledger = new EvidenceLedger(root, makeTempDir('plumbline-data-'));
    const first = await ledger.append({ subject: { kind: 'project', id: 'p' }, what: 'one', how: 'true', kind: 'command', result: 'pass' } as never);
    await fsp.appendFile(join(root, '.plumbline/evidence.jsonl'), '{"id":"torn-by-kill');
    const next = await ledger.append({ subject: { kind: 'project', id: 'p' }, what: 'two', how: 'true', kind: 'command', result: 'pass' } as never);
    const ids = (await readJsonLines<{ id: string }>(join(root, '.plumbline/evidence.jsonl'))).map((r) => r.id);
    expect(ids).toEqual([first.id, next.id]);
  });
});
