import type { TranscriptEvent } from '../../../../shared/contract';
import type { LiveBlock } from '../../stores/agent-slice';

/** One row of the transcript view. */
export type TranscriptRow =
  | { readonly kind: 'user'; readonly key: string; readonly text: string; readonly steer: boolean }
  | { readonly kind: 'text'; readonly key: string; readonly text: string; readonly live: boolean }
  | { readonly kind: 'thinking'; readonly key: string; readonly text: string; readonly live: boolean }
  | { readonly kind: 'tool'; readonly key: string; readonly name: string; readonly input: Readonly<Record<string, unknown>> | null; readonly partial: string | null; readonly result: { readonly text: string; readonly isError: boolean } | null }
  | { readonly kind: 'approval'; readonly key: string; readonly event: Extract<TranscriptEvent, { type: 'approval' }>; readonly decided: boolean | null }
  | { readonly kind: 'line'; readonly key: string; readonly text: string; readonly tone: 'muted' | 'warn' | 'danger' | 'ok' };

/** A one-line label for a tool call: "view src/a.ts", "bash npm test". */
export function toolLabel(name: string, input: Readonly<Record<string, unknown>> | null): string {
  if (!input) return name;
  if (name === 'str_replace_based_edit_tool') return `${String(input.command ?? 'edit')} ${String(input.path ?? '')}`;
  if (name === 'bash') return `bash ${String(input.command ?? '')}`;
  if (name === 'report_outcome') return `report_outcome — ${Array.isArray(input.claims) ? input.claims.length : 0} claim(s)`;
  if (name === 'glob' || name === 'grep') return `${name} ${String(input.pattern ?? '')}`;
  return name;
}

/**
 * A text block cut into paragraphs, each keeping its `\n\n` so that together they look as the one `pre-wrap`
 * text: while a long answer streams only its last paragraph changes, so React and layout redo that one.
 */
export function paragraphs(text: string): string[] {
  return text.split(/(?<=\n\n)/);
}

/**
 * Folds transcript records (and the text still streaming) into display rows.
 *
 * A turn's text and thinking rows are keyed by the turn's number and the block's index (`t3.0`), the same while
 * the block streams and once the turn is recorded: the finished text keeps its element, so the page does not
 * lay out a long answer again from scratch when its turn completes.
 */
export function buildRows(events: readonly TranscriptEvent[], live: readonly LiveBlock[]): TranscriptRow[] {
  const rows: TranscriptRow[] = [];
  const toolIndex = new Map<string, number>();
  const approvalIndex = new Map<string, number>();
  let turn = 0;
  events.forEach((e, i) => {
    switch (e.type) {
      case 'user':
        rows.push({ kind: 'user', key: `u${i}`, text: e.text, steer: e.steer });
        break;
      case 'assistant':
        e.content.forEach((b, j) => {
          if (b.type === 'text' && b.text.trim()) rows.push({ kind: 'text', key: `t${turn}.${j}`, text: b.text, live: false });
          else if (b.type === 'thinking' && b.thinking.trim()) rows.push({ kind: 'thinking', key: `t${turn}.${j}`, text: b.thinking, live: false });
          else if (b.type === 'tool_use') {
            toolIndex.set(b.id, rows.length);
            rows.push({ kind: 'tool', key: b.id, name: b.name, input: b.input, partial: null, result: null });
          }
        });
        turn++;
        break;
      case 'tool_result': {
        const at = toolIndex.get(e.toolUseId);
        const row = at !== undefined ? rows[at] : undefined;
        if (row && row.kind === 'tool') rows[at!] = { ...row, result: { text: e.output, isError: e.isError } };
        break;
      }
      case 'approval':
        approvalIndex.set(e.approvalId, rows.length);
        rows.push({ kind: 'approval', key: e.approvalId, event: e, decided: null });
        break;
      case 'decision': {
        const at = approvalIndex.get(e.approvalId);
        const row = at !== undefined ? rows[at] : undefined;
        if (row && row.kind === 'approval') rows[at!] = { ...row, decided: e.approved };
        break;
      }
      case 'retry':
        rows.push({ kind: 'line', key: `r${i}`, text: `↻ ${e.reason} — retry ${e.attempt} in ${(e.delayMs / 1000).toFixed(1)} s`, tone: 'warn' });
        break;
      case 'notice':
        rows.push({ kind: 'line', key: `n${i}`, text: `${e.level === 'error' ? '✘' : e.level === 'warn' ? '⚠' : 'ℹ'} ${e.text}`, tone: e.level === 'error' ? 'danger' : e.level === 'warn' ? 'warn' : 'muted' });
        break;
      case 'write':
        if (e.flags.some((f) => f !== 'rewrite')) rows.push({ kind: 'line', key: `w${i}`, text: `⚠ ${e.path}: ${e.flags.join(', ')}`, tone: 'warn' });
        else if (e.by === 'command') rows.push({ kind: 'line', key: `w${i}`, text: `✎ ${e.path} changed by a command`, tone: 'muted' });
        break;
      case 'checkpoint':
        rows.push({ kind: 'line', key: `c${i}`, text: `• checkpoint ${e.ref.slice(0, 8)} — ${e.reason}`, tone: 'muted' });
        break;
      case 'compaction':
        rows.push({ kind: 'line', key: `k${i}`, text: `Context compacted: ${e.trimmed} old tool output(s) trimmed${e.summarised ? ', earlier turns summarised' : ''} (originals kept here)`, tone: 'muted' });
        break;
      case 'outcome':
        rows.push({ kind: 'line', key: `o${i}`, text: `Outcome: ${e.summary} (${e.claims.length} claim(s), verified in the Calibrator)`, tone: 'muted' });
        break;
      case 'end':
        rows.push({ kind: 'line', key: `e${i}`, text: `${e.status === 'completed' ? '✔' : e.status === 'failed' ? '✘' : '■'} ${e.reason}`, tone: e.status === 'failed' ? 'danger' : e.status === 'completed' ? 'muted' : 'warn' });
        break;
      case 'review':
        rows.push({ kind: 'line', key: `v${i}`, text: e.action === 'accepted' ? `✔ Accepted as commit ${e.commit?.slice(0, 7) ?? ''}` : e.action === 'rejected' ? '↩ Rejected: files restored to the checkpoint' : e.action === 'restore_undone' ? '↪ Reject undone' : 'Discarded', tone: e.action === 'accepted' ? 'ok' : 'muted' });
        break;
      case 'start':
      case 'command':
        break;
    }
  });
  for (const b of [...live].sort((a, c) => a.block - c.block)) {
    // The turn streaming now is the next one recorded: its rows get the keys its record will give them.
    if (b.kind === 'text') rows.push({ kind: 'text', key: `t${turn}.${b.block}`, text: b.text, live: true });
    else if (b.kind === 'thinking') rows.push({ kind: 'thinking', key: `t${turn}.${b.block}`, text: b.text, live: true });
    else rows.push({ kind: 'tool', key: `live${b.block}`, name: b.toolName ?? 'tool', input: null, partial: b.text, result: null });
  }
  return rows;
}
