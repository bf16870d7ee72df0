import type { SpecSectionKind } from './contract/spec';

/*
 * The spec's sections, declared once: the core parses, analyses and writes skeletons from this
 * table, and the Orchestrator shows missing sections and "add an item" fields from it.
 */

/** A known section: its canonical heading, the ID prefix of its items, and the skeleton's hint. */
export interface SectionInfo {
  readonly kind: SpecSectionKind;
  readonly title: string;
  /** ID prefix of items added here; null when items carry no ID. */
  readonly prefix: string | null;
  readonly hint: string;
  /** Part of every spec (the analysis reports it missing). */
  readonly required: boolean;
  /** The placeholder of the Orchestrator's "add an item" field; null where items are prose, not listed. */
  readonly placeholder: string | null;
  /** Sections written as a table: the columns of a new one (the Orchestrator edits it cell by cell). */
  readonly columns?: readonly string[];
  /** Sections written as free text: the Orchestrator edits their text as one block, kept as typed. */
  readonly textBlock?: boolean;
}

/** The spec's sections in their canonical order. */
export const SECTIONS: readonly SectionInfo[] = [
  { kind: 'purpose', textBlock: true, placeholder: null, title: 'Purpose', prefix: null, required: true, hint: 'Why this exists and for whom, in a few sentences.' },
  { kind: 'architecture', placeholder: 'A choice and why', title: 'Architecture decisions', prefix: 'AD', required: true, hint: 'Each choice with its reasoning, e.g. `- AD-1: plain Node, no framework — fewer moving parts`. Full records live in the decision log.' },
  { kind: 'security', placeholder: 'What must never happen', title: 'Security requirements', prefix: 'SEC', required: true, hint: 'What must never happen, e.g. `- SEC-1: error responses never reveal another tenant\'s quota`.' },
  { kind: 'api', columns: ['Method', 'Path', 'Request', 'Response'], placeholder: null, title: 'API contract', prefix: null, required: true, hint: 'Endpoints or interfaces with their request and response shapes, one row each: `| Method | Path | Request | Response |`.' },
  { kind: 'functional', placeholder: 'What the system must do', title: 'Functional requirements', prefix: 'FR', required: false, hint: 'What the system must do, e.g. `- FR-1: …`.' },
  { kind: 'failure', placeholder: 'Trigger → required behaviour', title: 'Failure modes', prefix: 'FM', required: true, hint: 'Trigger → required behaviour, e.g. `- FM-1: store unreachable → answer 503, never allow by default`.' },
  { kind: 'nonreq', placeholder: 'What is out of scope', title: 'Non-requirements', prefix: 'NR', required: true, hint: 'What is explicitly out of scope, e.g. `- NR-1: no user accounts`.' },
  { kind: 'acceptance', placeholder: 'Statement — `command that proves it`', title: 'Acceptance checks', prefix: 'AC', required: true, hint: 'A statement and the command that proves it, e.g. ``- AC-1: limits hold under a burst — `node --test` ``.' },
  { kind: 'questions', placeholder: 'A question to settle', title: 'Open questions', prefix: null, required: true, hint: 'Anything undecided, as `- [NEEDS CLARIFICATION: …]`.' },
];

