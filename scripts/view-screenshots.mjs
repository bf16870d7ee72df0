// Screenshots of every view, taken from the running app:
// `node scripts/view-screenshots.mjs [OUT_DIR]` (default docs/screenshots). Needs `npm run build` first.
// For 1280×720 and 1440×900, light and dark: Welcome; Spec (structured, API contract table) with Changes (a root
// file); Decisions with History; Spec ▸ Markdown with a change on disk offered, with Branches; the command palette;
// the shortcut sheet; the Tasks board with Files and a file shown; Evidence after Verify with the editor; an agent
// run (a scripted model on a local stand-in for the Messages API) with the Calibrator's Runs; Calibration; Settings.
import { createServer } from 'node:http';
import { execFileSync, spawn } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { appRoot } from './build-lib.mjs';

const outDir = process.argv[2] ?? join(appRoot, 'docs/screenshots');
mkdirSync(outDir, { recursive: true });
/** SSE frames of one streamed assistant message made of text and tool calls. */
function reply(blocks) {
  const frames = [['message_start', { type: 'message_start', message: { id: 'msg_shot', type: 'message', role: 'assistant', model: 'screenshot-model', content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 1200, output_tokens: 1 } } }]];
  blocks.forEach((b, index) => {
    if (b.text !== undefined) {
      frames.push(['content_block_start', { type: 'content_block_start', index, content_block: { type: 'text', text: '' } }]);
      frames.push(['content_block_delta', { type: 'content_block_delta', index, delta: { type: 'text_delta', text: b.text } }]);
    } else {
      frames.push(['content_block_start', { type: 'content_block_start', index, content_block: { type: 'tool_use', id: `toolu_${index}_${b.name}`, name: b.name, input: {} } }]);
      frames.push(['content_block_delta', { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: JSON.stringify(b.input) } }]);
    }
    frames.push(['content_block_stop', { type: 'content_block_stop', index }]);
  });
  const stop = blocks.some((b) => b.name) ? 'tool_use' : 'end_turn';
  frames.push(['message_delta', { type: 'message_delta', delta: { stop_reason: stop, stop_sequence: null }, usage: { output_tokens: 240 } }]);
  frames.push(['message_stop', { type: 'message_stop' }]);
  return frames.map(([event, data]) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`).join('');
}

const SERVER_LINE = "import { createQuota } from './quota.js';";
/** The scripted builder for T-5: looks at the server, adds a log helper, reports. */
function scripted(body) {
  const turn = (body.messages ?? []).filter((m) => m.role === 'assistant').length;
  if (turn === 0) return reply([{ text: 'I will add a structured request log to the server, one JSON line per request and never the key. ' }, { name: 'str_replace_based_edit_tool', input: { command: 'view', path: 'src/server.js' } }]);
  if (turn === 1) return reply([{ name: 'str_replace_based_edit_tool', input: { command: 'str_replace', path: 'src/server.js', old_str: SERVER_LINE, new_str: `${SERVER_LINE}\n\n/** One JSON line per request, never the key itself (SEC-1). */\nconst logLine = (status, remaining) => console.log(JSON.stringify({ time: new Date().toISOString(), status, remaining }));` } }]);
  return reply([{ name: 'report_outcome', input: { summary: 'Added a structured request log helper.', claims: [{ kind: 'file_changed', path: 'src/server.js', statement: 'request log added', confidence: 0.8 }] } }]);
}

/** A local stand-in for the Messages API answering with the scripted builder. */
async function startModel() {
  const server = createServer((req, res) => {
    let text = '';
    req.on('data', (c) => (text += c));
    req.on('end', () => {
      if (req.method === 'GET') return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data: [{ id: 'claude-sonnet-4-5', type: 'model' }], has_more: false }));
      const body = JSON.parse(text || '{}');
      if (!body.stream) {
        return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: 'msg_shot', type: 'message', role: 'assistant', model: 'screenshot-model', content: [{ type: 'text', text: 'ok' }], stop_reason: 'end_turn', usage: { input_tokens: 10, output_tokens: 2 } }));
      }
      res.writeHead(200, { 'content-type': 'text/event-stream' }).end(scripted(body));
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => server.close() };
}
const model = await startModel();

/** A web host on a fresh data folder (each view set starts from a fresh copy of the example). */
async function startHost() {
  const dataDir = mkdtempSync(join(tmpdir(), 'plumbline-shots-'));
  const env = { ...process.env, ANTHROPIC_BASE_URL: model.url, ANTHROPIC_API_KEY: 'screenshots' };
  const child = spawn(process.execPath, [join(appRoot, 'bin/plumbline.mjs'), 'serve', '--port', '0', '--data-dir', dataDir], { stdio: ['ignore', 'pipe', 'inherit'], env });
  const url = await new Promise((resolve, reject) => {
    let text = '';
    child.stdout.on('data', (c) => {
      text += c;
      const m = /Plumbline is serving at (\S+)/.exec(text);
      if (m) resolve(m[1]);
    });
    child.on('exit', (code) => reject(new Error(`web host exited ${code}`)));
  });
  return {
    url,
    dataDir,
    stop() {
      child.removeAllListeners('exit');
      child.kill();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
const browser = await chromium.launch({ executablePath: process.env.PLUMBLINE_CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'] });
try {
  for (const [width, height] of [[1280, 720], [1440, 900]]) {
    for (const scheme of ['light', 'dark']) {
      const { url, dataDir, stop } = await startHost();
      const shot = (name) => page.screenshot({ path: join(outDir, `${name}-${width}x${height}-${scheme}.png`) });
      const page = await browser.newPage({ viewport: { width, height }, colorScheme: scheme });
      await page.goto(url);
      const orch = page.getByRole('region', { name: 'Orchestrator', exact: true });
      const builder = page.getByRole('region', { name: 'Builder', exact: true });
      const cal = page.getByRole('region', { name: 'Calibrator', exact: true });
      await page.getByRole('button', { name: /Open the example/ }).waitFor();
      await shot('welcome');
      // A fresh copy of the example each time, with a change to a file at the root for the Changes list.
      await page.getByRole('button', { name: /Open the example/ }).click();
      await orch.getByRole('tab', { name: 'Spec' }).click();
      await orch.getByRole('listitem', { name: /^AD-1: / }).waitFor();
      const example = join(dataDir, 'examples', readdirSync(join(dataDir, 'examples'))[0]);
      appendFileSync(join(example, 'README.md'), '\nA line for the Changes list.\n');

      // Spec (structured) scrolled to the API contract, with Changes showing a root file.
      await orch.getByRole('radio', { name: 'Structured' }).click();
      await orch.getByRole('heading', { name: 'API contract' }).scrollIntoViewIfNeeded();
      await builder.getByRole('tab', { name: 'Changes' }).click();
      await builder.getByRole('button', { name: 'README.md, modified' }).click();
      await builder.getByRole('button', { name: /^Stage hunk 1 / }).waitFor();
      await builder.getByText('Loading the diff…').waitFor({ state: 'detached' });
      await page.waitForTimeout(500);
      await shot('spec-changes');

      // Decisions with History: a commit by a person with a usual name and a 50-character subject, read whole.
      writeFileSync(join(example, 'NOTES.md'), 'Refill notes.\n');
      const gitEnv = { ...process.env, GIT_AUTHOR_NAME: 'Ada Lovelace', GIT_AUTHOR_EMAIL: 'ada@example.com', GIT_COMMITTER_NAME: 'Ada Lovelace', GIT_COMMITTER_EMAIL: 'ada@example.com' };
      execFileSync('git', ['add', 'NOTES.md'], { cwd: example, env: gitEnv });
      execFileSync('git', ['commit', '-q', '-m', 'Explain how the token bucket refills between calls'], { cwd: example, env: gitEnv });
      await orch.getByRole('tab', { name: 'Decisions' }).click();
      await builder.getByRole('tab', { name: 'History' }).click();
      await builder.locator('.history-row').filter({ hasText: 'Ada Lovelace' }).waitFor();
      await page.waitForTimeout(300);
      await shot('decisions-history');

      // Spec ▸ Markdown with unsaved edits and a change on disk offered; Branches.
      await orch.getByRole('tab', { name: 'Spec' }).click();
      await orch.getByRole('radio', { name: 'Markdown' }).click();
      const editor = orch.getByRole('textbox', { name: 'Spec Markdown' });
      await editor.waitFor();
      await editor.focus();
      await page.keyboard.press('Control+End');
      await page.keyboard.type('\nA note not saved yet.');
      const spec = join(example, '.plumbline/spec.md');
      appendFileSync(spec, '\n');
      await orch.getByRole('alert').waitFor();
      await builder.getByRole('tab', { name: 'Branches' }).click();
      await builder.getByRole('list', { name: 'Branches' }).waitFor();
      await shot('spec-markdown-branches');
      await orch.getByRole('alert').getByRole('button', { name: 'Reload from disk' }).click();
      await orch.getByRole('radio', { name: 'Structured' }).click();

      // The command palette and the shortcut sheet.
      await page.keyboard.press('Control+Shift+P');
      await page.keyboard.type('sta');
      await page.waitForTimeout(200);
      await shot('palette');
      await page.keyboard.press('Escape');
      await page.getByRole('region', { name: 'Calibrator', exact: true }).getByRole('tab', { selected: true }).focus();
      await page.keyboard.press('?');
      await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor();
      await shot('shortcuts');
      await page.keyboard.press('Escape');

      // The Tasks board with Files and a file shown.
      await orch.getByRole('tab', { name: 'Tasks' }).click();
      await builder.getByRole('tab', { name: 'Files' }).click();
      const tree = builder.getByRole('tree', { name: 'Files' });
      await tree.getByRole('treeitem', { name: 'src', exact: true }).click();
      await tree.getByRole('treeitem', { name: 'quota.js', exact: true }).click();
      await builder.getByTestId('code-editor').getByText('createQuota').first().waitFor({ timeout: 60_000 });
      await page.waitForTimeout(300);
      await shot('tasks-files');

      // Verify, then Evidence beside the editor.
      await page.getByRole('banner').getByRole('button', { name: 'Verify' }).click();
      await cal.getByRole('status').filter({ hasText: /passed|failed/ }).first().waitFor({ timeout: 120_000 });
      await builder.getByRole('button', { name: 'Edit', exact: true }).click();
      await builder.getByRole('tab', { name: 'Editor' }).waitFor();
      await page.waitForTimeout(500);
      await shot('evidence-editor');

      // An agent run on T-5, approved and finished, with the Calibrator's Runs.
      await builder.getByRole('tab', { name: 'Agent', exact: true }).click();
      await builder.getByLabel('Task', { exact: true }).selectOption('T-5');
      await builder.getByRole('button', { name: 'Run task' }).click();
      const run = page.getByRole('region', { name: 'Agent run' });
      await run.getByRole('group', { name: 'Approval: Edit src/server.js' }).getByRole('button', { name: 'Approve' }).click({ timeout: 180_000 });
      await run.getByText('✔ finished').waitFor({ timeout: 120_000 });
      await cal.getByRole('tab', { name: 'Runs' }).click();
      await page.waitForTimeout(1500);
      await shot('agent-runs');

      // Calibration; Settings.
      await cal.getByRole('tab', { name: 'Calibration' }).click();
      await page.waitForTimeout(500);
      await shot('calibration');
      await page.getByRole('banner').getByRole('button', { name: 'Settings' }).click();
      await page.getByRole('dialog').first().waitFor();
      await page.waitForTimeout(300);
      await shot('settings');
      await page.close();
      stop();
    }
  }
} finally {
  await browser.close();
  model.close();
}
