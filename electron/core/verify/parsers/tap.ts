import { makeCounts, type ParsedCounts } from './counts';

/** A summary comment such as `# pass 21` (node) or `# pass  21` (tape), with any spacing. */
const SUMMARY = /^#\s*(tests|pass|fail|skip|skipped|todo|cancelled)\s+(\d+)\s*$/;

/** A top-level result line: `ok 3 - name # SKIP`, `not ok 2 name`. */
const RESULT = /^(not )?ok\b(.*)$/;

/**
 * Node 20 reports a test file that defines no test as one passing test named by the file's absolute path
 * (`ok 1 - /repo/none.test.js`), so such a run would count as a pass. Those placeholders are not tests.
 */
const FILE_PLACEHOLDER = /^ok \d+ - (?:\/|[A-Za-z]:[\\/]).*\.[cm]?[jt]sx?\s*$/;

/**
 * Counts from TAP (Test Anything Protocol). The summary comments (`# tests/# pass/# fail/# skipped`, any
 * spacing) are used when present; otherwise top-level `ok`/`not ok` lines are counted, with `# SKIP` and
 * `# TODO` directives as skipped. A summary without a skip count (tape, mocha) takes the skipped ones from
 * the directives.
 */
export function parseTap(text: string): ParsedCounts | null {
  const lines = text.split('\n');
  if (!lines.some((l) => /^TAP version \d+/.test(l) || /^1\.\.\d+/.test(l))) return null;
  const summary = new Map<string, number>();
  let plan = 0;
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  let placeholders = 0;
  for (const l of lines) {
    const s = SUMMARY.exec(l);
    if (s) summary.set(s[1] === 'skip' ? 'skipped' : s[1]!, Number(s[2]));
    const p = /^1\.\.(\d+)/.exec(l);
    if (p) plan = Number(p[1]);
    const r = RESULT.exec(l);
    if (!r) continue;
    if (/#\s*(SKIP|TODO)/i.test(r[2] ?? '')) skipped++;
    else if (r[1]) failed++;
    else if (FILE_PLACEHOLDER.test(l)) placeholders++;
    else passed++;
  }
  if (!summary.has('tests')) return { format: 'tap', counts: makeCounts(passed, failed, skipped) };
  const fail = (summary.get('fail') ?? 0) + (summary.get('cancelled') ?? 0);
  if (summary.has('skipped') || summary.has('todo')) {
    // A full summary (node): trust it, less the placeholders of files without tests.
    const skip = (summary.get('skipped') ?? 0) + (summary.get('todo') ?? 0);
    const pass = Math.max(0, (summary.get('pass') ?? 0) - placeholders);
    return { format: 'tap', counts: makeCounts(pass, fail, skip, Math.max(0, summary.get('tests')! - placeholders)) };
  }
  // tape counts skipped assertions as passed and mocha leaves pending tests out of `# tests`; the plan
  // line (`1..N`) counts every result line in both.
  const total = Math.max(summary.get('tests')!, plan);
  return { format: 'tap', counts: makeCounts(Math.max(0, total - fail - skipped), fail, skipped, total) };
}
