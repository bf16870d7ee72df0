import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { errorFrame, errorReply, messageFrames, startMockMessagesApi, streamReply, type MockMessagesApi } from '../../../../helpers/mock-messages-api';
import { runScripted, tempProject } from './loop-harness';

let api: MockMessagesApi;
let project: Awaited<ReturnType<typeof tempProject>>;

beforeEach(async () => {
  api = await startMockMessagesApi();
  project = await tempProject();
});
afterEach(async () => {
  await api.close();
  await project.cleanup();
});

type Body = { messages: Array<{ role: string; content: unknown }> };
const toolResults = (body: Body): Array<{ tool_use_id: string; is_error?: boolean; content: string }> => {
  const last = body.messages[body.messages.length - 1];
  return Array.isArray(last.content) ? (last.content as Array<{ type: string; tool_use_id: string; is_error?: boolean; content: string }>).filter((b) => b.type === 'tool_result') : [];
};

describe('agent loop with the real SDK against the mock Messages API', () => {
  it('runs the tool loop end to end: view, edit, command, report_outcome', async () => {
    await writeFile(join(project.root, 'a.txt'), 'hello\nworld\n');
    api.enqueue(
      streamReply([{ type: 'text', text: 'Looking at the file.' }, { type: 'tool_use', name: 'str_replace_based_edit_tool', input: { command: 'view', path: 'a.txt' } }]),
      streamReply([{ type: 'tool_use', name: 'str_replace_based_edit_tool', input: { command: 'str_replace', path: 'a.txt', old_str: 'world', new_str: 'plumbline' } }]),
      streamReply([{ type: 'tool_use', name: 'bash', input: { command: 'cat a.txt && echo "$ANTHROPIC_API_KEY-gone"' } }]),
      streamReply([{ type: 'tool_use', name: 'report_outcome', input: { summary: 'Changed a.txt.', claims: [{ kind: 'file_changed', path: 'a.txt', statement: 'world replaced', confidence: 0.9 }] } }]),
    );
    const deltas: string[] = [];
    const { result, events, journal } = await runScripted(api, project.root, project.dataDir, { onDelta: (d) => deltas.push(d.text) });
    expect(result.status).toBe('completed');
    expect(await readFile(join(project.root, 'a.txt'), 'utf8')).toBe('hello\nplumbline\n');
    expect(deltas.join('')).toContain('Looking at the file.');
    const reqs = api.messageRequests();
    expect(reqs).toHaveLength(4);
    const bashResult = toolResults(reqs[3].body as Body)[0];
    expect(bashResult.content).toContain('hello\nplumbline');
    // The key never reaches the child process environment.
    expect(bashResult.content).not.toContain('test-key');
    expect(bashResult.content).toContain('-gone');
    expect(journal.entries().map((e) => [e.path, e.source])).toEqual([['a.txt', 'edit']]);
    expect(events.filter((e) => e.type === 'assistant')).toHaveLength(4);
    // Every tool_use answered by exactly one tool_result in the next request.
    for (let i = 1; i < reqs.length; i++) expect(toolResults(reqs[i].body as Body)).toHaveLength(1);
  });

  it('retries 429 with retry-after, 529, a mid-stream error and a dropped socket without re-running tools', async () => {
    await writeFile(join(project.root, 'count.sh'), 'echo run >> runs.log\n');
    api.enqueue(
      streamReply([{ type: 'tool_use', name: 'bash', input: { command: 'bash count.sh' } }]),
      errorReply(429, 'rate_limit_error', 'slow down', { 'retry-after': '0' }),
      errorReply(529, 'overloaded_error', 'overloaded'),
      { kind: 'stream', frames: [...messageFrames([{ type: 'text', text: 'partial' }]).slice(0, 3), errorFrame('overloaded_error', 'mid-stream overload')] },
      { kind: 'stream', frames: messageFrames([{ type: 'text', text: 'this connection drops' }]), dropAfter: 3 },
      streamReply([{ type: 'text', text: 'Done.' }]),
    );
    const { result, events } = await runScripted(api, project.root, project.dataDir);
    expect(result.reason).toBe('The model finished.');
    expect(result.status).toBe('completed');
    expect(api.messageRequests()).toHaveLength(6);
    expect(events.filter((e) => e.type === 'retry')).toHaveLength(4);
    expect(await readFile(join(project.root, 'runs.log'), 'utf8')).toBe('run\n');
  });

  it('does not retry 400', async () => {
    api.enqueue(errorReply(400, 'invalid_request_error', 'bad request'));
    const { result, events } = await runScripted(api, project.root, project.dataDir);
    expect(result.status).toBe('failed');
    expect(result.reason).toContain('bad request');
    expect(api.messageRequests()).toHaveLength(1);
    expect(events.filter((e) => e.type === 'retry')).toHaveLength(0);
  });

  it('cancels after the first delta, counting the aborted call and leaving no unanswered tool call', async () => {
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    const controller = new AbortController();
    api.enqueue({
      kind: 'stream',
      frames: messageFrames([{ type: 'text', text: 'first delta then more' }, { type: 'tool_use', name: 'bash', input: { command: 'touch never-run' } }], { usage: { input_tokens: 1000, output_tokens: 1 } }),
      pauseAfter: 4,
      release: released,
    });
    const deltas: string[] = [];
    const run = runScripted(api, project.root, project.dataDir, {
      signal: controller.signal,
      onDelta: (d) => {
        deltas.push(d.text);
        controller.abort();
      },
    });
    const { result } = await run;
    release();
    expect(deltas.length).toBeGreaterThanOrEqual(1);
    expect(result.status).toBe('cancelled');
    expect(result.usage.input).toBe(1000);
    expect(result.costUsd).toBeGreaterThan(0);
    await expect(readFile(join(project.root, 'never-run'))).rejects.toThrow();
  });

  it('runs nothing when max_tokens cuts a tool call and asks for smaller steps', async () => {
    api.enqueue(
      streamReply([{ type: 'tool_use', name: 'str_replace_based_edit_tool', input: { command: 'create', path: 'big.txt', file_text: 'x'.repeat(200) }, cutAt: 60 }], { stopReason: 'max_tokens' }),
      streamReply([{ type: 'text', text: 'OK, smaller steps.' }]),
    );
    const { result } = await runScripted(api, project.root, project.dataDir);
    expect(result.status).toBe('completed');
    await expect(readFile(join(project.root, 'big.txt'))).rejects.toThrow();
    const second = api.messageRequests()[1].body as Body;
    expect(JSON.stringify(second.messages[second.messages.length - 1])).toContain('smaller steps');
  });

  it('stops when the same failing call repeats three times', async () => {
    const call = { type: 'tool_use' as const, name: 'str_replace_based_edit_tool', input: { command: 'view', path: 'missing.txt' } };
    api.enqueue(streamReply([call]), streamReply([call]), streamReply([call]), streamReply([{ type: 'text', text: 'never asked' }]));
    const { result } = await runScripted(api, project.root, project.dataDir);
    expect(result.status).toBe('stopped');
    expect(result.reason).toContain('three times');
    expect(api.messageRequests()).toHaveLength(3);
  });

  it('keeps the cached prefix stable over a 10-turn run (every request reuses the previous one up to its breakpoint)', async () => {
    await writeFile(join(project.root, 'f.txt'), 'x\n');
    for (let i = 0; i < 9; i++) api.enqueue(streamReply([{ type: 'tool_use', name: 'str_replace_based_edit_tool', input: { command: 'view', path: 'f.txt', view_range: [1, i + 1] } }]));
    api.enqueue(streamReply([{ type: 'text', text: 'done' }]));
    const steers = ['steer message at turn 5'];
    let turn = 0;
    await runScripted(api, project.root, project.dataDir, { steer: () => (++turn === 5 ? steers : []) });
    const reqs = api.messageRequests().map((r) => r.body as Record<string, unknown>);
    expect(reqs).toHaveLength(10);
    const strip = (v: unknown): unknown => JSON.parse(JSON.stringify(v, (k, val: unknown) => (k === 'cache_control' ? undefined : val)));
    let reused = 0;
    for (let i = 1; i < reqs.length; i++) {
      const prev = reqs[i - 1];
      const cur = reqs[i];
      const breakpoints = JSON.stringify(cur).split('"cache_control"').length - 1;
      expect(breakpoints).toBeLessThanOrEqual(4);
      const prevMsgs = prev.messages as unknown[];
      const curMsgs = cur.messages as unknown[];
      const same =
        JSON.stringify(strip(prev.tools)) === JSON.stringify(strip(cur.tools)) &&
        JSON.stringify(strip(prev.system)) === JSON.stringify(strip(cur.system)) &&
        JSON.stringify(strip(prevMsgs)) === JSON.stringify(strip(curMsgs.slice(0, prevMsgs.length)));
      // The previous breakpoint sat on the last block of the previous request's last message.
      const lastPrev = JSON.stringify(prevMsgs[prevMsgs.length - 1]);
      if (same && lastPrev.includes('cache_control')) reused++;
    }
    expect(reused).toBe(reqs.length - 1);
  });
});
