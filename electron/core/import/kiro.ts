import type { List, ListItem } from 'mdast';
import { parseMarkdown, plainText } from '../spec/markdown-source';
import type { ImportedItem, ImportedProse, ImportedTask, ImportPlan } from './import-plan';
import { itemText } from './spec-kit';

/**
 * Reads a Kiro `requirements.md`: each `### Requirement N` with its user story becomes a functional
 * requirement (key `N`), each EARS acceptance criterion an acceptance check (key `N.k`); the
 * introduction goes to Purpose.
 */
export function importKiroRequirements(text: string, file: string): ImportPlan {
  const root = parseMarkdown(text);
  const items: ImportedItem[] = [];
  const prose: ImportedProse[] = [];
  const kids = root.children;
  let req: string | null = null;
  let reqTitle = '';
  let inIntro = false;
  for (const b of kids) {
    if (b.type === 'heading') {
      const t = plainText(b).trim();
      inIntro = /^introduction$/i.test(t);
      const m = /^requirement\s+(\d+)\s*:?\s*(.*)$/i.exec(t);
      if (m) {
        req = m[1]!;
        reqTitle = (m[2] ?? '').trim();
      } else if (b.depth <= 2) req = null;
      continue;
    }
    if (inIntro && b.type === 'paragraph') prose.push({ section: 'purpose', text: plainText(b).replace(/\s+/g, ' ').trim(), from: `${file}#introduction` });
    if (!req) continue;
    if (b.type === 'paragraph') {
      const t = plainText(b).replace(/\s+/g, ' ').trim();
      const story = /^user story:?\s*(.*)$/i.exec(t);
      if (story) items.push({ section: 'functional', text: `${reqTitle ? `${reqTitle} — ` : ''}${story[1]!.trim()}`, from: `${file}#requirement-${req}`, key: req });
    }
    if (b.type === 'list') {
      (b as List).children.forEach((li: ListItem, k) => {
        const t = itemText(li);
        if (t) items.push({ section: 'acceptance', text: t, from: `${file}#${req}.${k + 1}`, key: `${req}.${k + 1}` });
      });
    }
  }
  return { items, prose, tasks: [], decisions: [] };
}

/** Reads a Kiro `design.md`: each second-level section becomes an architecture item with its first paragraph. */
export function importKiroDesign(text: string, file: string): ImportPlan {
  const root = parseMarkdown(text);
  const items: ImportedItem[] = [];
  const kids = root.children;
  kids.forEach((b, i) => {
    if (b.type !== 'heading' || b.depth !== 2) return;
    const title = plainText(b).trim();
    const next = kids[i + 1];
    const first = next && next.type !== 'heading' ? plainText(next).replace(/\s+/g, ' ').trim() : '';
    if (first) items.push({ section: 'architecture', text: `${title}: ${first.length > 400 ? `${first.slice(0, 400)}…` : first}`, from: `${file}#${title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`, key: null });
  });
  return { items, prose: [], tasks: [], decisions: [] };
}

/** Reads a Kiro `tasks.md`: numbered checkbox items (and sub-items), `_Requirements: 1.1, 2.3_` mapped to the criteria. */
export function importKiroTasks(text: string, file: string): ImportPlan {
  const root = parseMarkdown(text);
  const tasks: ImportedTask[] = [];
  const visitList = (list: List): void => {
    for (const li of list.children) {
      const t = itemText(li);
      const m = /^(\d+(?:\.\d+)*)\.?\s+(.+)$/.exec(t);
      if (!m || li.checked === null || li.checked === undefined) {
        continue;
      }
      const notes: string[] = [];
      const serves: string[] = [];
      for (const child of li.children.slice(1)) {
        if (child.type !== 'list') continue;
        for (const sub of child.children) {
          const st = itemText(sub);
          const reqs = /^_?requirements?:\s*([^_]*)_?$/i.exec(st);
          if (reqs) serves.push(...reqs[1]!.split(/\s*,\s*/).map((x) => x.trim()).filter(Boolean));
          else if (sub.checked === null || sub.checked === undefined) notes.push(`- ${st}`);
        }
      }
      const scope = [...m[2]!.matchAll(/(?:^|\s)((?:[\w.-]+\/)+[\w.-]*)/g)].map((x) => x[1]!.replace(/[.,;:]$/, ''));
      tasks.push({ title: m[2]!.trim(), description: [`Imported from Kiro task ${m[1]}.`, ...notes].join('\n'), servesKeys: serves, scope, status: li.checked ? 'done' : 'todo', from: `${file}#${m[1]}` });
      for (const child of li.children.slice(1)) if (child.type === 'list') visitList(child);
    }
  };
  for (const b of root.children) if (b.type === 'list') visitList(b);
  return { items: [], prose: [], tasks, decisions: [] };
}

/** Reads `.kiro/steering/*.md`: product.md to Purpose, the others' bullets to architecture items. */
export function importKiroSteering(text: string, file: string): ImportPlan {
  const root = parseMarkdown(text);
  const isProduct = /product\.md$/i.test(file);
  const prose: ImportedProse[] = [];
  const items: ImportedItem[] = [];
  let k = 0;
  for (const b of root.children) {
    if (isProduct && b.type === 'paragraph') prose.push({ section: 'purpose', text: plainText(b).replace(/\s+/g, ' ').trim(), from: `${file}#${++k}` });
    if (!isProduct && b.type === 'list') {
      for (const li of b.children) {
        const t = itemText(li);
        if (t) items.push({ section: 'architecture', text: t, from: `${file}#${++k}`, key: null });
      }
    }
  }
  return { items, prose, tasks: [], decisions: [] };
}
