import { describe, expect, it } from 'vitest';
import { citedIds, itemAliases, RefIndex } from '../../../shared/item-refs';

describe('itemAliases', () => {
  it('reads the original ID an imported item shows after its text', () => {
    expect(itemAliases('System MUST create a share link per album (FR-001)')).toEqual(['FR-001']);
    expect(itemAliases('Albums load in under a second (SC-002)')).toEqual(['SC-002']);
    expect(itemAliases('WHEN a user signs in THEN … (Kiro 2.1)')).toEqual(['2.1', 'Kiro 2.1']);
    expect(itemAliases('As a visitor, I want an account (Kiro requirement 1)')).toEqual(['1', 'Kiro 1']);
    // Only at the end: an ID cited inside the text is a reference, not the item's alias.
    expect(itemAliases('Expire links (see FR-006) daily')).toEqual([]);
    expect(itemAliases('A plain item')).toEqual([]);
  });
});

describe('citedIds', () => {
  it('lists each ID-shaped token once', () => {
    expect(citedIds('see FR-006 and AC-3, again FR-006').map((c) => c.id)).toEqual(['FR-006', 'AC-3']);
  });
});

describe('RefIndex', () => {
  const refs = new RefIndex([
    { id: 'FR-1', text: 'Create albums (FR-001)', file: '.plumbline/specs/001-a.md', source: 'specs/001-a/spec.md#FR-001' },
    { id: 'FR-4', text: 'Share links (FR-001)', file: '.plumbline/specs/002-b.md', source: 'specs/002-b/spec.md#FR-001' },
    { id: 'FR-9', text: 'Expire links (FR-006)', file: '.plumbline/specs/002-b.md', source: 'specs/002-b/spec.md#FR-006' },
    { id: 'AC-3', text: 'WHEN … (Kiro 4.1)', file: '.plumbline/specs/auth.md', source: '.kiro/specs/auth/requirements.md#4.1' },
    { id: 'SEC-1', text: 'never leak', file: '.plumbline/spec.md', source: null },
  ]);

  it('resolves an item ID as itself and an alias to its item', () => {
    expect(refs.resolve('SEC-1')).toBe('SEC-1');
    expect(refs.resolve('FR-006')).toBe('FR-9');
    expect(refs.resolve('4.1')).toBe('AC-3');
    expect(refs.resolve('Kiro 4.1')).toBe('AC-3');
    expect(refs.resolve('FR-7')).toBeNull();
  });

  it('resolves an alias two sources share to the one of the citing source or spec, and to none without one', () => {
    expect(refs.resolve('FR-001', { source: 'specs/002-b/tasks.md#T001' })).toBe('FR-4');
    expect(refs.resolve('FR-001', { source: 'specs/001-a/tasks.md#T001' })).toBe('FR-1');
    expect(refs.resolve('FR-001', { file: '.plumbline/specs/002-b.md' })).toBe('FR-4');
    expect(refs.resolve('FR-001')).toBeNull();
  });

  it('keeps an unresolved reference as written and drops duplicates', () => {
    expect(refs.resolveAll(['FR-006', 'FR-9', 'XX-1'])).toEqual(['FR-9', 'XX-1']);
  });
});
