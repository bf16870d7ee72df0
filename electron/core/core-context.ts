import type { HostCapabilities } from '../../shared/contract';
import type { EventBus } from './events';
import type { ProjectRegistry } from './app/project-registry';
import type { CoreServices } from './core-services';

/** Secret storage injected by the host (Electron safeStorage, or a 0600 file for the web host). */
export interface SecretStore {
  get(name: string): Promise<string | null>;
  set(name: string, value: string | null): Promise<void>;
}

/** Host-specific services injected into the core, one implementation per host. */
export interface HostServices {
  readonly capabilities: HostCapabilities;
  /** Native folder dialog; absent where the host has none. */
  readonly pickFolder?: (title?: string) => Promise<string | null>;
  /** Folders the in-app folder browser may show (web host). */
  readonly browseRoots: readonly string[];
  readonly secrets: SecretStore;
  /** Renders HTML to PDF bytes (desktop host; the CLI may use headless Chromium). */
  readonly printToPdf?: (html: string) => Promise<Uint8Array>;
}

/** What every service of the core receives from the composition root. */
export interface CoreContext {
  /** The app data folder: recent projects, settings, transcripts, checkpoint repositories. */
  readonly dataDir: string;
  readonly version: string;
  readonly bus: EventBus;
  readonly projects: ProjectRegistry;
  readonly host: HostServices;
  /** Folder of files packaged with the app (the example project, icons). */
  readonly resourcesDir: string;
  /** The bundled status worker (`status-worker-entry.ts`); absent → status runs on the calling thread (tests). */
  readonly statusWorkerPath?: string;
  /** The bundled import worker (`import/import-worker-entry.ts`); absent → imports parse on the calling thread (tests). */
  readonly importWorkerPath?: string;
  /** Services built once: shared ones, and per opened project (see core-services.ts). */
  readonly services: CoreServices;
}
