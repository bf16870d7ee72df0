import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, openWorkspace, test } from './fixtures';
import { git, makeTempDir } from '../helpers/temp-repo';
import { startMockMessagesApi, streamReply, type MockMessagesApi, type RecordedRequest } from '../helpers/mock-messages-api';

let api: MockMessagesApi;
test.beforeEach(async () => {
  api = await startMockMessagesApi();
  // A lying builder: it changes nothing, then claims an edit, a new file and passing tests.
  api.respondWith(() =>
    streamReply([
      {
        type: 'tool_use',
        name: 'report_outcome',
        input: {
          summary: 'Limits are read from limits.json with a fallback to the default.',
          claims: [
            { kind: 'file_changed', path: 'src/quota.js', statement: 'quota store reads per-key limits', confidence: 0.95 },
            { kind: 'file_created', path: 'src/config.js', statement: 'config loader added', confidence: 0.9 },
            { kind: 'command_passes', command: 'npm test', statement: 'the whole suite passes', confidence: 0.9 },
            { kind: 'other', statement: 'a missing limits.json falls back to the default', confidence: 0.8 },
          ],
        },
      },
    ]),
  );
});
test.afterEach(async () => {
  await api.close();
});

/** A copy of the example project as a fresh git repository. */
function exampleProject(): string {
  const project = makeTempDir('plumbline-example-');
  cpSync(join(process.cwd(), 'resources/example'), project, { recursive: true });
  git(project, 'init', '-q');
  git(project, 'add', '-A');
  git(project, 'commit', '-q', '-m', 'Example project');
  return project;
}

/** The tool results the breaker has seen so far, as text. */
function toolResultText(req: RecordedRequest): string {
  return JSON.stringify(req.body?.messages ?? []).match(/Evidence (ev-[A-Za-z0-9-]+)/)?.[1] ?? '';
}

