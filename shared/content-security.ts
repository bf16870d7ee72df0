/**
 * The Content Security Policy of the renderer, one definition for both hosts: everything from the
 * app's own origin, no inline script, no remote anything. Monaco injects style elements (hence
 * inline styles) and starts its workers from the app's origin. The hosts differ only in where the
 * page may connect: the desktop app talks over IPC, the web host over its loopback WebSocket.
 */
export function contentSecurityPolicy(connectSrc: readonly string[] = [], opts: { readonly meta?: boolean } = {}): string {
  const directives = [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "worker-src 'self' blob:",
    ["connect-src 'self'", ...connectSrc].join(' '),
    "media-src 'none'",
    "object-src 'none'",
    "frame-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ];
  // A <meta> policy cannot carry frame-ancestors (browsers ignore it there with a console warning).
  return (opts.meta ? directives.filter((d) => !d.startsWith('frame-ancestors')) : directives).join('; ');
}

/** Where the web host's page may connect besides its own origin: its loopback WebSocket. */
export const WEB_HOST_CONNECT_SRC = ['ws://127.0.0.1:*', 'ws://localhost:*'] as const;
