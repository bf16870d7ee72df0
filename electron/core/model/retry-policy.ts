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

/** Connection failures that repeating cannot fix: nothing listens there, or the name does not resolve. */
const FATAL_CONNECTION: Record<string, string> = {
  ECONNREFUSED: 'connection refused: nothing is listening there',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name could not be resolved',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ERR_INVALID_URL: 'not a valid URL',
};

/** The Messages API address a client with this base URL calls. */
export function messagesUrl(baseURL: string | null | undefined): string {
  return `${(baseURL?.trim() || 'https://api.anthropic.com').replace(/\/+$/, '')}/v1/messages`;
}

/**
 * Classifies an error: 408/409/429/5xx/529, dropped connections and mid-stream errors retry;
 * other 4xx and connections that cannot succeed (refused, unknown host) never. `url` is the
 * Messages API address called, named in every reason so the user can check it.
 */
export function classifyError(error: unknown, url?: string): RetryDecision {
  const at = url ? ` at ${url}` : '';
  if (error instanceof APIUserAbortError) return { retry: false, reason: 'cancelled' };
  if (error instanceof StreamErrorEvent) return { retry: true, reason: `stream error (${error.errorType})${at}: ${sentence(error.message)}`, retryAfterMs: null };
  if (error instanceof APIConnectionError) {
    const code = causeCode(error);
    const fatal = code ? FATAL_CONNECTION[code] : /bad port/i.test(causeMessages(error)) ? 'a port browsers and fetch refuse to use' : undefined;
    if (fatal) return { retry: false, reason: `Cannot connect to the Messages API${at} (${fatal}) — check the endpoint in Settings` };
    return { retry: true, reason: `connection to the Messages API${at} failed: ${sentence(causeMessages(error) || error.message)}`, retryAfterMs: null };
  }
  if (error instanceof APIError) {
    const status = error.status;
    if (status === undefined) {
      // The SDK reports an error event inside a stream as an APIError without a status.
      return { retry: true, reason: `stream error${at}: ${sentence(plainMessage(error))}`, retryAfterMs: null };
    }
    const reason = statusReason(status, apiMessage(error), url);
    if (RETRY_STATUS.has(status) || status >= 500) return { retry: true, reason, retryAfterMs: retryAfterMs(error.headers) };
    return { retry: false, reason };
  }
  if (error instanceof Error && /terminated|socket|ECONNRESET|premature|aborted/i.test(error.message)) {
    return { retry: true, reason: `connection${at} dropped: ${sentence(error.message)}`, retryAfterMs: null };
  }
  return { retry: false, reason: error instanceof Error ? sentence(error.message) : String(error) };
}

/** What an HTTP status from a Messages API endpoint means, with what to check. */
export function statusReason(status: number, message: string | null, url?: string): string {
  const where = url ?? 'the endpoint';
  const detail = message ? `: ${sentence(message)}` : '';
  switch (status) {
    case 400:
      return `The Messages API${url ? ` at ${url}` : ''} rejected the request (HTTP 400${detail}) — check the model name in Settings`;
    case 401:
      return `The endpoint ${where} refused the key (HTTP 401${detail}) — check the key in Settings`;
    case 403:
      return `The endpoint ${where} does not allow this key (HTTP 403${detail}) — check the key's permissions`;
    case 404:
      return message && /model/i.test(message)
        ? `The endpoint ${where} does not know this model (HTTP 404${detail}) — check the model name in Settings`
        : `No Messages API at ${where} (HTTP 404) — check the endpoint in Settings`;
    case 405:
      return `No Messages API at ${where} (HTTP 405: the address does not take POST requests) — check the endpoint in Settings`;
    case 408:
      return `The endpoint ${where} timed out (HTTP 408)`;
    case 409:
      return `The endpoint ${where} reported a conflict (HTTP 409${detail})`;
    case 413:
      return `The request was too large for ${where} (HTTP 413${detail})`;
    case 429:
      return `The endpoint ${where} is rate-limiting (HTTP 429${detail})`;
    case 529:
      return `The endpoint ${where} is overloaded (HTTP 529${detail})`;
    default:
      if (status >= 500) return `The endpoint ${where} failed (HTTP ${status}${detail})`;
      return `The endpoint ${where} refused the request (HTTP ${status}${detail}) — check the endpoint and model in Settings`;
  }
}

/** A message without its final period, so it can be embedded in a sentence (never "error.."). */
export function sentence(text: string): string {
  return text.trim().replace(/[.\s]+$/, '');
}

/** The API's own message, or null when the body said nothing (the SDK's "404 status code (no body)"). */
function apiMessage(error: APIError): string | null {
  const text = plainMessage(error);
  if (/^\d{3} status code \(no body\)$/i.test(text) || /^\d{3}$/.test(text.trim())) return null;
  return text.replace(/^\d{3}\s+/, '') || null;
}

/** The system error code somewhere in the cause chain (fetch wraps it twice). */
function causeCode(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && code in FATAL_CONNECTION) return code;
    const inner = (e as { errors?: unknown }).errors;
    if (Array.isArray(inner)) for (const x of inner) if (typeof (x as { code?: unknown }).code === 'string' && (x as { code: string }).code in FATAL_CONNECTION) return (x as { code: string }).code;
  }
  return undefined;
}

function causeMessages(error: unknown): string {
  const out: string[] = [];
  for (let e: unknown = (error as { cause?: unknown }).cause, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof Error && e.message && e.message !== 'fetch failed') out.push(e.message);
  }
  return out.join('; ');
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
