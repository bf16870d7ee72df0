import type { ReactNode } from 'react';
import { FilesTab } from './files/FilesTab';

/** One tab of the Builder pane. */
export interface BuilderTab {
  readonly id: string;
  readonly label: string;
  readonly render: () => ReactNode;
}

/** The Builder's tabs, in order; a feature adds its tab with one entry here. */
export const builderTabs: readonly BuilderTab[] = [
  { id: 'files', label: 'Files', render: () => <FilesTab /> },
];
