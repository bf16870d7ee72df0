import type { SpecSectionKind } from '../../../shared/contract/spec';

/** A known section: its canonical heading, the ID prefix of its items, and the skeleton's hint. */
export interface SectionInfo {
  readonly kind: SpecSectionKind;
  readonly title: string;
  /** ID prefix of items added here; null when items carry no ID. */
  readonly prefix: string | null;
  readonly hint: string;
  /** Part of every spec (the analysis reports it missing). */
  readonly required: boolean;
}

/** The spec's sections in their canonical order. */
export const SECTIONS: readonly SectionInfo[] = [
  { kind: 'purpose', title: 'Purpose', prefix: null, required: true, hint: 'Why this exists and for whom, in a few sentences.' },
  { kind: 'architecture', title: 'Architecture decisions', prefix: 'AD', required: true, hint: 'Each choice with its reasoning, e.g. `- AD-1: plain Node, no framework — fewer moving parts`. Full records live in the decision log.' },
  { kind: 'security', title: 'Security requirements', prefix: 'SEC', required: true, hint: 'What must never happen, e.g. `- SEC-1: error responses never reveal another tenant\'s quota`.' },
  { kind: 'api', title: 'API contract', prefix: null, required: true, hint: 'Endpoints or interfaces with their request and response shapes.' },
  { kind: 'functional', title: 'Functional requirements', prefix: 'FR', required: false, hint: 'What the system must do, e.g. `- FR-1: …`.' },
  { kind: 'failure', title: 'Failure modes', prefix: 'FM', required: true, hint: 'Trigger → required behaviour, e.g. `- FM-1: store unreachable → answer 503, never allow by default`.' },
  { kind: 'nonreq', title: 'Non-requirements', prefix: 'NR', required: true, hint: 'What is explicitly out of scope, e.g. `- NR-1: no user accounts`.' },
  { kind: 'acceptance', title: 'Acceptance checks', prefix: 'AC', required: true, hint: 'A statement and the command that proves it, e.g. ``- AC-1: limits hold under a burst — `node --test` ``.' },
  { kind: 'questions', title: 'Open questions', prefix: null, required: true, hint: 'Anything undecided, as `- [NEEDS CLARIFICATION: …]`.' },
];

/** Info of a section kind. */
export function sectionInfo(kind: SpecSectionKind): SectionInfo {
  const info = SECTIONS.find((s) => s.kind === kind);
  if (!info) throw new Error(`unknown section ${kind}`);
  return info;
}

/** Recognises a section heading leniently ("3. Security requirements (SEC-n)", "Non-goals", "Out of scope"). */
export function matchSection(heading: string): SpecSectionKind | null {
  const h = heading
    .toLowerCase()
    .replace(/\(.*?\)/g, ' ')
    .replace(/^[\s\d.)#-]+/, '')
    .replace(/[^a-z -]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (/^(purpose|overview|goals?|summary|why)\b/.test(h)) return 'purpose';
  if (/^non ?-?(requirements?|goals?)\b|^out of scope/.test(h)) return 'nonreq';
  if (/^architecture\b|^design decisions/.test(h)) return 'architecture';
  if (/^security\b/.test(h)) return 'security';
  if (/^(api|interface|contract)\b|^api contract/.test(h)) return 'api';
  if (/^functional requirements?\b|^requirements$/.test(h)) return 'functional';
  if (/^failure\b|^error handling|^edge cases/.test(h)) return 'failure';
  if (/^acceptance\b|^success criteria/.test(h)) return 'acceptance';
  if (/^(open )?questions?\b|^clarifications?\b|^unresolved/.test(h)) return 'questions';
  return null;
}

/** The skeleton of a new spec: every required section with a short hint as an HTML comment. */
export function specSkeleton(projectName: string): string {
  const parts = [`# Spec: ${projectName}`, ''];
  for (const s of SECTIONS) {
    if (!s.required) continue;
    parts.push(`## ${s.title}`, '', `<!-- hint: ${s.hint} -->`, '');
  }
  return parts.join('\n');
}
