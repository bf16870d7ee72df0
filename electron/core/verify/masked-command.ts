/** Placeholder replaced by the full tokenizer version. */
export function maskedFailure(command: string): string | null {
  if (/\|\|\s*(true|:|exit\s+0)\s*$/.test(command)) return 'it ends in `|| true`, which turns any failure into success';
  if (/;\s*(exit\s+0|true|:)\s*$/.test(command)) return 'it ends in `; exit 0`, which turns any failure into success';
  return null;
}
