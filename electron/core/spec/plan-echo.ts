import { createHash } from 'node:crypto';
import { promises as fs, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Tells a plan file's real change from the echo of one already announced. The plan writer
 * announces its own writes at once (`spec.didChange`); the file watcher then sees the same write
 * a moment later. Each announcement remembers the file's content hash, and a watcher report whose
 * file still has that hash is dropped — so one edit reaches the renderer once, while an edit made
 * in another editor (different bytes) always gets through.
 */
export class PlanEchoFilter {
  private readonly announced = new Map<string, string | null>();

  /** The content hash of a project file, or null when it does not exist (or is a folder). */
  private static async hashOf(root: string, file: string): Promise<string | null> {
    try {
      return createHash('sha1').update(await fs.readFile(join(root, file))).digest('hex');
    } catch {
      return null;
    }
  }

  /** Records what was announced for these files (call right after announcing; read at once, so no report can overtake it). */
  remember(root: string, files: readonly string[]): void {
    for (const f of files) {
      let hash: string | null = null;
      try {
        hash = createHash('sha1').update(readFileSync(join(root, f))).digest('hex');
      } catch {
        // Gone (a deleted decision) or a folder: remembered as absent.
      }
      this.announced.set(`${root}\0${f}`, hash);
    }
  }

  /** The files whose content differs from what was last announced; records them as announced. */
  async changed(root: string, files: readonly string[]): Promise<string[]> {
    const out: string[] = [];
    for (const f of files) {
      const key = `${root}\0${f}`;
      const hash = await PlanEchoFilter.hashOf(root, f);
      if (this.announced.has(key) && this.announced.get(key) === hash) continue;
      this.announced.set(key, hash);
      out.push(f);
    }
    return out;
  }

  /** Forgets a closed project. */
  forget(root: string): void {
    for (const key of [...this.announced.keys()]) if (key.startsWith(`${root}\0`)) this.announced.delete(key);
  }
}
