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

/** A section's prose: tables and code stay monospaced as written; paragraphs flow. */
export function Prose({ text }: { readonly text: string }) {
  const blocks = text.split(/\n\s*\n/);
  return (
    <div className="prose">
      {blocks.map((b, i) =>
        /^\s*\||^\s*```|^ {4}/m.test(b) ? (
          <pre key={i} className="prose-pre">
            {b}
          </pre>
        ) : (
          <p key={i}>
            <InlineText text={b.replace(/\s*\n\s*/g, ' ')} />
          </p>
        ),
      )}
    </div>
  );
}
