import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { expect, openWorkspace, test } from './fixtures';
import { git, makeTempDir } from '../helpers/temp-repo';
import { startMockMessagesApi, streamReply, type MockMessagesApi } from '../helpers/mock-messages-api';

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
  await page.getByRole('button', { name: 'Run task' }).click();

  await cal.getByRole('tab', { name: /Runs/ }).click();
  const claims = cal.getByRole('list', { name: 'Claims' });
  await expect(claims.getByRole('listitem')).toHaveCount(4, { timeout: 60_000 });
  // Verdicts first, refuted on top.
  await expect(claims.getByRole('listitem').nth(0)).toHaveAccessibleName(/^refuted: /);
  await expect(claims.getByRole('listitem').nth(1)).toHaveAccessibleName(/^refuted: /);
  await expect(claims.getByRole('listitem', { name: 'refuted: quota store reads per-key limits' })).toContainText('byte-identical to the checkpoint');
  await expect(claims.getByRole('listitem', { name: 'refuted: config loader added' })).toContainText('src/config.js does not exist');
  await expect(claims.getByRole('listitem', { name: 'verified: the whole suite passes' })).toBeVisible();
  await expect(cal.getByRole('tab', { name: /Runs/ })).toContainText('✘ 2');
  // What no machine can check waits for a ruling; the ruling is evidence too.
  const other = claims.getByRole('listitem', { name: 'unverifiable: a missing limits.json falls back to the default' });
  await other.getByRole('textbox').fill('no fallback in src/quota.js');
  await other.getByRole('button', { name: '✘ Does not hold' }).click();
  await expect(claims.getByRole('listitem', { name: 'refuted: a missing limits.json falls back to the default' })).toContainText('no fallback in src/quota.js');
  await expect(cal.getByRole('tab', { name: /Runs/ })).toContainText('✘ 3');
  await page.screenshot({ path: test.info().outputPath('calibrator-runs.png') });
  await cal.screenshot({ path: test.info().outputPath('calibrator-runs-pane.png') });

  // Calibration: the model stated ~89% and was right a quarter of the time.
  await cal.getByRole('tab', { name: 'Calibration' }).click();
  const diagram = cal.getByRole('img', { name: /^Reliability diagram: / });
  await expect(diagram).toBeVisible();
  await expect(cal.getByRole('row', { name: /Claims with verdicts/ })).toContainText('4');
  await expect(cal.getByRole('row', { name: /Accuracy/ })).toContainText('25%');
  await cal.screenshot({ path: test.info().outputPath('calibrator-calibration-pane.png') });
});
