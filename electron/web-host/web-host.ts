import { randomUUID } from 'node:crypto';
import { promises as fs, createReadStream } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { homedir, platform } from 'node:os';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { dispatch } from '../../shared/rpc';
import { createCore, type Core } from '../core/create-core';
import { CONTENT_SECURITY_POLICY } from './content-security';
import { LEGACY_COOKIE_NAME, cookieName, guardRequest, queryToken } from './request-guard';
import { createSecretFileStore } from './secret-file-store';
import { randomToken } from './token-file';

/** Options of the web host. */
export interface WebHostOptions {
  readonly port?: number;
  readonly token?: string;
  readonly dataDir: string;
  /** A folder to open at start. */
  readonly folder?: string;
  /** Folders the in-app folder picker may browse; defaults to the folder's parent and the home folder. */
  readonly roots?: readonly string[];
  readonly rendererDir: string;
  readonly resourcesDir: string;
  /** The bundled status worker (dist/node/status-worker.mjs). */
  readonly statusWorkerPath?: string;
  /** The bundled import worker (dist/node/import-worker.mjs). */
  readonly importWorkerPath?: string;
  readonly version: string;
  /** Validate every response against the contract (tests and development). */
  readonly validateResponses?: boolean;
}

/** A running web host. */
export interface WebHost {
  readonly url: string;
  readonly port: number;
  readonly token: string;
  readonly core: Core;
  close(): Promise<void>;
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.ttf': 'font/ttf',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

const MAX_BODY = 16 * 1024 * 1024;
/** Longest static path served; longer ones are refused before they reach the file system. */
const MAX_PATH = 1024;

/**
 * Starts the plain Node host: the built renderer and the core over HTTP + WebSocket on
 * 127.0.0.1 only, every request guarded by Host, Origin and a random token.
 */
export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const token = options.token ?? randomToken();
  const folder = options.folder ? resolve(options.folder) : undefined;
  const roots = options.roots?.length ? options.roots.map((r) => resolve(r)) : [...(folder ? [dirname(folder)] : []), homedir()];
  await fs.mkdir(options.dataDir, { recursive: true });
  const core = createCore({
    dataDir: options.dataDir,
    version: options.version,
    resourcesDir: options.resourcesDir,
    statusWorkerPath: options.statusWorkerPath,
    importWorkerPath: options.importWorkerPath,
    host: {
      capabilities: { kind: 'web', nativeFolderDialog: false, printToPdf: false, platform: platform() },
      browseRoots: roots,
      secrets: createSecretFileStore(options.dataDir),
    },
  });
  const dispatchOptions = {
    validateResponses: options.validateResponses ?? false,
    onInternalError: (method: string, error: unknown) => console.error(`[plumbline] ${method} failed:`, error),
  };
  let port = 0;
  const rendererRoot = resolve(options.rendererDir);

  const securityHeaders = (res: ServerResponse) => {
    res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  };

  const deny = (res: ServerResponse, status: number, message: string) => {
    securityHeaders(res);
    res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end(message);
  };

  const serveStatic = async (req: IncomingMessage, res: ServerResponse, pathname: string) => {
    let wanted: string;
    try {
      wanted = pathname === '/' ? '/index.html' : decodeURIComponent(pathname);
    } catch {
      return deny(res, 400, 'Bad request: the address has a malformed %-escape. Open the URL the web host printed.');
    }
    if (wanted.length > MAX_PATH) return deny(res, 404, 'Not found: the address is too long. Open the URL the web host printed.');
    const file = normalize(join(rendererRoot, wanted));
    if (!file.startsWith(rendererRoot + sep)) return deny(res, 404, 'Not found');
    let target = file;
    try {
      const st = await fs.stat(target);
      if (!st.isFile()) throw new Error('not a file');
    } catch {
      // Client-side routes fall back to the app; missing assets are 404.
      if (extname(wanted)) return deny(res, 404, 'Not found');
      target = join(rendererRoot, 'index.html');
    }
    securityHeaders(res);
    const headers: Record<string, string> = { 'Content-Type': MIME[extname(target)] ?? 'application/octet-stream' };
    headers['Cache-Control'] = target.endsWith('index.html') ? 'no-store' : 'private, max-age=3600';
    res.writeHead(200, headers);
    if (req.method === 'HEAD') return res.end();
    createReadStream(target).pipe(res);
  };

