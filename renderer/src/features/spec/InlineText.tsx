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

/** A section's prose: tables and code stay monospaced as written; lists stay lists; paragraphs flow. */
export function Prose({ text }: { readonly text: string }) {
  const blocks = text.split(/\n\s*\n/).filter((b) => b.trim());
  return (
    <div className="prose">
      {blocks.map((b, i) =>
        /^\s*\||^\s*```|^ {4}/m.test(b) ? (
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
