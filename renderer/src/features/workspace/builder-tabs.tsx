import type { ReactNode } from 'react';
import { BranchesTab } from '../git/BranchesTab';
import { ChangesTab } from '../git/ChangesTab';
import { EditorTab } from '../files/EditorTab';
import { FilesTab } from '../files/FilesTab';
import { HistoryTab } from '../git/HistoryTab';
import { AgentTab } from '../agent/AgentTab';

/** One tab of the Builder pane. */
export interface BuilderTab {
  readonly id: string;
  readonly label: string;
  readonly render: () => ReactNode;
}

/** The Builder's tabs, in order; a feature adds its tab with one entry here. */
export const builderTabs: readonly BuilderTab[] = [
  { id: 'files', label: 'Files', render: () => <FilesTab /> },
  { id: 'changes', label: 'Changes', render: () => <ChangesTab /> },
  { id: 'editor', label: 'Editor', render: () => <EditorTab /> },
  { id: 'history', label: 'History', render: () => <HistoryTab /> },
  { id: 'branches', label: 'Branches', render: () => <BranchesTab /> },
  { id: 'agent', label: 'Agent', render: () => <AgentTab /> },
];
