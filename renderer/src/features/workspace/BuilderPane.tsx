import { TabList, tabPanelProps } from '../../components/TabList';
import { useUiPrefs } from '../../stores/ui-prefs';
import { builderTabs } from './builder-tabs';

/** The Builder pane: files, changes, history and agent runs as tabs. */
export function BuilderPane() {
  const stored = useUiPrefs((s) => s.builderTab);
  const setTab = useUiPrefs((s) => s.setBuilderTab);
  const active = builderTabs.find((t) => t.id === stored) ?? builderTabs[0];
  return (
    <>
      <div className="tabs">
        <TabList tabs={builderTabs} active={active.id} onSelect={setTab} label="Builder views" idPrefix="builder" />
      </div>
      <div className="pane-body" {...tabPanelProps('builder', active.id)}>
        {active.render()}
      </div>
    </>
  );
}
