import type { ContentBlockParam, MessageParam, TextBlockParam, ToolResultBlockParam, ToolUnion } from '@anthropic-ai/sdk/resources/messages';

/** Text of the tool result given to every tool call that never ran because the run was cancelled. */
export const CANCELLED_RESULT = 'Cancelled by the user before this tool ran; nothing was executed.';

function blocksOf(m: MessageParam): ContentBlockParam[] {
  return typeof m.content === 'string' ? [{ type: 'text', text: m.content }] : [...m.content];
}

/**
 * Makes every tool_use answered by exactly one tool_result in the next user message (checked
 * before every request and after cancel): missing results become "cancelled" error results,
 * results for unknown ids are dropped. Returns a new array; the input is not changed.
 */
export function repairHistory(messages: readonly MessageParam[]): MessageParam[] {
  const out: MessageParam[] = [];
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i];
    if (m.role !== 'assistant') {
      out.push(m);
      continue;
    }
    out.push(m);
    const ids = blocksOf(m)
      .filter((b): b is Extract<ContentBlockParam, { type: 'tool_use' }> => b.type === 'tool_use')
      .map((b) => b.id);
    const next = messages[i + 1];
    if (ids.length === 0) continue;
    const nextBlocks = next && next.role === 'user' ? blocksOf(next) : [];
    const results = nextBlocks.filter((b): b is ToolResultBlockParam => b.type === 'tool_result');
    const others = nextBlocks.filter((b) => b.type !== 'tool_result');
    const fixed: ContentBlockParam[] = [];
    for (const id of ids) {
      const found = results.filter((r) => r.tool_use_id === id);
      fixed.push(found[0] ?? { type: 'tool_result', tool_use_id: id, is_error: true, content: CANCELLED_RESULT });
    }
    out.push({ role: 'user', content: [...fixed, ...others] });
    if (next && next.role === 'user') i++;
  }
  return out;
}

/** True when every tool_use has exactly one tool_result right after it. */
export function historyIsValid(messages: readonly MessageParam[]): boolean {
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i];
    if (m.role !== 'assistant') continue;
    const ids = blocksOf(m).flatMap((b) => (b.type === 'tool_use' ? [b.id] : []));
    if (ids.length === 0) continue;
    const next = messages[i + 1];
    if (!next || next.role !== 'user') return false;
    const results = blocksOf(next).flatMap((b) => (b.type === 'tool_result' ? [b.tool_use_id] : []));
    if (results.length !== ids.length || ids.some((id) => results.filter((r) => r === id).length !== 1)) return false;
  }
  return true;
}

/** The request's cacheable parts with breakpoints: end of tools, end of system (prompt + memory), newest turn. At most four. */
export function withCacheBreakpoints(
  tools: readonly ToolUnion[],
  system: readonly TextBlockParam[],
  messages: readonly MessageParam[],
): { tools: ToolUnion[]; system: TextBlockParam[]; messages: MessageParam[] } {
  const cc = { type: 'ephemeral' as const };
  const t = tools.map((tool, i) => (i === tools.length - 1 ? ({ ...tool, cache_control: cc } as ToolUnion) : tool));
  const s = system.map((b, i) => (i === system.length - 1 ? { ...b, cache_control: cc } : b));
  const m = messages.map((msg, i) => {
    if (i !== messages.length - 1) return msg;
    const blocks = blocksOf(msg);
    const last = blocks.length - 1;
    return { ...msg, content: blocks.map((b, j) => (j === last ? ({ ...b, cache_control: cc } as ContentBlockParam) : b)) } as MessageParam;
  });
  return { tools: t, system: s, messages: m };
}

/** Appends user text to the newest user message (steering), or adds a user message. */
export function appendUserText(messages: MessageParam[], text: string): void {
  const last = messages[messages.length - 1];
  if (last && last.role === 'user') {
    messages[messages.length - 1] = { role: 'user', content: [...blocksOf(last), { type: 'text', text }] };
  } else {
    messages.push({ role: 'user', content: [{ type: 'text', text }] });
  }
}

/** Replaces the text of old tool results (all but the newest `keep` messages); returns how many were trimmed. */
export function trimOldToolResults(messages: MessageParam[], keep: number): number {
  let trimmed = 0;
  for (let i = 0; i < messages.length - keep; i++) {
    const m = messages[i];
    if (m.role !== 'user' || typeof m.content === 'string') continue;
    let changed = false;
    const content = m.content.map((b) => {
      if (b.type !== 'tool_result') return b;
      const text = typeof b.content === 'string' ? b.content : JSON.stringify(b.content ?? '');
      if (text.length <= 200) return b;
      changed = true;
      trimmed++;
      return { ...b, content: `[output trimmed to save context (${text.length} characters); run the tool again if you need it]` };
    });
    if (changed) messages[i] = { role: 'user', content };
  }
  return trimmed;
}
