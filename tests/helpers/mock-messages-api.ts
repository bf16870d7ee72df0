import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';

/** One SSE frame: `event: <type>` / `data: <json>`. */
export interface SseFrame {
  readonly event: string;
  readonly data: unknown;
}

/** A scripted answer to one POST /v1/messages. */
export type MockResponse =
  | {
      readonly kind: 'stream';
      readonly frames: readonly SseFrame[];
      /** Destroy the socket after this many frames (a dropped connection). */
      readonly dropAfter?: number;
      /** Stop after this many frames until `release` resolves (to cancel mid-stream). */
      readonly pauseAfter?: number;
      readonly release?: Promise<void>;
      /** Called when the pause point is reached. */
      readonly onPause?: () => void;
      /** Raw text written after the frames (malformed data). */
      readonly rawTail?: string;
      /** Paces the stream: this many frames per tick of `tickMs` (for rate benchmarks). */
      readonly pace?: { readonly framesPerTick: number; readonly tickMs: number };
    }
  | { readonly kind: 'json'; readonly body: unknown; readonly status?: number; readonly headers?: Record<string, string> }
  | { readonly kind: 'error'; readonly status: number; readonly type: string; readonly message: string; readonly headers?: Record<string, string> };

/** A request the mock received. */
export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: Record<string, unknown> | null;
}

/** Decides the answer from the request when the queue is empty (e2e scripts). */
export type Responder = (req: RecordedRequest, index: number) => MockResponse;

/** Usage reported in message_start / message_delta. */
export interface MockUsage {
  readonly input_tokens?: number;
  readonly output_tokens?: number;
  readonly cache_creation_input_tokens?: number;
  readonly cache_read_input_tokens?: number;
  readonly cache_creation?: { ephemeral_5m_input_tokens: number; ephemeral_1h_input_tokens: number };
}

/** A running mock of the Messages API. */
export interface MockMessagesApi {
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** Requests to POST /v1/messages only. */
  messageRequests(): RecordedRequest[];
  /** Queues answers, used in order. */
  enqueue(...responses: MockResponse[]): void;
  /** Sets the answer used when the queue is empty. */
  respondWith(responder: Responder): void;
  /** Models listed by GET /v1/models. */
  setModels(ids: readonly string[]): void;
  close(): Promise<void>;
}

let idCounter = 0;
const nextId = (prefix: string): string => `${prefix}_${(++idCounter).toString(36).padStart(6, '0')}`;

/** A content block of a scripted assistant message. */
export type MockBlock =
  | { readonly type: 'text'; readonly text: string; readonly chunks?: number }
  | { readonly type: 'thinking'; readonly thinking: string }
  | { readonly type: 'tool_use'; readonly name: string; readonly input: unknown; readonly id?: string; readonly cutAt?: number };

/** SSE frames of one assistant message, exactly as the API sends them. */
export function messageFrames(
  blocks: readonly MockBlock[],
  options: { stopReason?: string; usage?: MockUsage; finalUsage?: MockUsage; model?: string; pings?: boolean } = {},
): SseFrame[] {
  const start = options.usage ?? { input_tokens: 100, output_tokens: 1 };
  const frames: SseFrame[] = [
    {
      event: 'message_start',
      data: {
        type: 'message_start',
        message: { id: nextId('msg'), type: 'message', role: 'assistant', model: options.model ?? 'mock-model', content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 0, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, ...start } },
      },
    },
  ];
  if (options.pings !== false) frames.push({ event: 'ping', data: { type: 'ping' } });
  let outTokens = 0;
  blocks.forEach((b, index) => {
    if (b.type === 'text') {
      frames.push({ event: 'content_block_start', data: { type: 'content_block_start', index, content_block: { type: 'text', text: '' } } });
      const n = Math.max(1, b.chunks ?? Math.min(8, Math.ceil(b.text.length / 12)));
      const size = Math.ceil(b.text.length / n) || 1;
      for (let i = 0; i < b.text.length; i += size) {
        frames.push({ event: 'content_block_delta', data: { type: 'content_block_delta', index, delta: { type: 'text_delta', text: b.text.slice(i, i + size) } } });
      }
      outTokens += Math.ceil(b.text.length / 4);
    } else if (b.type === 'thinking') {
      frames.push({ event: 'content_block_start', data: { type: 'content_block_start', index, content_block: { type: 'thinking', thinking: '', signature: '' } } });
      frames.push({ event: 'content_block_delta', data: { type: 'content_block_delta', index, delta: { type: 'thinking_delta', thinking: b.thinking } } });
      frames.push({ event: 'content_block_delta', data: { type: 'content_block_delta', index, delta: { type: 'signature_delta', signature: 'sig' } } });
      outTokens += Math.ceil(b.thinking.length / 4);
    } else {
      frames.push({ event: 'content_block_start', data: { type: 'content_block_start', index, content_block: { type: 'tool_use', id: b.id ?? nextId('toolu'), name: b.name, input: {} } } });
      const json = JSON.stringify(b.input);
      const body = b.cutAt !== undefined ? json.slice(0, b.cutAt) : json;
      const size = Math.max(1, Math.ceil(body.length / 4));
      for (let i = 0; i < body.length; i += size) {
        frames.push({ event: 'content_block_delta', data: { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: body.slice(i, i + size) } } });
      }
      outTokens += Math.ceil(body.length / 4);
      if (b.cutAt !== undefined) return; // cut off: no content_block_stop
    }
    frames.push({ event: 'content_block_stop', data: { type: 'content_block_stop', index } });
  });
  const hasTool = blocks.some((b) => b.type === 'tool_use');
  const final = options.finalUsage ?? { ...start, output_tokens: Math.max(1, outTokens) };
  frames.push({
    event: 'message_delta',
    data: { type: 'message_delta', delta: { stop_reason: options.stopReason ?? (hasTool ? 'tool_use' : 'end_turn'), stop_sequence: null }, usage: final },
  });
  frames.push({ event: 'message_stop', data: { type: 'message_stop' } });
  return frames;
}

