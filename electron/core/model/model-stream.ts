import Anthropic, { APIError, APIUserAbortError } from '@anthropic-ai/sdk';
import type { MessageCreateParamsNonStreaming, MessageParam, RawMessageStreamEvent } from '@anthropic-ai/sdk/resources/messages';
import type { StreamDelta, UsageTotals } from '../../../shared/contract';
import { StreamErrorEvent } from './retry-policy';
import { applyWireUsage, ZERO_USAGE } from './usage-cost';

/** A content block of a finished assistant message, in the shape sent back to the API. */
export type AssistantBlock =
  | { readonly type: 'text'; readonly text: string }
  | { readonly type: 'thinking'; readonly thinking: string; readonly signature: string }
  | { readonly type: 'redacted_thinking'; readonly data: string }
  | { readonly type: 'tool_use'; readonly id: string; readonly name: string; readonly input: Record<string, unknown> };

/** A finished (or cut-off) assistant turn. */
export interface TurnResult {
  readonly content: readonly AssistantBlock[];
  readonly stopReason: string | null;
  readonly usage: UsageTotals;
  /** A tool_use block whose input never finished streaming (max_tokens, cut-off); it was dropped from content. */
  readonly droppedToolUse: boolean;
}

/** Request parameters of one turn (streaming is added here). */
export type TurnParams = Omit<MessageCreateParamsNonStreaming, 'stream'> & { readonly messages: MessageParam[] };

/** Receives usage as it is known, so an aborted call is still counted. */
export type UsageListener = (usage: UsageTotals) => void;

interface OpenBlock {
  type: string;
  text: string;
  signature: string;
  id: string;
  name: string;
  json: string;
  data: string;
  input: Record<string, unknown> | null;
  done: boolean;
}

/**
 * Streams one assistant message with the real SDK and assembles it. Deltas go to `onDelta` as they
 * arrive; nothing is executed here. A stream that ends without message_stop is an error (so the
 * whole call is retried), and the SDK's own retries are off: the loop owns retrying.
 */
export async function streamTurn(
  client: Anthropic,
  params: TurnParams,
  signal: AbortSignal,
  onDelta: (delta: StreamDelta) => void,
  onUsage: UsageListener,
): Promise<TurnResult> {
  let usage = ZERO_USAGE;
  const blocks: OpenBlock[] = [];
  let stopReason: string | null = null;
  let stopped = false;
  const stream: AsyncIterable<RawMessageStreamEvent> = await client.messages.create({ ...params, stream: true }, { signal, maxRetries: 0 });
  try {
    for await (const event of stream) {
      switch (event.type) {
        case 'message_start':
          usage = applyWireUsage(ZERO_USAGE, event.message.usage);
          onUsage(usage);
          break;
        case 'content_block_start': {
          const cb = event.content_block as unknown as Record<string, unknown>;
          blocks[event.index] = {
            type: String(cb.type),
            text: typeof cb.text === 'string' ? cb.text : typeof cb.thinking === 'string' ? cb.thinking : '',
            signature: typeof cb.signature === 'string' ? cb.signature : '',
            id: typeof cb.id === 'string' ? cb.id : '',
            name: typeof cb.name === 'string' ? cb.name : '',
            json: '',
            data: typeof cb.data === 'string' ? cb.data : '',
            input: null,
            done: false,
          };
          break;
        }
        case 'content_block_delta': {
          const b = blocks[event.index];
          if (!b) break;
          const d = event.delta;
          if (d.type === 'text_delta') {
            b.text += d.text;
            onDelta({ block: event.index, kind: 'text', text: d.text });
          } else if (d.type === 'thinking_delta') {
            b.text += d.thinking;
            onDelta({ block: event.index, kind: 'thinking', text: d.thinking });
          } else if (d.type === 'signature_delta') {
            b.signature += d.signature;
          } else if (d.type === 'input_json_delta') {
            b.json += d.partial_json;
            onDelta({ block: event.index, kind: 'tool_input', text: d.partial_json, toolName: b.name });
          }
          break;
        }
        case 'content_block_stop': {
          const b = blocks[event.index];
          if (!b) break;
          if (b.type === 'tool_use') {
            try {
              const parsed: unknown = b.json.trim() === '' ? {} : JSON.parse(b.json);
              b.input = parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : null;
            } catch {
              b.input = null;
            }
          }
          b.done = true;
          break;
        }
        case 'message_delta':
          stopReason = event.delta.stop_reason ?? stopReason;
          usage = applyWireUsage(usage, event.usage);
          onUsage(usage);
          break;
        case 'message_stop':
          stopped = true;
          break;
        default:
          break;
      }
    }
  } catch (error) {
    if (signal.aborted) throw new APIUserAbortError();
    if (error instanceof APIError || error instanceof APIUserAbortError) throw error;
    if (error instanceof SyntaxError) throw new StreamErrorEvent('malformed', `the stream held data that is not JSON (${error.message})`);
    throw error;
  }
  // The SDK ends iteration quietly on abort; a stream that simply stops is a dropped connection.
  if (signal.aborted) throw new APIUserAbortError();
  if (!stopped) throw new StreamErrorEvent('incomplete', 'the connection closed before the message was complete');

  let droppedToolUse = false;
  const content: AssistantBlock[] = [];
  for (const b of blocks) {
    if (!b) continue;
    if (b.type === 'text') content.push({ type: 'text', text: b.text });
    else if (b.type === 'thinking') content.push({ type: 'thinking', thinking: b.text, signature: b.signature });
    else if (b.type === 'redacted_thinking') content.push({ type: 'redacted_thinking', data: b.data });
    else if (b.type === 'tool_use') {
      if (b.done && b.input) content.push({ type: 'tool_use', id: b.id, name: b.name, input: b.input });
      else droppedToolUse = true;
    }
  }
  return { content, stopReason, usage, droppedToolUse };
}

/** Builds an SDK client for one connection; the SDK's retries are off because the loop retries. */
export function makeClient(apiKey: string, baseURL: string | undefined, fetchImpl?: typeof fetch): Anthropic {
  return new Anthropic({ apiKey, baseURL: baseURL ?? null, maxRetries: 0, timeout: 10 * 60 * 1000, ...(fetchImpl ? { fetch: fetchImpl } : {}) });
}
