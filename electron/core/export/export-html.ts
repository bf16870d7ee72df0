import type { Element, ElementContent, Root as HastRoot, RootContent as HastContent } from 'hast';
import rehypeSanitize, { defaultSchema } from 'rehype-sanitize';
import rehypeStringify from 'rehype-stringify';
import remarkGfm from 'remark-gfm';
import remarkParse from 'remark-parse';
import remarkRehype from 'remark-rehype';
import { unified } from 'unified';
import type { ExportDocument } from './export-document';
import { inlineSvg, type ExportFigure } from './export-evidence';

/** A heading for the table of contents. */
interface TocEntry {
  readonly depth: number;
  readonly id: string;
  readonly text: string;
}

function textOf(node: HastContent | ElementContent): string {
  if (node.type === 'text') return node.value;
  if ('children' in node) return (node.children as ElementContent[]).map(textOf).join('');
  return '';
}

function slug(text: string, used: Set<string>): string {
  const base = text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'section';
  let id = base;
  for (let i = 2; used.has(id); i++) id = `${base}-${i}`;
  used.add(id);
  return id;
}

/** True for a URL that would make the document reach outside itself. */
function isExternal(url: unknown): boolean {
  return typeof url === 'string' && !url.startsWith('#') && !/^data:image\/(png|gif|jpeg|webp);/i.test(url);
}

/**
 * After sanitising: gives headings stable ids and collects the table of contents, and removes
 * every external reference — remote images become their alt text, external links their text
 * plus the address without its scheme — so the file never requests or points anywhere.
 */
