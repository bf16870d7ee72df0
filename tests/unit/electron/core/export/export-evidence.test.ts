import { promises as fs } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calibrationTrendSvg, reliabilityDiagramSvg } from '../../../../../shared/calibration-plot';
import type { CalibrationGroup } from '../../../../../shared/contract/verify';
import { inlineSvg, percent, score } from '../../../../../electron/core/export/export-evidence';
import { renderExport } from '../../../../../electron/core/export/export-render';
import { calibrationByModel } from '../../../../../electron/core/verify/calibration';
import { currentRecords, EvidenceLedger, type NewEvidence, type TreeState } from '../../../../../electron/core/verify/evidence';

let base: string;
let project: string;
let groups: CalibrationGroup[];

const CLEAN: TreeState = { commit: '0123456789abcdef0123456789abcdef01234567', dirty: false };
const DIRTY: TreeState = { commit: 'fedcba9876543210fedcba9876543210fedcba98', dirty: true };

function check(subject: NewEvidence['subject'], what: string, result: NewEvidence['result'], extra: Partial<NewEvidence> = {}): NewEvidence {
  return { subject, what, how: 'npm test -- quota', kind: 'command', result, excerpt: '', ...extra };
}

function claimRecord(run: string, index: number, model: string, confidence: number, result: NewEvidence['result'], statement = `claim ${index} of ${run}`): NewEvidence {
  return {
    subject: { kind: 'claim', id: `${run}#${index}` },
    taskId: 'T-3',
    runId: run,
    what: `Claim: ${statement}`,
    how: 'compared with the checkpoint',
    kind: 'tree',
    result,
    excerpt: '',
    claim: { kind: 'file_changed', statement, confidence, model, role: 'builder' },
    key: `claim:${run}:${index}`,
  };
}

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'plumbline-export-evidence-'));
  project = join(base, 'proj');
  await fs.mkdir(join(project, '.plumbline'), { recursive: true });
  await fs.writeFile(join(project, '.plumbline/spec.md'), '# Spec: ledger\n\n## Purpose\n\nCount things.\n');
  const ledger = new EvidenceLedger(project, join(base, 'data'), async () => CLEAN);
  // Checks: AC-1 failed, then passed under the same key (the failure is superseded).
  await ledger.append(check({ kind: 'requirement', id: 'AC-1' }, 'Limit is enforced', 'failed', { key: 'check:AC-1', requirementIds: ['AC-1', 'AC-2'] }), CLEAN);
  await ledger.append(check({ kind: 'requirement', id: 'AC-1' }, 'Limit is enforced', 'passed', { key: 'check:AC-1', requirementIds: ['AC-1', 'AC-2'], counts: { passed: 12, failed: 0, skipped: 0, total: 12 } }), CLEAN);
  await ledger.append(check({ kind: 'decision', id: '0003' }, 'Token bucket holds', 'no_tests'), DIRTY);
  await ledger.append(check({ kind: 'task', id: 'T-1' }, 'Task one works', 'passed'), CLEAN);
  await ledger.append(check({ kind: 'task', id: 'T-1' }, 'Task one still works', 'failed'), DIRTY);
  // Claims from two models with known confidences and verdicts.
  const a: Array<[number, NewEvidence['result']]> = [[0.9, 'verified'], [0.9, 'refuted'], [0.8, 'verified'], [0.6, 'verified'], [0.95, 'refuted']];
  for (const [i, [conf, result]] of a.entries()) await ledger.append(claimRecord('run-a', i, 'claude-a', conf, result, i === 1 ? 'Tests pass <script>alert(1)</script> | really' : undefined), CLEAN);
  await ledger.append(claimRecord('run-b', 0, 'gpt-b', 0.7, 'refuted'), CLEAN);
  // The user's ruling supersedes the machine's verdict on the same claim.
  await ledger.append({ ...claimRecord('run-b', 0, 'gpt-b', 0.7, 'verified'), kind: 'ruling', how: 'user ruling' }, CLEAN);
  await ledger.append(claimRecord('run-b', 1, 'gpt-b', 0.3, 'refuted'), CLEAN);
  await ledger.append(claimRecord('run-b', 2, 'gpt-b', 0.5, 'unverifiable'), CLEAN);
  groups = calibrationByModel(currentRecords(await ledger.readAll()));
});

afterAll(async () => {
  await fs.rm(base, { recursive: true, force: true });
});

const text = (b: Uint8Array): string => Buffer.from(b).toString('utf8');
const count = (hay: string, needle: string | RegExp): number => hay.split(needle).length - 1;

