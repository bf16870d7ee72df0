import { describe, expect, it } from 'vitest';
import { lacksReason, parseDecision, parseDecisionStatus } from '../../../../../electron/core/spec/decisions-doc';
import { patchDecision, renderDecision } from '../../../../../electron/core/spec/decisions-edit';

const fields = { title: 'Use a token bucket', status: 'accepted' as const, context: 'Bursts hurt.', options: '- a\n- b', decision: 'Token bucket, because bursts stay bounded.', consequences: 'Good.', confirmation: 'npm test', links: ['AC-1'] };

describe('decision records', () => {
  it('render → parse gives the fields back', () => {
    const text = renderDecision(3, fields, { date: '2026-01-02' });
    const d = parseDecision(text).record;
    expect(d).toMatchObject({ number: 3, title: 'Use a token bucket', status: 'accepted', date: '2026-01-02', context: 'Bursts hurt.', options: '- a\n- b', confirmation: 'npm test', links: ['AC-1'] });
    expect(d.decision).toContain('Token bucket, because');
  });

  it('patches front matter keys and sections in place', () => {
    const text = renderDecision(3, fields, { date: '2026-01-02' }).replace('Good.', 'Good.\n\n<!-- a hand-written note -->');
    const out = patchDecision(text, { status: 'superseded', consequences: 'Changed.' }, 7);
    expect(out).toBe(text.replace('status: accepted', 'status: superseded by 0007').replace('Good.\n\n<!-- a hand-written note -->', 'Changed.'));
    expect(patchDecision(text, { title: 'Renamed' })).toBe(text.replace('# 0003: Use a token bucket', '# 0003: Renamed'));
    expect(patchDecision(text, { links: [] })).toBe(text.replace('links: [AC-1]\n', ''));
  });

  it('reads Nygard records and MADR 2 bullet metadata', () => {
    const nygard = '# 2. Use PostgreSQL\n\nDate: 2019-05-01\n\n## Status\n\nSuperseded by [5. Use SQLite](0005-use-sqlite.md)\n\n## Context\n\nWe need a database.\n\n## Decision\n\nWe will use PostgreSQL.\n\n## Consequences\n\nOps work.\n';
    expect(parseDecision(nygard).record).toMatchObject({ number: 2, title: 'Use PostgreSQL', status: 'superseded', supersededBy: 5, date: '2019-05-01', context: 'We need a database.' });
    const madr2 = '# Use Markdown\n\n* Status: accepted\n* Date: 2018-09-02\n\n## Context and Problem Statement\n\nWhich format?\n\n## Decision Outcome\n\nChosen option: "Markdown", because it is plain text.\n';
    expect(parseDecision(madr2).record).toMatchObject({ status: 'accepted', date: '2018-09-02', context: 'Which format?' });
  });

  it('reads status and date never from code, and "Decision Drivers" is not the decision', () => {
    const text = '# Use YAML\n\n## Context\n\nLike this:\n\n```yaml\nstatus: accepted\ndate: 2020-01-01\n```\n\n## Decision Drivers\n\n* speed\n\n## Decision Outcome\n\nChosen option: YAML, because tools read it.\n';
    const d = parseDecision(text).record;
    expect([d.status, d.date, d.decision]).toEqual(['proposed', null, 'Chosen option: YAML, because tools read it.']);
  });

  it('statuses and missing reasons are read leniently', () => {
    expect(parseDecisionStatus('Superseded by ADR-0012')).toEqual({ status: 'superseded', supersededBy: 12 });
    expect(parseDecisionStatus('Draft')).toEqual({ status: 'proposed', supersededBy: null });
    expect(lacksReason({ decision: '', context: 'x' })).toBe(true);
    expect(lacksReason({ decision: 'Use X.', context: '' })).toBe(true);
    expect(lacksReason({ decision: 'Use X because Y.', context: '' })).toBe(false);
    expect(lacksReason({ decision: 'Use X.', context: 'Y hurts.' })).toBe(false);
  });
});