/** A streamed assistant message. */
export function streamReply(blocks: readonly MockBlock[], options: Parameters<typeof messageFrames>[1] = {}): MockResponse {
  return { kind: 'stream', frames: messageFrames(blocks, options) };
}

/** A plain (non-streaming) assistant message. */
export function jsonReply(text: string, usage: MockUsage = { input_tokens: 50, output_tokens: 20 }): MockResponse {
  return {
    kind: 'json',
    body: { id: nextId('msg'), type: 'message', role: 'assistant', model: 'mock-model', content: [{ type: 'text', text }], stop_reason: 'end_turn', stop_sequence: null, usage: { cache_creation_input_tokens: 0, cache_read_input_tokens: 0, ...usage } },
  };
}

/** An HTTP error in the API's envelope. */
export function errorReply(status: number, type: string, message: string, headers?: Record<string, string>): MockResponse {
  return { kind: 'error', status, type, message, headers };
}

async function readBody(req: IncomingMessage): Promise<Record<string, unknown> | null> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text) return null;
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return null;
  }
}

function writeFrame(res: ServerResponse, f: SseFrame): void {
  res.write(`event: ${f.event}\ndata: ${JSON.stringify(f.data)}\n\n`);
}

/**
 * Starts a local server speaking the Messages API (POST /v1/messages streaming and not,
 * POST /v1/messages/count_tokens, GET /v1/models), answering from a per-test script and
 * recording every request. Point the real SDK at `url`.
 */
export async function startMockMessagesApi(): Promise<MockMessagesApi> {
  const queue: MockResponse[] = [];
  const requests: RecordedRequest[] = [];
  let responder: Responder | null = null;
  let models: readonly string[] = ['mock-model', 'mock-model-large'];
  let messageIndex = 0;

  const server: Server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      const path = (req.url ?? '/').split('?')[0];
      const rec: RecordedRequest = { method: req.method ?? 'GET', path, headers: req.headers, body };
      requests.push(rec);
      if (req.method === 'GET' && path === '/v1/models') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ data: models.map((id) => ({ type: 'model', id, display_name: id, created_at: '2025-01-01T00:00:00Z' })), has_more: false, first_id: models[0] ?? null, last_id: models[models.length - 1] ?? null }));
        return;
      }
      if (req.method === 'POST' && path === '/v1/messages/count_tokens') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ input_tokens: Math.ceil(JSON.stringify(body ?? {}).length / 4) }));
        return;
      }
      if (req.method !== 'POST' || path !== '/v1/messages') {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ type: 'error', error: { type: 'not_found_error', message: `No route ${req.method} ${path}` } }));
        return;
      }
      const index = messageIndex++;
      const answer = queue.shift() ?? responder?.(rec, index) ?? errorReply(500, 'api_error', 'The mock has no scripted answer for this request.');
      await send(res, answer, body?.stream === true);
    })().catch(() => res.destroy());
  });

  async function send(res: ServerResponse, answer: MockResponse, _streaming: boolean): Promise<void> {
    if (answer.kind === 'error') {
      res.writeHead(answer.status, { 'content-type': 'application/json', ...(answer.headers ?? {}) });
      res.end(JSON.stringify({ type: 'error', error: { type: answer.type, message: answer.message } }));
      return;
    }
    if (answer.kind === 'json') {
      res.writeHead(answer.status ?? 200, { 'content-type': 'application/json', ...(answer.headers ?? {}) });
      res.end(JSON.stringify(answer.body));
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    for (let i = 0; i < answer.frames.length; i++) {
      if (answer.dropAfter !== undefined && i >= answer.dropAfter) {
        res.socket?.destroy();
        return;
      }
      if (answer.pauseAfter !== undefined && i === answer.pauseAfter) {
        answer.onPause?.();
        await answer.release;
        if (res.destroyed || res.socket?.destroyed) return;
      }
      writeFrame(res, answer.frames[i]);
      if (answer.pace && (i + 1) % answer.pace.framesPerTick === 0) await new Promise((r) => setTimeout(r, answer.pace!.tickMs));
    }
    if (answer.rawTail) res.write(answer.rawTail);
    res.end();
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    messageRequests: () => requests.filter((r) => r.path === '/v1/messages'),
    enqueue: (...r) => queue.push(...r),
    respondWith: (fn) => {
      responder = fn;
    },
    setModels: (ids) => {
      models = ids;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** An `event: error` frame (mid-stream error). */
export function errorFrame(type: string, message: string): SseFrame {
  return { event: 'error', data: { type: 'error', error: { type, message } } };
}

/** The URL of a localhost port nothing listens on (a refused connection). */
export async function closedPortUrl(): Promise<string> {
  const server = createNetServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return `http://127.0.0.1:${port}`;
}
