import { useUiPrefs } from '../../stores/ui-prefs';
import { builderTabs } from './builder-tabs';

/** The Builder pane: files, changes, history and agent runs as tabs. */
export function BuilderPane() {
  const stored = useUiPrefs((s) => s.builderTab);
  const setTab = useUiPrefs((s) => s.setBuilderTab);
  const active = builderTabs.find((t) => t.id === stored) ?? builderTabs[0];
  return (
    <>
      <div className="tabs" role="tablist" aria-label="Builder views">
        {builderTabs.map((t) => (
          <button
            key={t.id}
            className="tab"
            role="tab"
            id={`builder-tab-${t.id}`}
            aria-selected={t.id === active.id}
            aria-controls={`builder-panel-${t.id}`}
            tabIndex={t.id === active.id ? 0 : -1}
            onClick={() => setTab(t.id)}
            onKeyDown={(e) => {
              if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
              const i = builderTabs.findIndex((x) => x.id === active.id);
              const next = builderTabs[(i + (e.key === 'ArrowRight' ? 1 : builderTabs.length - 1)) % builderTabs.length];
              setTab(next.id);
              document.getElementById(`builder-tab-${next.id}`)?.focus();
            }}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div className="pane-body" role="tabpanel" id={`builder-panel-${active.id}`} aria-labelledby={`builder-tab-${active.id}`}>
        {active.render()}
      </div>
    </>
  );
}
