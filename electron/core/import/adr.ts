import { parseDecision } from '../spec/decisions-doc';
import type { ImportedDecision } from './import-plan';

/** Reads one MADR or Nygard ADR file (front matter, `* Status:` lines or a `## Status` section all work). */
export function importAdrFile(text: string, file: string, fileNumber: number | null): ImportedDecision {
  const parsed = parseDecision(text).record;
  return {
    originalNumber: fileNumber ?? parsed.number,
    title: parsed.title,
    status: parsed.status,
    supersededBy: parsed.supersededBy,
    date: parsed.date,
    context: parsed.context,
    options: parsed.options,
    decision: parsed.decision,
    consequences: parsed.consequences,
    confirmation: parsed.confirmation,
    from: file,
  };
}
