import type { ModelPrice, UsageTotals } from '../../../shared/contract';

/** Usage fields as the Messages API sends them in message_start / message_delta. */
export interface WireUsage {
  readonly input_tokens?: number | null;
  readonly output_tokens?: number | null;
  readonly cache_creation_input_tokens?: number | null;
  readonly cache_read_input_tokens?: number | null;
  readonly cache_creation?: { readonly ephemeral_5m_input_tokens?: number | null; readonly ephemeral_1h_input_tokens?: number | null } | null;
}

/** No tokens. */
export const ZERO_USAGE: UsageTotals = { input: 0, output: 0, cacheWrite5m: 0, cacheWrite1h: 0, cacheRead: 0 };

/**
 * Applies a usage report to the usage of the current call. message_delta carries cumulative
 * counts, so a field present in the report replaces the earlier value instead of adding to it.
 */
export function applyWireUsage(current: UsageTotals, wire: WireUsage | null | undefined): UsageTotals {
  if (!wire) return current;
  const next = { ...current };
  if (typeof wire.input_tokens === 'number') next.input = wire.input_tokens;
  if (typeof wire.output_tokens === 'number') next.output = wire.output_tokens;
  if (typeof wire.cache_read_input_tokens === 'number') next.cacheRead = wire.cache_read_input_tokens;
  const split = wire.cache_creation;
  if (split && (typeof split.ephemeral_5m_input_tokens === 'number' || typeof split.ephemeral_1h_input_tokens === 'number')) {
    next.cacheWrite5m = split.ephemeral_5m_input_tokens ?? 0;
    next.cacheWrite1h = split.ephemeral_1h_input_tokens ?? 0;
  } else if (typeof wire.cache_creation_input_tokens === 'number') {
    // Without the split every cache write is a 5-minute write (the default TTL).
    next.cacheWrite5m = wire.cache_creation_input_tokens;
    next.cacheWrite1h = 0;
  }
  return next;
}

/** Sums the usage of separate calls. */
export function addUsage(a: UsageTotals, b: UsageTotals): UsageTotals {
  return {
    input: a.input + b.input,
    output: a.output + b.output,
    cacheWrite5m: a.cacheWrite5m + b.cacheWrite5m,
    cacheWrite1h: a.cacheWrite1h + b.cacheWrite1h,
    cacheRead: a.cacheRead + b.cacheRead,
  };
}

/** Finds the price row of a model: exact id first, then the longest row name the id starts with. */
export function priceFor(prices: readonly ModelPrice[], model: string): ModelPrice | null {
  const exact = prices.find((p) => p.model === model);
  if (exact) return exact;
  let best: ModelPrice | null = null;
  for (const p of prices) if (model.startsWith(p.model) && (!best || p.model.length > best.model.length)) best = p;
  return best;
}

/** Estimated cost in dollars; 0 when the model has no price row (the UI says so). */
export function costOf(usage: UsageTotals, price: ModelPrice | null): number {
  if (!price) return 0;
  const perToken = 1 / 1_000_000;
  return (
    usage.input * price.input * perToken +
    usage.output * price.output * perToken +
    usage.cacheWrite5m * price.cacheWrite5m * perToken +
    usage.cacheWrite1h * price.cacheWrite1h * perToken +
    usage.cacheRead * price.cacheRead * perToken
  );
}
