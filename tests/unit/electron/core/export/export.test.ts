import { promises as fs } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseExportArgs, runExportCommand } from '../../../../../electron/core/export/export-command';
import { renderExportHtml } from '../../../../../electron/core/export/export-html';
import { findChromium } from '../../../../../electron/core/export/export-pdf';
import { renderExport } from '../../../../../electron/core/export/export-render';
import { copyExample } from '../../../../../electron/core/spec/example';

let base: string;
let example: string;
let hostile: string;

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'plumbline-export-'));
  example = await copyExample(join(process.cwd(), 'resources'), join(base, 'example'));
  hostile = join(base, 'hostile');
  await fs.mkdir(join(hostile, '.plumbline/decisions'), { recursive: true });
  await fs.writeFile(
    join(hostile, '.plumbline/spec.md'),
    [
      '# Spec: evil',
      '',
      '## Purpose',
      '',
      '<script>alert(1)</script>',
      '',
      '<img src="https://tracker.example/p.gif" onerror="alert(2)">',
      '',
      '![pixel](http://tracker.example/x.png) and [click](javascript:alert(3)) and [docs](https://docs.example/a)',
      '',
      '<a href="#" onclick="alert(4)">x</a> <iframe src="//evil.example"></iframe>',
      '',
      '## Security requirements',
      '',
      '- SEC-1: fine',
      '',
    ].join('\n'),
  );
});

afterAll(async () => {
  await fs.rm(base, { recursive: true, force: true });
});

const text = (b: Uint8Array): string => Buffer.from(b).toString('utf8');

describe('Markdown export', () => {
  it('holds the spec sections, a decision index and every decision; tasks only when asked', async () => {
    const md = text((await renderExport(example, 'md', { withTasks: false, withEvidence: false })).bytes);
    expect(md.startsWith('# quota-service — spec and decision log\n')).toBe(true);
    expect(md).toContain('## Spec\n\n### Purpose\n');
    expect(md).toContain('- SEC-1: Error responses never reveal another tenant\'s key or quota.');
    expect(md).toContain('| 0002 | Fixed-window counter per key | superseded by 0003 | 2026-03-07 |');
    expect(md).toContain('### 0003: Token bucket per key\n\n**Status:** accepted · **Date:** 2026-03-14 · **Supersedes:** 0002');
    expect(md).toContain('#### Decision Outcome');
    expect(md).not.toContain('<!--');
    expect(md).not.toContain('## Tasks');
    const withTasks = text((await renderExport(example, 'md', { withTasks: true, withEvidence: true })).bytes);
    expect(withTasks).toContain('| T-4 | Hide tenant data in errors | refuted | SEC-1, AC-4 |');
    expect(withTasks).toContain('## Evidence\n\nNo evidence recorded yet.');
  });

  it("ignores ledger lines that are not evidence records (the Calibrator's format is read, not guessed)", async () => {
    await fs.writeFile(join(example, '.plumbline/evidence.jsonl'), `${JSON.stringify({ at: '2026-03-20T10:00:00Z', command: 'npm run foreign-check', verdict: 'verified', requirementIds: ['AC-3'] })}\n{torn`);
    const md = text((await renderExport(example, 'md', { withTasks: false, withEvidence: true })).bytes);
    expect(md).toContain('## Evidence\n\nNo evidence recorded yet.');
    expect(md).not.toContain('foreign-check');
    await fs.rm(join(example, '.plumbline/evidence.jsonl'));
  });
});

describe('HTML export', () => {
  it('is one self-contained file: inline CSS with a print stylesheet, contents, decision index, no external URL', async () => {
    const r = await renderExport(example, 'html', { withTasks: true, withEvidence: false });
    const html = text(r.bytes);
    expect(r.fileName).toBe('quota-service-spec.html');
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('<style>');
    expect(html).toContain('@media print');
    expect(html).toMatch(/<nav class="toc" aria-label="Contents">.*<a href="#security-requirements">Security requirements<\/a>/s);
    expect(html).toContain('id="security-requirements"');
    expect(html).toContain('<span class="status status-superseded" title="Fixed-window counter per key">0002 ↷ superseded</span>');
    expect(html).toContain('<table>');
    expect(html).not.toMatch(/https?:/i);
    expect(html).not.toMatch(/\bsrc=/i);
    expect(html).not.toMatch(/<link\b/i);
    expect(html).not.toContain('//');
  });

  it('sanitises hostile Markdown: no script, no handlers, no javascript: links, no remote images', async () => {
    const html = text((await renderExport(hostile, 'html', { withTasks: false, withEvidence: false })).bytes);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/\son[a-z]+=/i);
    expect(html).not.toMatch(/javascript:/i);
    expect(html).not.toMatch(/<iframe/i);
    expect(html).not.toMatch(/\bsrc=/i);
    expect(html).not.toMatch(/https?:/i);
    expect(html).toContain('[image: pixel]');
    expect(html).toContain('docs (docs.example/a)');
    expect(html).toContain('SEC-1: fine');
  });
});

describe('HTML export of underscores', () => {
  it('shows __proto__ and _id_ as written, as the app does; asterisks still mark emphasis', async () => {
    const html = await renderExportHtml({ title: 't', markdown: '', source: '# T\n\n- SEC-1: a key named __proto__ or _id_ is refused, **always**.\n', figures: [], decisions: [], date: '2026-01-01' });
    expect(html).toContain('a key named __proto__ or _id_ is refused, <strong>always</strong>.');
    expect(html).not.toContain('<strong>proto</strong>');
  });
});

describe('PDF export', () => {
  it.skipIf(findChromium() === null)('prints through headless Chromium when no host printer is given', async () => {
    const r = await renderExport(example, 'pdf', { withTasks: false, withEvidence: false });
    expect(r.mimeType).toBe('application/pdf');
    expect(text(r.bytes.slice(0, 5))).toBe('%PDF-');
  });

  it('uses the host printer when there is one', async () => {
    let seen = '';
    const r = await renderExport(example, 'pdf', { withTasks: false, withEvidence: false }, async (html) => {
      seen = html;
      return new Uint8Array([37, 80, 68, 70]);
    });
    expect(seen).toContain('<nav class="toc"');
    expect(Array.from(r.bytes)).toEqual([37, 80, 68, 70]);
  });
});

describe('plumbline export', () => {
  it('parses its arguments and refuses bad ones', () => {
    expect(parseExportArgs(['proj', '--format', 'html', '--with-tasks'])).toMatchObject({ format: 'html', withTasks: true, withEvidence: false, out: null });
    expect(parseExportArgs(['--format=md', '--out', 'x.md'])).toMatchObject({ format: 'md', out: 'x.md' });
    expect(parseExportArgs(['proj'])).toMatch(/Choose a format/);
    expect(parseExportArgs(['--format', 'docx'])).toMatch(/Unknown format/);
    expect(parseExportArgs(['--format', 'pdf', '--out', '-'])).toMatch(/standard output/);
    expect(parseExportArgs(['a', 'b', '--format', 'md'])).toMatch(/Only one folder/);
  });

  it('writes the file and returns 0; a missing folder returns 2', async () => {
    const out = join(base, 'out.md');
    expect(await runExportCommand([example, '--format', 'md', '--out', out, '--with-tasks'])).toBe(0);
    expect(await fs.readFile(out, 'utf8')).toContain('## Tasks');
    expect(await runExportCommand([join(base, 'nope'), '--format', 'md', '--out', out])).toBe(2);
  });
});
