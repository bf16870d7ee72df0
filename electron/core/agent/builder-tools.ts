import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { glob } from 'tinyglobby';
import type { AgentClaim } from '../../../shared/contract';
import { agentClaim } from '../../../shared/contract';
import type { LoopTool, ToolOutcome } from './agent-loop';
import { isAllowlisted, runCommand, type CommandResult } from '../commands/command-runner';
import { detectSandboxAsync } from '../commands/sandbox';
import type { FileWriter } from './file-writer';
import { confinePath, ToolError } from '../files/path-guard';
import { searchFiles, type SearchFile } from './regex-search';
import type { RunJournal } from '../checkpoints/run-journal';
import { ShadowRepo } from '../checkpoints/shadow-repo';
import { blobHash } from '../util/text-format';
import { EVIDENCE_FILE } from '../verify/evidence';

/** The empty ledger the sandbox creates before a command when there is none (see ensureLedgerFile): not the command's write. */
const EMPTY_BLOB = blobHash(new Uint8Array());

/** Asks whether a command may run (after the allowlist said no). */
export type CommandGate = (command: string) => Promise<boolean>;

/** What the tools of one run share. */
export interface BuilderToolEnv {
  readonly root: string;
  readonly writer: FileWriter;
  readonly journal: RunJournal;
  readonly shadow: ShadowRepo;
  readonly allowlist: readonly string[];
  /** The task's configured check commands: they run without asking, exactly as written. */
  readonly checks?: readonly string[];
  readonly gate: CommandGate;
  readonly timeoutMs: number;
  readonly secrets: readonly string[];
  /** The bash tool's commands may reach the network (the setting or the task allows it); off when absent. */
  readonly network?: boolean;
  /** Reports a checkpoint, a finished command and files it changed. */
  readonly onCheckpoint: (ref: string, reason: string) => void;
  readonly onCommand: (toolUseId: string, command: string, result: CommandResult) => void;
  readonly onCommandWrites: (paths: readonly { path: string; hashBefore: string | null; hashAfter: string | null }[]) => void;
  readonly onOutcome: (summary: string, claims: readonly AgentClaim[]) => void;
  /** Read-only session (Ask routed to the builder): view, glob, grep and allowlisted commands only. */
  readonly readOnly: boolean;
}

const ok = (text: string, final = false): ToolOutcome => ({ text, isError: false, final });

/** The text editor tool (Anthropic's shape), through the one file writer. */
export function editTool(env: BuilderToolEnv): LoopTool {
  return {
    name: 'str_replace_based_edit_tool',
    definition: { type: 'text_editor_20250728', name: 'str_replace_based_edit_tool' },
    run: async (input) => {
      try {
        return ok(await env.writer.run(input));
      } catch (error) {
        if (error instanceof ToolError) return { text: error.message, isError: true };
        throw error;
      }
    },
  };
}

/** The bash tool (Anthropic's shape): checkpoint, approval, run with caps, journal what the command changed. */
export function bashTool(env: BuilderToolEnv): LoopTool {
  return {
    name: 'bash',
    definition: { type: 'bash_20250124', name: 'bash' },
    run: async (input, ctx) => {
      if (input.restart === true) return ok('Each command runs in a fresh shell in the project folder; nothing to restart.');
      const command = typeof input.command === 'string' ? input.command : '';
      if (!command.trim()) return { text: '"command" is required.', isError: true };
      const allowed = isAllowlisted(command, env.allowlist) || (env.checks ?? []).some((c) => c.trim() === command.trim());
      if (env.readOnly && !allowed) return { text: 'This session is read-only: only allowlisted read-only commands run. Answer from what you can view.', isError: true };
      // Without an OS sandbox nothing runs unasked, not even allowlisted commands or the task's checks.
      const ask = !allowed || (await detectSandboxAsync()).kind === 'none';
      if (ask && !(await env.gate(command))) return { text: 'The user declined this command; it did not run.', isError: true };
      const before = await env.shadow.snapshot(`before command: ${command.slice(0, 200)}`);
      env.onCheckpoint(before, `before command: ${command.slice(0, 200)}`);
      const result = await runCommand(command, { cwd: env.root, timeoutMs: env.timeoutMs, signal: ctx.signal, secrets: env.secrets, network: env.network === true });
      env.onCommand(ctx.toolUseId, command, result);
      // Compare snapshots so files a command changed are journaled like edits.
      const beforeTree = await env.shadow.readSnapshot(before);
      const afterTree = await env.shadow.scan();
      const changed = ShadowRepo.changed(beforeTree, afterTree)
        .map((path) => ({ path, hashBefore: beforeTree.get(path)?.oid ?? null, hashAfter: afterTree.get(path)?.oid ?? null }))
        .filter((c) => !(c.path === EVIDENCE_FILE && c.hashBefore === null && c.hashAfter === EMPTY_BLOB));
      for (const c of changed) {
        env.journal.record({ ...c, source: 'command', flags: [] });
        env.writer.forget(c.path);
      }
      if (changed.length) env.onCommandWrites(changed);
      const status = result.cancelled ? 'cancelled' : result.timedOut ? `timed out after ${Math.round(env.timeoutMs / 1000)} s (process group killed)` : `exit code ${result.exitCode ?? `signal ${result.signal}`}`;
      return { text: `${result.output}\n[${status}]`, isError: result.cancelled || result.timedOut || result.exitCode !== 0 };
    },
  };
}

