import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { CoreContext } from '../../../../../electron/core/core-context';
import { createAgentModule } from '../../../../../electron/core/agent/agent-module';
import { messageFrames, startMockMessagesApi, streamReply, type MockMessagesApi } from '../../../../helpers/mock-messages-api';
import { tempProject, projectContext } from './loop-harness';

let api: MockMessagesApi;
let project: Awaited<ReturnType<typeof tempProject>>;
let ctx: CoreContext;

beforeEach(async () => {
  api = await startMockMessagesApi();
  project = await tempProject();
  ctx = projectContext(project);
  await mkdir(join(project.root, '.plumbline'));
  await writeFile(join(project.root, '.plumbline/tasks.md'), '# Tasks\n\n## T-1: Greet\n\n- status: todo\n');
  await writeFile(join(project.root, 'hello.txt'), 'hello\n');
});
afterEach(async () => {
  await api.close();
  await project.cleanup();
});

it('a steering message sent while the model streams is queued, starts the next turn, and does not cancel the run', async () => {
  const agent = createAgentModule(ctx, { env: { ANTHROPIC_BASE_URL: api.url, ANTHROPIC_API_KEY: 'k', PATH: process.env.PATH } });
  let release!: () => void;
  const paused = new Promise<void>((resolve) => {
    api.enqueue(
      {
        kind: 'stream',
        frames: messageFrames([{ type: 'text', text: 'Looking at the file first. ' }, { type: 'tool_use', name: 'str_replace_based_edit_tool', input: { command: 'view', path: 'hello.txt' } }]),
        pauseAfter: 4,
        onPause: resolve,
        release: new Promise<void>((r) => (release = r)),
      },
      streamReply([{ type: 'text', text: 'Using single quotes as asked.' }]),
    );
  });
  const { runId } = await agent.handlers['agent.start']({ root: project.root, taskId: 'T-1' }, { connectionId: 't' });
  await paused;
  const steer = 'Use single quotes in every string you write.';
  await agent.handlers['agent.steer']({ runId, text: steer }, { connectionId: 't' });
  // Nothing is sent mid-turn: the message waits for the next request.
  expect(api.messageRequests()).toHaveLength(1);
  release();
  await agent.service.settled(runId);

  const reqs = api.messageRequests();
  expect(reqs).toHaveLength(2);
  expect(JSON.stringify(reqs[0].body)).not.toContain(steer);
  const messages = (reqs[1].body as { messages: Array<{ role: string; content: Array<{ type: string; text?: string }> }> }).messages;
  const opening = messages[messages.length - 1];
  expect(opening.role).toBe('user');
  // The tool's result answers the last turn; the steer follows it and opens the next turn.
  expect(opening.content.map((b) => b.type)).toEqual(['tool_result', 'text']);
  expect(opening.content[1].text).toBe(steer);
  const { summary, events } = await agent.handlers['agent.transcript']({ root: project.root, runId }, { connectionId: 't' });
  expect(summary.status).toBe('completed');
  const steerIndex = events.findIndex((e) => e.type === 'user' && e.steer);
  const firstTurn = events.findIndex((e) => e.type === 'assistant' && e.turn === 1);
  const secondTurn = events.findIndex((e) => e.type === 'assistant' && e.turn === 2);
  expect(events[steerIndex]).toMatchObject({ type: 'user', text: steer, steer: true });
  expect(firstTurn).toBeLessThan(steerIndex);
  expect(steerIndex).toBeLessThan(secondTurn);
  expect(events.some((e) => e.type === 'tool_result' && e.isError)).toBe(false);
});
