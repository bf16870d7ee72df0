import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RpcError } from '../../../../../shared/rpc';
import { parseSpec } from '../../../../../electron/core/spec/spec-doc';
import { escapeCell, setSectionText, setTable } from '../../../../../electron/core/spec/spec-edit';
import { specSkeleton } from '../../../../../electron/core/spec/spec-sections';

const EXAMPLE = readFileSync(join(__dirname, '../../../../../resources/example/.plumbline/spec.md'), 'utf8');

const section = (text: string, kind: 'purpose' | 'api') => parseSpec(text).sections.find((s) => s.kind === kind)!;

/** The text before and after a section's body, which an edit of that section must leave alone. */
function around(text: string, kind: 'purpose' | 'api'): [string, string] {
  const s = parseSpec(text).sections.find((x) => x.kind === kind)!;
  return [text.slice(0, s.headingEnd), text.slice(s.bodyEnd)];
}

describe('Purpose as a text block', () => {
  it('reads the section as written and changes nothing when the text is the same', () => {
    const purpose = section(EXAMPLE, 'purpose');
    expect(purpose.body).toBe(
      'A tiny HTTP service that rate-limits API keys, for small teams that call a paid upstream API and\nmust not blow through its quota. Each key gets a token bucket; callers ask before they spend.',
    );
    expect(setSectionText(EXAMPLE, 'purpose', purpose.body)).toBe(EXAMPLE);
    expect(setSectionText(EXAMPLE, 'purpose', `\n${purpose.body}\n\n`)).toBe(EXAMPLE);
    const odd = '# X\n## 1. Purpose\nRight under the heading.  \n\n\n\n## Security requirements\n';
    expect(setSectionText(odd, 'purpose', section(odd, 'purpose').body)).toBe(odd);
  });

  it('saves the words exactly as typed and every other byte of the file as it was', () => {
    const words = 'Two  spaces,  *emphasis*, a | pipe, trailing spaces   \n\n  indented line\n- a list | too';
    const out = setSectionText(EXAMPLE, 'purpose', words);
    expect(section(out, 'purpose').body).toBe(words);
    expect(around(out, 'purpose')).toEqual(around(EXAMPLE, 'purpose'));
    expect(out).toBe(EXAMPLE.replace(section(EXAMPLE, 'purpose').body, words));
  });

  it('keeps CRLF files CRLF and replaces the hint of a skeleton', () => {
    const crlf = specSkeleton('demo').replace(/\n/g, '\r\n');
    const out = setSectionText(crlf, 'purpose', 'Why:\nfor whom.');
    expect(out).toContain('## Purpose\r\n\r\nWhy:\r\nfor whom.\r\n\r\n## Architecture decisions');
    expect(out.replace(/\r\n/g, '')).not.toContain('\n');
    expect(section(out, 'purpose').hint).toBeNull();
    expect(out.slice(out.indexOf('## Architecture'))).toBe(crlf.slice(crlf.indexOf('## Architecture')));
  });

  it('writes a missing section at its place and the last section up to the end of the file', () => {
    const out = setSectionText('# X\n\n## Security requirements\n\n- SEC-1: s\n', 'purpose', 'Why.');
    expect(out).toBe('# X\n\n## Purpose\n\nWhy.\n\n## Security requirements\n\n- SEC-1: s\n');
    expect(setSectionText('# X\n\n## Purpose\n\nOld.\n', 'purpose', 'New.')).toBe('# X\n\n## Purpose\n\nNew.\n');
  });

  it('refuses when the section changed on disk since the edit began', () => {
    expect(() => setSectionText(EXAMPLE, 'purpose', 'Mine.', 'What it said before.')).toThrow(RpcError);
    expect(setSectionText(EXAMPLE, 'purpose', 'Mine.', section(EXAMPLE, 'purpose').body)).toContain('## Purpose\n\nMine.\n\n## Architecture');
  });
});

describe('API contract as a table', () => {
  it('reads the table with its cells as written', () => {
    const api = section(EXAMPLE, 'api');
    expect(api.table?.columns).toEqual(['Method', 'Path', 'Request', 'Response']);
    expect(api.table?.rows[1]).toEqual(['GET', '`/quota`', 'header `x-api-key`', '`200 {"remaining": n}`']);
  });

  it('round-trips byte for byte when no cell changed, and keeps untouched rows when one did', () => {
    const api = section(EXAMPLE, 'api').table!;
    expect(setTable(EXAMPLE, 'api', api)).toBe(EXAMPLE);
    // Odd spacing and alignment survive in rows nobody touched.
    const odd = EXAMPLE.replace('| GET | `/quota` |', '|  GET  |   `/quota` |').replace('|---|---|---|---|', '|:--|---|---|--:|');
    const oddTable = section(odd, 'api').table!;
    expect(setTable(odd, 'api', oddTable)).toBe(odd);
    const edited = setTable(odd, 'api', { ...oddTable, rows: [['PUT', '`/limit`', 'a | b', 'c'], ...oddTable.rows] });
    expect(edited).toBe(odd.replace('|:--|---|---|--:|\n', '|:--|---|---|--:|\n| PUT | `/limit` | a \\| b | c |\n'));
    expect(section(edited, 'api').table!.rows[0]).toEqual(['PUT', '`/limit`', 'a | b', 'c']);
  });

  it('removes a row and edits a cell, the Markdown table staying valid', () => {
    const api = section(EXAMPLE, 'api').table!;
    const out = setTable(EXAMPLE, 'api', { columns: api.columns, rows: [[...api.rows[1]!.slice(0, 3), 'new\nline | pipe']] });
    const table = section(out, 'api').table!;
    expect(table.rows).toEqual([[...api.rows[1]!.slice(0, 3), 'new line | pipe']]);
    expect(out).not.toContain('/consume');
    expect(out.slice(out.indexOf('## Failure modes'))).toBe(EXAMPLE.slice(EXAMPLE.indexOf('## Failure modes')));
  });

  it('makes a table with the template columns where the section has none', () => {
    const sk = specSkeleton('demo');
    const out = setTable(sk, 'api', { columns: ['Method', 'Path', 'Request', 'Response'], rows: [['GET', '/x', '', '200']] });
    expect(section(out, 'api').table).toEqual({ columns: ['Method', 'Path', 'Request', 'Response'], rows: [['GET', '/x', '', '200']] });
    expect(out).toContain('-->\n\n| Method | Path | Request | Response |\n|---|---|---|---|\n| GET | /x |  | 200 |\n\n## Failure modes');
  });

  it('refuses when the table changed on disk since the edit began', () => {
    const api = section(EXAMPLE, 'api').table!;
    expect(() => setTable(EXAMPLE, 'api', api, { columns: api.columns, rows: [] })).toThrow(RpcError);
    expect(() => setTable(EXAMPLE, 'api', api, null)).toThrow(RpcError);
    expect(setTable(EXAMPLE, 'api', api, api)).toBe(EXAMPLE);
  });

  it('escapes pipes in a cell once', () => {
    expect(escapeCell('a|b')).toBe('a\\|b');
    expect(escapeCell('a\\|b')).toBe('a\\|b');
  });
});
