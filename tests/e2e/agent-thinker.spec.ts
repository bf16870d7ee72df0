import { cpSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import type { TranscriptEvent } from '../../shared/contract';
import { TranscriptStore } from '../../electron/core/model/transcript-store';
import { expect, openWorkspace, test, type HostHandle } from './fixtures';
import { git, makeTempDir } from '../helpers/temp-repo';
import { jsonReply, startMockMessagesApi, streamReply, type MockMessagesApi, type RecordedRequest } from '../helpers/mock-messages-api';

type Body = { stream?: boolean; system?: Array<{ text: string }> | string; tools?: Array<{ name: string }>; messages?: Array<{ role: string; content: unknown }> };

const QUESTIONS = [
  'Must buckets survive a restart?',
  'Is one limit for every key enough?',
  'Who issues keys?',
  'What clock source is trusted?',
  'How large may the key table grow?',
  'Should 429 bodies be empty?',
];

/** The scripted thinker, builder and utility models, told apart by the tool or system prompt of each request. */
function scriptedModel(req: RecordedRequest) {
  const body = (req.body ?? {}) as Body;
  const tools = (body.tools ?? []).map((t) => t.name);
  const system = typeof body.system === 'string' ? body.system : (body.system ?? []).map((s) => s.text).join('\n');
  if (tools.includes('submit_critique')) {
    return streamReply([
      {
        type: 'tool_use',
        name: 'submit_critique',
        input: {
          findings: [
            { kind: 'missing_failure_mode', item: 'FM-3', text: 'Nothing says what a client sees while the process restarts.' },
            { kind: 'vague_check', item: 'AC-4', text: 'AC-4 is judged by a reviewer, not by a command.' },
          ],
          questions: QUESTIONS.map((question, i) => ({ question, recommended: `Recommended answer ${i + 1}`, item: 'FM-3' })),
        },
      },
    ]);
  }
  if (tools.includes('submit_tasks')) {
    return streamReply([
      {
        type: 'tool_use',
        name: 'submit_tasks',
        input: {
          tasks: [
            { title: 'Load limits.json', requirements: ['AC-3'], scope: ['src/config.js'], checks: ['npm test'] },
            { title: 'Apply per-key limits', requirements: ['AC-3'], scope: ['src/quota.js'], checks: ['npm test'], dependsOn: ['#1'] },
          ],
        },
      },
    ]);
  }
  if (tools.includes('submit_replan')) {
    return streamReply([
      {
        type: 'tool_use',
        name: 'submit_replan',
        input: {
          diagnosis: 'Every run changed the config reader and the quota store at once, and npm test failed in the store.',
          choice: 'split',
          tasks: [
            { title: 'Read limits.json with a fallback', requirements: ['AC-3'], scope: ['src/config.js'], checks: ['npm test'] },
            { title: 'Use per-key limits in the quota store', requirements: ['AC-3'], scope: ['src/quota.js'], checks: ['npm test'], dependsOn: ['#1'] },
          ],
        },
      },
    ]);
  }
  if (body.stream !== true && system.includes('Classify the question')) return jsonReply('{"route":"fuzzy","reason":"it asks about direction"}');
  if (system.includes('thinking partner')) return streamReply([{ type: 'text', text: 'Thinker says: keep buckets in memory for now.' }]);
  if (system.includes('concrete question')) return streamReply([{ type: 'text', text: 'Builder says: src/quota.js keeps a Map of buckets.' }]);
  return streamReply([{ type: 'text', text: 'Starting from the hand-off note.' }]);
}

let api: MockMessagesApi;
test.beforeEach(async () => {
  api = await startMockMessagesApi();
  api.respondWith(scriptedModel);
});
test.afterEach(async () => {
  await api.close();
});

/** A copy of the example project under git, served by a fresh web host pointed at the mock. */
async function openExample(page: Page, startHost: (o: { folder: string; env: Record<string, string>; dataDir?: string }) => Promise<HostHandle>, dataDir?: string): Promise<{ project: string; host: HostHandle }> {
  const project = realpathSync(makeTempDir('plumbline-example-'));
  cpSync(join(process.cwd(), 'resources/example'), project, { recursive: true });
  git(project, 'init', '-q');
  git(project, 'add', '-A');
  git(project, 'commit', '-q', '-m', 'Example project');
  const home = makeTempDir('plumbline-home-');
  const host = await startHost({ folder: project, env: { ANTHROPIC_BASE_URL: api.url, ANTHROPIC_API_KEY: 'test', HOME: home, XDG_CONFIG_HOME: join(home, '.config') }, ...(dataDir ? { dataDir } : {}) });
  await openWorkspace(page, host);
  await page.getByRole('region', { name: 'Builder', exact: true }).getByRole('tab', { name: 'Agent', exact: true }).click();
  return { project, host };
}

const orchestrator = (page: Page) => page.getByRole('region', { name: 'Orchestrator', exact: true });

test('Critique spec shows findings and at most five questions with recommended answers; answering one records a decision', async ({ page, startHost }) => {
  const { project } = await openExample(page, startHost);
  await page.getByRole('button', { name: 'Critique spec' }).click();
  const critique = page.getByRole('group', { name: 'Critique' });
  await expect(critique).toContainText('Nothing says what a client sees while the process restarts.');
  await expect(critique).toContainText('AC-4 is judged by a reviewer');
  for (const q of QUESTIONS.slice(0, 5)) await expect(critique).toContainText(q);
  await expect(critique).not.toContainText(QUESTIONS[5]);
  await expect(critique.getByRole('textbox', { name: /^Answer \d$/ })).toHaveCount(5);
  await expect(critique.getByRole('textbox', { name: 'Answer 1' })).toHaveValue('Recommended answer 1');
  // The thinker's run is listed as soon as it exists, even when it finished before the list first loaded.
  await expect(page.getByRole('navigation', { name: 'Runs' })).toContainText('Critique spec');
  await page.screenshot({ path: test.info().outputPath('thinker-critique.png') });

  await critique.getByRole('textbox', { name: 'Answer 1' }).fill('No: buckets start full after a restart.');
  await critique.getByRole('button', { name: 'Record answer' }).first().click();
  await expect(critique).not.toContainText(QUESTIONS[0]);
  await expect(critique.getByRole('textbox', { name: /^Answer \d$/ })).toHaveCount(4);

  // Recorded as an accepted decision, linked to the spec item the question was about.
  const files = readdirSync(join(project, '.plumbline/decisions'));
  expect(files).toHaveLength(5);
  const record = readFileSync(join(project, '.plumbline/decisions', files.sort()[4]), 'utf8');
  expect(record).toContain(QUESTIONS[0]);
  expect(record).toContain('No: buckets start full after a restart.');
  expect(record).toContain('FM-3');
  await orchestrator(page).getByRole('tab', { name: 'Decisions' }).click();
  await expect(orchestrator(page).getByRole('list', { name: 'Decisions' }).getByRole('listitem').filter({ hasText: QUESTIONS[0] })).toContainText('0005');
});

test('Break into tasks shows an editable draft, writes nothing until Accept, then the tasks appear on the board', async ({ page, startHost }) => {
  const { project } = await openExample(page, startHost);
  const before = readFileSync(join(project, '.plumbline/tasks.md'), 'utf8');
  await page.getByRole('button', { name: 'Break into tasks' }).click();
  const draft = page.getByRole('group', { name: 'Proposed tasks' });
  await expect(draft.getByRole('textbox', { name: 'Task 1 title' })).toHaveValue('Load limits.json');
  await expect(draft.getByRole('textbox', { name: 'Task 2 requirements' })).toHaveValue('AC-3');
  await draft.getByRole('textbox', { name: 'Task 1 title' }).fill('Load limits.json with a default');
  await page.screenshot({ path: test.info().outputPath('thinker-breakdown.png') });
  expect(readFileSync(join(project, '.plumbline/tasks.md'), 'utf8')).toBe(before);

  await draft.getByRole('button', { name: 'Accept' }).click();
  await expect(draft).toHaveCount(0);
  const tasks = readFileSync(join(project, '.plumbline/tasks.md'), 'utf8');
  expect(tasks).toContain('## T-8: Load limits.json with a default');
  expect(tasks).toContain('## T-9: Apply per-key limits');
  await orchestrator(page).getByRole('tab', { name: 'Tasks' }).click();
  const todo = orchestrator(page).getByRole('region', { name: 'Tasks' }).getByRole('region', { name: 'todo' });
  await expect(todo.getByRole('listitem', { name: 'T-8: Load limits.json with a default' })).toBeVisible();
  await expect(todo.getByRole('listitem', { name: 'T-9: Apply per-key limits' })).toBeVisible();
});

test('Ask shows the chosen model and the reason; the override asks the other role', async ({ page, startHost }) => {
  await openExample(page, startHost);
  await page.getByRole('textbox', { name: 'Ask a question' }).fill('Should buckets survive restarts, or is that over-building?');
  await page.getByRole('button', { name: 'Ask', exact: true }).click();
  const routed = page.getByRole('status').filter({ hasText: 'Routed to' });
  await expect(routed).toContainText(/Routed to thinker · \S+ — fuzzy: it asks about direction \(classified by \S+\)/);
  const run = page.getByRole('region', { name: 'Agent run' });
  await expect(run).toContainText('Thinker says: keep buckets in memory for now.');
  await expect(run).toContainText(/thinker: \S+/);
  await expect(page.getByRole('navigation', { name: 'Runs' })).toContainText('Should buckets survive restarts');
  await page.screenshot({ path: test.info().outputPath('thinker-ask.png') });

  await page.getByRole('combobox', { name: 'Route override' }).selectOption('builder');
  await expect(routed).toContainText(/Routed to builder · \S+ — chosen by you \(override\)/);
  await expect(run).toContainText('Builder says: src/quota.js keeps a Map of buckets.');
  const answers = api.messageRequests().map((r) => r.body as Body).filter((b) => b.stream === true);
  expect(answers).toHaveLength(2);
  expect(JSON.stringify(answers[0].system)).toContain('thinking partner');
  expect(answers[0].tools ?? []).toEqual([]);
  // The builder answers with read-only tools, the same question.
  expect(JSON.stringify(answers[1].system)).toContain('concrete question');
  expect((answers[1].tools ?? []).map((t) => t.name)).toContain('str_replace_based_edit_tool');
  expect(JSON.stringify(answers[1].messages)).toContain('Should buckets survive restarts');
});

test('Save state writes .plumbline/handoff.md and the next run starts from it', async ({ page, startHost }) => {
  const { project } = await openExample(page, startHost);
  await page.getByRole('button', { name: 'Save state' }).click();
  await expect(page.getByText('Hand-off note written to .plumbline/handoff.md')).toBeVisible();
  const note = readFileSync(join(project, '.plumbline/handoff.md'), 'utf8');
  expect(note).toContain('# Hand-off note');
  expect(note).toContain('## Next steps');

  await page.getByLabel('Task', { exact: true }).selectOption('T-6');
  await page.getByRole('button', { name: 'Run task' }).click();
  await expect(page.getByRole('region', { name: 'Agent run' })).toContainText('Starting from the hand-off note.');
  const first = api.messageRequests()[0].body as Body;
  const opening = JSON.stringify(first.messages?.[0]?.content);
  expect(opening).toContain('T-6');
  expect(opening).toContain('Hand-off note from the last session');
  expect(opening).toContain(JSON.stringify(note.trim()).slice(1, -1));
});

test('after three runs fail their checks, Run task offers the thinker; its split is an editable draft written only on Accept', async ({ page, startHost }) => {
  // Three finished runs of T-6 whose own check failed, as the transcripts of earlier sessions.
  const dataDir = makeTempDir('plumbline-data-');
  const project = realpathSync(makeTempDir('plumbline-example-'));
  const store = new TranscriptStore(dataDir);
  const usage = { input: 10, output: 5, cacheWrite5m: 0, cacheWrite1h: 0, cacheRead: 0 };
  for (let i = 1; i <= 3; i++) {
    const runId = `run-seed-${i}`;
    const at = `2026-01-0${i}T10:00:00.000Z`;
    const events: TranscriptEvent[] = [
      { type: 'start', at, runId, kind: 'task', taskId: 'T-6', title: 'T-6 Per-key limits from a config file', role: 'builder', model: 'mock-model', checkpoint: null, resumedFrom: null },
      { type: 'user', at, text: 'Task T-6', steer: false },
      { type: 'assistant', at, turn: 1, content: [{ type: 'tool_use', id: `tu-${i}`, name: 'bash', input: { command: 'npm test' } }], stopReason: 'tool_use', usage, costUsd: 0 },
      { type: 'command', at, toolUseId: `tu-${i}`, command: 'npm test', exitCode: 1, timedOut: false, durationMs: 900 },
      { type: 'tool_result', at, toolUseId: `tu-${i}`, name: 'bash', isError: true, output: `not ok ${i} - quota store honours limits.json\nexit code 1` },
      { type: 'outcome', at, summary: `Attempt ${i}: read limits.json in the quota store.`, claims: [] },
      { type: 'end', at, status: 'completed', reason: 'The agent reported its outcome.', usage, costUsd: 0 },
    ];
    for (const e of events) await store.append(project, runId, e);
  }
  cpSync(join(process.cwd(), 'resources/example'), project, { recursive: true });
  git(project, 'init', '-q');
  git(project, 'add', '-A');
  git(project, 'commit', '-q', '-m', 'Example project');
  const home = makeTempDir('plumbline-home-');
  const host = await startHost({ folder: project, dataDir, env: { ANTHROPIC_BASE_URL: api.url, ANTHROPIC_API_KEY: 'test', HOME: home, XDG_CONFIG_HOME: join(home, '.config') } });
  await openWorkspace(page, host);
  await page.getByRole('region', { name: 'Builder', exact: true }).getByRole('tab', { name: 'Agent', exact: true }).click();

  await page.getByLabel('Task', { exact: true }).selectOption('T-6');
  await page.getByRole('button', { name: 'Run task' }).click();
  const offer = page.getByRole('group', { name: 'Hand back to the thinker' });
  await expect(offer).toContainText('T-6 failed its checks in the last 3 runs.');
  await offer.getByText('What failed').click();
  await expect(offer).toContainText('Attempt 3: read limits.json in the quota store.');
  await expect(offer).toContainText('not ok 1 - quota store honours limits.json');
  expect(api.messageRequests()).toHaveLength(0);
  await page.screenshot({ path: test.info().outputPath('handback-offer.png') });

  const before = readFileSync(join(project, '.plumbline/tasks.md'), 'utf8');
  await offer.getByRole('button', { name: 'Ask the thinker' }).click();
  const draft = offer.getByRole('group', { name: 'Replan draft' });
  await expect(draft).toContainText('npm test failed in the store');
  await expect(draft.getByRole('textbox', { name: 'Part 2 title' })).toHaveValue('Use per-key limits in the quota store');
  const prompt = JSON.stringify(api.messageRequests()[0].body);
  expect(prompt).toContain('Read limits per key from `limits.json`');
  expect(prompt).toContain('AC-3: The whole suite passes');
  for (let i = 1; i <= 3; i++) expect(prompt).toContain(`Attempt ${i}: read limits.json in the quota store.`);
  await draft.getByRole('textbox', { name: 'Part 1 title' }).fill('Read limits.json, default when absent');
  await page.screenshot({ path: test.info().outputPath('handback-draft.png') });
  expect(readFileSync(join(project, '.plumbline/tasks.md'), 'utf8')).toBe(before);

  await draft.getByRole('button', { name: 'Accept' }).click();
  await expect(offer).toHaveCount(0);
  const tasks = readFileSync(join(project, '.plumbline/tasks.md'), 'utf8');
  expect(tasks).toContain('## T-8: Read limits.json, default when absent');
  expect(tasks).toMatch(/## T-6: [^\n]*\n[\s\S]*Split into T-8, T-9[\s\S]*- depends: T-2, T-8, T-9/);
  await orchestrator(page).getByRole('tab', { name: 'Tasks' }).click();
  await expect(orchestrator(page).getByRole('region', { name: 'Tasks' }).getByRole('listitem', { name: 'T-9: Use per-key limits in the quota store' })).toBeVisible();

  // The accepted replan ends the streak: Run task runs again.
  await page.getByRole('region', { name: 'Builder', exact: true }).getByRole('button', { name: 'Run task' }).click();
  await expect(page.getByRole('region', { name: 'Agent run' })).toContainText('Starting from the hand-off note.');
  expect(JSON.stringify(api.messageRequests().at(-1)?.body)).toContain('# Task T-6');
});
