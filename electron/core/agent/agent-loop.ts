import type Anthropic from '@anthropic-ai/sdk';
import { APIUserAbortError } from '@anthropic-ai/sdk';
import type { MessageParam, TextBlockParam, ToolResultBlockParam, ToolUnion } from '@anthropic-ai/sdk/resources/messages';
import type { ModelPrice, RunEndStatus, StreamDelta, TranscriptBlock, TranscriptEvent, UsageTotals } from '../../../shared/contract';
import { appendUserText, CANCELLED_RESULT, historyIsValid, repairHistory, trimOldToolResults, withCacheBreakpoints } from '../model/history';
import { streamTurn, type AssistantBlock } from '../model/model-stream';
import { backoffDelay, classifyError, DEFAULT_BACKOFF, messagesUrl, realSleep, type BackoffOptions, type Sleeper } from '../model/retry-policy';
import { addUsage, costOf, ZERO_USAGE } from '../model/usage-cost';

/** What a tool returns to the loop. */
export interface ToolOutcome {
  readonly text: string;
  readonly isError: boolean;
  /** The run ends after this turn's results (report_outcome accepted). */
  readonly final?: boolean;
}

/** A tool the loop may run: its definition for the API and its implementation. */
export interface LoopTool {
  readonly name: string;
  readonly definition: ToolUnion;
  run(input: Record<string, unknown>, ctx: { readonly toolUseId: string; readonly signal: AbortSignal }): Promise<ToolOutcome>;
}

/** Summarises old turns with the utility model when the context nears its limit. */
export type Summariser = (conversation: string, signal: AbortSignal) => Promise<{ readonly summary: string; readonly usage: UsageTotals; readonly costUsd: number }>;

/** Everything one run of the loop needs; all side effects go through these callbacks. */
export interface LoopOptions {
  readonly client: Anthropic;
  readonly model: string;
  readonly maxTokens: number;
  /** Stable system prompt (cached prefix). */
  readonly system: string;
  /** Project memory (AGENTS.md / CLAUDE.md), part of the cached prefix. */
  readonly memory: string | null;
  readonly tools: readonly LoopTool[];
  readonly messages: MessageParam[];
  readonly stepLimit: number;
  readonly costCeilingUsd: number;
  readonly price: ModelPrice | null;
  readonly signal: AbortSignal;
  readonly backoff?: BackoffOptions;
  readonly sleep?: Sleeper;
  /** Steering messages queued since the last turn. */
  readonly takeSteer: () => string[];
  readonly emit: (event: TranscriptEvent) => void;
  readonly onDelta: (delta: StreamDelta) => void;
  /** Status while waiting to retry (epoch ms of the next attempt), null when running again. */
  readonly onRetryWait: (retryAt: number | null) => void;
  /** Usage and cost so far, after each call. */
  readonly onUsage?: (usage: UsageTotals, costUsd: number) => void;
  /** Context window of the model in tokens; compaction starts near it. */
  readonly contextLimit?: number;
  readonly summarise?: Summariser;
  /** Text first given to the model; re-injected after a summary. */
  readonly taskText?: string;
}

/** How the loop ended. */
export interface LoopResult {
  readonly status: RunEndStatus;
  readonly reason: string;
  readonly usage: UsageTotals;
  readonly costUsd: number;
  readonly messages: MessageParam[];
  /** Text of the final assistant message (answers, drafts). */
  readonly finalText: string;
}

const now = (): string => new Date().toISOString();

class Cancelled extends Error {}

class CallFailed extends Error {}

/**
 * The building agent's loop: stream a turn; only when it is complete run its tool calls; send all
 * results in one user message; repeat until the model stops or a guard trips (step limit, cost
 * ceiling, the same failing call three times, cancel). Retries repeat a whole call, never a tool.
 */
