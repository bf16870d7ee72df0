import { useEffect, useMemo, useState } from 'react';
import { useApi } from '../../api/api-context';
import { TabList, tabPanelProps } from '../../components/TabList';
import { useCommands } from '../../commands/registry';
import { useAppStore } from '../../stores/app-store';
import type { OrchestratorTab } from '../../stores/spec-slice';
import { DecisionsView } from '../spec/DecisionsView';
import { ExportDialog } from '../spec/ExportDialog';
import { ImportOffer } from '../spec/ImportOffer';
import '../spec/spec.css';
import { SpecView } from '../spec/SpecView';
import { TasksView } from '../spec/TasksView';

const TABS: ReadonlyArray<readonly [OrchestratorTab, string]> = [
  ['spec', 'Spec'],
  ['decisions', 'Decisions'],
  ['tasks', 'Tasks'],
];

/** The Orchestrator pane: the spec, the decision log and the task list of `.plumbline/`. */
export function OrchestratorPane() {
  const tab = useAppStore((s) => s.orchestratorTab);
  const setTab = useAppStore((s) => s.setOrchestratorTab);
  const loading = useAppStore((s) => s.planLoading && !s.plan);
  const error = useAppStore((s) => s.planError);
  const hasPlan = useAppStore((s) => s.plan !== null);
  const openQuestions = useAppStore((s) => s.plan?.specs.reduce((n, spec) => n + spec.clarifications.filter((c) => !c.resolved).length, 0) ?? 0);
  const findings = useAppStore((s) => s.plan?.analysis.findings.filter((f) => f.severity !== 'info').length ?? 0);
  const [exporting, setExporting] = useState(false);
  const api = useApi();
  // The desktop menu's File → Export… and the command palette open the same dialog.
  useEffect(() => api.onEvent('menu.didInvoke', (e) => e.command === 'export' && hasPlan && setExporting(true)), [api, hasPlan]);
  useCommands(
    useMemo(
      () => [
        { id: 'orchestrator.export', title: 'Export spec and decision log…', run: () => setExporting(true) },
        { id: 'orchestrator.spec', title: 'Show spec', run: () => setTab('spec') },
        { id: 'orchestrator.decisions', title: 'Show decisions', run: () => setTab('decisions') },
        { id: 'orchestrator.tasks', title: 'Show tasks', run: () => setTab('tasks') },
      ],
      [setTab],
    ),
  );

  return (
    <div className="orchestrator">
      <div className="tabs orch-tabs">
        <TabList tabs={TABS.map(([id, label]) => ({ id, label }))} active={tab} onSelect={setTab} label="Orchestrator" idPrefix="orch" />
        <span className="spacer" />
        {openQuestions > 0 && (
          <button type="button" className="btn btn-ghost btn-small warn" onClick={() => setTab('spec')} title="Open questions in the spec">
            ? {openQuestions}
          </button>
        )}
        {findings > 0 && (
          <span className="badge warn" title="Analysis findings (warnings and errors)">
            ⚠ {findings}
          </span>
        )}
        <button type="button" className="btn btn-small" aria-label="Export" title="Export the spec and decision log" disabled={!hasPlan} onClick={() => setExporting(true)}>
          Export…
        </button>
      </div>
      <ImportOffer />
      {error && (
        <div className="banner warn" role="alert">
          ⚠ {error}
        </div>
      )}
      <div className="orch-body" {...tabPanelProps('orch', tab)}>
        {loading && <p className="empty">Reading the plan…</p>}
        {tab === 'spec' && <SpecView />}
        {tab === 'decisions' && <DecisionsView />}
        {tab === 'tasks' && <TasksView />}
      </div>
      {exporting && <ExportDialog onClose={() => setExporting(false)} />}
    </div>
  );
}
