import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import type { RecentProject } from '../../../shared/contract';
import { atomicWrite } from '../util/atomic-write';

const MAX_RECENT = 20;

/** The recent-projects list, kept as JSON in the app data folder. */
export class RecentProjects {
  private readonly file: string;

  constructor(dataDir: string) {
    this.file = join(dataDir, 'recent.json');
  }

  /** Entries newest first; vanished folders are marked, never dropped silently. */
  async list(): Promise<RecentProject[]> {
    const stored = await this.read();
    return Promise.all(
      stored.map(async (p) => ({ ...p, exists: await fs.stat(p.root).then((s) => s.isDirectory(), () => false) })),
    );
  }

  /** Moves (or adds) a project to the top. */
  async touch(root: string, name: string): Promise<void> {
    const stored = (await this.read()).filter((p) => p.root !== root);
    stored.unshift({ root, name, openedAt: new Date().toISOString() });
    await this.write(stored.slice(0, MAX_RECENT));
  }

  /** Removes an entry. */
  async remove(root: string): Promise<void> {
    await this.write((await this.read()).filter((p) => p.root !== root));
  }

  private async read(): Promise<Omit<RecentProject, 'exists'>[]> {
    try {
      const data: unknown = JSON.parse(await fs.readFile(this.file, 'utf8'));
      if (!Array.isArray(data)) return [];
      return data.filter(
        (p): p is Omit<RecentProject, 'exists'> =>
          typeof p === 'object' && p !== null && typeof p.root === 'string' && typeof p.name === 'string' && typeof p.openedAt === 'string',
      );
    } catch {
      // Missing or unreadable list: start empty rather than fail the welcome screen.
      return [];
    }
  }

  private async write(list: Omit<RecentProject, 'exists'>[]): Promise<void> {
    await fs.mkdir(join(this.file, '..'), { recursive: true });
    await atomicWrite(this.file, `${JSON.stringify(list, null, 2)}\n`);
  }
}