function selfContained(toc: TocEntry[]) {
  return () => (tree: HastRoot) => {
    const used = new Set<string>();
    const walk = (parent: { children: Array<HastContent | ElementContent> }): void => {
      parent.children = parent.children.map((child) => {
        if (child.type !== 'element') return child;
        const el = child as Element;
        if (el.tagName === 'img' && isExternal(el.properties.src)) {
          return { type: 'element', tagName: 'span', properties: { className: ['external'] }, children: [{ type: 'text', value: `[image: ${String(el.properties.alt ?? '')}]` }] } satisfies Element;
        }
        if (el.tagName === 'a' && isExternal(el.properties.href)) {
          const where = String(el.properties.href).replace(/^[a-z][a-z0-9+.-]*:(\/\/)?/i, '');
          const label = textOf(el);
          const kids: ElementContent[] = [...el.children];
          if (where && where !== label.replace(/^[a-z][a-z0-9+.-]*:(\/\/)?/i, '')) kids.push({ type: 'text', value: ` (${where})` });
          return { type: 'element', tagName: 'span', properties: { className: ['external'] }, children: kids } satisfies Element;
        }
        if (/^h[1-4]$/.test(el.tagName)) {
          const text = textOf(el);
          const id = slug(text, used);
          el.properties = { ...el.properties, id };
          const depth = Number(el.tagName.slice(1));
          if (depth >= 2 && depth <= 3) toc.push({ depth, id, text });
        }
        walk(el);
        return el;
      });
    };
    walk(tree);
  };
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const CSS = `
:root{color-scheme:light dark;--fg:#1d1f23;--muted:#5b6270;--bg:#fff;--border:#d9dce1;--accent:#2f5fd0;--ok:#1f7a3a;--warn:#9a6700;--danger:#b42318}
@media (prefers-color-scheme:dark){:root{--fg:#e6e8eb;--muted:#9aa2ae;--bg:#16181c;--border:#343a43;--accent:#7aa2ff;--ok:#5cc27c;--warn:#e3b341;--danger:#ff7b72}}
html{background:var(--bg);color:var(--fg)}
body{font:15px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1.5rem}
h1{font-size:1.7rem;margin:0 0 .3rem}h2{font-size:1.35rem;margin-top:2.2rem;border-bottom:1px solid var(--border);padding-bottom:.2rem}
h3{font-size:1.1rem;margin-top:1.6rem}h4,h5,h6{font-size:1rem;margin-top:1.2rem}
code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.9em}
pre{background:rgba(127,127,127,.1);padding:.7rem;overflow:auto;border-radius:4px}
table{border-collapse:collapse;margin:.8rem 0;width:100%}th,td{border:1px solid var(--border);padding:.3rem .5rem;text-align:left;vertical-align:top}
nav.toc{border:1px solid var(--border);padding:.6rem 1rem;margin:1rem 0 2rem}nav.toc ol{margin:.2rem 0;padding-left:1.2rem}nav.toc a{color:var(--accent);text-decoration:none}
td,th{font-variant-numeric:tabular-nums}td[align=right],th[align=right]{text-align:right}
.plots{display:flex;flex-wrap:wrap;gap:1rem;align-items:flex-start;margin:.8rem 0}.plots svg{max-width:100%;height:auto}
.meta{color:var(--muted)}.external{border-bottom:1px dotted var(--muted)}
.status{font-weight:600}.status-accepted{color:var(--ok)}.status-rejected{color:var(--danger)}.status-superseded,.status-deprecated{color:var(--muted)}.status-proposed{color:var(--warn)}
@media print{body{max-width:none;margin:0;font-size:11pt}nav.toc{page-break-after:always;border:none}h2{page-break-before:always;border:none}h2:first-of-type{page-break-before:auto}
h2,h3,h4{page-break-after:avoid}table,pre,li,.plots{page-break-inside:avoid}a{color:inherit;text-decoration:none}.external{border:none}}
`;

/**
 * Puts each generated plot where its placeholder paragraph is. This runs after sanitising on
 * purpose: the SVG is our own markup (checked by `inlineSvg`), and the sanitiser would strip it.
 */
function withFigures(body: string, figures: readonly ExportFigure[]): string {
  return figures.reduce((html, f) => {
    const at = html.indexOf(`<p>${f.token}</p>`);
    if (at === -1) throw new Error(`The export lost the place of a calibration plot (${f.token}).`);
    return `${html.slice(0, at)}<figure class="plots">${inlineSvg(f.svg)}</figure>${html.slice(at + f.token.length + 7)}`;
  }, body);
}

/**
 * Underscores stay underscores, as in the app: `__proto__` or `_id_` in a spec is an identifier, not emphasis
 * (the app shows spec text as written, with only inline code marked up). `**bold**` and `*em*` stay emphasis.
 */
function literalUnderscores() {
  return (tree: MdNode, file: { readonly value: unknown }) => {
    const source = String(file.value);
    const walk = (node: MdNode): void => {
      const children = node.children;
      if (!children) return;
      for (let i = 0; i < children.length; i++) {
        const child = children[i]!;
        const start = child.position?.start.offset;
        const end = child.position?.end.offset;
        if ((child.type === 'strong' || child.type === 'emphasis') && start !== undefined && end !== undefined && source[start] === '_') {
          children[i] = { type: 'text', value: source.slice(start, end) };
        } else {
          walk(child);
        }
      }
    };
    walk(tree);
  };
}

/** The part of a Markdown syntax tree node literalUnderscores reads. */
interface MdNode {
  type: string;
  value?: string;
  children?: MdNode[];
  position?: { readonly start: { readonly offset?: number }; readonly end: { readonly offset?: number } };
}

/** Puts the table of contents right after the document's title. */
function withToc(body: string, nav: string): string {
  const at = body.indexOf('</h1>');
  return at === -1 ? `${nav}\n${body}` : `${body.slice(0, at + 5)}\n${nav}${body.slice(at + 5)}`;
}

/** Renders the export document as one self-contained, sanitised HTML file (inline CSS, TOC, decision index). */
export async function renderExportHtml(doc: ExportDocument): Promise<string> {
  const toc: TocEntry[] = [];
  const file = await unified()
    .use(remarkParse)
    .use(remarkGfm)
    .use(literalUnderscores)
    .use(remarkRehype)
    .use(rehypeSanitize, defaultSchema)
    .use(selfContained(toc))
    .use(rehypeStringify)
    .process(doc.source);
  const body = withFigures(String(file), doc.figures);
  const tocHtml = toc.map((t) => `<li class="toc-${t.depth}"><a href="#${t.id}">${escapeHtml(t.text)}</a></li>`);
  const index = doc.decisions.length
    ? `<p class="meta">Decisions: ${doc.decisions
        .map((d) => `<span class="status status-${d.status}" title="${escapeHtml(d.title)}">${d.id} ${d.status === 'accepted' ? '✔' : d.status === 'rejected' ? '✘' : d.status === 'proposed' ? '?' : '↷'} ${d.status}</span>`)
        .join(' · ')}</p>`
    : '';
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(doc.title)} — spec and decision log</title>`,
    `<style>${CSS}</style>`,
    '</head>',
    '<body>',
    withToc(body, `<nav class="toc" aria-label="Contents"><strong>Contents</strong><ol>${tocHtml.join('')}</ol>${index}</nav>`),
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
