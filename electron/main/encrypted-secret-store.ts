import { promises as fs } from 'node:fs';
import { dirname } from 'node:path';
import { RpcError } from '../../shared/rpc';
import type { SecretStore } from '../core/core-context';
import { atomicWrite } from '../core/util/atomic-write';

/** The OS-backed cipher the store uses (Electron's safeStorage in the app; a fake in tests). */
export interface SecretCipher {
  isAvailable(): boolean;
  encrypt(plain: string): Uint8Array;
  decrypt(cipher: Uint8Array): string;
}

/** File in the app data folder holding encrypted secrets, one base64 blob per name. */
export const SECRETS_FILE = 'secrets.json';

/** Reads the name → base64 blob map; a missing or unreadable file holds no secrets. */
async function readBlobs(file: string): Promise<Record<string, string>> {
  try {
    const raw: unknown = JSON.parse(await fs.readFile(file, 'utf8'));
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return {};
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(raw)) if (typeof v === 'string') out[k] = v;
    return out;
  } catch {
    return {};
  }
}

/**
 * A SecretStore that keeps only ciphertext on disk (mode 0600), encrypted by the OS keychain
 * through the given cipher. Plain values exist only in memory of the main process, so an API key
 * never reaches the renderer or a file in clear.
 */
export function createEncryptedSecretStore(file: string, cipher: SecretCipher): SecretStore {
  // Serialise writes so two quick `set` calls cannot lose one another's update.
  let queue: Promise<unknown> = Promise.resolve();
  return {
    async get(name) {
      const blob = (await readBlobs(file))[name];
      if (blob === undefined) return null;
      if (!cipher.isAvailable()) {
        throw new RpcError('UNAVAILABLE', 'The system keychain is not available, so the saved secret cannot be read. Unlock the keychain (or install a Secret Service such as GNOME Keyring) and try again.');
      }
      try {
        return cipher.decrypt(Buffer.from(blob, 'base64'));
      } catch {
        throw new RpcError('UNAVAILABLE', `The saved secret "${name}" can no longer be decrypted (the keychain changed). Enter it again in Settings.`);
      }
    },
    set(name, value) {
      const run = queue.then(async () => {
        const blobs = await readBlobs(file);
        if (value === null) {
          if (!(name in blobs)) return;
          delete blobs[name];
        } else {
          if (!cipher.isAvailable()) {
            throw new RpcError('UNAVAILABLE', 'The system keychain is not available, so the secret cannot be stored safely. Unlock the keychain (or install a Secret Service such as GNOME Keyring), or set the environment variable instead.');
          }
          blobs[name] = Buffer.from(cipher.encrypt(value)).toString('base64');
        }
        await fs.mkdir(dirname(file), { recursive: true });
        await atomicWrite(file, `${JSON.stringify(blobs, null, 2)}\n`, { mode: 0o600 });
      });
      queue = run.catch(() => undefined);
      return run;
    },
  };
}
