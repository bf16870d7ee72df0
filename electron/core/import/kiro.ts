import type { List, ListItem, Paragraph } from 'mdast';
import { parseMarkdown, plainText, splitFrontMatter } from '../spec/markdown-source';
import { emptyPlan, type ImportedDecision, type ImportedItem, type ImportedProse, type ImportedTask, type ImportPlan } from './import-plan';
import { anchor, blocksSource, flat, headingSections } from './markdown-blocks';

/** A criterion line written as a paragraph (`1.1. WHEN …`), which Markdown does not read as a list item. */
const NUMBERED_LINE = /^(\d+(?:\.\d+)*)\.?\s+(.+)$/;

/**
 * Reads a Kiro `requirements.md`: each `### Requirement N` with its user story becomes a functional
 * requirement (key `N`, number kept where free), each EARS acceptance criterion an acceptance check
 * (key `N.k`, as a list item or a `N.k. WHEN …` line); the introduction goes to Purpose.
 */
export function importKiroRequirements(text: string, file: string): ImportPlan {
  const root = parseMarkdown(text);
  const items: ImportedItem[] = [];
  const prose: ImportedProse[] = [];
  let req: string | null = null;
  let reqTitle = '';
  let intro = false;
  const criterion = (key: string, t: string): void => {
    if (!t || items.some((i) => i.key === key)) return;
    items.push({ section: 'acceptance', text: t, body: '', from: `${file}#${key}`, key, alias: `Kiro ${key}`, number: null });
  };
  for (const b of root.children) {
    if (b.type === 'heading') {
      const t = flat(b);
      intro = /^introduction$/i.test(t);
      const m = /^requirement\s+(\d+)\s*:?\s*(.*)$/i.exec(t);
      if (m) {
        req = m[1]!;
        reqTitle = (m[2] ?? '').trim();
      } else if (b.depth <= 2) req = null;
      continue;
    }
    if (intro && b.type === 'paragraph') prose.push({ section: 'purpose', text: flat(b), from: `${file}#introduction` });
    if (!req) continue;
    if (b.type === 'paragraph') {
      const t = flat(b);
      const story = /^user story:?\s*(.*)$/i.exec(t);
      if (story) {
        items.push({ section: 'functional', text: `${reqTitle ? `${reqTitle} — ` : ''}${story[1]!.trim()}`, body: '', from: `${file}#requirement-${req}`, key: req, alias: `Kiro requirement ${req}`, number: Number(req) });
        continue;
      }
      // `1.1. WHEN …` lines: one criterion per numbered line, continuation lines joined to it.
      const found: Array<[string, string]> = [];
      for (const line of plainText(b).split(/\r?\n/)) {
        const m = NUMBERED_LINE.exec(line.trim());
        if (m && /^(WHEN|IF|WHILE|WHERE|THE|GIVEN)\b/i.test(m[2]!)) found.push([m[1]!.includes('.') ? m[1]! : `${req}.${m[1]}`, m[2]!.trim()]);
        else if (found.length && line.trim()) found.at(-1)![1] += ` ${line.trim()}`;
      }
      for (const [key, t] of found) criterion(key, t.replace(/\s+/g, ' '));
    }
    if (b.type === 'list') {
      const start = (b as List).start ?? 1;
      (b as List).children.forEach((li: ListItem, k) => {
        const first = li.children[0];
        const t = first ? flat(first) : '';
        const explicit = NUMBERED_LINE.exec(t);
        if (explicit && explicit[1]!.includes('.')) criterion(explicit[1]!, explicit[2]!.trim());
        else criterion(`${req}.${b.ordered ? start + k : k + 1}`, t);
      });
    }
  }
  return { ...emptyPlan(), items, prose };
}

/** Reads a Kiro `design.md`: each second-level section becomes an architecture item: its title and first paragraph, wherever in the section it is. */
export function importKiroDesign(text: string, file: string): ImportPlan {
  const root = parseMarkdown(text);
  const items: ImportedItem[] = [];
  let current: { title: string; first: string; subs: string[] } | null = null;
  const flush = (): void => {
    if (!current) return;
    const summary = current.first || current.subs.join('; ');
    items.push({ section: 'architecture', text: summary ? `${current.title}: ${summary}` : current.title, body: '', from: `${file}#${anchor(current.title)}`, key: null, alias: null, number: null });
    current = null;
  };
  for (const b of root.children) {
    if (b.type === 'heading' && b.depth <= 2) {
      flush();
      if (b.depth === 2) current = { title: flat(b), first: '', subs: [] };
      continue;
    }
    if (!current) continue;
    const c: { title: string; first: string; subs: string[] } = current;
    if (b.type === 'heading') c.subs.push(flat(b));
    else if (!c.first && b.type === 'paragraph') c.first = flat(b as Paragraph);
  }
  flush();
  return { ...emptyPlan(), items };
}

