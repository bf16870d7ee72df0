import * as fs from 'node:fs';
import { join } from 'node:path';
import type { ContentBlockParam, MessageParam } from '@anthropic-ai/sdk/resources/messages';
import type { AgentRole, RunFileDiff, RunSummary, TranscriptEvent } from '../../../shared/contract';
import { RpcError } from '../../../shared/rpc';
import { readAuthor } from '../git/author-config';
import { EVIDENCE_FILE } from '../verify/evidence';
import { commitRunChanges } from '../checkpoints/run-commit';
import { buildTaskContext } from './task-context';
import { looksBinary } from '../util/text-format';
import { BUILDER_SYSTEM, ASK_THINKER_SYSTEM } from '../model/prompts';
import type { AgentEnv } from './agent-env';
import type { BuildingRuns } from './building-run';
import { now, type RunRegistry } from './run-registry';
import { summarise } from '../model/transcript-store';

/**
 * Review of a finished run: its diff, accept (commit exactly its changes), reject and its undo;
 * and what happens to an interrupted run: discard, or resume as a new run from its transcript.
 */
export class RunReview {
  constructor(
    private readonly env: AgentEnv,
    private readonly registry: RunRegistry,
    private readonly building: BuildingRuns,
  ) {}

  /** Appends a review record and tells the panes (the record and the run's new summary), so none reloads the run. */
  private async note(root: string, runId: string, event: TranscriptEvent): Promise<void> {
    await this.env.transcripts.append(root, runId, event);
    this.env.ctx.bus.emit('agent.didAppend', { runId, root, event });
    const summary = summarise(await this.env.transcripts.read(root, runId), false);
    if (summary) this.env.ctx.bus.emit('agent.didUpdate', { root, summary, retryAt: null });
  }

  private async finished(root: string, runId: string): Promise<{ events: TranscriptEvent[]; checkpoint: string; summary: RunSummary }> {
    const live = this.registry.live(runId);
    // A run is reviewable from its end record on (claim verification may still be finishing).
    if (live && !live.events.some((e) => e.type === 'end')) throw new RpcError('CONFLICT', 'The run is still going; stop it or wait for it to finish first.');
    const { events, summary } = await this.registry.transcript(root, runId);
    const start = events.find((e) => e.type === 'start');
    if (!start || start.type !== 'start' || !start.checkpoint) throw new RpcError('CONFLICT', 'This run has no checkpoint, so it has nothing to review.');
    return { events, checkpoint: start.checkpoint, summary };
  }

  /** The run's diff: checkpoint → working tree for the files the run touched (`workRoot`: a parallel run's worktree). */
  async diff(root: string, runId: string, workRoot = root): Promise<RunFileDiff[]> {
    const { events, checkpoint } = await this.finished(root, runId);
    const shadow = this.env.shadow(workRoot);
    const before = await shadow.readSnapshot(checkpoint);
    const { paths } = touched(events);
    const out: RunFileDiff[] = [];
    for (const path of paths.sort()) {
      const b = before.get(path);
      const abs = join(workRoot, path);
      const after = fs.existsSync(abs) ? new Uint8Array(await fs.promises.readFile(abs)) : null;
      const beforeBytes = b ? await shadow.readBlob(b.oid) : null;
      if (!after && !beforeBytes) continue;
      const binary = (after !== null && looksBinary(after)) || (beforeBytes !== null && looksBinary(beforeBytes));
      const dec = (x: Uint8Array | null): string | null => (x === null || binary ? null : new TextDecoder().decode(x));
      if (after && beforeBytes && Buffer.compare(Buffer.from(after), Buffer.from(beforeBytes)) === 0) continue;
      out.push({ path, status: !beforeBytes ? 'added' : !after ? 'deleted' : 'modified', binary, before: dec(beforeBytes), after: dec(after) });
    }
    return out;
  }

