import { createCoreContext } from '../../electron/core/create-core';
import type { CoreContext, SecretStore } from '../../electron/core/core-context';

/** Options of testCoreContext. */
export interface TestContextOptions {
  readonly dataDir: string;
  /** Folders opened in the context's project registry. */
  readonly roots?: readonly string[];
  /** Secret storage contents (the web host's file or the desktop keychain in the app). */
  readonly secrets?: Map<string, string | null>;
  readonly resourcesDir?: string;
  /** Environment the model settings fall back to; default: only PATH, so no real key leaks in. */
  readonly env?: NodeJS.ProcessEnv;
}

/** A real core context (event bus, project registry, services built once) for module tests. */
export function testCoreContext(o: TestContextOptions): CoreContext {
  const secrets = o.secrets ?? new Map<string, string | null>();
  const store: SecretStore = {
    get: async (n) => secrets.get(n) ?? null,
    set: async (n, v) => void (v === null ? secrets.delete(n) : secrets.set(n, v)),
  };
  const ctx = createCoreContext({
    dataDir: o.dataDir,
    version: 'test',
    resourcesDir: o.resourcesDir ?? o.dataDir,
    host: { capabilities: { kind: 'web', nativeFolderDialog: false, printToPdf: false, platform: process.platform }, browseRoots: [], secrets: store },
    env: o.env ?? { PATH: process.env.PATH },
  });
  for (const root of o.roots ?? []) ctx.projects.add(root);
  return ctx;
}
