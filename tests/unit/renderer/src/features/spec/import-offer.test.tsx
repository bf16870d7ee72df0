import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { ImportChange } from '../../../../../../shared/contract';
import { describeChange, ImportChangeRow, initiallyChosen, offered } from '../../../../../../renderer/src/features/spec/ImportOffer';

const change = (c: Partial<ImportChange> & Pick<ImportChange, 'key' | 'change' | 'kind'>): ImportChange => ({ id: null, before: null, after: null, details: [], edited: false, ...c });

const changed = change({ key: 't.md#T001', change: 'changed', kind: 'task', id: 'T-1', before: 'Set up', after: 'Set up', details: [{ field: 'status', before: 'done', after: 'todo' }, { field: 'depends', before: 'none', after: 'T-3' }] });
const gone = change({ key: 'adr/0004.md', change: 'removed', kind: 'decision', id: '0004', before: 'Keep WAL (accepted)' });
const goneEdited = change({ key: 'adr/0002.md', change: 'removed', kind: 'decision', id: '0002', before: 'Use PostgreSQL (superseded by 0003)', edited: true });
const fresh = change({ key: 's.md#FR-004', change: 'new', kind: 'item', after: 'Export albums' });

describe('the re-import preview', () => {
  it('lists what changed in each entry, field by field', () => {
    const html = renderToStaticMarkup(<ImportChangeRow change={changed} checked onToggle={() => undefined} />);
    expect(html).toContain('type="checkbox"');
    expect(html).toContain('<li>status: done → todo</li>');
    expect(html).toContain('<li>depends: none → T-3</li>');
  });

  it('lists entries removed upstream unchecked, and one edited here without a checkbox', () => {
    expect([...initiallyChosen([changed, gone, goneEdited, fresh])]).toEqual([changed.key, fresh.key]);
    expect([gone, goneEdited].map(offered)).toEqual([true, false]);
    expect(describeChange(gone)).toBe('Removed upstream: 0004 Keep WAL (accepted). Check to remove it here too; unchecked, it stays.');
    const edited = renderToStaticMarkup(<ImportChangeRow change={goneEdited} checked={false} onToggle={() => undefined} />);
    expect(edited).not.toContain('checkbox');
    expect(edited).toContain('Removed upstream: 0002 Use PostgreSQL (superseded by 0003). Edited here since the import, so it stays; delete it by hand if no longer wanted.');
    const removable = renderToStaticMarkup(<ImportChangeRow change={gone} checked={false} onToggle={() => undefined} />);
    expect(removable).toContain('type="checkbox"');
    expect(removable).not.toContain('checked=""');
  });
});
