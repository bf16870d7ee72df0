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

/** Reads the token a request carries: Authorization bearer, the session cookie, or `?token=`. */
export function tokenOf(req: IncomingMessage): string | null {
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice(7).trim();
  const cookie = req.headers.cookie;
  if (cookie) {
    for (const part of cookie.split(';')) {
      const [k, ...v] = part.trim().split('=');
      if (k === COOKIE_NAME) return decodeURIComponent(v.join('='));
    }
  }
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  return url.searchParams.get('token');
}

/** Name of the cookie that carries the token after the first visit. */
export const COOKIE_NAME = 'plumbline_token';

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
  const given = tokenOf(req);
  if (!given || !tokensEqual(given, token)) return { ok: false, status: 401, reason: 'Unauthorized: open the URL the web host printed (it carries the token).' };
  return { ok: true };
}
