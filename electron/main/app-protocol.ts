import { protocol } from 'electron';
import { promises as fs } from 'node:fs';
import { resolveAppAsset } from './app-assets';
import { APP_SCHEME, CONTENT_SECURITY_POLICY } from './security-policy';

/**
 * Declares the app:// scheme before the app is ready: standard (real origin, relative URLs),
 * secure (like https), fetch and CORS enabled so module scripts and Monaco's workers load.
 */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true, codeCache: true } },
  ]);
}

/** Headers every app:// response carries: the CSP (also set here so it holds without the meta tag). */
function headers(contentType: string): Record<string, string> {
  return {
    'content-type': contentType,
    'content-security-policy': CONTENT_SECURITY_POLICY,
    'x-content-type-options': 'nosniff',
    'cross-origin-opener-policy': 'same-origin',
    'cache-control': 'no-cache',
  };
}

/** Serves the built renderer folder on app://plumbline/; nothing outside that folder is reachable. */
export function handleAppProtocol(rendererDir: string): void {
  protocol.handle(APP_SCHEME, async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return new Response('Method not allowed', { status: 405, headers: headers('text/plain; charset=utf-8') });
    }
    const asset = resolveAppAsset(rendererDir, request.url);
    if (!asset) return new Response('Not found', { status: 404, headers: headers('text/plain; charset=utf-8') });
    try {
      const body = await fs.readFile(asset.file);
      return new Response(request.method === 'HEAD' ? null : body, { status: 200, headers: headers(asset.mimeType) });
    } catch {
      const missingBuild = asset.file.endsWith('index.html');
      const text = missingBuild ? 'The renderer is not built. Run `npm run build` (or `npm start`, which builds it) and reload.' : 'Not found';
      return new Response(text, { status: 404, headers: headers('text/plain; charset=utf-8') });
    }
  });
}
