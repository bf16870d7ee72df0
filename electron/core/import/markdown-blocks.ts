import type { Heading, Link, ListItem, Nodes, Root, RootContent } from 'mdast';
import { endOf, plainText, startOf } from '../spec/markdown-source';

/** Plain text of a node with whitespace collapsed. */
export function flat(node: Nodes): string {
  return plainText(node).replace(/\s+/g, ' ').trim();
}

/** Text of a list item's first paragraph, whitespace collapsed. */
export function itemText(li: ListItem): string {
  const first = li.children[0];
  return first ? flat(first) : '';
}

/** Markdown source of a run of blocks, with headings turned into bold lines (so they cannot end a section of ours). */
export function blocksSource(text: string, blocks: readonly RootContent[]): string {
  const out: string[] = [];
  for (const b of blocks) {
    if (b.type === 'heading') out.push(`**${flat(b)}**`);
    else out.push(text.slice(startOf(b), endOf(b)));
  }
  return out.join('\n\n').trim();
}

/** Markdown source of the nested blocks of a list item (after its first paragraph), dedented. */
export function nestedSource(text: string, li: ListItem): string {
  const rest = li.children.slice(1);
  if (!rest.length) return '';
  const start = startOf(rest[0]!);
  const col = (rest[0]!.position?.start.column ?? 1) - 1;
  const raw = text.slice(text.lastIndexOf('\n', start - 1) + 1, endOf(rest.at(-1)!));
  return raw
    .split(/\r?\n/)
    .map((line) => (line.slice(0, col).trim() === '' ? line.slice(col) : line.trimStart()))
    .join('\n')
    .trim();
}

/** Splits root blocks into sections at headings: each heading with the blocks up to the next heading of any depth. */
export function headingSections(root: Root): Array<{ heading: Heading | null; blocks: RootContent[] }> {
  const out: Array<{ heading: Heading | null; blocks: RootContent[] }> = [{ heading: null, blocks: [] }];
  for (const b of root.children) {
    if (b.type === 'heading') out.push({ heading: b, blocks: [] });
    else out.at(-1)!.blocks.push(b);
  }
  return out;
}

/** Every link in a node. */
export function linksIn(node: Nodes): Link[] {
  const out: Link[] = [];
  const walk = (n: Nodes): void => {
    if (n.type === 'link') out.push(n);
    if ('children' in n) for (const c of n.children as Nodes[]) walk(c);
  };
  walk(node);
  return out;
}

/** A heading's anchor-like slug. */
export function anchor(title: string): string {
  return title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

/** Lets other work run (timers, I/O, other requests) between steps of a long job. */
export function yieldToLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
