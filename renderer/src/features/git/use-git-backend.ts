import { useEffect, useState } from 'react';
import type { GitBackendInfo } from '../../../../shared/contract';
import { useApi } from '../../api/api-context';

/** Which git serves the project (native git or the built-in engine); null until known or when not a repository. */
export function useGitBackend(root: string | null | undefined, isRepo: boolean): GitBackendInfo | null {
  const api = useApi();
  const [info, setInfo] = useState<GitBackendInfo | null>(null);
  useEffect(() => {
    setInfo(null);
    if (!root || !isRepo) return;
    let live = true;
    api.request('git.backend', { root }).then(
      (r) => {
        if (live) setInfo(r);
      },
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [api, root, isRepo]);
  return info;
}

/** A short name for the branch line: "git 2.43.0" or "built-in git". */
export function backendLabel(info: GitBackendInfo): string {
  return info.kind === 'native' ? `git ${info.version ?? ''}`.trim() : 'built-in git';
}

/** One sentence for Settings. */
export function backendDescription(info: GitBackendInfo): string {
  if (info.kind === 'native') {
    const where = info.path === 'git' ? 'found on PATH' : `at ${info.path ?? '?'}`;
    return `Git ${info.version ?? ''} ${where} does the git work: your hooks run and your git settings (signing, line endings) apply.`;
  }
  return `The built-in git engine does the git work (${info.reason ?? 'no git found'}). Commit hooks do not run, and repositories it cannot change exactly as git would are refused. Install git 2.30 or newer to use it instead.`;
}
