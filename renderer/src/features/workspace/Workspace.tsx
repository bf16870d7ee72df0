import { useRef, type ReactNode } from 'react';
import { Group, Panel, Separator, useGroupRef, type Layout } from 'react-resizable-panels';
import { useUiPrefs } from '../../stores/ui-prefs';
import { useAppStore } from '../../stores/app-store';
import { BuilderPane } from './BuilderPane';
import { CalibratorPane } from './CalibratorPane';
import { OrchestratorPane } from './OrchestratorPane';
import { Header } from './Header';

const PANES = ['orchestrator', 'builder', 'calibrator'] as const;

/** One pane: a named region with a title bar; double-clicking the title maximises or restores it. */
function Pane({ id, title, onToggleMax, children }: { readonly id: string; readonly title: string; readonly onToggleMax: () => void; readonly children: ReactNode }) {
  return (
    <section className="pane" role="region" aria-label={title} id={`pane-${id}`} tabIndex={-1}>
      <div className="pane-title" onDoubleClick={onToggleMax} title="Double-click to maximise or restore">
        <h2>{title}</h2>
      </div>
      <div className="pane-body">{children}</div>
    </section>
  );
}

/** The three-pane workspace: Orchestrator | Builder | Calibrator, resizable, sizes remembered. */
export function Workspace() {
  const project = useAppStore((s) => s.project);
  const paneSizes = useUiPrefs((s) => s.paneSizes);
  const setPaneSizes = useUiPrefs((s) => s.setPaneSizes);
  const groupRef = useGroupRef();
  const restore = useRef<Layout | null>(null);
  const defaultLayout: Layout = { orchestrator: paneSizes[0], builder: paneSizes[1], calibrator: paneSizes[2] };

  const toggleMax = (id: (typeof PANES)[number]) => {
    const group = groupRef.current;
    if (!group) return;
    const layout = group.getLayout();
    if (restore.current) {
      group.setLayout(restore.current);
      restore.current = null;
    } else {
      restore.current = layout;
      group.setLayout(Object.fromEntries(PANES.map((p) => [p, p === id ? 90 : 5])));
    }
  };

  if (!project) return null;
  return (
    <div className="app">
      <Header />
      {project.git.problem && (
        <div className="banner warn" role="alert">
          ⚠ {project.git.problem}
        </div>
      )}
      <div className="workspace">
        <Group
          orientation="horizontal"
          groupRef={groupRef}
          defaultLayout={defaultLayout}
          onLayoutChanged={(layout: Layout) => {
            if (restore.current) return;
            setPaneSizes([layout.orchestrator ?? 30, layout.builder ?? 45, layout.calibrator ?? 25]);
          }}
        >
          <Panel id="orchestrator" minSize="12%">
            <Pane id="orchestrator" title="Orchestrator" onToggleMax={() => toggleMax('orchestrator')}>
              <OrchestratorPane />
            </Pane>
          </Panel>
          <Separator className="separator" />
          <Panel id="builder" minSize="20%">
            <Pane id="builder" title="Builder" onToggleMax={() => toggleMax('builder')}>
              <BuilderPane />
            </Pane>
          </Panel>
          <Separator className="separator" />
          <Panel id="calibrator" minSize="12%">
            <Pane id="calibrator" title="Calibrator" onToggleMax={() => toggleMax('calibrator')}>
              <CalibratorPane />
            </Pane>
          </Panel>
        </Group>
      </div>
    </div>
  );
}

/** Moves keyboard focus into a pane (Ctrl/Cmd+1/2/3). */
export function focusPane(index: 1 | 2 | 3): void {
  const el = document.getElementById(`pane-${PANES[index - 1]}`);
  // The pane's active tab first (a selector list would pick whichever control comes first in the document).
  const target = el?.querySelector<HTMLElement>('[role="tab"][aria-selected="true"]') ?? el?.querySelector<HTMLElement>('button, [tabindex="0"], input, textarea') ?? el;
  // A keyboard shortcut moved focus: show where it went even if the last input was a click.
  target?.focus({ focusVisible: true });
}
