import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** Options for atomicWrite. */
export interface AtomicWriteOptions {
  /** File mode to give the new file; defaults to the existing file's mode, else 0o644. */
  readonly mode?: number;
}

/**
 * Writes a file atomically: temp file beside it, fsync, rename over, fsync the folder.
 * A crash at any moment leaves either the old or the new content, never a truncated file.
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
  const tmp = join(dir, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await fs.open(tmp, 'wx', mode);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await fs.chmod(tmp, mode);
    await fs.rename(tmp, path);
  } catch (error) {
    await fs.rm(tmp, { force: true });
    throw error;
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

/** Appends one complete line (JSON Lines) and fsyncs it. */
export async function appendLine(path: string, line: string): Promise<void> {
  const handle = await fs.open(path, 'a', 0o644);
  try {
    await handle.writeFile(line.endsWith('\n') ? line : `${line}\n`);
    await handle.sync();
  } finally {
    await handle.close();
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
