import type { SpecSectionKind } from '../../../shared/contract/spec';
import { SECTIONS, type SectionInfo } from '../../../shared/spec-sections';

export { SECTIONS, type SectionInfo };

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
