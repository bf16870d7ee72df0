import { promises as fs } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RpcError } from '../../../shared/rpc';
import { detectImports, importSources, IMPORTS_PATH } from '../../../electron/core/import/import-service';

/**
 * Hostile probe: an import never rewrites a plan file whose bytes are not valid UTF-8 (writing the
 * decoded text back would replace them with U+FFFD). Nothing is written at all; the message says why.
 */
const FIXTURES = join(process.cwd(), 'tests/fixtures/import');
const temps: string[] = [];

afterEach(async () => {
  for (const d of temps.splice(0)) await fs.rm(d, { recursive: true, force: true });
});

async function project(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'plumbline-import-utf8-'));
  temps.push(dir);
  await fs.cp(join(FIXTURES, 'spec-kit'), dir, { recursive: true });
  return dir;
}

/** Every file under `.plumbline/` with its bytes. */
async function planBytes(root: string): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  const walk = async (d: string): Promise<void> => {
    for (const e of await fs.readdir(d, { withFileTypes: true }).catch(() => [])) {
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else out.set(relative(root, p), await fs.readFile(p));
    }
  };
  await walk(join(root, '.plumbline'));
  return out;
}

const BAD = Buffer.concat([Buffer.from('# Tasks\n\n## T-1: caf'), Buffer.from([0xe9, 0xff, 0xfe]), Buffer.from('\n\n- status: todo\n')]);

describe('import and plan files that are not valid UTF-8', () => {
  it('refuses to overwrite tasks.md holding invalid UTF-8, writes nothing and says what to do', async () => {
    const root = await project();
    await fs.mkdir(join(root, '.plumbline'), { recursive: true });
    await fs.writeFile(join(root, '.plumbline/tasks.md'), BAD);
    const before = await planBytes(root);
    const paths = (await detectImports(root)).map((s) => s.path);
    const error = await importSources(root, paths).then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(RpcError);
    expect((error as RpcError).code).toBe('CONFLICT');
    expect((error as RpcError).message).toMatch(/^\.plumbline\/tasks\.md contains bytes that are not valid UTF-8; importing would rewrite it.*Nothing was imported\. Fix the encoding.*save it as UTF-8/);
    expect(Buffer.compare(await fs.readFile(join(root, '.plumbline/tasks.md')), BAD)).toBe(0);
    expect(await planBytes(root)).toEqual(before);
  });

  it('refuses to overwrite an imports.json holding invalid UTF-8 before writing any plan file', async () => {
    const root = await project();
    await fs.mkdir(join(root, '.plumbline'), { recursive: true });
    const bad = Buffer.concat([Buffer.from('{"version":1,"sources":{"x":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}}\n')]);
    await fs.writeFile(join(root, IMPORTS_PATH), bad);
    const before = await planBytes(root);
    const paths = (await detectImports(root)).map((s) => s.path);
    await expect(importSources(root, paths)).rejects.toThrow(/imports\.json contains bytes that are not valid UTF-8/);
    expect(Buffer.compare(await fs.readFile(join(root, IMPORTS_PATH)), bad)).toBe(0);
    expect(await planBytes(root)).toEqual(before);
  });

  it('imports as before when the plan files are valid UTF-8', async () => {
    const root = await project();
    const paths = (await detectImports(root)).map((s) => s.path);
    await importSources(root, paths);
    expect((await fs.readFile(join(root, '.plumbline/tasks.md'), 'utf8'))).toMatch(/## T-1/);
  });
});
