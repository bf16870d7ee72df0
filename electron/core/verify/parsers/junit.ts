import { XMLParser } from 'fast-xml-parser';
import { addCounts, makeCounts, type ParsedCounts } from './counts';

interface XmlNode {
  readonly [key: string]: unknown;
}

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', isArray: (name) => name === 'testsuite' || name === 'testcase' });

function num(node: XmlNode, attr: string): number {
  const v = Number(node[`@${attr}`]);
  return Number.isFinite(v) ? v : 0;
}

function suiteCounts(suite: XmlNode): ReturnType<typeof makeCounts> {
  const nested = (suite.testsuite as XmlNode[] | undefined) ?? [];
  const own = (suite.testcase as XmlNode[] | undefined) ?? [];
  let total = makeCounts(0, 0, 0, 0);
  for (const s of nested) total = addCounts(total, suiteCounts(s));
  if (own.length > 0) {
    // Count test cases themselves: the attributes are optional and some tools leave them out.
    let failed = 0;
    let skipped = 0;
    for (const c of own) {
      if (c.failure !== undefined || c.error !== undefined) failed++;
      else if (c.skipped !== undefined) skipped++;
    }
    total = addCounts(total, makeCounts(own.length - failed - skipped, failed, skipped, own.length));
  } else if (nested.length === 0) {
    const tests = num(suite, 'tests');
    const failed = num(suite, 'failures') + num(suite, 'errors');
    const skipped = num(suite, 'skipped') + num(suite, 'disabled');
    total = addCounts(total, makeCounts(Math.max(0, tests - failed - skipped), failed, skipped, tests));
  }
  return total;
}

/** Counts from a JUnit XML report (the `<testsuites>`/`<testsuite>` format most runners can write). */
export function parseJUnit(text: string): ParsedCounts | null {
  const start = text.indexOf('<');
  if (start < 0 || !/<testsuites?[\s>]/.test(text)) return null;
  let doc: XmlNode;
  try {
    doc = parser.parse(text.slice(start)) as XmlNode;
  } catch {
    return null;
  }
  // Node's junit reporter puts test cases straight under <testsuites>; suiteCounts handles both shapes.
  const rootSuites = doc.testsuites as XmlNode | undefined;
  let counts = makeCounts(0, 0, 0, 0);
  if (rootSuites && typeof rootSuites === 'object') counts = suiteCounts(rootSuites);
  else for (const s of (doc.testsuite as XmlNode[] | undefined) ?? []) counts = addCounts(counts, suiteCounts(s));
  return { format: 'junit', counts };
}