  const readBody = (req: IncomingMessage) =>
    new Promise<string>((resolveBody, reject) => {
      let size = 0;
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => {
        size += c.length;
        if (size > MAX_BODY) {
          reject(new Error('too large'));
          req.destroy();
        } else chunks.push(c);
      });
      req.on('end', () => resolveBody(Buffer.concat(chunks).toString('utf8')));
      req.on('error', reject);
    });

  const server = createServer(async (req, res) => {
    const verdict = guardRequest(req, port, token);
    if (!verdict.ok) return deny(res, verdict.status, verdict.reason);
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    if (queryToken(req)) {
      // Keep the token in an HttpOnly cookie so assets and the WebSocket carry it without scripts.
      // The cookie is this port's (and replaces whatever an earlier host on it left); the
      // port-less cookie of older versions is cleared.
      res.setHeader('Set-Cookie', [
        `${cookieName(port)}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`,
        `${LEGACY_COOKIE_NAME}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0`,
      ]);
    }
    try {
      if (url.pathname === '/api/rpc') {
        if (req.method !== 'POST') return deny(res, 405, 'Use POST.');
        let message: unknown;
        try {
          message = JSON.parse(await readBody(req));
        } catch {
          message = null;
        }
        const response = await dispatch(core.handlers, message, { connectionId: 'http' }, dispatchOptions);
        securityHeaders(res);
        res.writeHead('error' in response ? 400 : 200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
        return res.end(JSON.stringify(response));
      }
      if (url.pathname === '/api/ping') {
        // A page that lost its WebSocket asks here whether the host still accepts its token.
        securityHeaders(res);
        res.writeHead(204, { 'Cache-Control': 'no-store' });
        return res.end();
      }
      if (url.pathname.startsWith('/api/')) return deny(res, 404, 'Not found');
      if (req.method !== 'GET' && req.method !== 'HEAD') return deny(res, 405, 'Method not allowed');
      return await serveStatic(req, res, url.pathname);
    } catch (error) {
      console.error('[plumbline] request failed:', error);
      if (!res.headersSent) deny(res, 500, 'Internal error');
      else res.end();
    }
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_BODY });
  const sockets = new Set<WebSocket>();
  server.on('upgrade', (req, socket, head) => {
    const verdict = guardRequest(req, port, token);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (!verdict.ok || url.pathname !== '/api/ws') {
      const status = verdict.ok ? 404 : verdict.status;
      socket.end(`HTTP/1.1 ${status} ${status === 401 ? 'Unauthorized' : status === 403 ? 'Forbidden' : 'Not Found'}\r\nConnection: close\r\n\r\n`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });
  wss.on('connection', (ws: WebSocket) => {
    sockets.add(ws);
    const connectionId = randomUUID();
    const unsubscribe = core.bus.subscribe((event) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(event));
    });
    ws.on('message', async (data) => {
      let message: unknown;
      try {
        message = JSON.parse(data.toString());
      } catch {
        message = null;
      }
      const response = await dispatch(core.handlers, message, { connectionId }, dispatchOptions);
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(response));
    });
    ws.on('close', () => {
      sockets.delete(ws);
      unsubscribe();
      // The tab went away: the projects it had open are released (closed when no other tab shows them).
      core.ctx.projects.releaseHolder(connectionId);
    });
  });

  port = await listen(server, options.port ?? 0);
  let url = `http://127.0.0.1:${port}/?token=${encodeURIComponent(token)}`;
  if (folder) {
    const opened = await dispatch(core.handlers, { id: 0, method: 'project.open', params: { path: folder } }, { connectionId: 'startup' });
    if ('error' in opened) {
      await new Promise<void>((r) => server.close(() => r()));
      await core.dispose();
      throw new Error(opened.error.message);
    }
    const root = (opened.result as { root: string }).root;
    url += `&open=${encodeURIComponent(root)}`;
    // The first status scan of a big repository takes a while: start it now, while the browser loads the
    // renderer, so the page's own request finds it done or under way. A failure (not a git repository)
    // is left for that request to report.
    void dispatch(core.handlers, { id: 0, method: 'git.status', params: { root } }, { connectionId: 'startup' });
  }
  return {
    url,
    port,
    token,
    core,
    async close() {
      for (const ws of sockets) ws.terminate();
      wss.close();
      await new Promise<void>((r) => server.close(() => r()));
      server.closeAllConnections?.();
      await core.dispose();
    },
  };
}

function listen(server: ReturnType<typeof createServer>, port: number): Promise<number> {
  return new Promise((resolveListen, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      reject(error.code === 'EADDRINUSE' ? new Error(`Port ${port} is in use. Pick another with --port N, or --port 0 for any free port.`) : error);
    };
    const onListening = () => {
      server.off('error', onError);
      const address = server.address();
      resolveListen(typeof address === 'object' && address ? address.port : port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, '127.0.0.1');
  });
}
