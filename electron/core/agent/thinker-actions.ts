import { z } from 'zod';
import { lenientDraftTask, submittedTaskJsonSchema, type DraftTask } from '../../../shared/contract';
import type { LoopTool } from './agent-loop';
import type { AgentService } from './agent-service';
import { makeClient } from '../model/model-stream';
import { THINKER_SYSTEM } from '../model/prompts';
import { readSpecText } from './task-context';

const finding = z.object({ kind: z.string().default('gap'), item: z.string().nullable().default(null), text: z.string().min(1) });
const question = z.object({ question: z.string().min(1), recommended: z.string().min(1), item: z.string().nullable().default(null) });
const critiqueInput = z.object({ findings: z.array(finding), questions: z.array(question) });

/** The result of "Critique spec". */
export type Critique = { findings: z.infer<typeof finding>[]; questions: z.infer<typeof question>[] };

const critiqueTool = {
  name: 'submit_critique',
  definition: {
    name: 'submit_critique',
    description: 'Submit the critique: findings on gaps and at most five clarifying questions, each with your recommended answer.',
    input_schema: {
      type: 'object' as const,
      properties: {
        findings: {
          type: 'array',
          items: {
            type: 'object',
            properties: { kind: { type: 'string', enum: ['missing_failure_mode', 'security', 'vague_check', 'gap', 'other'] }, item: { type: ['string', 'null'] }, text: { type: 'string' } },
            required: ['kind', 'text'],
          },
        },
        questions: {
          type: 'array',
          maxItems: 5,
          items: { type: 'object', properties: { question: { type: 'string' }, recommended: { type: 'string' }, item: { type: ['string', 'null'] } }, required: ['question', 'recommended'] },
        },
      },
      required: ['findings', 'questions'],
    },
  },
  run: async () => ({ text: '', isError: false }),
  parse: (input: Record<string, unknown>): Critique => {
    const parsed = critiqueInput.parse(input);
    // At most five questions reach the user, however many the model sends.
    return { findings: parsed.findings, questions: parsed.questions.slice(0, 5) };
  },
} satisfies LoopTool & { parse: (i: Record<string, unknown>) => Critique };

/** Thinker: critique the spec. */
export async function critiqueSpec(service: AgentService, root: string): Promise<{ runId: string } & Critique> {
  const spec = await readSpecText(root);
  const prompt = `Critique this spec. Look for missing failure modes, security holes, vague acceptance checks and other gaps. Ask at most five clarifying questions, each with a recommended answer.\n\n<spec>\n${spec}\n</spec>`;
  const { runId, value } = await service.thinkerAction(root, 'critique', 'Critique spec', prompt, THINKER_SYSTEM, critiqueTool);
  return { runId, ...value };
}

const breakdownInput = z.object({ tasks: z.array(lenientDraftTask).min(1) });

const breakdownTool = {
  name: 'submit_tasks',
  definition: {
    name: 'submit_tasks',
    description: 'Submit the proposed tasks: small units an agent can finish in one run, each with the requirement IDs it serves, scope, checks and dependencies (by position, "#1", or existing task IDs).',
    input_schema: {
      type: 'object' as const,
      properties: {
        tasks: {
          type: 'array',
          items: submittedTaskJsonSchema(),
        },
      },
      required: ['tasks'],
    },
  },
  run: async () => ({ text: '', isError: false }),
  parse: (input: Record<string, unknown>): DraftTask[] =>
    breakdownInput.parse(input).tasks.map((t) => ({
      title: t.title,
      description: t.description ?? '',
      requirements: t.requirements ?? [],
      scope: t.scope ?? [],
      checks: t.checks ?? [],
      dependsOn: t.dependsOn ?? [],
    })),
} satisfies LoopTool & { parse: (i: Record<string, unknown>) => DraftTask[] };

/** Thinker: break the spec into a draft task list (nothing is written). */
export async function breakIntoTasks(service: AgentService, root: string): Promise<{ runId: string; tasks: DraftTask[] }> {
  const spec = await readSpecText(root);
  const prompt = `Break this spec into small tasks an agent can finish in one run each. Every task names the requirement IDs it serves, the files or folders in its scope, the checks that prove it (commands where possible) and its dependencies.\n\n<spec>\n${spec}\n</spec>`;
  const { runId, value } = await service.thinkerAction(root, 'breakdown', 'Break into tasks', prompt, THINKER_SYSTEM, breakdownTool);
  return { runId, tasks: value };
}

/** A routing decision for a free-form question. */
export interface Route {
  readonly role: 'thinker' | 'builder';
  readonly reason: string;
}

/** Without a model: concrete when the question names files, code or commands. */
export function routeByHeuristic(question: string): Route {
  const concrete = /`[^`]+`|\b[\w-]+\.(ts|js|tsx|jsx|py|go|rs|json|md|css|html|sh|yml|yaml)\b|\b(function|class|method|line|file|error|stack|test|bug|where is|which file)\b/i;
  return concrete.test(question)
    ? { role: 'builder', reason: 'it names files, code or an error (concrete); decided by keywords because the utility model was not available' }
    : { role: 'thinker', reason: 'it asks about direction, design or trade-offs (fuzzy); decided by keywords because the utility model was not available' };
}

/** Routes a question with the utility model (fuzzy → thinker, concrete → builder); falls back to keywords. */
export async function routeQuestion(service: AgentService, question: string): Promise<Route> {
  const conn = await service.settings.connection('utility');
  if (!conn.apiKey) return routeByHeuristic(question);
  try {
    const client = makeClient(conn.apiKey, conn.baseURL);
    const res = await client.messages.create(
      {
        model: conn.model,
        max_tokens: 200,
        system: 'Classify the question. "concrete" = about specific code, files, errors or how something in this repository works now. "fuzzy" = about design, direction, priorities, trade-offs or the spec. Reply with JSON only: {"route":"fuzzy"|"concrete","reason":"<one short sentence>"}',
        messages: [{ role: 'user', content: question }],
      },
      { maxRetries: 2, timeout: 30_000 },
    );
    const text = res.content.flatMap((b) => (b.type === 'text' ? [b.text] : [])).join('');
    const json = z.object({ route: z.enum(['fuzzy', 'concrete']), reason: z.string() }).parse(JSON.parse(text.slice(text.indexOf('{'), text.lastIndexOf('}') + 1)));
    return { role: json.route === 'fuzzy' ? 'thinker' : 'builder', reason: `${json.route}: ${json.reason} (classified by ${conn.model})` };
  } catch {
    return routeByHeuristic(question);
  }
}
