import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MessageParam } from '@anthropic-ai/sdk/resources/messages';
import type { StreamDelta, TranscriptEvent } from '../../../../../shared/contract';
import { runAgentLoop, type LoopResult } from '../../../../../electron/core/agent/agent-loop';
import { builderTools, type BuilderToolEnv } from '../../../../../electron/core/agent/builder-tools';
import { FileWriter } from '../../../../../electron/core/agent/file-writer';
import { makeClient } from '../../../../../electron/core/model/model-stream';
import { RunJournal } from '../../../../../electron/core/checkpoints/run-journal';
import { ShadowRepo } from '../../../../../electron/core/checkpoints/shadow-repo';
import type { CoreContext } from '../../../../../electron/core/core-context';
import type { MockMessagesApi } from '../../../../helpers/mock-messages-api';
import { testCoreContext } from '../../../../helpers/core-context';

/** A temp project folder and data folder, removed by cleanup(). */
export async function tempProject(): Promise<{ root: string; dataDir: string; cleanup: () => Promise<void> }> {
  const base = await mkdtemp(join(tmpdir(), 'plumbline-agent-'));
  const root = join(base, 'project');
  const dataDir = join(base, 'data');
  const { mkdir } = await import('node:fs/promises');
  await mkdir(root);
  await mkdir(dataDir);
  return { root, dataDir, // Retried: a service closing down may still finish a write into the data folder while it is removed.
  cleanup: () => rm(base, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 }) };
}

/** A core context for one project (opened in the registry) as the web host builds it; secrets in memory. */
export function projectContext(project: { root: string; dataDir: string }, secrets: Map<string, string> = new Map()): CoreContext {
  return testCoreContext({ dataDir: project.dataDir, roots: [project.root], secrets });
}

/** Options of runScripted. */
export interface ScriptedRunOptions {
  readonly approveEdits?: boolean;
  readonly approveCommands?: boolean;
  readonly signal?: AbortSignal;
  readonly stepLimit?: number;
  readonly costCeilingUsd?: number;
  readonly onDelta?: (d: StreamDelta) => void;
  readonly steer?: () => string[];
  readonly messages?: MessageParam[];
  /** The endpoint the client calls (default: the mock's URL). */
  readonly baseURL?: string;
}

/** Runs the real loop with the real SDK against the mock; retries wait no time. */
export async function runScripted(
  api: MockMessagesApi,
  root: string,
  dataDir: string,
  options: ScriptedRunOptions = {},
): Promise<{ result: LoopResult; events: TranscriptEvent[]; journal: RunJournal; commandsRun: string[] }> {
  const events: TranscriptEvent[] = [];
  const journal = new RunJournal();
  const writer = new FileWriter(root, journal, async () => options.approveEdits ?? true);
  const shadow = new ShadowRepo(root, dataDir);
  const commandsRun: string[] = [];
  const env: BuilderToolEnv = {
    root,
    writer,
    journal,
    shadow,
    allowlist: ['ls', 'cat'],
    gate: async () => options.approveCommands ?? true,
    timeoutMs: 20_000,
    secrets: ['test-key'],
    onCheckpoint: () => {},
    onCommand: (_id, command) => commandsRun.push(command),
    onCommandWrites: () => {},
    onOutcome: () => {},
    readOnly: false,
  };
  const controller = new AbortController();
  options.signal?.addEventListener('abort', () => controller.abort());
  const result = await runAgentLoop({
    client: makeClient('test-key', options.baseURL ?? api.url),
    model: 'mock-model',
    maxTokens: 4096,
    system: 'You are the building agent.',
    memory: 'Use two-space indentation.',
    tools: builderTools(env),
    messages: options.messages ?? [{ role: 'user', content: 'Do task T-1.' }],
    stepLimit: options.stepLimit ?? 20,
    costCeilingUsd: options.costCeilingUsd ?? 100,
    price: { model: 'mock-model', input: 3, output: 15, cacheWrite5m: 3.75, cacheWrite1h: 6, cacheRead: 0.3 },
    signal: controller.signal,
    backoff: { maxAttempts: 6, baseMs: 1, maxMs: 5 },
    sleep: async () => {},
    takeSteer: options.steer ?? (() => []),
    emit: (e) => events.push(e),
    onDelta: options.onDelta ?? (() => {}),
    onRetryWait: () => {},
  });
  return { result, events, journal, commandsRun };
}
