import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TranscriptEvent } from '../../../shared/contract';
import { startWebHost, type WebHost } from '../../../electron/web-host/web-host';
import { startMockMessagesApi, type MockMessagesApi } from '../../helpers/mock-messages-api';
import { makeRepo, makeTempDir } from '../../helpers/temp-repo';

/**
 * The hostile suite's way in: a real web host (HTTP RPC with the token and its own Origin, as the page
 * calls it) over a temporary repository, with a scripted Messages API as every role's model endpoint.
 */

/** The API key the harness stores through Settings (the web host's secret file). */
export const STORED_KEY = 'sk-ant-api03-HOSTILE-STORED-KEY-0123456789';

/** An RPC answer as the page sees it: the HTTP status and the result or the typed error. */
export interface RpcAnswer<T = unknown> {
  readonly status: number;
  readonly result?: T;
  readonly error?: { readonly code: string; readonly message: string };
}

/** A web host under test, with the helpers a probe needs. */
export interface Harness {
  readonly host: WebHost;
  readonly api: MockMessagesApi;
  /** The opened project (a git repository made from `files`). */
  readonly root: string;
  /** Names of every core event since the host started, in order. */
  readonly busEvents: string[];
  /** One RPC through `POST /api/rpc`; throws on a typed error. */
  rpc<T = unknown>(method: string, params: unknown): Promise<T>;
  /** One RPC through `POST /api/rpc`; returns the typed error instead of throwing. */
  call<T = unknown>(method: string, params: unknown): Promise<RpcAnswer<T>>;
  /** A GET of `path` (sent as written, not normalised) with the token. */
  get(path: string): Promise<{ status: number; text: string }>;
  transcript(runId: string, root?: string): Promise<TranscriptEvent[]>;
  /** Starts a task run and drives it to its end, approving every command it asks for; returns the transcript once judged. */
  runTask(taskId: string, root?: string): Promise<TranscriptEvent[]>;
  close(): Promise<void>;
}

/** What a harness starts with. */
export interface HarnessOptions {
  /** Files of the project repository (committed). */
  readonly files: Record<string, string>;
  /** Called with the project before the host starts (symbolic links, extra folders). */
  readonly prepare?: (root: string) => void;
  /** Folders the host may open and browse (default: the project). */
  readonly roots?: (root: string) => string[];
  /** The web token (default: a random one). */
  readonly token?: string;
  /** The host's app-data folder (default: a new temporary one). */
  readonly dataDir?: string;
}

let nextId = 1;

/** Starts the mock model endpoint and a web host on a new repository, opens it and points every role at the mock. */
export async function startHarness(options: HarnessOptions): Promise<Harness> {
  const api = await startMockMessagesApi();
  const root = makeRepo(options.files);
  options.prepare?.(root);
  const rendererDir = makeTempDir('plumbline-renderer-');
  mkdirSync(join(rendererDir, 'assets'));
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html>');
  const host = await startWebHost({
    dataDir: options.dataDir ?? makeTempDir('plumbline-data-'),
    folder: root,
    roots: options.roots?.(root) ?? [root],
    token: options.token,
    rendererDir,
    resourcesDir: join(process.cwd(), 'resources'),
    version: 'test',
    validateResponses: true,
  });
  const busEvents: string[] = [];
  host.core.bus.subscribe((e) => void busEvents.push(e.event));
  const base = `http://127.0.0.1:${host.port}`;
  const headers = { Authorization: `Bearer ${host.token}`, Origin: base };

  const call = async <T>(method: string, params: unknown): Promise<RpcAnswer<T>> => {
    const res = await fetch(`${base}/api/rpc`, { method: 'POST', headers: { ...headers, 'Content-Type': 'application/json' }, body: JSON.stringify({ id: nextId++, method, params }) });
    const body = (await res.json()) as { result?: T; error?: { code: string; message: string } };
    return { status: res.status, ...body };
  };
  const rpc = async <T>(method: string, params: unknown): Promise<T> => {
    const answer = await call<T>(method, params);
    if (answer.error) throw new Error(`${method}: ${answer.error.code} ${answer.error.message}`);
    return answer.result as T;
  };
  const get = async (path: string): Promise<{ status: number; text: string }> => {
    const res = await fetch(`${base}${path}`, { headers });
    return { status: res.status, text: await res.text() };
  };
  const transcript = async (runId: string, at = root): Promise<TranscriptEvent[]> => (await rpc<{ events: TranscriptEvent[] }>('agent.transcript', { root: at, runId })).events;
  const runTask = async (taskId: string, at = root): Promise<TranscriptEvent[]> => {
    const from = busEvents.length;
    const { runId } = await rpc<{ runId: string }>('agent.start', { root: at, taskId });
    const answered = new Set<string>();
    for (;;) {
      const events = await transcript(runId, at);
      for (const e of events) {
        if (e.type === 'approval' && !answered.has(e.approvalId) && !events.some((d) => d.type === 'decision' && d.approvalId === e.approvalId)) {
          answered.add(e.approvalId);
          await rpc('agent.approve', { runId, approvalId: e.approvalId, approved: true });
        }
      }
      const ended = events.some((e) => e.type === 'end');
      const judged = busEvents.slice(from).includes('verify.didVerifyRun') || events.some((e) => e.type === 'notice' && /Verification of the claims could not run/.test(e.text));
      if (ended && judged) return events;
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  await rpc('project.open', { path: root });
  await rpc('settings.setKey', { role: 'all', key: STORED_KEY });
  await rpc('settings.update', { roles: { builder: { baseURL: api.url }, utility: { baseURL: api.url }, breaker: { baseURL: api.url } }, autoApprove: { edits: true, commands: [] } });

  return {
    host,
    api,
    root,
    busEvents,
    rpc,
    call,
    get,
    transcript,
    runTask,
    close: async () => {
      await host.close();
      await api.close();
    },
  };
}

/** The tool results of a transcript by tool-use ID. */
export const toolResults = (events: readonly TranscriptEvent[]): Map<string, Extract<TranscriptEvent, { type: 'tool_result' }>> =>
  new Map(events.flatMap((e) => (e.type === 'tool_result' ? [[e.toolUseId, e] as const] : [])));
