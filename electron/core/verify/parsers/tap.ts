import { makeCounts, type ParsedCounts } from './counts';

/**
 * Counts from TAP (Test Anything Protocol). Node's tap reporter prints `# tests/# pass/# fail/# skipped`
 * summary comments, used when present; otherwise top-level `ok`/`not ok` lines are counted, with
 * `# SKIP` and `# TODO` directives as skipped.
 */
export function parseTap(text: string): ParsedCounts | null {
  const lines = text.split('\n');
  if (!lines.some((l) => /^TAP version \d+/.test(l) || /^1\.\.\d+/.test(l))) return null;
  const summary = new Map<string, number>();
  for (const l of lines) {
    const m = /^# (tests|pass|fail|skipped|todo|cancelled) (\d+)\s*$/.exec(l);
    if (m) summary.set(m[1]!, Number(m[2]));
  }
  if (summary.has('tests')) {
    const failed = (summary.get('fail') ?? 0) + (summary.get('cancelled') ?? 0);
    const skipped = (summary.get('skipped') ?? 0) + (summary.get('todo') ?? 0);
    return { format: 'tap', counts: makeCounts(summary.get('pass') ?? 0, failed, skipped, summary.get('tests')) };
  }
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  for (const l of lines) {
    const m = /^(not )?ok\b(.*)$/.exec(l);
    if (!m) continue;
    if (/#\s*(SKIP|TODO)/i.test(m[2] ?? '')) skipped++;
    else if (m[1]) failed++;
    else passed++;
  }
  return { format: 'tap', counts: makeCounts(passed, failed, skipped) };
}
