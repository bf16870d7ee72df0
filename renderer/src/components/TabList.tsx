import type { ReactNode } from 'react';

/** One tab: its id, its label and an optional badge after the label. */
export interface TabSpec<T extends string> {
  readonly id: T;
  readonly label: string;
  readonly badge?: ReactNode;
}

/**
 * A WAI-ARIA tab list: roving tabindex, ←/→ move between tabs. Tab `x` is `#<idPrefix>-tab-x` and
 * controls `#<idPrefix>-panel-x`, so the caller's tab panel uses `tabPanelProps`.
 */
export function TabList<T extends string>({ tabs, active, onSelect, label, idPrefix }: { readonly tabs: readonly TabSpec<T>[]; readonly active: T; readonly onSelect: (id: T) => void; readonly label: string; readonly idPrefix: string }) {
  return (
    <div role="tablist" aria-label={label} className="tablist">
      {tabs.map((t, i) => (
        <button
          key={t.id}
          type="button"
          role="tab"
          className="tab"
          id={`${idPrefix}-tab-${t.id}`}
          aria-selected={t.id === active}
          aria-controls={`${idPrefix}-panel-${t.id}`}
          tabIndex={t.id === active ? 0 : -1}
          onClick={() => onSelect(t.id)}
          onKeyDown={(e) => {
            const next = e.key === 'ArrowRight' ? tabs[(i + 1) % tabs.length] : e.key === 'ArrowLeft' ? tabs[(i + tabs.length - 1) % tabs.length] : undefined;
            if (!next) return;
            e.preventDefault();
            onSelect(next.id);
            document.getElementById(`${idPrefix}-tab-${next.id}`)?.focus();
          }}
        >
          {t.label}
          {t.badge}
        </button>
      ))}
    </div>
  );
}

/** Props of the panel that belongs to the active tab. */
export function tabPanelProps(idPrefix: string, active: string) {
  return { role: 'tabpanel', id: `${idPrefix}-panel-${active}`, 'aria-labelledby': `${idPrefix}-tab-${active}` } as const;
}
