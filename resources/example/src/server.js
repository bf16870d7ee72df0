import { createServer } from 'node:http';
import { createQuota } from './quota.js';

// POST /consume with header `x-api-key` → 200 { remaining } or 429 with Retry-After.
// GET /quota with the same header → 200 { remaining }.

/** Builds the HTTP server around a quota store. */
export function createQuotaServer(quota = createQuota()) {
  return createServer((req, res) => {
    const key = req.headers['x-api-key'];
    const send = (status, body, headers = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(body));
    };
    if (typeof key !== 'string') return send(401, { error: 'missing x-api-key header' });
    if (req.method === 'POST' && req.url === '/consume') {
      const r = quota.consume(key);
      if (r.status === 429) return send(429, { error: 'quota exceeded' }, { 'retry-after': String(Math.ceil(r.retryAfterMs / 1000)) });
      if (r.status === 400) return send(400, { error: 'invalid key' });
      return send(200, { remaining: r.remaining });
    }
    if (req.method === 'GET' && req.url === '/quota') return send(200, { remaining: quota.remaining(key) });
    return send(404, { error: 'not found' });
  });
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  const port = Number(process.env.PORT ?? 8080);
  createQuotaServer().listen(port, '127.0.0.1', () => console.log(`quota-service on 127.0.0.1:${port}`));
}
