import { homedir, platform } from 'node:os';
import { join } from 'node:path';

/** The platform's app-data folder, the same one the desktop host uses (Electron's userData). */
export function defaultDataDir(): string {
  if (process.env.PLUMBLINE_DATA_DIR) return process.env.PLUMBLINE_DATA_DIR;
  const home = homedir();
  switch (platform()) {
    case 'darwin':
      return join(home, 'Library', 'Application Support', 'Plumbline');
    case 'win32':
      return join(process.env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'Plumbline');
    default:
      return join(process.env.XDG_CONFIG_HOME ?? join(home, '.config'), 'Plumbline');
  }
}
