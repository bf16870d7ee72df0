import type { Nodes, Root, RootContent } from 'mdast';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { gfmFromMarkdown } from 'mdast-util-gfm';
import { gfm } from 'micromark-extension-gfm';
import { parse as parseYaml } from 'yaml';

/** Parses Markdown (GFM) with source positions; offsets index the given string (pass it without BOM). */
export function parseMarkdown(text: string): Root {
  return fromMarkdown(text, { extensions: [gfm()], mdastExtensions: [gfmFromMarkdown()] });
}

/** Start offset of a node (0 when the parser gave none). */
export function startOf(node: Nodes | RootContent): number {
  return node.position?.start.offset ?? 0;
}

/** End offset of a node. */
export function endOf(node: Nodes | RootContent): number {
  return node.position?.end.offset ?? 0;
}

/** 1-based line of a node. */
export function lineOf(node: Nodes | RootContent): number {
  return node.position?.start.line ?? 1;
}

/** Plain text of a node (what a reader sees, without markup). */
export function plainText(node: Nodes): string {
  if ('value' in node && typeof node.value === 'string' && node.type !== 'html') return node.value;
  if ('children' in node) return (node.children as Nodes[]).map(plainText).join('');
  return '';
}

/** Offset of the start of the line holding `offset`. */
export function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/** Offset of the end of the line holding `offset` (before its line ending). */
export function lineEnd(text: string, offset: number): number {
  const nl = text.indexOf('\n', offset);
  if (nl === -1) return text.length;
  return nl > 0 && text[nl - 1] === '\r' ? nl - 1 : nl;
}

/** Offset just after the line ending of the line holding `offset`. */
export function afterLineEnding(text: string, offset: number): number {
  const nl = text.indexOf('\n', offset);
  return nl === -1 ? text.length : nl + 1;
}

/** Replaces text[start, end) with `insert`. */
export function splice(text: string, start: number, end: number, insert: string): string {
  return text.slice(0, start) + insert + text.slice(end);
}

/** 1-based line number of an offset. */
export function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/** Ranges of code (inline and fenced) and HTML (comments), where markers are not markers. */
export function opaqueRanges(root: Root): Array<readonly [number, number]> {
  const out: Array<readonly [number, number]> = [];
  const walk = (node: Nodes): void => {
    if (node.type === 'code' || node.type === 'inlineCode' || node.type === 'html') {
      out.push([startOf(node), endOf(node)]);
      return;
    }
    if ('children' in node) for (const child of node.children as Nodes[]) walk(child);
  };
  walk(root);
  return out;
}

/** Splits a `---` YAML front matter block off the start of a text. */
export function splitFrontMatter(text: string): { readonly yaml: string | null; readonly bodyStart: number } {
  const m = /^---[ \t]*\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/.exec(text);
  if (!m) return { yaml: null, bodyStart: 0 };
  return { yaml: m[1] ?? '', bodyStart: m[0].length };
}

/** Sets `key: value` in front matter by splicing its line (or adding one), leaving every other byte alone. */
export function setFrontMatterKey(text: string, key: string, value: string | null, eol: string): string {
  const fm = splitFrontMatter(text);
  if (fm.yaml === null) {
    if (value === null) return text;
    return `---${eol}${key}: ${value}${eol}---${eol}${text}`;
  }
  const re = new RegExp(`^${key.replace(/[-/\\^$*+?.()|[\]{}]/g, '\\$&')}[ \\t]*:.*$`, 'mi');
  const block = text.slice(0, fm.bodyStart);
  const m = re.exec(block);
  if (m) {
    const start = m.index;
    let end = start + m[0].length;
    if (block[end - 1] === '\r') end--;
    if (value === null) {
      return splice(text, start, afterLineEnding(text, start), '');
    }
    return splice(text, start, end, `${key}: ${value}`);
  }
  if (value === null) return text;
  // Insert before the closing `---` line.
  const closing = block.replace(/\r?\n$/, '').lastIndexOf('\n') + 1;
  return splice(text, closing, closing, `${key}: ${value}${eol}`);
}

/** Front matter read leniently: its fields as an object (empty when missing or malformed) and where the body starts. */
export function readFrontMatter(text: string): { readonly data: Record<string, unknown>; readonly bodyStart: number; readonly present: boolean } {
  const fm = splitFrontMatter(text);
  let data: Record<string, unknown> = {};
  if (fm.yaml !== null) {
    try {
      const parsed: unknown = parseYaml(fm.yaml);
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) data = parsed as Record<string, unknown>;
    } catch {
      // Malformed front matter: the body is read anyway.
    }
  }
  return { data, bodyStart: fm.bodyStart, present: fm.yaml !== null };
}
