import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { EvidenceRecord } from '../../../../../../shared/contract';
import { EvidenceRow, groupCounts } from '../../../../../../renderer/src/features/verify/EvidenceTab';

const rec = (id: string, result: EvidenceRecord['result'], untrusted?: string): EvidenceRecord => ({
  id,
  time: '2026-03-20T10:00:00Z',
  subject: { kind: 'requirement', id: 'AC-1' },
  what: `check ${id}`,
  how: 'npm test',
  kind: 'command',
  result,
  commit: null,
  dirty: false,
  excerpt: '',
  hasOutput: false,
  ...(untrusted ? { untrusted } : {}),
});

describe('EvidenceTab', () => {
  it('counts only current trusted records in a group and counts untrusted ones apart', () => {
    const records = [rec('a', 'passed'), rec('b', 'failed'), rec('c', 'passed', 'not written by Plumbline on this machine'), rec('d', 'failed', 'not written by Plumbline on this machine'), rec('e', 'failed')];
    expect(groupCounts(records, new Set(['e']))).toEqual({ good: 1, bad: 1, untrusted: 2 });
  });

  it('marks an untrusted row in red with the reason, struck through', () => {
    const html = renderToStaticMarkup(<EvidenceRow r={rec('c', 'passed', 'not written by Plumbline on this machine')} old={false} open={false} onOpen={() => undefined} />);
    expect(html).toContain('cal-ev-row untrusted');
    expect(html).toMatch(/class="badge danger ev-untrusted"[^>]*>✘ not written by Plumbline</);
    expect(html).toContain('Not counted: not written by Plumbline on this machine.');
    const other = renderToStaticMarkup(<EvidenceRow r={rec('c', 'passed', 'not checked: this reader has no ledger key to check it with')} old={false} open={false} onOpen={() => undefined} />);
    expect(other).toContain(' — not checked: this reader has no ledger key to check it with');
    const trusted = renderToStaticMarkup(<EvidenceRow r={rec('a', 'passed')} old={false} open={false} onOpen={() => undefined} />);
    expect(trusted).not.toContain('untrusted');
    expect(trusted).not.toContain('not written by Plumbline');
  });
});