  /** Commits exactly the run's changes (see commitRunChanges) to the user's repository. */
  async accept(root: string, runId: string, message?: string): Promise<{ commit: string; files: string[] }> {
    const { summary, checkpoint } = await this.finished(root, runId);
    const files = await this.diff(root, runId);
    if (!files.length) throw new RpcError('CONFLICT', 'The run changed no files, so there is nothing to commit.');
    if (!fs.existsSync(join(root, '.git'))) throw new RpcError('CONFLICT', 'This folder is not a git repository yet. Initialise git (Builder ▸ Changes) and accept again.');
    const author = await readAuthor(root);
    if (!author.name || !author.email) throw new RpcError('CONFLICT', 'Set your commit name and email (git config user.name and user.email) and accept again.');
    const before = await this.env.shadow(root).readSnapshot(checkpoint);
    const who = { name: author.name, email: author.email };
    const text = message?.trim() || `${summary.taskId ? `${summary.title}` : summary.title}\n\nAccepted agent run ${runId} (${summary.model}).`;
    const commit = await commitRunChanges(root, files, (path) => before.get(path)?.oid ?? null, { message: text, author: who });
    await this.note(root, runId, { type: 'review', at: now(), action: 'accepted', commit, restoreRef: null });
    this.env.ctx.bus.emit('repo.didChange', { root, paths: files.map((f) => f.path), git: true });
    return { commit, files: files.map((f) => f.path) };
  }

  /** Restores the run's checkpoint (transactional, undoable). */
  async reject(root: string, runId: string): Promise<{ restored: string[]; deleted: string[]; undoRef: string }> {
    const { events, checkpoint } = await this.finished(root, runId);
    const { created } = touched(events);
    // The ledger is never restored: the Calibrator's records of a rejected run stay.
    const r = await this.env.shadow(root).restore(checkpoint, created, { keep: [EVIDENCE_FILE] });
    await this.note(root, runId, { type: 'review', at: now(), action: 'rejected', commit: null, restoreRef: r.undoRef });
    this.env.ctx.bus.emit('repo.didChange', { root, paths: [...r.restored, ...r.deleted], git: false });
    return { restored: [...r.restored], deleted: [...r.deleted], undoRef: r.undoRef };
  }

  /** Undoes the last reject of a run. */
  async undoReject(root: string, runId: string): Promise<{ restored: string[]; deleted: string[] }> {
    const { events, checkpoint } = await this.finished(root, runId);
    const last = [...events].reverse().find((e) => e.type === 'review');
    if (!last || last.type !== 'review' || last.action !== 'rejected' || !last.restoreRef) throw new RpcError('CONFLICT', 'This run was not rejected, so there is nothing to undo.');
    const shadow = this.env.shadow(root);
    const target = await shadow.readSnapshot(checkpoint);
    const undoTree = await shadow.readSnapshot(last.restoreRef);
    // Files the reject re-created (they were absent just before it) are the only ones undo may delete.
    const recreated = new Set([...target.keys()].filter((p) => !undoTree.has(p)));
    const r = await shadow.restore(last.restoreRef, recreated, { keep: [EVIDENCE_FILE] });
    await this.note(root, runId, { type: 'review', at: now(), action: 'restore_undone', commit: null, restoreRef: r.undoRef });
    this.env.ctx.bus.emit('repo.didChange', { root, paths: [...r.restored, ...r.deleted], git: false });
    return { restored: [...r.restored], deleted: [...r.deleted] };
  }

  /** Marks an interrupted run as discarded. */
  async discard(root: string, runId: string): Promise<void> {
    const { summary } = await this.registry.transcript(root, runId);
    if (summary.status !== 'interrupted') throw new RpcError('CONFLICT', 'Only an interrupted run can be discarded.');
    await this.note(root, runId, { type: 'review', at: now(), action: 'discarded', commit: null, restoreRef: null });
  }

