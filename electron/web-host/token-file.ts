import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { dirname } from 'node:path';

/** A fresh random access token (URL-safe). */
export function randomToken(): string {
  return randomBytes(24).toString('base64url');
}

/**
 * Reads the web host's token from `file`, or creates the file with a random token (mode 0600,
 * readable only by the user) when it does not exist, so a restarted host keeps its token and
 * the token never appears on a command line. Errors say what to do.
 */
export async function readOrCreateTokenFile(file: string): Promise<string> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EISDIR') throw new Error(`--token-file ${file} is a folder. Name a file (it is created when missing).`, { cause: error });
    if (code !== 'ENOENT') throw new Error(`Cannot read the token file ${file}: ${(error as Error).message}. Check its permissions, or name another file.`, { cause: error });
    const token = randomToken();
    await fs.mkdir(dirname(file), { recursive: true });
    try {
      // 'wx': never overwrite a file another host created meanwhile.
      await fs.writeFile(file, `${token}\n`, { mode: 0o600, flag: 'wx' });
      return token;
    } catch (createError) {
      if ((createError as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new Error(`Cannot create the token file ${file}: ${(createError as Error).message}. Check the folder's permissions, or name another file.`, { cause: createError });
      }
      text = await fs.readFile(file, 'utf8');
    }
  }
  const token = text.trim();
  if (!token) throw new Error(`The token file ${file} is empty. Delete it (a new token is then made) or write a token into it.`);
  if (/\s/.test(token)) throw new Error(`The token file ${file} must hold one token on one line, without spaces.`);
  return token;
}
