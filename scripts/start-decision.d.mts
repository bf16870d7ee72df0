/** The outcome of `npm start`'s choice between the desktop app and the web host. */
export type HostDecision = { readonly host: 'desktop' } | { readonly host: 'web'; readonly reason: 'requested' | 'no-display' | 'no-binary' };

/** `npm start`'s arguments, split. */
export interface StartArgs {
  readonly forceWeb: boolean;
  readonly folder: string | null;
  readonly passthrough: string[];
}

/** Splits `npm start -- [--web] [web host options] [FOLDER]`. */
export function splitStartArgs(argv: readonly string[]): StartArgs;
/** True when a desktop window can be shown on this platform and environment. */
export function hasDisplay(platform: string, env: Readonly<Record<string, string | undefined>>): boolean;
/** Decides which host `npm start` runs. */
export function chooseHost(input: {
  readonly forceWeb: boolean;
  readonly platform: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly binary: 'present' | 'missing';
}): HostDecision;
/** Whether `npm start` runs Electron's download step (the binary is missing and the desktop app could open). */
export function shouldFetchBinary(input: {
  readonly forceWeb: boolean;
  readonly platform: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly binaryPresent: boolean;
}): boolean;
/** Printed right before the download step runs (and only then). */
export const FETCH_MESSAGE: string;
/** Reduces an install step's error output to its one telling line. */
export function summariseInstallError(output: string | null | undefined): string;
/** The words printed before starting the web host instead of the desktop app. */
export function fallbackMessage(decision: Extract<HostDecision, { host: 'web' }>, detail?: string): string;
