import type { TaskStatus } from '../../../shared/contract/spec';
import { RpcError, type Handlers } from '../../../shared/rpc';
import type { CoreContext } from '../core-context';
import type { DomainModule } from '../create-core';
import { renderExport } from '../export/export-render';
import { ImportRunner } from '../import/import-runner';
import { previewImport, recordDecision, resolveSources } from '../import/import-service';
import { PlanWatchers } from './plan-watcher';

type SpecHandlerNames =
  | 'spec.snapshot'
  | 'spec.create'
  | 'spec.saveRaw'
  | 'spec.createNamed'
  | 'spec.addItem'
  | 'spec.updateItem'
  | 'spec.deleteItem'
  | 'spec.moveItem'
  | 'spec.setSectionText'
  | 'spec.setTable'
  | 'spec.answerQuestion'
  | 'decisions.create'
  | 'decisions.update'
  | 'decisions.supersede'
  | 'tasks.create'
  | 'tasks.update'
  | 'tasks.delete'
  | 'tasks.saveRaw'
  | 'import.run'
  | 'import.cancel'
  | 'import.preview'
  | 'import.decline'
  | 'export.render';

/** Statuses only evidence gives a task (the Calibrator's checks and verdicts), never a person. */
const EVIDENCE_STATUSES: ReadonlySet<TaskStatus> = new Set(['verified', 'refuted']);

/**
 * Refuses a task status that only evidence may set. Raw saves of the task file (`tasks.saveRaw`) are
 * the user's own words and are not checked.
 */
function refuseEvidenceStatus(status: TaskStatus | undefined): void {
  if (status !== undefined && EVIDENCE_STATUSES.has(status)) {
    throw new RpcError('INVALID_REQUEST', 'A task becomes verified only through passing checks; mark it "done" and run Verify.');
  }
}

/**
 * The Orchestrator's core: spec, decisions, tasks, import and export. Every mutation answers with
 * a fresh snapshot so the renderer never patches its cache by guesswork. Edits made on disk reach
 * the renderer as `spec.didChange` from a watcher of the plan files.
 */
export function createSpecModule(ctx: CoreContext): DomainModule<Pick<Handlers, SpecHandlerNames>> {
  const imports = new ImportRunner();
  const plans = ctx.services.plans;
  // Hand edits reach the renderer through our own watcher of `.plumbline/` (started when a
  // project's plan is first read), which also covers folders that are not git repositories.
  const watchers = new PlanWatchers((root, files) => {
    watchers.retain(ctx.projects.list());
    if (!ctx.projects.list().includes(root)) return;
    // The echo of a write the plan writer already announced is dropped: one edit, one event.
    void ctx.services.planEcho.changed(root, files).then((changed) => {
      if (changed.length) ctx.bus.emit('spec.didChange', { root, files: changed });
    });
  });
  const snap = (root: string) => {
    watchers.retain(ctx.projects.list());
    watchers.ensure(root);
    return plans.snapshot(root);
  };
  return {
    dispose: () => watchers.dispose(),
    handlers: {
      'spec.snapshot': async ({ root }) => snap(ctx.projects.require(root)),
      'spec.create': async ({ root }) => {
        await plans.createSpec(ctx.projects.require(root));
        return snap(root);
      },
      'spec.saveRaw': async ({ root, content, baseHash, spec }) => {
        await plans.saveRaw(ctx.projects.require(root), content, baseHash, spec);
        return snap(root);
      },
      'spec.createNamed': async ({ root, name }) => {
        const path = await plans.createNamedSpec(ctx.projects.require(root), name);
        return { path, snapshot: await snap(root) };
      },
      'spec.addItem': async ({ root, section, text, spec }) => {
        const id = await plans.addItem(ctx.projects.require(root), section, text, spec);
        return { id, snapshot: await snap(root) };
      },
      'spec.updateItem': async ({ root, id, text, spec }) => {
        await plans.updateItem(ctx.projects.require(root), id, text, spec);
        return snap(root);
      },
      'spec.deleteItem': async ({ root, id, spec }) => {
        const r = await plans.deleteItem(ctx.projects.require(root), id, spec);
        return { ...r, snapshot: await snap(root) };
      },
      'spec.moveItem': async ({ root, id, direction, spec }) => {
        await plans.moveItem(ctx.projects.require(root), id, direction, spec);
        return snap(root);
      },
      'spec.setSectionText': async ({ root, section, text, previous, spec }) => {
        await plans.setSectionText(ctx.projects.require(root), section, text, previous, spec);
        return snap(root);
      },
      'spec.setTable': async ({ root, section, columns, rows, previous, spec }) => {
        await plans.setTable(ctx.projects.require(root), section, { columns, rows }, previous, spec);
        return snap(root);
      },
      'spec.answerQuestion': async ({ root, index, question, answer, settlesDecision, decisionTitle, spec }) => {
        const decision = await plans.answerQuestion(ctx.projects.require(root), index, question, answer, settlesDecision, decisionTitle, spec);
        return { decision, snapshot: await snap(root) };
      },
      'decisions.create': async ({ root, ...fields }) => {
        const number = await plans.createDecision(ctx.projects.require(root), fields);
        return { number, snapshot: await snap(root) };
      },
      'decisions.update': async ({ root, number, patch }) => {
        await plans.updateDecision(ctx.projects.require(root), number, patch);
        return snap(root);
      },
      'decisions.supersede': async ({ root, number, by, title }) => {
        const target = await plans.supersede(ctx.projects.require(root), number, by, title);
        return { by: target, snapshot: await snap(root) };
      },
      'tasks.create': async ({ root, ...fields }) => {
        refuseEvidenceStatus(fields.status);
        const id = await plans.createTask(ctx.projects.require(root), fields);
        return { id, snapshot: await snap(root) };
      },
      'tasks.update': async ({ root, id, patch }) => {
        refuseEvidenceStatus(patch.status);
        await plans.updateTask(ctx.projects.require(root), id, patch);
        return snap(root);
      },
      'tasks.delete': async ({ root, id }) => {
        const previousContent = await plans.deleteTask(ctx.projects.require(root), id);
        return { previousContent, snapshot: await snap(root) };
      },
      'tasks.saveRaw': async ({ root, content }) => {
        await plans.saveRawTasks(ctx.projects.require(root), content);
        return snap(root);
      },
      'import.preview': async ({ root, paths }) => ({ changes: await previewImport(ctx.projects.require(root), paths, ctx.importWorkerPath) }),
      'import.run': async ({ root, paths, importId, accept }) => {
        const abs = ctx.projects.require(root);
        const summary = await imports.run(abs, importId, paths, (signal, onProgress) => plans.importSources(abs, paths, { signal, onProgress, accept, workerPath: ctx.importWorkerPath }), (id, done, total, items) =>
          ctx.bus.emit('import.didProgress', { root, importId: id, done, total, items }),
        );
        return { summary, snapshot: await snap(root) };
      },
      'import.cancel': async ({ root, importId }) => ({ cancelled: imports.cancel(ctx.projects.require(root), importId) }),
      'import.decline': async ({ root, paths }) => {
        const abs = ctx.projects.require(root);
        await recordDecision(abs, await resolveSources(abs, paths), 'declined');
        return snap(root);
      },
      'export.render': async ({ root, format, withTasks, withEvidence }) => {
        const r = await renderExport(ctx.projects.require(root), format, { withTasks, withEvidence, dataDir: ctx.dataDir }, ctx.host.printToPdf);
        return { fileName: r.fileName, mimeType: r.mimeType, base64: Buffer.from(r.bytes).toString('base64') };
      },
    },
  };
}
