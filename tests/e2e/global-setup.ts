import { buildNode, buildRenderer } from '../../scripts/build-lib.mjs';

/** Builds the renderer and the CLI once (only when stale), so each spec's web host starts at once. */
export default async function globalSetup(): Promise<void> {
  await buildRenderer({ quiet: true });
  await buildNode();
}
