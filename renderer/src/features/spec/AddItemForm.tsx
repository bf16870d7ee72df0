import { useState } from 'react';
import type { SpecSectionKind } from '../../../../shared/contract';
import { useAppStore } from '../../stores/app-store';
import { focusItem } from './plan-helpers';

/** A one-line form that adds an item to a section; the ID is assigned by the core. */
export function AddItemForm({ section, title, placeholder }: { readonly section: SpecSectionKind; readonly title: string; readonly placeholder: string }) {
  const [text, setText] = useState('');
  const add = useAppStore((s) => s.addSpecItem);
  return (
    <form
      className="add-item"
      onSubmit={(e) => {
        e.preventDefault();
        if (!text.trim()) return;
        void add(section, text).then((id) => {
          if (id === null) return;
          setText('');
          if (id) focusItem(id);
        });
      }}
    >
      <input aria-label={`New item for ${title}`} placeholder={placeholder} value={text} onChange={(e) => setText(e.target.value)} />
      <button type="submit" className="btn btn-small" aria-label={`Add to ${title}`} disabled={!text.trim()}>
        Add
      </button>
    </form>
  );
}
