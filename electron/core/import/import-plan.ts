import type { DecisionStatus, SpecSectionKind, TaskStatus } from '../../../shared/contract/spec';

/** A spec item an importer found; `key` is its ID in the original tool, for cross references. */
export interface ImportedItem {
  readonly section: SpecSectionKind;
  readonly text: string;
  /** Provenance: file and original ID, e.g. `specs/001-albums/spec.md#FR-001`. */
  readonly from: string;
  readonly key: string | null;
  /** Keys that should resolve to this item too (e.g. a user story tag). */
  readonly groups?: readonly string[];
}

/** Prose for a section without items (Purpose). */
export interface ImportedProse {
  readonly section: SpecSectionKind;
  readonly text: string;
  readonly from: string;
}

/** A task an importer found; `serves` holds original keys, mapped to new IDs on apply. */
export interface ImportedTask {
  readonly title: string;
  readonly description: string;
  readonly servesKeys: readonly string[];
  readonly scope: readonly string[];
  readonly status: TaskStatus;
  readonly from: string;
}

/** A decision an importer found; numbers are the original ones, remapped on apply. */
export interface ImportedDecision {
  readonly originalNumber: number | null;
  readonly title: string;
  readonly status: DecisionStatus;
  readonly supersededBy: number | null;
  readonly date: string | null;
  readonly context: string;
  readonly options: string;
  readonly decision: string;
  readonly consequences: string;
  readonly confirmation: string | null;
  readonly from: string;
}

/** Everything one source yields; applied to Plumbline's files by `applyImport`. */
export interface ImportPlan {
  readonly items: readonly ImportedItem[];
  readonly prose: readonly ImportedProse[];
  readonly tasks: readonly ImportedTask[];
  readonly decisions: readonly ImportedDecision[];
}

/** An empty plan. */
export const EMPTY_PLAN: ImportPlan = { items: [], prose: [], tasks: [], decisions: [] };
