import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import type { RunVerification } from '../../../shared/contract/verify';
import { RpcError } from '../../../shared/rpc';
import { atomicWrite } from '../util/atomic-write';
import { projectHash } from './evidence';
import type { VerifiableRun } from './verifiable-run';

/** A verified run as kept in the app data folder: the run's facts and its latest verification. */
export interface StoredRun {
  readonly run: VerifiableRun;
  readonly verification: RunVerification;
}

/** The project that keeps a run's verification records (see VerifiableRun.recordRoot). */
export function recordRootOf(run: Pick<VerifiableRun, 'projectRoot' | 'recordRoot'>): string {
  return run.recordRoot ?? run.projectRoot;
}

/** Folder of stored run verifications of a project. */
export function runStoreDir(dataDir: string, root: string): string {
  return join(dataDir, 'verifications', projectHash(root));
}

function fileFor(dataDir: string, root: string, runId: string): string {
  if (!/^[A-Za-z0-9._-]{1,120}$/.test(runId) || runId.startsWith('.')) throw new RpcError('INVALID_REQUEST', `"${runId}" is not a valid run id.`);
  return join(runStoreDir(dataDir, root), `${runId}.json`);
}

/** Saves (replaces) a run's verification in its project's store (recordRootOf); the evidence ledger keeps every earlier verdict. */
export async function saveRun(dataDir: string, stored: StoredRun): Promise<void> {
  const root = recordRootOf(stored.run);
  const file = fileFor(dataDir, root, stored.run.runId);
  await fs.mkdir(runStoreDir(dataDir, root), { recursive: true });
  await atomicWrite(file, JSON.stringify(stored));
}

/** Loads one stored run, or throws NOT_FOUND. */
export async function loadRun(dataDir: string, root: string, runId: string): Promise<StoredRun> {
  try {
    return JSON.parse(await fs.readFile(fileFor(dataDir, root, runId), 'utf8')) as StoredRun;
  } catch (error) {
    if (error instanceof RpcError) throw error;
    throw new RpcError('NOT_FOUND', `No verification of run ${runId} is stored for this project. Verify the run again.`);
  }
}

/** Every stored run of a project, newest verification first. */
export async function listRuns(dataDir: string, root: string): Promise<StoredRun[]> {
  let files: string[];
  try {
    files = (await fs.readdir(runStoreDir(dataDir, root))).filter((f) => f.endsWith('.json') && !f.endsWith('.baseline.json'));
  } catch {
    return [];
  }
  const out: StoredRun[] = [];
  for (const f of files) {
    try {
      out.push(JSON.parse(await fs.readFile(join(runStoreDir(dataDir, root), f), 'utf8')) as StoredRun);
    } catch {
      // a half-written or foreign file is skipped, never fatal
    }
  }
  return out.sort((a, b) => b.verification.verifiedAt.localeCompare(a.verification.verifiedAt));
}