test('verify the example, then catch a lying run: refuted claims on top and the reliability diagram', async ({ page, startHost }) => {
  const project = makeTempDir('plumbline-example-');
  cpSync(join(process.cwd(), 'resources/example'), project, { recursive: true });
  git(project, 'init', '-q');
  git(project, 'add', '-A');
  git(project, 'commit', '-q', '-m', 'Example project');
  const home = makeTempDir('plumbline-home-');
  const host = await startHost({ folder: project, env: { ANTHROPIC_BASE_URL: api.url, ANTHROPIC_API_KEY: 'test', HOME: home, XDG_CONFIG_HOME: join(home, '.config') } });
  await openWorkspace(page, host);
  const cal = page.getByRole('region', { name: 'Calibrator', exact: true });

  // Verify: every acceptance check with a command and every decision confirmation runs as evidence.
  await expect(cal.getByText('No evidence yet.')).toBeVisible();
  await cal.getByRole('button', { name: 'Verify', exact: true }).click();
  await expect(cal.getByRole('status')).toContainText('passed', { timeout: 60_000 });
  const evidence = cal.getByRole('list', { name: 'Evidence' });
  await expect(evidence.getByRole('button', { name: /AC-1: A burst/ })).toBeVisible();
  await expect(evidence.getByRole('button', { name: /ADR-0001/ })).toBeVisible();
  await evidence.getByRole('button', { name: /AC-3: The whole suite passes/ }).click();
  await expect(cal.getByRole('region', { name: 'Evidence output' })).toContainText('# pass 8');
  await page.screenshot({ path: test.info().outputPath('calibrator-evidence.png') });
  // Per requirement: each AC with its own evidence.
  await cal.getByLabel('Group').selectOption('requirement');
  await expect(cal.getByRole('list', { name: 'Evidence for AC-2' }).getByRole('button', { name: /AC-2: Each key/ })).toBeVisible();
  await cal.screenshot({ path: test.info().outputPath('calibrator-per-requirement.png') });
  await cal.getByLabel('Group').selectOption('time');

  // A run of T-6 whose claims are lies.
  await page.getByRole('region', { name: 'Builder', exact: true }).getByRole('tab', { name: 'Agent', exact: true }).click();
  await page.getByLabel('Task', { exact: true }).selectOption('T-6');
  // Before any agent run, passing checks make T-6 verified, and the label says what that rests on.
  const orch = page.getByRole('region', { name: 'Orchestrator', exact: true });
  await orch.getByRole('tab', { name: 'Tasks' }).click();
  await orch.getByRole('region', { name: 'Tasks' }).getByRole('listitem', { name: /^T-6: / }).click();
  await cal.getByRole('tab', { name: /Runs/ }).click();
  await expect(cal.getByTestId('task-state')).toHaveText('✔ verified — checks pass; no agent run');
  await cal.screenshot({ path: test.info().outputPath('calibrator-verified-by-checks.png') });
  await page.getByRole('region', { name: 'Builder', exact: true }).getByRole('button', { name: 'Run task' }).click();

  const claims = cal.getByRole('list', { name: 'Claims' });
  await expect(claims.getByRole('listitem')).toHaveCount(4, { timeout: 60_000 });
  // Verdicts first, refuted on top.
  await expect(claims.getByRole('listitem').nth(0)).toHaveAccessibleName(/^refuted: /);
  await expect(claims.getByRole('listitem').nth(1)).toHaveAccessibleName(/^refuted: /);
  await expect(claims.getByRole('listitem', { name: 'refuted: quota store reads per-key limits' })).toContainText('byte-identical to the checkpoint');
  await expect(claims.getByRole('listitem', { name: 'refuted: config loader added' })).toContainText('src/config.js does not exist');
  await expect(claims.getByRole('listitem', { name: 'verified: the whole suite passes' })).toBeVisible();
  // The badge counts red runs (refuted claims, open error findings, regressed or untrusted checks).
  await expect(cal.getByRole('tab', { name: /Runs/ })).toContainText('✘ 1');
  await expect(cal.getByTestId('task-state')).toHaveText('✘ refuted');
  // What no machine can check waits for a ruling; the ruling is evidence too.
  const other = claims.getByRole('listitem', { name: 'unverifiable: a missing limits.json falls back to the default' });
  await other.getByRole('textbox').fill('no fallback in src/quota.js');
  await other.getByRole('button', { name: '✘ Does not hold' }).click();
  await expect(claims.getByRole('listitem', { name: 'refuted: a missing limits.json falls back to the default' })).toContainText('no fallback in src/quota.js');
  await expect(cal.getByRole('tab', { name: /Runs/ })).toContainText('✘ 1');
  await page.screenshot({ path: test.info().outputPath('calibrator-runs.png') });
  await cal.screenshot({ path: test.info().outputPath('calibrator-runs-pane.png') });

  // Calibration: the model stated ~89% and was right a quarter of the time.
  await cal.getByRole('tab', { name: 'Calibration' }).click();
  const diagram = cal.getByRole('img', { name: /^Reliability diagram: / });
  await expect(diagram).toBeVisible();
  await expect(cal.getByRole('row', { name: /Claims with verdicts/ })).toContainText('4');
  await expect(cal.getByRole('row', { name: /Accuracy/ })).toContainText('25%');
  await cal.screenshot({ path: test.info().outputPath('calibrator-calibration-pane.png') });
  // The plots take the theme's colours (CSS variables inside the inline SVG).
  await expect(diagram.locator('rect.bin').first()).toHaveAttribute('fill', 'var(--accent)');
  await page.emulateMedia({ colorScheme: 'dark' });
  await cal.screenshot({ path: test.info().outputPath('calibrator-calibration-pane-dark.png') });
});

