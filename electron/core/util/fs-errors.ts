import { RpcError } from '../../../shared/rpc';

/**
 * Turns a file-system fault while writing into a typed error whose message says what to do:
 * read-only file system, full disk, name too long, no permission. Other errors are returned as they are.
 */
export function writeError(path: string, error: unknown): unknown {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  const shown = path.length > 200 ? `${path.slice(0, 120)}…${path.slice(-60)}` : path;
  switch (code) {
    case 'EROFS':
      return new RpcError('UNAVAILABLE', `${shown} is on a read-only file system; nothing was written. Remount it read-write or work on a copy in a writable folder.`, { errno: code });
    case 'ENOSPC':
    case 'EDQUOT':
      return new RpcError('UNAVAILABLE', `The disk holding ${shown} is full (or over quota); nothing was written and the file is unchanged. Free some space, then try again.`, { errno: code });
    case 'ENAMETOOLONG':
      return new RpcError('INVALID_REQUEST', `The name ${shown} is too long for the file system; nothing was written. Use a shorter file or folder name.`, { errno: code });
    case 'EACCES':
    case 'EPERM':
      return new RpcError('FORBIDDEN', `Plumbline may not write ${shown}; nothing was written. Check the permissions of the file and its folder.`, { errno: code });
    default:
      return error;
  }
}