/** Expands `4.1-4.6` to `4.1 … 4.6` (same requirement); anything else is kept as written. */
export function expandRefs(list: string): string[] {
  const out: string[] = [];
  for (const part of list.split(/\s*,\s*/).map((x) => x.trim()).filter(Boolean)) {
    const r = /^(\d+)\.(\d+)\s*[-–]\s*(?:(\d+)\.)?(\d+)$/.exec(part);
    if (r && (r[3] === undefined || r[3] === r[1]) && Number(r[4]) >= Number(r[2]) && Number(r[4]) - Number(r[2]) < 100) {
      for (let k = Number(r[2]); k <= Number(r[4]); k++) out.push(`${r[1]}.${k}`);
    } else out.push(part);
  }
  return out;
}

/** Reads a Kiro `tasks.md`: numbered checkbox items and sub-items, optional ones (`- [ ]*`) included, `_Requirements: 1.1, 4.1-4.6_` mapped to the criteria. */
export function importKiroTasks(text: string, file: string): ImportPlan {
  const root = parseMarkdown(text);
  const tasks: ImportedTask[] = [];
  const visitList = (list: List): void => {
    for (const li of list.children) {
      const first = li.children[0];
      let t = first ? flat(first) : '';
      let checked = li.checked;
      let optional = false;
      // `- [ ]* 2.3 …`: GFM does not read `[ ]*` as a checkbox, so the marker is still in the text.
      const box = /^\[([ xX])\]\s*(\*)?\s*/.exec(t);
      if ((checked === null || checked === undefined) && box) {
        checked = box[1] !== ' ';
        optional = !!box[2];
        t = t.slice(box[0].length);
      } else if (checked !== null && checked !== undefined && /^\*\s*/.test(t)) {
        optional = true;
        t = t.replace(/^\*\s*/, '');
      }
      const m = /^(\d+(?:\.\d+)*)\.?\s+(.+)$/.exec(t);
      if (m && checked !== null && checked !== undefined) {
        const notes: string[] = [];
        const serves: string[] = [];
        for (const child of li.children.slice(1)) {
          if (child.type !== 'list') continue;
          for (const sub of child.children) {
            const st = sub.children[0] ? flat(sub.children[0]) : '';
            const reqs = /^_?requirements?:\s*([^_]*)_?$/i.exec(st);
            if (reqs) serves.push(...expandRefs(reqs[1]!));
            else if (sub.checked === null || sub.checked === undefined) {
              if (!/^\[[ xX]\]/.test(st)) notes.push(`- ${st}`);
            }
          }
        }
        const scope = [...m[2]!.matchAll(/(?:^|\s)((?:[\w.-]+\/)+[\w.-]*)/g)].map((x) => x[1]!.replace(/[.,;:]$/, ''));
        const head = `Imported from Kiro task ${m[1]}.${optional ? ' Optional (marked `*` in Kiro).' : ''}`;
        tasks.push({ title: m[2]!.trim(), description: [head, ...notes].join('\n'), servesKeys: serves, dependsKeys: [], scope, status: checked ? 'done' : 'todo', from: `${file}#${m[1]}`, key: m[1]!, number: null });
      }
      for (const child of li.children.slice(1)) if (child.type === 'list') visitList(child);
    }
  };
  for (const b of root.children) if (b.type === 'list') visitList(b);
  return { ...emptyPlan(), tasks };
}

/**
 * Reads `.kiro/steering/*.md`: `product.md` to Purpose; every other steering file becomes one accepted
 * decision holding the whole file (never one item per bullet).
 */
export function importKiroSteering(source: string, file: string): ImportPlan {
  // Steering files start with front matter (`inclusion: always`); it is configuration, not content.
  const text = source.slice(splitFrontMatter(source).bodyStart);
  const root = parseMarkdown(text);
  if (/(^|\/)product\.md$/i.test(file)) {
    const prose = root.children.filter((b) => b.type === 'paragraph').map((b) => ({ section: 'purpose' as const, text: flat(b), from: `${file}#${anchor(flat(b).slice(0, 40))}` }));
    return { ...emptyPlan(), prose };
  }
  const sections = headingSections(root);
  const h1 = sections.find((s) => s.heading?.depth === 1)?.heading;
  const name = file.split('/').at(-1)!.replace(/\.md$/i, '');
  const blocks = root.children.filter((b) => b !== h1);
  const decision: ImportedDecision = {
    originalNumber: null,
    title: `Steering: ${h1 ? flat(h1) : name}`,
    status: 'accepted',
    supersededBy: null,
    supersedes: null,
    amends: [],
    amendedBy: [],
    date: null,
    context: `Kiro steering file \`${file}\`, followed by the agent in every session.`,
    options: '',
    decision: blocksSource(text, blocks),
    consequences: '',
    confirmation: '',
    from: file,
  };
  return { ...emptyPlan(), decisions: [decision] };
}