test('the test command is set in the Checks popover; a breaker review runs a check after approval and cites it', async ({ page, startHost }) => {
  const project = exampleProject();
  // The breaker asks to run a command that is neither a configured check nor allowlisted, then cites its evidence.
  const probe = `node -e "console.log('probe', 6 * 7)"`;
  api.respondWith((req) => {
    if (!String(JSON.stringify(req.body?.system ?? '')).includes('breaker')) return streamReply([{ type: 'text', text: 'Nothing to do.' }]);
    const cited = toolResultText(req);
    if (!cited) return streamReply([{ type: 'tool_use', name: 'run_check', input: { check: probe } }]);
    return streamReply([
      {
        type: 'tool_use',
        name: 'report_findings',
        input: { findings: [{ severity: 'medium', requirementId: 'AC-3', title: 'limits.json is never read', evidence: 'src/quota.js has no reader for limits.json', suggestedFix: 'Read limits.json at start.', evidenceIds: [cited] }] },
      },
    ]);
  });
  const home = makeTempDir('plumbline-home-');
  const host = await startHost({ folder: project, env: { ANTHROPIC_BASE_URL: api.url, ANTHROPIC_API_KEY: 'test', HOME: home, XDG_CONFIG_HOME: join(home, '.config') } });
  await openWorkspace(page, host);
  const cal = page.getByRole('region', { name: 'Calibrator', exact: true });

  // Checks…: the detected command is the placeholder; Save stores another; Clear goes back to detection.
  await cal.getByRole('button', { name: 'Checks…' }).click();
  const popover = cal.getByRole('dialog', { name: 'Checks settings' });
  const field = popover.getByLabel('Test command');
  await expect(field).toBeFocused();
  await expect(field).toHaveAttribute('placeholder', 'npm test');
  await expect(field).toHaveValue('');
  await expect(popover.getByRole('status')).toContainText('Detected from package.json scripts.test');
  await field.fill('node --test test/bucket.test.js');
  await popover.getByRole('button', { name: 'Save' }).click();
  await expect(popover).toBeHidden();
  expect(JSON.parse(readFileSync(join(project, '.plumbline/checks.json'), 'utf8'))).toEqual({ testCommand: 'node --test test/bucket.test.js' });
  await cal.getByRole('button', { name: 'Checks…' }).click();
  await expect(field).toHaveValue('node --test test/bucket.test.js');
  await expect(popover.getByRole('status')).toContainText('Configured in .plumbline/checks.json; detected: npm test');
  await cal.screenshot({ path: test.info().outputPath('calibrator-checks-popover.png') });
  await popover.getByRole('button', { name: 'Clear' }).click();
  await expect(popover).toBeHidden();
  expect(JSON.parse(readFileSync(join(project, '.plumbline/checks.json'), 'utf8'))).toEqual({ testCommand: null });
  await cal.getByRole('button', { name: 'Checks…' }).click();
  await expect(field).toHaveValue('');
  await page.keyboard.press('Escape');
  await expect(popover).toBeHidden();
  await expect(cal.getByRole('button', { name: 'Checks…' })).toBeFocused();

  // Review T-6: the breaker's command waits for approval inline, runs as evidence, and the finding cites it.
  const orch = page.getByRole('region', { name: 'Orchestrator', exact: true });
  await orch.getByRole('tab', { name: 'Tasks' }).click();
  await orch.getByRole('region', { name: 'Tasks' }).getByRole('listitem', { name: /^T-6: / }).click();
  await cal.getByRole('tab', { name: /Runs/ }).click();
  await cal.getByRole('button', { name: 'Review', exact: true }).click();
  const review = cal.getByRole('region', { name: 'Review of T-6' });
  const checks = review.getByRole('list', { name: 'Checks of the review of T-6' });
  const asking = checks.getByRole('listitem', { name: /needs your approval$/ });
  await expect(asking).toContainText(probe);
  await cal.screenshot({ path: test.info().outputPath('calibrator-review-approval.png') });
  await asking.getByRole('button', { name: 'Approve' }).click();
  await expect(checks.getByRole('listitem', { name: /: passed$/ })).toContainText('passed, exit 0');
  const finding = review.getByRole('list', { name: 'Findings of the review of T-6' }).getByRole('listitem');
  await expect(finding).toContainText('limits.json is never read');
  const evidenceId = (await checks.getByRole('button', { name: /^ev-/ }).textContent())!;
  await expect(finding.getByRole('button', { name: evidenceId })).toBeVisible();
  await cal.screenshot({ path: test.info().outputPath('calibrator-review-done.png') });
  await finding.getByRole('button', { name: evidenceId }).click();
  await expect(cal.getByRole('region', { name: 'Evidence output' })).toContainText('probe 42');
});

