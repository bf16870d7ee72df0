import { timingSafeEqual, createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** The outcome of checking one request against the web host's rules. */
export type GuardResult = { readonly ok: true } | { readonly ok: false; readonly status: 401 | 403; readonly reason: string };

/** Compares two secrets in constant time (hashing first so lengths do not leak either). */
export function tokensEqual(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}

/**
 * Reads the token a request carries: Authorization bearer, then `?token=`, then this host's
 * cookie. The URL wins over the cookie, so the URL a restarted host prints works even where
 * an older host left its cookie behind.
 */
export function tokenOf(req: IncomingMessage, port: number): string | null {
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice(7).trim();
  const query = queryToken(req);
  if (query !== null) return query;
  return cookieToken(req, port);
}

/** The `?token=` of a request's URL, if any. */
export function queryToken(req: IncomingMessage): string | null {
  return new URL(req.url ?? '/', 'http://127.0.0.1').searchParams.get('token');
}

function cookieToken(req: IncomingMessage, port: number): string | null {
  const name = cookieName(port);
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k !== name) continue;
    try {
      return decodeURIComponent(v.join('='));
    } catch {
      return null;
    }
  }
  return null;
}

/**
 * Name of the cookie that carries the token after the first visit. Browsers share cookies
 * across the ports of one host name, so each web host names its cookie after its port: two
 * hosts on 127.0.0.1 never overwrite each other's.
 */
export function cookieName(port: number): string {
  return `plumbline_token_${port}`;
}

/** The cookie older versions set for every port; cleared when a new cookie is set. */
export const LEGACY_COOKIE_NAME = 'plumbline_token';

/**
 * Applies the web host's rules: the Host header must be the loopback address it listens on
 * (defeats DNS rebinding), an Origin must be its own (defeats cross-site requests), and the
 * token must match (constant-time).
 */
export function guardRequest(req: IncomingMessage, port: number, token: string): GuardResult {
  const allowedHosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  const host = req.headers.host;
  if (!host || !allowedHosts.has(host.toLowerCase())) return { ok: false, status: 403, reason: 'Forbidden: wrong Host header.' };
  const origin = req.headers.origin;
  const allowedOrigins = new Set([...allowedHosts].map((h) => `http://${h}`));
  if (origin !== undefined && !allowedOrigins.has(origin.toLowerCase())) {
    return { ok: false, status: 403, reason: 'Forbidden: foreign Origin.' };
  }
  const given = tokenOf(req, port);
  if (!given || !tokensEqual(given, token)) return { ok: false, status: 401, reason: 'Unauthorized: open the URL the web host printed (it carries the token).' };
  return { ok: true };
}
