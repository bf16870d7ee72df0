import type { RunSummary, UsageTotals } from '../../../../shared/contract';

/** Tokens in compact form: 950, 12.4k, 1.2M. */
export function formatTokens(n: number): string {
  if (n < 1000) return String(n);
  if (n < 1_000_000) return `${(n / 1000).toFixed(n < 10_000 ? 1 : 0)}k`;
  return `${(n / 1_000_000).toFixed(1)}M`;
}

/** Dollars with cents (sub-cent amounts keep three decimals). */
export function formatCost(usd: number): string {
  return usd > 0 && usd < 0.01 ? `$${usd.toFixed(3)}` : `$${usd.toFixed(2)}`;
}

/** All tokens of a usage, input side included. */
export function totalTokens(u: UsageTotals): number {
  return u.input + u.output + u.cacheRead + u.cacheWrite5m + u.cacheWrite1h;
}

/** Status in words with a shape, so it reads without colour. */
export function statusLabel(s: RunSummary['status']): { text: string; cls: string } {
  switch (s) {
    case 'running':
      return { text: '● running', cls: '' };
    case 'waiting':
      return { text: '‖ waiting for approval', cls: 'warn' };
    case 'retrying':
      return { text: '↻ retrying', cls: 'warn' };
    case 'completed':
      return { text: '✔ finished', cls: '' };
    case 'cancelled':
      return { text: '■ stopped by you', cls: 'muted' };
    case 'failed':
      return { text: '✘ failed', cls: 'danger' };
    case 'stopped':
      return { text: '⚠ stopped by a guard', cls: 'warn' };
    case 'interrupted':
      return { text: '⚠ interrupted', cls: 'warn' };
  }
}
