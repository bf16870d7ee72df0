import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { writeError } from './fs-errors';

/** Options for atomicWrite. */
export interface AtomicWriteOptions {
  /** File mode to give the new file; defaults to the existing file's mode, else 0o644. */
  readonly mode?: number;
}

/**
 * Writes a file atomically: temp file beside it, fsync, rename over, fsync the folder.
 * A crash at any moment leaves either the old or the new content, never a truncated file. A fault
 * (read-only, no space, name too long, no permission) removes the temp file and is a typed RpcError.
 */
export async function atomicWrite(path: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): Promise<void> {
  const dir = dirname(path);
  let mode = options.mode;
  if (mode === undefined) {
    try {
      mode = (await fs.stat(path)).mode & 0o7777;
    } catch {
      mode = 0o644;
    }
  }
  // The temp name stays short enough for any name the file system accepts for the file itself.
  const tmp = join(dir, `.${basename(path).slice(0, 100)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const handle = await fs.open(tmp, 'wx', mode);
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.chmod(tmp, mode);
    await fs.rename(tmp, path);
  } catch (error) {
    // Every failure path (no space mid-write, a read-only folder, a refused rename) leaves no temp file behind.
    await fs.rm(tmp, { force: true }).catch(() => undefined);
    throw writeError(path, error);
  }
  try {
    const dh = await fs.open(dir, 'r');
    try {
      await dh.sync();
    } finally {
      await dh.close();
    }
  } catch {
    // Some platforms cannot fsync a directory; the rename is still atomic.
  }
}

/**
 * Appends one complete line (JSON Lines) and fsyncs it. When the file does not end with a line
 * break (a torn last line after a crash), a line break is written first, so the new record starts
 * on its own line and is never swallowed by the torn one.
 */
export async function appendLine(path: string, line: string): Promise<void> {
  try {
    const handle = await fs.open(path, 'a+', 0o644);
    try {
      const { size } = await handle.stat();
      let prefix = '';
      if (size > 0) {
        const last = Buffer.alloc(1);
        await handle.read(last, 0, 1, size - 1);
        if (last[0] !== 0x0a) prefix = '\n';
      }
      await handle.writeFile(prefix + (line.endsWith('\n') ? line : `${line}\n`));
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch (error) {
    throw writeError(path, error);
  }
}

/** Reads a JSON Lines file; a torn or malformed line (for example the last after a crash) is skipped. */
export async function readJsonLines<T>(path: string): Promise<T[]> {
  let text: string;
  try {
    text = await fs.readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const out: T[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      out.push(JSON.parse(line) as T);
    } catch {
      // torn line: ignored, never fatal
    }
  }
  return out;
}
