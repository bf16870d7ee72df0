import { app, dialog, safeStorage, type BrowserWindow } from 'electron';
import { join } from 'node:path';
import type { HostServices } from '../core/core-context';
import { createEncryptedSecretStore, SECRETS_FILE } from './encrypted-secret-store';
import { printHtmlToPdf } from './pdf-printer';

/** The desktop host's services for the core: native folder dialog, keychain-backed secrets, PDF printing. */
export function createDesktopHost(options: { readonly dataDir: string; readonly getWindow: () => BrowserWindow | null }): HostServices {
  return {
    capabilities: { kind: 'desktop', nativeFolderDialog: true, printToPdf: true, platform: process.platform },
    async pickFolder(title) {
      const win = options.getWindow();
      const dialogOptions: Electron.OpenDialogOptions = { title: title ?? 'Open folder', properties: ['openDirectory', 'createDirectory'] };
      const result = win && !win.isDestroyed() ? await dialog.showOpenDialog(win, dialogOptions) : await dialog.showOpenDialog(dialogOptions);
      return result.canceled ? null : (result.filePaths[0] ?? null);
    },
    browseRoots: [app.getPath('home')],
    secrets: createEncryptedSecretStore(join(options.dataDir, SECRETS_FILE), {
      isAvailable: () => safeStorage.isEncryptionAvailable(),
      encrypt: (plain) => safeStorage.encryptString(plain),
      decrypt: (cipher) => safeStorage.decryptString(Buffer.from(cipher)),
    }),
    printToPdf: printHtmlToPdf,
  };
}
