import type { List, ListItem, Paragraph, Root, RootContent } from 'mdast';
import { parseMarkdown, plainText } from '../spec/markdown-source';
import { emptyPlan, type ImportedItem, type ImportedProse, type ImportedTask, type ImportPlan } from './import-plan';
import { anchor, flat, itemText, nestedSource } from './markdown-blocks';

/** Walks root blocks with the text of the nearest heading of each depth. */
function withHeadings(blocks: readonly RootContent[], visit: (block: RootContent, path: readonly string[]) => void): void {
  const path: string[] = [];
  for (const b of blocks) {
    if (b.type === 'heading') {
      path.length = b.depth - 1;
      path[b.depth - 1] = flat(b);
      continue;
    }
    visit(b, path.filter((x) => x !== undefined));
  }
}

/** Every list item of a list and its nested lists, depth first. */
function allItems(list: List): ListItem[] {
  const out: ListItem[] = [];
  for (const li of list.children) {
    out.push(li);
    for (const c of li.children) if (c.type === 'list') out.push(...allItems(c));
  }
  return out;
}

/** Lines of a paragraph's plain text (soft line breaks kept). */
function lines(p: Paragraph): string[] {
  return plainText(p).split(/\r?\n/);
}

const storyTitle = (heading: string): string => heading.replace(/\s*\(priority.*\)\s*$/i, '').trim();

/**
 * Reads a spec-kit `spec.md`: `FR-###` → functional requirements (number kept where free, the original
 * ID shown as an alias, sub-lists kept), `SC-###` → acceptance checks, user-story scenarios → acceptance
 * checks, edge cases → failure modes, the Input line → Purpose.
 */
export function importSpecKitSpec(text: string, file: string): ImportPlan {
  const root = parseMarkdown(text);
  const items: ImportedItem[] = [];
  const prose: ImportedProse[] = [];
  let scenarios = false;
  withHeadings(root.children, (block, path) => {
    const h = (path.at(-1) ?? '').toLowerCase();
    const story = /^user story\s*(\d+)/i.exec(path.at(-1) ?? '');
    if (block.type === 'paragraph') {
      const t = flat(block);
      scenarios = /^acceptance scenarios/i.test(t);
      const input = /^input\s*:\s*(?:user description\s*:\s*)?(.+)$/im.exec(plainText(block));
      if (input && path.length <= 1) prose.push({ section: 'purpose', text: input[1]!.replace(/^"|"$/g, '').trim(), from: `${file}#input` });
      return;
    }
    if (block.type !== 'list') return;
    const wasScenarios = scenarios;
    scenarios = false;
    for (const li of allItems(block)) {
      const t = itemText(li);
      const id = /^(FR|SC|NFR)-(\d+)\s*:?\s*(.*)$/.exec(t);
      if (id) {
        const key = `${id[1]}-${id[2]}`;
        items.push({
          section: id[1] === 'SC' ? 'acceptance' : 'functional',
          text: (id[3] ?? '').trim(),
          body: nestedSource(text, li),
          from: `${file}#${key}`,
          key,
          alias: key,
          number: id[1] === 'FR' ? Number(id[2]) : null,
        });
      } else if (/^edge cases/.test(h) && t) {
        const k = items.filter((x) => x.from.startsWith(`${file}#edge-case-`)).length + 1;
        items.push({ section: 'failure', text: t, body: '', from: `${file}#edge-case-${k}`, key: null, alias: null, number: null });
      } else if (story && (wasScenarios || /acceptance scenarios/.test(h)) && t) {
        const n = story[1]!;
        const k = items.filter((x) => x.from.startsWith(`${file}#US${n}.`)).length + 1;
        items.push({ section: 'acceptance', text: `${storyTitle(path.at(-1)!)}: ${t}`, body: '', from: `${file}#US${n}.${k}`, key: `US${n}.${k}`, alias: null, number: null, groups: [`US${n}`] });
      }
    }
  });
  return { ...emptyPlan(), items, prose, title: titleOf(root) };
}

/** Reads a spec-kit `plan.md`: each `**Field**: value` of Technical Context (value up to the next field) becomes an architecture item. */
export function importSpecKitPlan(text: string, file: string): ImportPlan {
  const root = parseMarkdown(text);
  const items: ImportedItem[] = [];
  const fields: Array<{ name: string; value: string[] }> = [];
  withHeadings(root.children, (block, path) => {
    if (!/technical context/i.test(path.at(-1) ?? '')) return;
    const paragraphs: Paragraph[] = block.type === 'paragraph' ? [block] : block.type === 'list' ? allItems(block).flatMap((li) => (li.children[0]?.type === 'paragraph' ? [li.children[0]] : [])) : [];
    for (const p of paragraphs) {
      for (const line of lines(p)) {
        const m = /^([A-Z][\w /&-]*?):\s*(.*)$/.exec(line.trim());
        if (m && p.children.some((c) => c.type === 'strong' && plainText(c).trim() === m[1]!.trim())) fields.push({ name: m[1]!.trim(), value: [m[2]!.trim()] });
        else if (fields.length && line.trim()) fields.at(-1)!.value.push(line.trim());
      }
    }
  });
  for (const f of fields) {
    const value = f.value.filter(Boolean).join(' ').trim();
    if (!value || /NEEDS CLARIFICATION/.test(value) || /^N\/A$/i.test(value)) continue;
    items.push({ section: 'architecture', text: `${f.name}: ${value}`, body: '', from: `${file}#${anchor(f.name)}`, key: null, alias: null, number: null });
  }
  return { ...emptyPlan(), items };
}

