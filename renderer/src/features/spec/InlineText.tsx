import { Fragment } from 'react';

/** Plain text with `inline code` shown as code (no other Markdown is interpreted). */
export function InlineText({ text }: { readonly text: string }) {
  const parts = text.split(/(`[^`]+`)/g);
  return (
    <>
      {parts.map((p, i) => (p.startsWith('`') && p.endsWith('`') && p.length > 2 ? <code key={i}>{p.slice(1, -1)}</code> : <Fragment key={i}>{p}</Fragment>))}
    </>
  );
}

const LIST_ITEM = /^\s*(?:[-*+]|\d+[.)])\s+/;

/** The items of a Markdown list block, each with its wrapped continuation lines joined. */
function listItems(block: string): string[] {
  const items: string[] = [];
  for (const line of block.split('\n')) {
    if (LIST_ITEM.test(line) || items.length === 0) items.push(line.replace(LIST_ITEM, ''));
    else items[items.length - 1] += ` ${line.trim()}`;
  }
  return items;
}

/** The cells of one table row: split at pipes that are not escaped, the outer pipes dropped. */
function cells(line: string): string[] {
  const parts = line.trim().replace(/^\|/, '').replace(/(?<!\\)\|$/, '').split(/(?<!\\)\|/);
  return parts.map((c) => c.trim().replace(/\\\|/g, '|'));
}

/** A GFM pipe table (header, `---` separator, rows) as a table, wide ones scrolling sideways. */
function PipeTable({ block }: { readonly block: string }) {
  const lines = block.trim().split('\n');
  const head = cells(lines[0]!);
  return (
    <div className="prose-table-wrap">
      <table className="prose-table">
        <thead>
          <tr>
            {head.map((c, i) => (
              <th key={i} scope="col">
                <InlineText text={c} />
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {lines.slice(2).map((l, i) => (
            <tr key={i}>
              {cells(l).map((c, j) => (
                <td key={j}>
                  <InlineText text={c} />
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** True for a block that is a GFM pipe table. */
function isPipeTable(block: string): boolean {
  const lines = block.trim().split('\n');
  return lines.length >= 2 && lines.every((l) => l.trim().startsWith('|')) && /^[\s|:-]+$/.test(lines[1]!);
}

/**
 * A section's prose: tables are tables, code stays monospaced as written; lists stay lists; paragraphs flow.
 * `withoutTable`: the first table is left out (a section whose table is edited on its own shows it there).
 */
export function Prose({ text, withoutTable = false }: { readonly text: string; readonly withoutTable?: boolean }) {
  const all = text.split(/\n\s*\n/).filter((b) => b.trim());
  const table = withoutTable ? all.findIndex(isPipeTable) : -1;
  const blocks = all.filter((_, i) => i !== table);
  if (blocks.length === 0) return null;
  return (
    <div className="prose">
      {blocks.map((b, i) =>
        isPipeTable(b) ? (
          <PipeTable key={i} block={b} />
        ) : /^\s*\||^\s*```|^ {4}/m.test(b) ? (
          <pre key={i} className="prose-pre">
            {b}
          </pre>
        ) : LIST_ITEM.test(b) ? (
          <ul key={i} className="prose-list">
            {listItems(b.trim()).map((item, j) => (
              <li key={j}>
                <InlineText text={item} />
              </li>
            ))}
          </ul>
        ) : (
          <p key={i}>
            <InlineText text={b.replace(/\s*\n\s*/g, ' ')} />
          </p>
        ),
      )}
    </div>
  );
}
