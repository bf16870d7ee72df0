import type { List, ListItem, RootContent } from 'mdast';
import { endOf, parseMarkdown, plainText, startOf } from '../spec/markdown-source';
import type { ImportedItem, ImportedTask, ImportPlan } from './import-plan';

/** Text of a list item's first paragraph, whitespace collapsed. */
export function itemText(li: ListItem): string {
  const first = li.children[0];
  return first ? plainText(first).replace(/\s+/g, ' ').trim() : '';
}

/** Walks root blocks with the text of the nearest heading of each depth. */
function withHeadings(blocks: readonly RootContent[], visit: (block: RootContent, path: readonly string[]) => void): void {
  const path: string[] = [];
  for (const b of blocks) {
    if (b.type === 'heading') {
      path.length = b.depth - 1;
      path[b.depth - 1] = plainText(b).trim();
      continue;
    }
    visit(b, [...path].filter((x) => x !== undefined));
  }
}

const lastHeading = (path: readonly string[]): string => path.at(-1) ?? '';

/** Reads a spec-kit `spec.md`: FR-### → FR items, SC-### → acceptance checks, user-story scenarios → acceptance checks, edge cases → failure modes. */
export function importSpecKitSpec(text: string, file: string): ImportPlan {
  const root = parseMarkdown(text);
  const items: ImportedItem[] = [];
  withHeadings(root.children, (block, path) => {
    const h = lastHeading(path).toLowerCase();
    if (block.type === 'list') {
      (block as List).children.forEach((li, k) => {
        const t = itemText(li);
        const id = /^(FR|SC|NFR)-(\d+)\s*:?\s*(.*)$/.exec(t);
        if (id) {
          const key = `${id[1]}-${id[2]}`;
          items.push({ section: id[1] === 'SC' ? 'acceptance' : 'functional', text: (id[3] ?? '').trim(), from: `${file}#${key}`, key });
        } else if (/edge cases/.test(h) && t) {
          items.push({ section: 'failure', text: t, from: `${file}#edge-case-${k + 1}`, key: null });
        } else if (/acceptance scenarios/.test(h) || /user story/.test(h)) {
          const story = /user story\s*(\d+)/i.exec(path.join(' / '))?.[1];
          if (story && /given|when|then/i.test(t)) {
            const title = path.find((p) => /user story/i.test(p)) ?? `User Story ${story}`;
            items.push({ section: 'acceptance', text: `${title.replace(/\s*\(priority.*\)$/i, '')}: ${t}`, from: `${file}#US${story}.${k + 1}`, key: null, groups: [`US${story}`] });
          }
        }
      });
    }
  });
  // The acceptance scenarios list sits under a bold "Acceptance Scenarios" paragraph, not a heading: catch those too.
  root.children.forEach((b, i) => {
    if (b.type !== 'list') return;
    const prev = root.children[i - 1];
    if (!prev || prev.type !== 'paragraph' || !/acceptance scenarios/i.test(plainText(prev))) return;
    let story: string | undefined;
    let title = '';
    for (let j = i; j >= 0; j--) {
      const n = root.children[j]!;
      if (n.type === 'heading') {
        const m = /user story\s*(\d+)/i.exec(plainText(n));
        if (m) {
          story = m[1];
          title = plainText(n).replace(/\s*\(priority.*\)$/i, '').trim();
        }
        break;
      }
    }
    if (!story) return;
    (b as List).children.forEach((li, k) => {
      const t = itemText(li);
      if (!t || items.some((x) => x.from === `${file}#US${story}.${k + 1}`)) return;
      items.push({ section: 'acceptance', text: `${title}: ${t}`, from: `${file}#US${story}.${k + 1}`, key: null, groups: [`US${story}`] });
    });
  });
  return { items, prose: [], tasks: [], decisions: [] };
}

/** Reads a spec-kit `plan.md`: the Technical Context lines become architecture decisions. */
export function importSpecKitPlan(text: string, file: string): ImportPlan {
  const root = parseMarkdown(text);
  const items: ImportedItem[] = [];
  withHeadings(root.children, (block, path) => {
    if (!/technical context/i.test(lastHeading(path)) || block.type !== 'paragraph') return;
    const raw = text.slice(startOf(block), endOf(block));
    for (const line of raw.split(/\r?\n/)) {
      const m = /^\*\*([^*]+)\*\*:\s*(.+)$/.exec(line.trim());
      if (m && !/NEEDS CLARIFICATION/.test(m[2] ?? '') && !/^N\/A$/i.test((m[2] ?? '').trim())) {
        items.push({ section: 'architecture', text: `${m[1]!.trim()}: ${m[2]!.trim()}`, from: `${file}#${m[1]!.trim().toLowerCase().replace(/[^a-z0-9]+/g, '-')}`, key: null });
      }
    }
  });
  return { items, prose: [], tasks: [], decisions: [] };
}

/** Reads a spec-kit `tasks.md`: `- [ ] T001 [P] [US1] Description in path/file` lines. */
export function importSpecKitTasks(text: string, file: string): ImportPlan {
  const root = parseMarkdown(text);
  const tasks: ImportedTask[] = [];
  withHeadings(root.children, (block, path) => {
    if (block.type !== 'list') return;
    for (const li of (block as List).children) {
      const t = itemText(li);
      const m = /^(T\d+)\s+(.*)$/.exec(t);
      if (!m) continue;
      let rest = m[2] ?? '';
      const parallel = /\[P\]/.test(rest);
      const stories = [...rest.matchAll(/\[(US\d+)\]/g)].map((x) => x[1]!);
      rest = rest.replace(/\[(P|US\d+)\]\s*/g, '').trim();
      const scope = [...rest.matchAll(/(?:^|\s)((?:[\w.-]+\/)+[\w.-]*)/g)].map((x) => x[1]!.replace(/[.,;:]$/, ''));
      const phase = lastHeading(path);
      const notes = [`Imported from spec-kit ${m[1]}${phase ? ` (${phase})` : ''}.`];
      if (parallel) notes.push('Marked [P]: can run in parallel with other [P] tasks of its phase.');
      tasks.push({ title: rest, description: notes.join(' '), servesKeys: stories, scope, status: li.checked ? 'done' : 'todo', from: `${file}#${m[1]}` });
    }
  });
  return { items: [], prose: [], tasks, decisions: [] };
}

/** Reads `.specify/memory/constitution.md`: each `### Principle` becomes an architecture decision. */
export function importConstitution(text: string, file: string): ImportPlan {
  const root = parseMarkdown(text);
  const items: ImportedItem[] = [];
  const kids = root.children;
  kids.forEach((b, i) => {
    if (b.type !== 'heading' || b.depth !== 3) return;
    const title = plainText(b).replace(/^[IVXLC\d]+\.\s*/, '').trim();
    const body: string[] = [];
    for (let j = i + 1; j < kids.length && kids[j]!.type !== 'heading'; j++) body.push(plainText(kids[j]!).replace(/\s+/g, ' ').trim());
    const summary = body.join(' ').trim();
    if (title) items.push({ section: 'architecture', text: `${title}${summary ? ` — ${summary}` : ''}`, from: `${file}#${title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`, key: null });
  });
  return { items, prose: [], tasks: [], decisions: [] };
}