test('a run that rewrites its own check is red at a glance; Reject keeps the Calibrator\'s records and the calibration sample', async ({ page, startHost }) => {
  const project = exampleProject();
  // The run guts the test file AC-1 runs (T-1's check) and claims the check passes.
  const gutted = "import { test } from 'node:test';\ntest('bucket works', () => {});\n";
  const steps = [
    { type: 'tool_use' as const, name: 'str_replace_based_edit_tool', input: { command: 'view', path: 'test/bucket.test.js' } },
    { type: 'tool_use' as const, name: 'str_replace_based_edit_tool', input: { command: 'create', path: 'test/bucket.test.js', file_text: gutted } },
    { type: 'tool_use' as const, name: 'report_outcome', input: { summary: 'Bucket tests pass.', claims: [{ kind: 'command_passes', command: 'node --test test/bucket.test.js', statement: 'the bucket tests pass', confidence: 0.9 }] } },
    { type: 'text' as const, text: 'Done.' },
  ];
  api.respondWith((req) => {
    const turns = ((req.body?.messages ?? []) as Array<{ role: string }>).filter((m) => m.role === 'assistant').length;
    return streamReply([steps[Math.min(turns, steps.length - 1)]!]);
  });
  const home = makeTempDir('plumbline-home-');
  const host = await startHost({ folder: project, env: { ANTHROPIC_BASE_URL: api.url, ANTHROPIC_API_KEY: 'test', HOME: home, XDG_CONFIG_HOME: join(home, '.config') } });
  await openWorkspace(page, host);
  const builder = page.getByRole('region', { name: 'Builder', exact: true });
  const cal = page.getByRole('region', { name: 'Calibrator', exact: true });
  // Evidence before the run: the ledger exists at the run's checkpoint, so a Reject could restore it.
  await cal.getByRole('button', { name: 'Verify', exact: true }).click();
  await expect(cal.getByRole('status')).toContainText('passed', { timeout: 60_000 });
  await builder.getByRole('tab', { name: 'Agent', exact: true }).click();
  await page.getByLabel('Task', { exact: true }).selectOption('T-1');
  await builder.getByRole('button', { name: 'Run task' }).click();
  const run = page.getByRole('region', { name: 'Agent run' });
  await expect(run).toContainText('Baseline', { timeout: 60_000 });
  await run.getByRole('group', { name: 'Approval: Edit test/bucket.test.js' }).getByRole('button', { name: 'Approve' }).click();

  // Red in the run header, with the reason in words.
  const glance = run.getByTestId('run-glance');
  await expect(glance).toHaveAttribute('data-glance', 'red', { timeout: 60_000 });
  await expect(glance).toContainText('untrusted');
  // Red on the Runs tab badge.
  await expect(cal.getByRole('tab', { name: /Runs/ })).toContainText('✘ 1');
  // Red on the task card of the board.
  const orch = page.getByRole('region', { name: 'Orchestrator', exact: true });
  await orch.getByRole('tab', { name: 'Tasks' }).click();
  const card = orch.getByRole('region', { name: 'Tasks' }).getByRole('listitem', { name: /^T-1: / });
  await expect(card.getByTestId('task-state-T-1')).toHaveAttribute('data-state', 'untrusted');
  await page.screenshot({ path: test.info().outputPath('calibrator-untrusted-run.png') });

  // The claim was refuted; calibration has its sample.
  await cal.getByRole('tab', { name: 'Calibration' }).click();
  await expect(cal.getByRole('row', { name: /Claims with verdicts/ })).toContainText('1');
  const ledger = join(project, '.plumbline/evidence.jsonl');
  const before = readFileSync(ledger, 'utf8');
  expect(before).toContain('the bucket tests pass');

  // Reject restores the test file but keeps every record the Calibrator wrote.
  await page.getByRole('region', { name: 'Run diff' }).getByRole('button', { name: 'Reject' }).click();
  await expect(page.getByRole('region', { name: 'Run diff' })).toContainText('rejected');
  expect(readFileSync(join(project, 'test/bucket.test.js'), 'utf8')).not.toBe(gutted);
  expect(readFileSync(ledger, 'utf8').startsWith(before)).toBe(true);
  await page.reload();
  await cal.getByRole('tab', { name: 'Calibration' }).click();
  await expect(cal.getByRole('row', { name: /Claims with verdicts/ })).toContainText('1');
  await expect(cal.getByRole('row', { name: /Accuracy/ })).toContainText('0%');
});
