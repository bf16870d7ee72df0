import { RpcError } from '../../../shared/rpc';
import type { TaskStatus } from '../../../shared/contract/spec';
import { afterLineEnding, lineEnd, lineStart, splice } from './markdown-source';
import { oneLine } from './spec-edit';
import { parseTasks, type ParsedTask, type TaskField } from './tasks-doc';

/** Editable task fields as the edits take them. */
export interface TaskPatch {
  readonly title?: string;
  readonly description?: string;
  readonly serves?: readonly string[];
  readonly scope?: readonly string[];
  readonly checks?: readonly string[];
  readonly depends?: readonly string[];
  readonly status?: TaskStatus;
  readonly from?: string;
}

const FIELD_ORDER: readonly TaskField[] = ['serves', 'scope', 'checks', 'depends', 'status', 'from'];

function eolOf(text: string): string {
  return (text.match(/\r\n/g) ?? []).length * 2 > (text.match(/\n/g) ?? []).length ? '\r\n' : '\n';
}

function find(text: string, id: string): ParsedTask {
  const t = parseTasks(text).find((x) => x.id === id);
  if (!t) throw new RpcError('NOT_FOUND', `No task ${id} in .plumbline/tasks.md. It may have been edited outside Plumbline; reload the tasks.`);
  return t;
}

/** The text of a field's value as written in the file. */
export function formatField(key: TaskField, value: readonly string[] | string): string {
  if (typeof value === 'string') return oneLine(value);
  if (key === 'checks') return value.map((c) => `\`${oneLine(c).replace(/`/g, "'")}\``).join(', ');
  return value.map((v) => oneLine(v)).join(', ');
}

/** Sets (or removes, when empty) one `- key: value` line of a task. */
export function setTaskField(text: string, id: string, key: TaskField, value: readonly string[] | string): string {
  const task = find(text, id);
  const formatted = formatField(key, value);
  const existing = task.fields.get(key);
  const eol = eolOf(text);
  if (existing) {
    if (!formatted) return splice(text, lineStart(text, existing.start), afterLineEnding(text, existing.itemEnd), '');
    return splice(text, existing.start, existing.end, `${key}: ${formatted}`);
  }
  if (!formatted) return text;
  // Insert after the last field that comes before this one in the canonical order, else after the last field.
  const present = [...task.fields.entries()].sort((a, b) => a[1].start - b[1].start);
  if (present.length) {
    const rank = FIELD_ORDER.indexOf(key);
    const before = present.filter(([k]) => FIELD_ORDER.indexOf(k) < rank).at(-1) ?? null;
    if (before) {
      const at = lineEnd(text, before[1].itemEnd);
      return splice(text, at, at, `${eol}${before[1].bullet}${key}: ${formatted}`);
    }
    const first = present[0]![1];
    const at = lineStart(text, first.start);
    return splice(text, at, at, `${first.bullet}${key}: ${formatted}${eol}`);
  }
  const at = task.lastBlockEnd;
  const needsEol = at === text.length || !/^\r?\n/.test(text.slice(at));
  return splice(text, at, at, `${eol}${eol}- ${key}: ${formatted}${needsEol ? eol : ''}`);
}

/** Replaces a task's title in its heading. */
export function setTaskTitle(text: string, id: string, title: string): string {
  const task = find(text, id);
  const hashes = /^#+/.exec(text.slice(task.start, task.headingEnd))?.[0] ?? '##';
  return splice(text, task.start, task.headingEnd, `${hashes} ${id}: ${oneLine(title)}`);
}

/** Replaces the description (the blocks between the heading and the field list). */
export function setTaskDescription(text: string, id: string, description: string): string {
  const task = find(text, id);
  const eol = eolOf(text);
  const desc = description.replace(/\r?\n/g, eol).trim();
  if (task.descRange) {
    if (desc) return splice(text, task.descRange.start, task.descRange.end, desc);
    // Drop the blocks and the blank line after them.
    let cut = afterLineEnding(text, task.descRange.end);
    if (/^[ \t]*\r?\n/.test(text.slice(cut))) cut = afterLineEnding(text, cut);
    return splice(text, lineStart(text, task.descRange.start), cut, '');
  }
  if (!desc) return text;
  return splice(text, task.headingEnd, task.headingEnd, `${eol}${eol}${desc}`);
}

/** Applies a patch field by field (each step re-parses, so offsets never go stale). */
export function patchTask(text: string, id: string, patch: TaskPatch): string {
  let out = text;
  if (patch.title !== undefined) out = setTaskTitle(out, id, patch.title);
  if (patch.description !== undefined) out = setTaskDescription(out, id, patch.description);
  for (const key of FIELD_ORDER) {
    const value = patch[key as keyof TaskPatch];
    if (value !== undefined) out = setTaskField(out, id, key, value as readonly string[] | string);
  }
  return out;
}

/** Appends a new task section at the end of the file. */
export function appendTask(text: string, id: string, fields: TaskPatch & { readonly title: string }): string {
  const eol = eolOf(text || '\n');
  const lines: string[] = [`## ${id}: ${oneLine(fields.title)}`, ''];
  if (fields.description?.trim()) lines.push(fields.description.trim().replace(/\r?\n/g, eol), '');
  for (const key of FIELD_ORDER) {
    const v = key === 'status' ? (fields.status ?? 'todo') : fields[key as keyof TaskPatch];
    if (v === undefined) continue;
    const formatted = formatField(key, v as readonly string[] | string);
    if (formatted) lines.push(`- ${key}: ${formatted}`);
  }
  const block = lines.join(eol) + eol;
  const base = text.replace(/(\r?\n)*$/, '');
  return base ? `${base}${eol}${eol}${block}` : `# Tasks${eol}${eol}${block}`;
}

/** Removes a task's whole section. */
export function deleteTask(text: string, id: string): string {
  const task = find(text, id);
  return splice(text, lineStart(text, task.start), task.end, '');
}
