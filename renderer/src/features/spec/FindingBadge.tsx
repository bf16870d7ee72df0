import type { Finding } from '../../../../shared/contract';

/** The ⚠ beside an item with findings; the title lists them. */
export function FindingBadge({ findings }: { readonly findings: readonly Finding[] | undefined }) {
  if (!findings?.length) return null;
  const worst = findings.some((f) => f.severity === 'error') ? 'danger' : findings.some((f) => f.severity === 'warning') ? 'warn' : 'muted';
  const text = findings.map((f) => f.message).join('\n');
  return (
    <span className={`finding-badge ${worst}`} title={text} aria-label={`Findings: ${text}`} role="img">
      {worst === 'muted' ? 'ℹ' : '⚠'}
    </span>
  );
}
