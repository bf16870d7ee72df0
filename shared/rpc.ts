import { z } from 'zod';
import { contract, isMethodName, type MethodName, type ParsedRequestOf, type ResponseOf } from './contract';

/** Error codes that cross the transport. */
export type RpcErrorCode =
  | 'UNKNOWN_METHOD'
  | 'INVALID_REQUEST'
  | 'INVALID_RESPONSE'
  | 'NOT_FOUND'
  | 'FORBIDDEN'
  | 'CONFLICT'
  | 'UNAVAILABLE'
  | 'CANCELLED'
  | 'INTERNAL';

/** An error a handler throws on purpose; its message is shown to the user, so it says what to do. */
export class RpcError extends Error {
  constructor(
    readonly code: RpcErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'RpcError';
  }
}

/** A request as it crosses a transport. */
export interface RpcRequest {
  readonly id: number | string;
  readonly method: string;
  readonly params: unknown;
}

/** The error envelope every failure becomes. */
export interface RpcErrorBody {
  readonly code: RpcErrorCode;
  readonly message: string;
  readonly details?: unknown;
}

/** A response as it crosses a transport. */
export type RpcResponse =
  | { readonly id: number | string; readonly result: unknown }
  | { readonly id: number | string; readonly error: RpcErrorBody };

/** Who is calling; handlers may use it for per-connection state. Cancellation is its own method (for example `agent.cancel`). */
export interface CallContext {
  readonly connectionId: string;
}

/** A handler for one method: receives the validated request. */
export type Handler<M extends MethodName> = (req: ParsedRequestOf<M>, ctx: CallContext) => Promise<ResponseOf<M>> | ResponseOf<M>;

/** Handlers for every method of the contract. */
export type Handlers = { readonly [M in MethodName]: Handler<M> };

/** Options for dispatch. */
export interface DispatchOptions {
  /** Validate responses too (development and tests). */
  readonly validateResponses?: boolean;
  readonly onInternalError?: (method: string, error: unknown) => void;
}

const requestEnvelope = z.object({
  id: z.union([z.number(), z.string().max(100)]),
  method: z.string().max(100),
  params: z.unknown(),
});

/**
 * The one entry point of both transports: validates the request against the contract,
 * calls the handler, and turns every failure into a `{ code, message }` envelope.
 * Unknown methods and invalid payloads never reach a handler.
 */
export async function dispatch(handlers: Handlers, message: unknown, ctx: CallContext, options: DispatchOptions = {}): Promise<RpcResponse> {
  const envelope = requestEnvelope.safeParse(message);
  if (!envelope.success) {
    const id = typeof message === 'object' && message !== null && 'id' in message ? (message as { id: unknown }).id : null;
    return { id: typeof id === 'number' || typeof id === 'string' ? id : 0, error: { code: 'INVALID_REQUEST', message: 'The request is not a {id, method, params} object.' } };
  }
  const { id, method, params } = envelope.data;
  if (!isMethodName(method)) {
    return { id, error: { code: 'UNKNOWN_METHOD', message: `Unknown method "${method}".` } };
  }
  const spec = contract[method];
  const parsed = spec.request.safeParse(params ?? {});
  if (!parsed.success) {
    return { id, error: { code: 'INVALID_REQUEST', message: `Invalid request for ${method}: ${formatIssues(parsed.error)}`, details: parsed.error.issues } };
  }
  try {
    const handler = handlers[method] as unknown as (req: unknown, ctx: CallContext) => Promise<unknown>;
    const result = await handler(parsed.data, ctx);
    if (options.validateResponses) {
      const checked = spec.response.safeParse(result);
      if (!checked.success) {
        return { id, error: { code: 'INVALID_RESPONSE', message: `Handler for ${method} returned an invalid response: ${formatIssues(checked.error)}` } };
      }
    }
    return { id, result };
  } catch (error) {
    if (error instanceof RpcError) return { id, error: { code: error.code, message: error.message, details: error.details } };
    if (typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'ENAMETOOLONG') {
      return { id, error: { code: 'INVALID_REQUEST', message: PATH_TOO_LONG } };
    }
    options.onInternalError?.(method, error);
    const text = error instanceof Error ? error.message : String(error);
    return { id, error: { code: 'INTERNAL', message: text } };
  }
}

/** What the user reads when a path is longer than the file system allows. */
export const PATH_TOO_LONG = 'The path is too long for the file system (one name may have at most 255 bytes, a whole path about 4096). Use a shorter name.';

/** A short human-readable form of zod issues. */
export function formatIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`)
    .join('; ');
}

/** Exhaustiveness check for discriminated unions. */
export function assertNever(value: never): never {
  throw new Error(`Unexpected value: ${JSON.stringify(value)}`);
}
