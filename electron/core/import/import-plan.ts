import type { DecisionStatus, SpecSectionKind, TaskStatus } from '../../../shared/contract/spec';

/** A spec item an importer found. */
export interface ImportedItem {
  readonly section: SpecSectionKind;
  /** The item's text, one line (Markdown inline syntax kept). */
  readonly text: string;
  /** Nested Markdown under the item (an FR's sub-list), without indentation; '' when none. */
  readonly body: string;
  /** Provenance: file and original ID, e.g. `specs/001-albums/spec.md#FR-001`. Unique per source. */
  readonly from: string;
  /** The original ID other parts of the source cite (`FR-001`, Kiro `1.2`); null when it has none. */
  readonly key: string | null;
  /** The original ID as shown next to the item when it is not the item's own ID (`FR-006`, `SC-001`, `Kiro 1.2`). */
  readonly alias: string | null;
  /** The number to keep as the item's ID when the section's prefix matches and it is free (FR-006 → FR-6). */
  readonly number: number | null;
  /** Further keys that resolve to this item (a user story tag such as `US1`). */
  readonly groups?: readonly string[];
}

/** Prose for a section without items (Purpose). */
export interface ImportedProse {
  readonly section: SpecSectionKind;
  readonly text: string;
  readonly from: string;
}

/** A task an importer found; `servesKeys` holds original keys, mapped to the new IDs on apply. */
export interface ImportedTask {
  readonly title: string;
  readonly description: string;
  readonly servesKeys: readonly string[];
  /** Original keys of the tasks of the same source this one depends on, mapped to their `T-n` on apply. */
  readonly dependsKeys: readonly string[];
  readonly scope: readonly string[];
  readonly status: TaskStatus;
  readonly from: string;
  /** The original task ID (`T021`, Kiro `2.1`). */
  readonly key: string;
  /** The number to keep as `T-n` when it is free (spec-kit `T021` → `T-21`); null to number anew. */
  readonly number: number | null;
}

/** A decision an importer found; numbers are the original ones, kept where free (else shown as an alias). */
export interface ImportedDecision {
  readonly originalNumber: number | null;
  readonly title: string;
  readonly status: DecisionStatus;
  readonly supersededBy: number | null;
  readonly supersedes: number | null;
  readonly amends: readonly number[];
  readonly amendedBy: readonly number[];
  /** Only a date the source states; null when it states none. */
  readonly date: string | null;
  /** Markdown of each part, as in the source. */
  readonly context: string;
  readonly options: string;
  readonly decision: string;
  readonly consequences: string;
  /** The Confirmation section's Markdown ('' when none). */
  readonly confirmation: string;
  readonly from: string;
}

/** Where a source's spec items go: the main spec (`null`) or a spec of its own under `.plumbline/specs/`. */
export interface ImportTarget {
  readonly file: string;
  readonly title: string;
}

/** Everything one source yields. */
export interface ImportPlan {
  readonly target: ImportTarget | null;
  /** The file's title where it names the target (a spec-kit spec's first heading), read in the same parse. */
  readonly title?: string;
  readonly items: readonly ImportedItem[];
  readonly prose: readonly ImportedProse[];
  readonly tasks: readonly ImportedTask[];
  readonly decisions: readonly ImportedDecision[];
}

/** A plan with nothing in it. */
export function emptyPlan(target: ImportTarget | null = null): ImportPlan {
  return { target, items: [], prose: [], tasks: [], decisions: [] };
}

/** Joins plans of one source (the first one's target wins). */
export function mergePlans(plans: readonly ImportPlan[], target: ImportTarget | null): ImportPlan {
  return {
    target,
    items: plans.flatMap((p) => p.items),
    prose: plans.flatMap((p) => p.prose),
    tasks: plans.flatMap((p) => p.tasks),
    decisions: plans.flatMap((p) => p.decisions),
  };
}