describe('Evidence in the Markdown export', () => {
  it('lists one row per current record with its mark, subject, short commit and dirty flag', async () => {
    const md = text((await renderExport(project, 'md', { withTasks: false, withEvidence: true, dataDir: join(base, 'data') })).bytes);
    expect(md).toContain('## Evidence');
    expect(md).toContain('12 current records: ✔ 6 · ✘ 4 · ⚠ 1 · ? 1.');
    expect(md).toContain('2 superseded records are left out.');
    const rows = md.split('\n').filter((l) => /^\| \d{4}-\d\d-\d\d \d\d:\d\d \|/.test(l));
    expect(rows).toHaveLength(12);
    expect(md).toMatch(/\| requirement AC-1 \(AC-2\) \| Limit is enforced `npm test -- quota` \| ✔ passed \(12 passed, 0 failed\) \| `0123456` \|/);
    expect(md).not.toMatch(/Limit is enforced[^\n]*✘ failed/);
    expect(md).toMatch(/\| decision 0003 \| Token bucket holds `npm test -- quota` \| ⚠ no tests ran \| `fedcba9` dirty \|/);
    expect(md).toMatch(/\| claim run-b#2 \(T-3\) \| Claim: claim 2 of run-b — gpt-b \(builder\), stated 50\.0% \| \? unverifiable \|/);
    // Within a subject, failures come first.
    const t1 = rows.filter((r) => r.includes('| task T-1 |'));
    expect(t1.map((r) => /✔|✘/.exec(r)?.[0])).toEqual(['✘', '✔']);
    // Agent text cannot break the table or carry raw HTML.
    expect(md).toContain('Tests pass &lt;script&gt;alert(1)&lt;/script&gt; \\| really');
    expect(md).not.toContain('<script');
  });

  it('adds a calibration table per model and role matching calibrationByModel, and bins instead of an image', async () => {
    const md = text((await renderExport(project, 'md', { withTasks: false, withEvidence: true, dataDir: join(base, 'data') })).bytes);
    expect(groups.map((g) => [g.model, g.n])).toEqual([['claude-a', 5], ['gpt-b', 2]]);
    for (const g of groups) {
      expect(md).toContain(`| ${g.model} | builder | ${g.n} | ${percent(g.accuracy)} | ${percent(g.meanConfidence)} | ${score(g.brier)} | ${score(g.ece)} |`);
      expect(md).toContain(`### ${g.model} · builder`);
    }
    // Hand-computed for claude-a: 3 of 5 held; mean stated confidence (0.9+0.9+0.8+0.6+0.95)/5.
    expect(md).toMatch(/\| claude-a \| builder \| 5 \| 60\.0% \| 83\.0% \| 0\.38[45] \| /);
    // gpt-b: the ruling (verified, 0.7) replaced the refutation; 0.3 refuted; the unverifiable claim does not count.
    expect(md).toMatch(/\| gpt-b \| builder \| 2 \| 50\.0% \| 50\.0% \| 0\.090 \| /);
    expect(md).toContain('| Stated confidence | Claims | Mean confidence | Observed accuracy |');
    expect(md).toContain('| 0.9–1.0 | 3 | 91.7% | 33.3% |');
    expect(md).toContain('| 0.6–0.7 | 1 | 60.0% | 100.0% |');
    expect(md).toContain('| Day | Claims so far | Brier | Accuracy |');
    expect(md).not.toContain('PLUMBLINEFIGURE');
    expect(md).not.toContain('<svg');
  });

  it('leaves evidence and calibration out unless asked', async () => {
    const md = text((await renderExport(project, 'md', { withTasks: false, withEvidence: false })).bytes);
    expect(md).not.toContain('## Evidence');
    expect(md).not.toContain('## Calibration');
    expect(md).not.toContain('claude-a');
    const html = text((await renderExport(project, 'html', { withTasks: false, withEvidence: false })).bytes);
    expect(html).not.toContain('<svg');
    expect(html).not.toContain('Calibration');
  });
});

describe('Records that do not count in the export', () => {
  it('lists a forged record and a chain break apart and leaves them out of the counts and calibration', async () => {
    const file = join(project, '.plumbline/evidence.jsonl');
    const before = await fs.readFile(file, 'utf8');
    const lines = before.split('\n').filter(Boolean);
    const forged = { ...JSON.parse(lines[0]!), id: 'ev-forged', what: 'Forged limit check', result: 'passed', mac: 'ab'.repeat(32) };
    // Forged line in place of the second record: the second is gone (a gap), the forgery does not count.
    await fs.writeFile(file, `${[lines[0], JSON.stringify(forged), ...lines.slice(2)].join('\n')}\n`);
    try {
      const md = text((await renderExport(project, 'md', { withTasks: false, withEvidence: true, dataDir: join(base, 'data') })).bytes);
      const [counted, apart] = md.split('### Records that do not count');
      // The removed record had superseded AC-1's failure, which counts again.
      expect(counted).toContain('12 current records:');
      expect(counted).toContain('1 superseded record is left out.');
      expect(counted).not.toContain('Forged limit check');
      expect(apart).toContain("The ledger's chain is broken in 1 place");
      expect(apart).toMatch(/\| requirement AC-1 \| Forged limit check \| passed \| not written by Plumbline on this machine \|/);
    } finally {
      await fs.writeFile(file, before);
    }
  });

  it('without the app data folder checks nothing: every record is listed as written and none counts', async () => {
    const md = text((await renderExport(project, 'md', { withTasks: false, withEvidence: true })).bytes);
    expect(md).toContain('## Evidence\n\nNo evidence recorded yet.');
    expect(md).toContain('14 records could not be verified');
    expect(md).not.toContain('## Calibration');
  });
});

describe('Evidence in the HTML export', () => {
  it('draws a reliability diagram (with its diagonal) and a trend per model as inline SVG, with no external reference', async () => {
    const html = text((await renderExport(project, 'html', { withTasks: false, withEvidence: true, dataDir: join(base, 'data') })).bytes);
    expect(count(html, '<svg')).toBe(groups.length * 2);
    expect(count(html, /aria-label="Reliability diagram: /)).toBe(groups.length);
    expect(count(html, 'class="diagonal"')).toBe(groups.length);
    for (const g of groups) expect(html).toContain(`aria-label="Reliability diagram: ${g.model} · builder"`);
    expect(count(html, '<figure class="plots"><svg')).toBe(groups.length);
    expect(html).toContain('<h2 id="calibration">Calibration</h2>');
    expect(html).toMatch(/<td align="right">0\.090<\/td>/);
    expect(html).not.toContain('PLUMBLINEFIGURE');
    // The bins table is the Markdown stand-in; HTML draws the plot instead.
    expect(html).not.toContain('Stated confidence</th>');
    expect(html).not.toMatch(/https?:/i);
    expect(html).not.toMatch(/\bsrc=/i);
    expect(html).not.toMatch(/href=(?!"#)/i);
    expect(html).not.toMatch(/xlink/i);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/\son[a-z]+=/i);
    expect(html).not.toMatch(/url\(/i);
    expect(html).toContain('Tests pass &#x3C;script>alert(1)&#x3C;/script> | really');
  });

  it('passes the same document to the PDF printer', async () => {
    let seen = '';
    await renderExport(project, 'pdf', { withTasks: false, withEvidence: true, dataDir: join(base, 'data') }, async (html) => {
      seen = html;
      return new Uint8Array([37, 80, 68, 70]);
    });
    expect(count(seen, 'class="diagonal"')).toBe(groups.length);
  });
});

describe('inlineSvg', () => {
  it('accepts the plots, escaping hostile model names, and drops the namespace URL', () => {
    const title = '"><script>alert(1)</script><a href="#x" onclick="y">';
    const svg = inlineSvg(reliabilityDiagramSvg(groups[0]!.bins, title) + calibrationTrendSvg(groups[0]!.trend, title));
    expect(svg).not.toMatch(/<script|<a[\s>]|\son[a-z]+="|https?:|xmlns/);
    expect(svg).toContain('&lt;script&gt;');
  });

  it('refuses scripts, handlers, links, foreign tags and url() references', () => {
    const bad = [
      '<svg><script>alert(1)</script></svg>',
      '<svg onload="alert(1)"></svg>',
      '<svg><a href="#x"><text>x</text></a></svg>',
      '<svg><image href="data:image/png;base64,AAAA"/></svg>',
      '<svg><use xlink:href="#x"/></svg>',
      '<svg><rect fill="url(#remote)"/></svg>',
      '<svg><rect style="fill:red"/></svg>',
      '<svg><text x=1>bare attribute</text></svg>',
      '<svg><foreignObject><div>x</div></foreignObject></svg>',
    ];
    for (const svg of bad) expect(() => inlineSvg(svg), svg).toThrow(/does not allow/);
  });
});
