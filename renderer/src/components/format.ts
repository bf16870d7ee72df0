/** A byte count for people: "512 B", "3.4 KB", "1.2 MB". */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/**
 * A repository path as its name and the folder holding it ("" for a file at the root); a trailing slash
 * (an untracked folder) is not part of the name.
 */
export function splitPath(path: string): { readonly name: string; readonly folder: string } {
  const trimmed = path.replace(/\/$/, '');
  const slash = trimmed.lastIndexOf('/');
  return slash < 0 ? { name: trimmed, folder: '' } : { name: trimmed.slice(slash + 1), folder: trimmed.slice(0, slash) };
}