export async function runAgentLoop(o: LoopOptions): Promise<LoopResult> {
  // Block form from the start, so adding a cache breakpoint never changes how an earlier message is encoded.
  let messages: MessageParam[] = repairHistory(o.messages).map((m) => (typeof m.content === 'string' ? ({ role: m.role, content: [{ type: 'text', text: m.content }] } as MessageParam) : m));
  let usage = ZERO_USAGE;
  let cost = 0;
  let finalText = '';
  let lastFailKey: string | null = null;
  let failCount = 0;
  const sleep = o.sleep ?? realSleep;
  const backoff = o.backoff ?? DEFAULT_BACKOFF;
  const toolDefs = o.tools.map((t) => t.definition);
  const byName = new Map(o.tools.map((t) => [t.name, t]));
  const system: TextBlockParam[] = [{ type: 'text', text: o.system }];
  if (o.memory) system.push({ type: 'text', text: `Project memory (from the project's AGENTS.md / CLAUDE.md):\n\n${o.memory}` });
  const count = (u: UsageTotals): void => {
    usage = addUsage(usage, u);
    cost += costOf(u, o.price);
    o.onUsage?.(usage, cost);
  };
  const end = (status: RunEndStatus, reason: string): LoopResult => {
    messages = repairHistory(messages);
    return { status, reason, usage, costUsd: cost, messages, finalText };
  };

  /** One model call, retried whole on retryable errors; the usage of failed attempts is counted. */
  const call = async (): Promise<Awaited<ReturnType<typeof streamTurn>>> => {
    for (let attempt = 1; ; attempt++) {
      let partial = ZERO_USAGE;
      const req = withCacheBreakpoints(toolDefs, system, messages);
      try {
        const turn = await streamTurn(
          o.client,
          { model: o.model, max_tokens: o.maxTokens, system: req.system, messages: req.messages, ...(req.tools.length ? { tools: req.tools } : {}) },
          o.signal,
          o.onDelta,
          (u) => (partial = u),
        );
        return turn;
      } catch (error) {
        count(partial);
        if (o.signal.aborted || error instanceof APIUserAbortError) throw new Cancelled();
        const decision = classifyError(error, messagesUrl(o.client.baseURL));
        if (!decision.retry) throw new CallFailed(decision.reason);
        if (attempt >= backoff.maxAttempts) throw new CallFailed(`${decision.reason} (gave up after ${attempt} attempts)`);
        const delay = backoffDelay(attempt, decision.retryAfterMs, backoff);
        o.emit({ type: 'retry', at: now(), attempt, delayMs: delay, reason: decision.reason });
        o.onRetryWait(Date.now() + delay);
        try {
          await sleep(delay, o.signal);
        } catch {
          throw new Cancelled();
        }
        o.onRetryWait(null);
      }
    }
  };

  try {
    for (let step = 1; ; step++) {
      if (o.signal.aborted) return end('cancelled', 'Stopped by the user.');
      if (step > o.stepLimit) return end('stopped', `Step limit reached (${o.stepLimit} turns). Steer or run again to continue.`);
      if (cost >= o.costCeilingUsd && o.costCeilingUsd > 0) return end('stopped', `Cost ceiling reached ($${cost.toFixed(2)} of $${o.costCeilingUsd.toFixed(2)}).`);
      for (const text of o.takeSteer()) {
        appendUserText(messages, text);
        o.emit({ type: 'user', at: now(), text, steer: true });
      }
      await maybeCompact();
      if (!historyIsValid(messages)) messages = repairHistory(messages);

      const turn = await call();
      const turnCost = costOf(turn.usage, o.price);
      count(turn.usage);
      const content = turn.content;
      messages.push({ role: 'assistant', content: content.map(toParam) });
      o.emit({ type: 'assistant', at: now(), turn: step, content: content.flatMap(toTranscript), stopReason: turn.stopReason, usage: turn.usage, costUsd: turnCost });
      const text = content.flatMap((b) => (b.type === 'text' ? [b.text] : [])).join('\n');
      if (text) finalText = text;
      const uses = content.filter((b): b is Extract<AssistantBlock, { type: 'tool_use' }> => b.type === 'tool_use');

      if (turn.droppedToolUse || (turn.stopReason === 'max_tokens' && uses.length > 0)) {
        // Cut off inside a tool call: run nothing, answer complete calls as not run, ask for smaller steps.
        const results: ToolResultBlockParam[] = uses.map((u) => ({ type: 'tool_result', tool_use_id: u.id, is_error: true, content: 'Not run: your response hit the output limit.' }));
        for (const r of results) o.emit({ type: 'tool_result', at: now(), toolUseId: r.tool_use_id, name: uses.find((u) => u.id === r.tool_use_id)?.name ?? '', isError: true, output: String(r.content) });
        const ask = 'Your last response hit the output token limit in the middle of a tool call, so nothing was run. Work in smaller steps: make one smaller edit or command per call (split big files into several str_replace or insert calls).';
        messages.push({ role: 'user', content: [...results, { type: 'text', text: ask }] });
        o.emit({ type: 'notice', at: now(), level: 'warn', text: 'The response was cut off inside a tool call (max_tokens); nothing was run and the model was asked for smaller steps.' });
        continue;
      }
      if (uses.length === 0) {
        if (turn.stopReason === 'max_tokens') return end('stopped', 'The model hit its output limit; run again or steer to continue.');
        if (turn.stopReason === 'refusal') return end('failed', 'The model declined the request.');
        return end('completed', 'The model finished.');
      }

      const results: ToolResultBlockParam[] = [];
      let final = false;
      let tripped: string | null = null;
      for (const use of uses) {
        if (o.signal.aborted) {
          results.push({ type: 'tool_result', tool_use_id: use.id, is_error: true, content: CANCELLED_RESULT });
          o.emit({ type: 'tool_result', at: now(), toolUseId: use.id, name: use.name, isError: true, output: CANCELLED_RESULT });
          continue;
        }
        const tool = byName.get(use.name);
        let outcome: ToolOutcome;
        if (!tool) outcome = { text: `Unknown tool ${use.name}. Available: ${[...byName.keys()].join(', ')}.`, isError: true };
        else {
          try {
            outcome = await tool.run(use.input, { toolUseId: use.id, signal: o.signal });
          } catch (error) {
            outcome = { text: error instanceof Error ? error.message : String(error), isError: true };
          }
        }
        results.push({ type: 'tool_result', tool_use_id: use.id, is_error: outcome.isError, content: outcome.text });
        o.emit({ type: 'tool_result', at: now(), toolUseId: use.id, name: use.name, isError: outcome.isError, output: outcome.text });
        if (outcome.final && !outcome.isError) final = true;
        const key = `${use.name}:${JSON.stringify(use.input)}`;
        if (outcome.isError) {
          failCount = key === lastFailKey ? failCount + 1 : 1;
          lastFailKey = key;
          if (failCount >= 3) tripped = `The same ${use.name} call failed three times in a row: ${outcome.text.slice(0, 300)}`;
        } else {
          lastFailKey = null;
          failCount = 0;
        }
      }
      messages.push({ role: 'user', content: results });
      if (o.signal.aborted) return end('cancelled', 'Stopped by the user.');
      if (final) return end('completed', 'The agent reported its outcome.');
      if (tripped) return end('stopped', tripped);
    }
  } catch (error) {
    if (error instanceof Cancelled) return end('cancelled', 'Stopped by the user.');
    if (error instanceof CallFailed) return end('failed', `The model endpoint failed: ${error.message}`);
    return end('failed', error instanceof Error ? error.message : String(error));
  }

  async function maybeCompact(): Promise<void> {
    const limit = o.contextLimit;
    if (!limit) return;
    const estimate = Math.ceil(JSON.stringify(messages).length / 4) + Math.ceil((o.system.length + (o.memory?.length ?? 0)) / 4);
    if (estimate < limit * 0.8) return;
    const trimmed = trimOldToolResults(messages, 4);
    const after = Math.ceil(JSON.stringify(messages).length / 4);
    let summarised = false;
    if (after >= limit * 0.6 && o.summarise && messages.length > 2) {
      const convo = messages.map((m) => `${m.role}: ${typeof m.content === 'string' ? m.content : JSON.stringify(m.content)}`).join('\n\n');
      const s = await o.summarise(convo.slice(-400_000), o.signal);
      usage = addUsage(usage, s.usage);
      cost += s.costUsd;
      o.onUsage?.(usage, cost);
      messages = [{ role: 'user', content: `${o.taskText ?? ''}\n\nSummary of the work so far (earlier turns were compacted; the originals stay in the transcript):\n${s.summary}\n\nContinue from here.` }];
      summarised = true;
    }
    o.emit({ type: 'compaction', at: now(), trimmed, summarised });
  }
}

function toParam(b: AssistantBlock): Exclude<MessageParam['content'], string>[number] {
  switch (b.type) {
    case 'text':
      return { type: 'text', text: b.text };
    case 'thinking':
      return { type: 'thinking', thinking: b.thinking, signature: b.signature };
    case 'redacted_thinking':
      return { type: 'redacted_thinking', data: b.data };
    case 'tool_use':
      return { type: 'tool_use', id: b.id, name: b.name, input: b.input };
  }
}

function toTranscript(b: AssistantBlock): TranscriptBlock[] {
  switch (b.type) {
    case 'text':
      return [{ type: 'text', text: b.text }];
    case 'thinking':
      return [{ type: 'thinking', thinking: b.thinking }];
    case 'redacted_thinking':
      return [];
    case 'tool_use':
      return [{ type: 'tool_use', id: b.id, name: b.name, input: b.input }];
  }
}
