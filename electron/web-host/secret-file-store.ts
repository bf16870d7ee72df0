import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import type { SecretStore } from '../core/core-context';
import { atomicWrite } from '../core/util/atomic-write';

/** Secrets for the web host: one JSON file readable only by the user (mode 0600) in its data folder. */
export function createSecretFileStore(dataDir: string): SecretStore {
  const file = join(dataDir, 'secrets.json');
  const read = async (): Promise<Record<string, string>> => {
    try {
      const data: unknown = JSON.parse(await fs.readFile(file, 'utf8'));
      return typeof data === 'object' && data !== null ? (data as Record<string, string>) : {};
    } catch {
      return {};
    }
  };
  return {
    async get(name) {
      const all = await read();
      return typeof all[name] === 'string' ? all[name] : null;
    },
    async set(name, value) {
      const all = await read();
      if (value === null) delete all[name];
      else all[name] = value;
      await fs.mkdir(dataDir, { recursive: true });
      await atomicWrite(file, JSON.stringify(all), { mode: 0o600 });
    },
  };
}
