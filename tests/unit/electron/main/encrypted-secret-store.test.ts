import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEncryptedSecretStore, SECRETS_FILE, type SecretCipher } from '../../../../electron/main/encrypted-secret-store';
import { RpcError } from '../../../../shared/rpc';

/** A reversible stand-in for the OS keychain: XOR with a key, so ciphertext differs from the text. */
function fakeCipher(key = 0x5a): SecretCipher & { available: boolean } {
  return {
    available: true,
    isAvailable() {
      return this.available;
    },
    encrypt: (plain) => Uint8Array.from(Buffer.from(`v1:${plain}`, 'utf8'), (b) => b ^ key),
    decrypt: (cipher) => {
      const text = Buffer.from(Uint8Array.from(cipher, (b) => b ^ key)).toString('utf8');
      if (!text.startsWith('v1:')) throw new Error('bad key');
      return text.slice(3);
    },
  };
}

function tempFile(): string {
  return join(mkdtempSync(join(tmpdir(), 'plumbline-secrets-')), SECRETS_FILE);
}

describe('createEncryptedSecretStore', () => {
  it('stores only ciphertext, in a file only the user can read, and reads it back', async () => {
    const file = tempFile();
    const store = createEncryptedSecretStore(file, fakeCipher());
    await store.set('anthropic', 'sk-ant-secret-value');
    const onDisk = readFileSync(file, 'utf8');
    expect(onDisk).not.toContain('sk-ant-secret-value');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(await store.get('anthropic')).toBe('sk-ant-secret-value');
    expect(await store.get('other')).toBeNull();
  });

  it('deletes a secret with null and keeps the others', async () => {
    const file = tempFile();
    const store = createEncryptedSecretStore(file, fakeCipher());
    await Promise.all([store.set('a', '1'), store.set('b', '2'), store.set('c', '3')]);
    await store.set('b', null);
    expect([await store.get('a'), await store.get('b'), await store.get('c')]).toEqual(['1', null, '3']);
  });

  it('refuses to store in clear when the keychain is unavailable, saying what to do', async () => {
    const cipher = fakeCipher();
    cipher.available = false;
    const store = createEncryptedSecretStore(tempFile(), cipher);
    const error = await store.set('anthropic', 'x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RpcError);
    expect((error as RpcError).code).toBe('UNAVAILABLE');
    expect((error as RpcError).message).toMatch(/keychain/);
  });

  it('reports a secret the keychain can no longer decrypt instead of returning garbage', async () => {
    const file = tempFile();
    await createEncryptedSecretStore(file, fakeCipher(0x11)).set('k', 'v');
    const error = await createEncryptedSecretStore(file, fakeCipher(0x22))
      .get('k')
      .catch((e: unknown) => e);
    expect((error as RpcError).code).toBe('UNAVAILABLE');
  });
});
