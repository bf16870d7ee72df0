import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { ShadowRepo } from '../checkpoints/shadow-repo';
import { EVIDENCE_FILE } from './evidence';
import { readPlanFacts, type PlanFacts } from './plan-facts';
import { resolveTestCommand, type TestCommand } from './test-command';

/** Files outside `.plumbline/` the test command is detected from. */
const MANIFESTS = new Set(['package.json', 'pyproject.toml', 'go.mod', 'Cargo.toml', 'Makefile', 'makefile', 'GNUmakefile']);

/** The plan as it stood at a checkpoint: what the Calibrator trusts after a run. */
export interface TrustedPlan {
  readonly facts: PlanFacts;
  readonly testCommand: TestCommand | null;
  /** The checkpoint's files: path → blob id. */
  readonly tree: ReadonlyMap<string, string>;
  /** package.json at the checkpoint (null when absent). */
  readonly packageJson: string | null;
}

/** The files of a checkpoint commit: path → blob id (the shadow repository reads its object files directly). */
export async function readCheckpointTree(shadow: Pick<ShadowRepo, 'readSnapshot'>, commit: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const [path, entry] of await shadow.readSnapshot(commit)) out.set(path, entry.oid);
  return out;
}

/** Reads a checkpoint blob (the shadow repository's store, falling back to the project's repository). */
export type BlobReader = (oid: string) => Promise<Uint8Array>;

/** A blob's text, or null when it is missing. */
export async function blobText(read: BlobReader, oid: string | null | undefined): Promise<string | null> {
  if (!oid) return null;
  try {
    return new TextDecoder().decode(await read(oid));
  } catch {
    return null;
  }
}

/** True for the files that define the plan's checks: the plan folder (not the ledger) and the manifests. */
function definesChecks(path: string): boolean {
  return (path.startsWith('.plumbline/') && path !== EVIDENCE_FILE) || MANIFESTS.has(path);
}

/**
 * Reads the plan as it stood at a checkpoint: the plan files and manifests are copied from the
 * checkpoint's blobs into a private folder and parsed there by the same readers the Orchestrator
 * uses, so nothing the run wrote on disk can change what the Calibrator runs or expects.
 */
export async function trustedPlanAt(read: BlobReader, tree: ReadonlyMap<string, string>): Promise<TrustedPlan> {
  const dir = await mkdtemp(join(tmpdir(), 'plumbline-plan-'));
  try {
    for (const [path, oid] of tree) {
      if (!definesChecks(path)) continue;
      const blob = await read(oid);
      const abs = join(dir, path);
      await mkdir(dirname(abs), { recursive: true });
      await writeFile(abs, blob);
    }
    const [facts, testCommand] = await Promise.all([readPlanFacts(dir), resolveTestCommand(dir)]);
    return { facts, testCommand, tree, packageJson: await blobText(read, tree.get('package.json')) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Trusted plans read per shadow repository, by checkpoint commit (a checkpoint never changes). */
const planCache = new WeakMap<Pick<ShadowRepo, 'readBlob'>, Map<string, Promise<TrustedPlan>>>();
/** Checkpoints remembered per shadow repository: a run's, read at its start (baseline) and when it is judged. */
const KEEP_PLANS = 4;

/**
 * The plan at a checkpoint (see trustedPlanAt), read once per checkpoint: the baseline reads it when the run
 * starts and the verifier again when the run is judged. `tree`: the checkpoint's files, when the caller has them.
 */
export function trustedPlanOf(shadow: Pick<ShadowRepo, 'readBlob' | 'readSnapshot'>, commit: string, tree?: Promise<ReadonlyMap<string, string>>): Promise<TrustedPlan> {
  let plans = planCache.get(shadow);
  if (!plans) planCache.set(shadow, (plans = new Map()));
  const hit = plans.get(commit);
  if (hit) return hit;
  const plan = (tree ?? readCheckpointTree(shadow, commit)).then((files) => trustedPlanAt((oid) => shadow.readBlob(oid), files));
  plans.set(commit, plan);
  while (plans.size > KEEP_PLANS) plans.delete(plans.keys().next().value!);
  // A failed read is not remembered: the next caller tries again.
  plan.catch(() => {
    if (plans.get(commit) === plan) plans.delete(commit);
  });
  return plan;
}