  /** Continues an interrupted run as a new run from its transcript (unanswered tool calls answered as cancelled). */
  async resume(root: string, runId: string): Promise<string> {
    const { env, registry } = this;
    const { summary, events } = await registry.transcript(root, runId);
    if (summary.status !== 'interrupted') throw new RpcError('CONFLICT', 'Only an interrupted run can be resumed.');
    const role: AgentRole = summary.kind === 'task' ? 'builder' : summary.role;
    const conn = await env.requireConnection(role);
    const messages = rebuildMessages(events);
    const settings = await env.settings.load();
    const start = events.find((e) => e.type === 'start');
    const checkpoint = start && start.type === 'start' ? start.checkpoint : null;
    const run = registry.newRun(root, summary.kind);
    await env.transcripts.append(root, runId, { type: 'end', at: now(), status: 'stopped', reason: `Resumed as ${run.runId}.`, usage: summary.usage, costUsd: summary.costUsd });
    registry.record(run, { type: 'start', at: now(), runId: run.runId, kind: summary.kind, taskId: summary.taskId, title: summary.title, role, model: conn.model, checkpoint, resumedFrom: runId });
    const text = 'The session was interrupted (the app stopped). Check the current state of the files before continuing.';
    messages.push({ role: 'user', content: [{ type: 'text', text }] });
    const taskText = events.find((e) => e.type === 'user')?.type === 'user' ? (events.find((e) => e.type === 'user') as { text: string }).text : '';
    const context = summary.kind === 'task' ? await buildTaskContext(root, summary.taskId ?? '').catch(() => null) : null;
    const memory = context?.memory ?? null;
    // Copy the write records so review of the resumed run covers the whole piece of work.
    for (const e of events) if (e.type === 'write' || e.type === 'user' || e.type === 'assistant' || e.type === 'tool_result') registry.record(run, e);
    run.done = this.building.drive(run, conn, { checkpoint, taskId: summary.taskId, scope: [], memory, messages, readOnly: summary.kind !== 'task', system: summary.kind === 'task' ? BUILDER_SYSTEM : ASK_THINKER_SYSTEM, taskText, settings, resumedFrom: runId, taskAllowsNetwork: context?.task.network === true });
    return run.runId;
  }
}

/** Paths the run wrote and the ones it created (first write had no previous content). */
function touched(events: readonly TranscriptEvent[]): { paths: string[]; created: Set<string> } {
  const paths: string[] = [];
  const created = new Set<string>();
  for (const e of events) {
    if (e.type !== 'write') continue;
    if (!paths.includes(e.path)) {
      paths.push(e.path);
      if (e.hashBefore === null && e.hashAfter !== null) created.add(e.path);
    }
  }
  return { paths, created };
}

/** Rebuilds API messages from a transcript (thinking is dropped: its signature is not kept). */
export function rebuildMessages(events: readonly TranscriptEvent[]): MessageParam[] {
  const out: MessageParam[] = [];
  let pendingResults: Array<{ type: 'tool_result'; tool_use_id: string; is_error: boolean; content: string }> = [];
  const flushResults = (): void => {
    if (pendingResults.length) out.push({ role: 'user', content: pendingResults });
    pendingResults = [];
  };
  for (const e of events) {
    if (e.type === 'user') {
      flushResults();
      const last = out[out.length - 1];
      if (last && last.role === 'user' && Array.isArray(last.content)) last.content.push({ type: 'text', text: e.text });
      else out.push({ role: 'user', content: [{ type: 'text', text: e.text }] });
    } else if (e.type === 'assistant') {
      flushResults();
      const content: ContentBlockParam[] = [];
      for (const b of e.content) {
        if (b.type === 'text') content.push({ type: 'text', text: b.text });
        else if (b.type === 'tool_use') content.push({ type: 'tool_use', id: b.id, name: b.name, input: b.input });
      }
      if (content.length) out.push({ role: 'assistant', content });
    } else if (e.type === 'tool_result') {
      pendingResults.push({ type: 'tool_result', tool_use_id: e.toolUseId, is_error: e.isError, content: e.output });
    }
  }
  flushResults();
  return out;
}
