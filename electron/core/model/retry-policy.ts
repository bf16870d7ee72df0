import { APIConnectionError, APIError, APIUserAbortError } from '@anthropic-ai/sdk';

/** How a failed model call is treated. */
export type RetryDecision =
  | { readonly retry: true; readonly reason: string; readonly retryAfterMs: number | null }
  | { readonly retry: false; readonly reason: string };

/** An `event: error` frame inside a stream; always retryable (the call is repeated whole). */
export class StreamErrorEvent extends Error {
  constructor(
    readonly errorType: string,
    message: string,
  ) {
    super(message);
    this.name = 'StreamErrorEvent';
  }
}

const RETRY_STATUS = new Set([408, 409, 429]);

/** Classifies an error: 408/409/429/5xx/529, connection errors and mid-stream errors retry; 400/401/403 never. */
export function classifyError(error: unknown): RetryDecision {
  if (error instanceof APIUserAbortError) return { retry: false, reason: 'cancelled' };
  if (error instanceof StreamErrorEvent) return { retry: true, reason: `stream error (${error.errorType}): ${error.message}`, retryAfterMs: null };
  if (error instanceof APIConnectionError) return { retry: true, reason: `connection error: ${error.message}`, retryAfterMs: null };
  if (error instanceof APIError) {
    const status = error.status;
    if (status === undefined) {
      // The SDK reports an error event inside a stream as an APIError without a status.
      return { retry: true, reason: `stream error: ${plainMessage(error)}`, retryAfterMs: null };
    }
    if (RETRY_STATUS.has(status) || status >= 500) {
      return { retry: true, reason: `HTTP ${status}: ${plainMessage(error)}`, retryAfterMs: retryAfterMs(error.headers) };
    }
    return { retry: false, reason: `HTTP ${status}: ${plainMessage(error)}` };
  }
  if (error instanceof Error && /terminated|socket|ECONNRESET|premature|aborted/i.test(error.message)) {
    return { retry: true, reason: `connection error: ${error.message}`, retryAfterMs: null };
  }
  return { retry: false, reason: error instanceof Error ? error.message : String(error) };
}

/** The API's own message from an APIError, without the SDK's status prefix noise. */
export function plainMessage(error: APIError): string {
  const body = error.error as { error?: { message?: unknown } } | undefined;
  const inner = body?.error?.message;
  return typeof inner === 'string' ? inner : error.message;
}

/** Reads retry-after-ms / retry-after (seconds or HTTP date). */
export function retryAfterMs(headers: Headers | undefined, now = Date.now()): number | null {
  if (!headers) return null;
  const ms = headers.get('retry-after-ms');
  if (ms && Number.isFinite(Number(ms))) return Math.max(0, Number(ms));
  const ra = headers.get('retry-after');
  if (!ra) return null;
  if (Number.isFinite(Number(ra))) return Math.max(0, Number(ra) * 1000);
  const date = Date.parse(ra);
  return Number.isFinite(date) ? Math.max(0, date - now) : null;
}

/** Backoff settings; tests pass a tiny base so they never wait seconds. */
export interface BackoffOptions {
  readonly maxAttempts: number;
  readonly baseMs: number;
  readonly maxMs: number;
}

/** Default backoff: 6 attempts, 1 s doubling to 30 s, jittered. */
export const DEFAULT_BACKOFF: BackoffOptions = { maxAttempts: 6, baseMs: 1000, maxMs: 30_000 };

/** Delay before retry number `attempt` (1-based); retry-after wins when the server sent one. */
export function backoffDelay(attempt: number, retryAfter: number | null, options: BackoffOptions, random = Math.random): number {
  // The server knows best; cap only absurd values (ten minutes) so a bad header cannot hang a run.
  if (retryAfter !== null) return Math.min(retryAfter, 600_000);
  const exp = Math.min(options.maxMs, options.baseMs * 2 ** (attempt - 1));
  return Math.round(exp * (0.75 + random() * 0.25));
}

/** Waits, or rejects when the signal aborts; injectable so tests control time. */
export type Sleeper = (ms: number, signal: AbortSignal) => Promise<void>;

/** The real sleeper. */
export const realSleep: Sleeper = (ms, signal) =>
  new Promise<void>((resolve, reject) => {
    if (signal.aborted) return reject(new APIUserAbortError());
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new APIUserAbortError());
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