/** report_outcome: ends a building run with a summary and claims (checked by the Calibrator). */
export function reportOutcomeTool(env: BuilderToolEnv): LoopTool {
  return {
    name: 'report_outcome',
    definition: {
      name: 'report_outcome',
      description:
        'Call once when the task is done (or cannot be done). Give a short summary and every claim you make about the result, each with your confidence (0..1). Claims are checked against the disk, git and real command runs.',
      input_schema: {
        type: 'object',
        properties: {
          summary: { type: 'string', description: 'What was done, in two or three sentences.' },
          claims: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                kind: { type: 'string', enum: ['file_changed', 'file_created', 'file_deleted', 'command_passes', 'requirement_met', 'other'] },
                path: { type: 'string' },
                command: { type: 'string' },
                requirement: { type: 'string' },
                statement: { type: 'string' },
                confidence: { type: 'number', minimum: 0, maximum: 1 },
              },
              required: ['kind', 'statement', 'confidence'],
            },
          },
        },
        required: ['summary', 'claims'],
      },
    },
    run: async (input) => {
      if (typeof input.summary !== 'string' || !Array.isArray(input.claims)) return { text: 'report_outcome needs "summary" (string) and "claims" (array).', isError: true };
      const claims: AgentClaim[] = [];
      for (const [i, raw] of input.claims.entries()) {
        const parsed = agentClaim.safeParse(raw);
        if (!parsed.success) return { text: `Claim ${i + 1} is not valid: ${parsed.error.issues.map((x) => `${x.path.join('.')}: ${x.message}`).join('; ')}`, isError: true };
        claims.push(parsed.data);
      }
      env.onOutcome(input.summary, claims);
      return ok(`Outcome recorded with ${claims.length} claim(s); they will be verified.`, true);
    },
  };
}

/** glob: file paths matching a pattern, .gitignore-blind but .git and node_modules skipped. */
export function globTool(env: BuilderToolEnv): LoopTool {
  return {
    name: 'glob',
    definition: {
      name: 'glob',
      description: 'List project files matching a glob pattern (for example "src/**/*.ts"). Read-only.',
      input_schema: { type: 'object', properties: { pattern: { type: 'string' } }, required: ['pattern'] },
    },
    run: async (input) => {
      const pattern = typeof input.pattern === 'string' ? input.pattern : '';
      if (!pattern || pattern.includes('..') || pattern.startsWith('/')) return { text: 'Give a relative pattern inside the project (no "..", not absolute).', isError: true };
      const files = await glob(pattern, { cwd: env.root, ignore: ['**/.git/**', '**/node_modules/**'], dot: true, followSymbolicLinks: false });
      files.sort();
      return ok(files.length ? files.slice(0, 500).join('\n') + (files.length > 500 ? `\n… ${files.length - 500} more` : '') : 'No files match.');
    },
  };
}

/** grep: lines matching a regular expression in project files. */
export function grepTool(env: BuilderToolEnv): LoopTool {
  return {
    name: 'grep',
    definition: {
      name: 'grep',
      description: 'Search project files for a regular expression; returns path:line: text. Optional "glob" narrows the files. Read-only.',
      input_schema: { type: 'object', properties: { pattern: { type: 'string' }, glob: { type: 'string' } }, required: ['pattern'] },
    },
    run: async (input, ctx) => {
      const source = String(input.pattern ?? '');
      const pattern = typeof input.glob === 'string' && input.glob && !input.glob.includes('..') ? input.glob : '**/*';
      const files = await glob(pattern, { cwd: env.root, ignore: ['**/.git/**', '**/node_modules/**'], dot: true, followSymbolicLinks: false });
      const allowed: SearchFile[] = [];
      for (const f of files.sort()) {
        const p = await confinePath(env.root, f).catch(() => null);
        if (!p) continue;
        const st = await fs.stat(join(env.root, f)).catch(() => null);
        if (!st || !st.isFile() || st.size > 1024 * 1024) continue;
        allowed.push({ abs: p.abs, rel: f });
      }
      // The model's pattern runs in a worker with a time budget, never on the host's event loop.
      const result = await searchFiles(source, allowed, { limit: 200, signal: ctx.signal });
      if (!result.ok) return { text: result.message, isError: true };
      return ok(result.hits.length ? result.hits.join('\n') : 'No matches.');
    },
  };
}

/** The building agent's tool set (read-only sessions get view, glob, grep and allowlisted commands). */
export function builderTools(env: BuilderToolEnv): LoopTool[] {
  const tools = [editTool(env), bashTool(env), globTool(env), grepTool(env)];
  if (!env.readOnly) tools.push(reportOutcomeTool(env));
  return tools;
}
