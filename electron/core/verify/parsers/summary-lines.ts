import { addCounts, makeCounts, type ParsedCounts } from './counts';

/** Reads `N word` pairs such as "1 failed | 2 passed" or "1 failed, 2 passed, 3 total". */
function pairs(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const m of text.matchAll(/(\d+)\s+([a-z]+)/gi)) out.set(m[2]!.toLowerCase(), (out.get(m[2]!.toLowerCase()) ?? 0) + Number(m[1]));
  return out;
}

function lastMatch(text: string, re: RegExp): RegExpExecArray | null {
  let found: RegExpExecArray | null = null;
  for (const m of text.matchAll(new RegExp(re.source, re.flags.includes('g') ? re.flags : `${re.flags}g`))) found = m as RegExpExecArray;
  return found;
}

/** Vitest: `Tests  1 failed | 1 passed | 1 skipped (3)`; `Tests  no tests` or "No test files found" means none ran. */
export function parseVitest(text: string): ParsedCounts | null {
  const m = lastMatch(text, /^\s*Tests\s{2,}(.+?)\s*\((\d+)\)\s*$/m);
  if (m) {
    const p = pairs(m[1]!);
    return { format: 'vitest', counts: makeCounts(p.get('passed') ?? 0, p.get('failed') ?? 0, (p.get('skipped') ?? 0) + (p.get('todo') ?? 0), Number(m[2])) };
  }
  // A file without tests: `Tests  no tests`; no file at all: "No test files found".
  if (/^\s*Tests\s{2,}no tests\s*$/m.test(text) || /No test files found, exiting with code/.test(text)) return { format: 'vitest', counts: makeCounts(0, 0, 0, 0) };
  return null;
}

/** Jest: `Tests:       1 failed, 1 skipped, 1 passed, 3 total`; "No tests found" means none ran. */
export function parseJest(text: string): ParsedCounts | null {
  const m = lastMatch(text, /^Tests:\s+(.+?total)\s*$/m);
  if (m) {
    const p = pairs(m[1]!);
    return { format: 'jest', counts: makeCounts(p.get('passed') ?? 0, p.get('failed') ?? 0, (p.get('skipped') ?? 0) + (p.get('todo') ?? 0), p.get('total')) };
  }
  if (/^No tests found, exiting with code/m.test(text)) return { format: 'jest', counts: makeCounts(0, 0, 0, 0) };
  return null;
}

/** Node's test runner, spec reporter: `ℹ tests 3`, `ℹ pass 1`, `ℹ fail 1`, `ℹ skipped 1` … */
export function parseNodeSpec(text: string): ParsedCounts | null {
  const v = new Map<string, number>();
  for (const m of text.matchAll(/^ℹ (tests|pass|fail|skipped|todo|cancelled) (\d+)\s*$/gm)) v.set(m[1]!, Number(m[2]));
  if (!v.has('tests')) return null;
  // Node 20 reports a file that defines no test as a passing test named by its absolute path.
  const placeholders = [...text.matchAll(/^✔ (?:\/|[A-Za-z]:[\\/]).*\.[cm]?[jt]sx? \([\d.]+m?s\)\s*$/gm)].length;
  return {
    format: 'node',
    counts: makeCounts(
      Math.max(0, (v.get('pass') ?? 0) - placeholders),
      (v.get('fail') ?? 0) + (v.get('cancelled') ?? 0),
      (v.get('skipped') ?? 0) + (v.get('todo') ?? 0),
      Math.max(0, v.get('tests')! - placeholders),
    ),
  };
}

/** Mocha's spec reporter: `2 passing (5ms)`, `1 pending`, `1 failing`; `0 passing` means none ran. */
export function parseMocha(text: string): ParsedCounts | null {
  const m = lastMatch(text, /^\s*(\d+) passing \(\d[^)]*\)\s*$/m);
  if (!m) return null;
  const rest = text.slice(m.index + m[0].length);
  const passed = Number(m[1]);
  const pending = Number(/^\s*(\d+) pending\s*$/m.exec(rest)?.[1] ?? 0);
  const failing = Number(/^\s*(\d+) failing\s*$/m.exec(rest)?.[1] ?? 0);
  return { format: 'mocha', counts: makeCounts(passed, failing, pending) };
}

/** pytest's final line: `=== 1 failed, 1 passed, 1 skipped in 0.91s ===`, or `no tests ran`. */
export function parsePytest(text: string): ParsedCounts | null {
  const m = lastMatch(text, /^=+ (.*?) in [\d.]+s(?: \([^)]*\))? =+\s*$/m);
  if (!m) return null;
  if (/no tests ran/.test(m[1]!)) return { format: 'pytest', counts: makeCounts(0, 0, 0, 0) };
  const p = pairs(m[1]!);
  const passed = (p.get('passed') ?? 0) + (p.get('xpassed') ?? 0);
  const failed = (p.get('failed') ?? 0) + (p.get('error') ?? 0) + (p.get('errors') ?? 0);
  const skipped = (p.get('skipped') ?? 0) + (p.get('xfailed') ?? 0);
  if (passed + failed + skipped === 0 && !p.has('deselected')) return null;
  return { format: 'pytest', counts: makeCounts(passed, failed, skipped) };
}

/**
 * go test: with -v, top-level `--- PASS/FAIL/SKIP:` lines are counted. Without -v only package lines
 * exist; if every package says "[no test files]" or "[no tests to run]" nothing ran, otherwise the
 * output has no counts (the exit status decides).
 */
export function parseGo(text: string): ParsedCounts | null {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  for (const m of text.matchAll(/^--- (PASS|FAIL|SKIP): /gm)) {
    if (m[1] === 'PASS') passed++;
    else if (m[1] === 'FAIL') failed++;
    else skipped++;
  }
  if (passed + failed + skipped > 0) return { format: 'go', counts: makeCounts(passed, failed, skipped) };
  const pkgLines = [...text.matchAll(/^(ok|FAIL|\?)\s+\S+\s+(.*)$/gm)];
  if (pkgLines.length > 0 && pkgLines.every((m) => /\[no test files\]|\[no tests to run\]/.test(m[2]!))) {
    return { format: 'go', counts: makeCounts(0, 0, 0, 0) };
  }
  return null;
}

/** cargo test: sums every `test result: ok. 2 passed; 0 failed; 1 ignored; …` line (one per test binary). */
export function parseCargo(text: string): ParsedCounts | null {
  let counts = null as ReturnType<typeof makeCounts> | null;
  for (const m of text.matchAll(/^test result: (?:ok|FAILED)\. (\d+) passed; (\d+) failed; (\d+) ignored;/gm)) {
    const c = makeCounts(Number(m[1]), Number(m[2]), Number(m[3]));
    counts = counts ? addCounts(counts, c) : c;
  }
  return counts ? { format: 'cargo', counts } : null;
}