/** Task IDs in a list such as `T009, T015 and T016` or a range `T004-T007`. */
function taskIds(list: string): string[] {
  const out: string[] = [];
  for (const m of list.matchAll(/T(\d+)(?:\s*[-–]\s*T(\d+))?/g)) {
    const a = Number(m[1]);
    const b = m[2] === undefined ? a : Number(m[2]);
    const width = m[1]!.length;
    if (b < a || b - a > 200) out.push(`T${m[1]}`);
    else for (let n = a; n <= b; n++) out.push(`T${String(n).padStart(width, '0')}`);
  }
  return out;
}

const ID_LIST = 'T\\d+(?:\\s*[-–]\\s*T\\d+)?(?:(?:\\s*,\\s*|\\s+and\\s+)T\\d+(?:\\s*[-–]\\s*T\\d+)?)*';
/** `T008 blocks T009, T015` / `T004 depends on T003` (a line of the Dependencies section). */
const DEP_LINE = new RegExp(`^(${ID_LIST})\\s+(blocks|depends on|requires|after)\\s+(${ID_LIST})`, 'i');
/** `(depends on T003)` inside a task's own line. */
const DEP_INLINE = new RegExp(`\\(?\\b(?:depends on|requires|after)\\s+(${ID_LIST})\\)?`, 'i');

/**
 * Reads a spec-kit `tasks.md`: checkbox items `- [ ] T001 [P] [US1] Description in path/file` (a prose bullet is not a
 * task). Dependencies come from the task's line (`depends on T003`) and from lines such as `T008 blocks T009, T015` or
 * `T004 depends on T003`.
 */
export function importSpecKitTasks(text: string, file: string): ImportPlan {
  const root = parseMarkdown(text);
  const tasks: ImportedTask[] = [];
  const depends = new Map<string, string[]>();
  const dependOn = (task: string, on: readonly string[]): void => void depends.set(task, [...new Set([...(depends.get(task) ?? []), ...on.filter((x) => x !== task)])]);
  const dependencyLine = (line: string): void => {
    const d = DEP_LINE.exec(line.trim());
    if (!d) return;
    const left = taskIds(d[1]!);
    const right = taskIds(d[3]!);
    if (/^blocks$/i.test(d[2]!)) for (const t of right) dependOn(t, left);
    else for (const t of left) dependOn(t, right);
  };
  withHeadings(root.children, (block, path) => {
    if (block.type === 'paragraph') {
      for (const line of lines(block)) dependencyLine(line);
      return;
    }
    if (block.type !== 'list') return;
    for (const li of allItems(block)) {
      if (li.checked === null || li.checked === undefined) {
        dependencyLine(itemText(li));
        continue;
      }
      const m = /^T(\d+)\s+(.*)$/.exec(itemText(li));
      if (!m) continue;
      const key = `T${m[1]}`;
      let rest = m[2] ?? '';
      const inline = DEP_INLINE.exec(rest);
      if (inline) {
        dependOn(`T${m[1]}`, taskIds(inline[1]!));
        rest = rest.replace(inline[0], ' ').replace(/\s+/g, ' ');
      }
      const parallel = /\[P\]/.test(rest);
      const stories = [...rest.matchAll(/\[(US\d+)\]/g)].map((x) => x[1]!);
      rest = rest.replace(/\[(P|US\d+)\]\s*/g, '').trim();
      const scope = [...rest.matchAll(/(?:^|\s)((?:[\w.-]+\/)+[\w.-]*)/g)].map((x) => x[1]!.replace(/[.,;:]$/, ''));
      const phase = path.at(-1) ?? '';
      const notes = [`Imported from spec-kit ${key}${phase ? ` (${phase})` : ''}.`];
      if (parallel) notes.push('Marked [P]: can run in parallel with other [P] tasks of its phase.');
      const nested = nestedSource(text, li);
      tasks.push({ title: rest, description: [notes.join(' '), nested].filter(Boolean).join('\n\n'), servesKeys: stories, dependsKeys: [], scope, status: li.checked ? 'done' : 'todo', from: `${file}#${key}`, key, number: Number(m[1]) });
    }
  });
  return { ...emptyPlan(), tasks: tasks.map((t) => ({ ...t, dependsKeys: depends.get(t.key) ?? [] })) };
}

/** Reads `.specify/memory/constitution.md`: each `### Principle` becomes an architecture item with its whole text. */
export function importConstitution(text: string, file: string): ImportPlan {
  const root = parseMarkdown(text);
  const items: ImportedItem[] = [];
  const kids = root.children;
  kids.forEach((b, i) => {
    if (b.type !== 'heading' || b.depth !== 3) return;
    const title = flat(b).replace(/^[IVXLC\d]+\.\s*/, '').trim();
    const body: string[] = [];
    for (let j = i + 1; j < kids.length && kids[j]!.type !== 'heading'; j++) body.push(flat(kids[j]!));
    const summary = body.join(' ').trim();
    if (title) items.push({ section: 'architecture', text: `${title}${summary ? ` — ${summary}` : ''}`, body: '', from: `${file}#${anchor(title)}`, key: null, alias: null, number: null });
  });
  return { ...emptyPlan(), items };
}

/** A feature's title from its spec's first heading (`Feature Specification: Photo Albums` → `Photo Albums`); '' when none. */
function titleOf(root: Root): string {
  const h1 = root.children.find((b) => b.type === 'heading' && b.depth === 1);
  return h1 ? flat(h1).replace(/^feature specification\s*:\s*/i, '').trim() : '';
}
