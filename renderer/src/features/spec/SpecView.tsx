import { useEffect, useMemo, useRef, useState } from 'react';
import type { SpecSection, SpecSectionKind, SpecState } from '../../../../shared/contract';
import { CodeEditor, type CodeEditorHandle } from '../../editor/CodeEditor';
import { useAppStore } from '../../stores/app-store';
import { AddItemForm } from './AddItemForm';
import { CoverageMatrix } from './CoverageMatrix';
import { FindingsList } from './FindingsList';
import { Prose } from './InlineText';
import { OpenQuestions } from './OpenQuestions';
import { findingsByItem, shownSpec, specLabel } from './plan-helpers';
import { SpecItemRow } from './SpecItemRow';
import { TableSection, TextBlockSection } from './SectionEditors';
import { SECTIONS } from '../../../../shared/spec-sections';

/** Placeholders of the "add an item" fields, by section (sections whose items are listed). */
const ITEM_SECTIONS: Readonly<Partial<Record<SpecSectionKind, string>>> = Object.fromEntries(SECTIONS.flatMap((s) => (s.placeholder ? [[s.kind, s.placeholder]] : [])));

/** The sections every spec has, in their canonical order. */
const CANONICAL: ReadonlyArray<readonly [SpecSectionKind, string]> = SECTIONS.filter((s) => s.required).map((s) => [s.kind, s.title] as const);

function Section({ section, spec }: { readonly section: SpecSection; readonly spec: SpecState }) {
  const plan = useAppStore((s) => s.plan);
  const byItem = useMemo(() => findingsByItem(plan), [plan]);
  const items = useMemo(() => section.itemIds.map((id) => spec.items.find((i) => i.id === id)).filter((x) => x !== undefined), [spec, section.itemIds]);
  const placeholder = section.kind ? ITEM_SECTIONS[section.kind] : undefined;
  const info = SECTIONS.find((s) => s.kind === section.kind);
  return (
    <section className="spec-section" aria-label={section.title}>
      {/* Open questions draw their own heading (with the open count and the answered toggle). */}
      {section.kind !== 'questions' && (
      <div className="section-head">
        <h3>{section.title}</h3>
        {items.length > 0 && <span className="badge">{items.length}</span>}
        {section.kind === null && <span className="muted small">not a spec section — kept as written</span>}
      </div>
      )}
      {info?.textBlock ? (
        <TextBlockSection kind={info.kind} title={section.title} body={section.body} hint={section.hint} />
      ) : (
        <>
          {section.kind !== 'questions' && section.hint && items.length === 0 && !section.prose.trim() && <p className="hint muted">{section.hint.replace(/`/g, '')}</p>}
          {section.prose.trim() && section.kind !== 'questions' && <Prose text={section.prose} withoutTable={info?.columns !== undefined} />}
        </>
      )}
      {info?.columns && <TableSection kind={info.kind} title={section.title} table={section.table} columns={info.columns} />}
      {section.kind === 'questions' ? (
        <OpenQuestions questions={spec.clarifications} hint={section.hint} />
      ) : (
        items.length > 0 && (
          <ul className="list">
            {items.map((item, i) => (
              <SpecItemRow key={item.id} item={item} findings={byItem.get(item.id)} first={i === 0} last={i === items.length - 1} />
            ))}
          </ul>
        )
      )}
      {placeholder && section.kind && <AddItemForm section={section.kind} title={section.title} placeholder={placeholder} />}
    </section>
  );
}

/** The editor of a missing section written as text or as a table (saving it adds the section at its place). */
function MissingEditor({ kind, title }: { readonly kind: SpecSectionKind; readonly title: string }) {
  const info = SECTIONS.find((s) => s.kind === kind);
  if (info?.textBlock) return <TextBlockSection kind={kind} title={title} body="" hint={info.hint} />;
  if (info?.columns) return <TableSection kind={kind} title={title} table={null} columns={info.columns} />;
  return null;
}

/** What the Markdown editor's text was last in step with on disk. */
interface SpecBase {
  readonly hash: string;
  readonly content: string;
}

/** Unsaved Markdown edits of a spec whose editor was closed (view or tab switched), restored when it reopens. */
const unsavedDrafts = new Map<string, { readonly base: SpecBase; readonly text: string }>();

/**
 * The spec as Markdown. The editor's model owns the text while the user types (never re-set from React state);
 * a change on disk is applied directly when there are no unsaved edits, and offered when there are.
 */
function RawSpec({ spec }: { readonly spec: SpecState }) {
  const save = useAppStore((s) => s.saveSpecRaw);
  const editor = useRef<CodeEditorHandle | null>(null);
  const key = spec.path;
  const [restored] = useState(() => unsavedDrafts.get(key));
  const base = useRef<SpecBase>(restored?.base ?? { hash: spec.hash, content: spec.content });
  const lastSaved = useRef<string | null>(null);
  const [dirty, setDirty] = useState(restored !== undefined);
  const [saving, setSaving] = useState(false);
  const [incoming, setIncoming] = useState<SpecBase | null>(null);
  // The editor's text as last reported; read when the editor itself is gone (unmounting) or still loading.
  const typed = useRef(restored?.text ?? spec.content);
  const textNow = () => editor.current?.getValue() ?? typed.current;

  // Keep unsaved edits when the editor closes (another view or tab); drop them once saved or reverted.
  useEffect(
    () => () => {
      const text = typed.current;
      if (text !== base.current.content) unsavedDrafts.set(key, { base: base.current, text });
      else unsavedDrafts.delete(key);
    },
    [key],
  );

  useEffect(() => {
    if (spec.hash === base.current.hash) return;
    const disk = { hash: spec.hash, content: spec.content };
    const text = textNow();
    if (spec.content === text || spec.content === lastSaved.current) {
      // Our own save came back (possibly while the user kept typing), or the disk now says what we say.
      base.current = disk;
      setDirty(text !== disk.content);
      setIncoming(null);
    } else if (text === base.current.content) {
      base.current = disk;
      editor.current?.replace(disk.content);
      setIncoming(null);
    } else {
      setIncoming(disk);
    }
  }, [spec.hash, spec.content]);

  const doSave = async () => {
    if (saving) return;
    const text = textNow();
    lastSaved.current = text;
    setSaving(true);
    const ok = await save(text, base.current.hash);
    setSaving(false);
    if (!ok) return;
    // The new snapshot moves `base` (the effect above, which knows the saved text by `lastSaved`).
    unsavedDrafts.delete(key);
    setIncoming(null);
    setDirty(textNow() !== text);
  };
  const takeDisk = (disk: SpecBase) => {
    base.current = disk;
    editor.current?.replace(disk.content);
    unsavedDrafts.delete(key);
    setIncoming(null);
    setDirty(false);
  };
  const keepMine = (disk: SpecBase) => {
    // Saving now replaces the file on disk: the edits are based on what is there.
    base.current = { hash: disk.hash, content: disk.content };
    setIncoming(null);
    setDirty(textNow() !== disk.content);
  };
  return (
    <div className="raw-spec">
      <div className="toolbar">
        <span className="muted small">{spec.path}</span>
        {dirty && <span className="muted small">● unsaved</span>}
        {saving && <span className="muted small">Saving…</span>}
        <span className="spacer" />
        <button type="button" className="btn btn-small" disabled={!dirty} onClick={() => takeDisk({ hash: spec.hash, content: spec.content })}>
          Revert
        </button>
        <button type="button" className="btn btn-primary btn-small" disabled={!dirty || saving} onClick={() => void doSave()}>
          Save
        </button>
      </div>
      {incoming && (
        <div className="banner warn actions" role="alert">
          <span className="grow">⚠ {spec.path} changed on disk while you had unsaved edits. Your text is unchanged.</span>
          <button type="button" className="btn btn-small" onClick={() => takeDisk(incoming)}>
            Reload from disk
          </button>
          <button type="button" className="btn btn-small" onClick={() => keepMine(incoming)}>
            Keep mine
          </button>
        </div>
      )}
      <CodeEditor
        value={restored?.text ?? spec.content}
        uncontrolled
        handleRef={editor}
        language="markdown"
        path={spec.path}
        ariaLabel="Spec Markdown"
        onChange={(text) => {
          typed.current = text;
          setDirty(text !== base.current.content);
        }}
        onSave={() => void doSave()}
      />
    </div>
  );
}

/** Chooses which of the project's specs the tab shows, and makes a new one ("New spec…"). */
function SpecSwitcher({ current }: { readonly current: SpecState }) {
  const plan = useAppStore((s) => s.plan);
  const setSpecPath = useAppStore((s) => s.setSpecPath);
  const createNamed = useAppStore((s) => s.createNamedSpec);
  const [naming, setNaming] = useState(false);
  const [name, setName] = useState('');
  if (!plan) return null;
  const submit = () => {
    if (!name.trim()) return;
    void createNamed(name).then((path) => {
      if (path === null) return;
      setName('');
      setNaming(false);
    });
  };
  return (
    <>
      {plan.specs.length > 1 && (
        <select className="spec-switcher" aria-label="Spec" value={current.path} onChange={(e) => setSpecPath(e.target.value === plan.spec.path ? null : e.target.value)}>
          {plan.specs.map((s, i) => (
            <option key={s.path} value={s.path}>
              {specLabel(s, i === 0)}
            </option>
          ))}
        </select>
      )}
      {naming ? (
        <form
          className="inline-form new-spec"
          aria-label="New spec"
          onSubmit={(e) => {
            e.preventDefault();
            submit();
          }}
        >
          <input
            autoFocus
            aria-label="Name of the new spec"
            placeholder="e.g. Billing"
            value={name}
            onChange={(e) => setName(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Escape') {
                e.preventDefault();
                setNaming(false);
              }
            }}
          />
          <button type="submit" className="btn btn-primary btn-small" disabled={!name.trim()}>
            Create
          </button>
          <button type="button" className="btn btn-small" onClick={() => setNaming(false)}>
            Cancel
          </button>
        </form>
      ) : (
        <button type="button" className="btn btn-small" title="Add a spec under .plumbline/specs/" onClick={() => setNaming(true)}>
          New spec…
        </button>
      )}
    </>
  );
}

/** The Spec tab: structured sections with items, the raw Markdown, or the coverage matrix; one spec at a time. */
export function SpecView() {
  const plan = useAppStore((s) => s.plan);
  const specPath = useAppStore((s) => s.specPath);
  const createSpec = useAppStore((s) => s.createSpec);
  const mode = useAppStore((s) => s.specMode);
  const setMode = useAppStore((s) => s.setSpecMode);
  if (!plan) return null;
  const spec = shownSpec(plan, specPath);
  if (!spec.exists) {
    return (
      <div className="empty">
        <p>This project has no spec yet.</p>
        <p>A spec holds the purpose, security requirements, failure modes, non-requirements, acceptance checks and open questions, each item with a stable ID.</p>
        <button type="button" className="btn btn-primary" onClick={() => void createSpec()}>
          Create spec
        </button>
        <p className="muted small">Writes .plumbline/spec.md with a short hint under each section.</p>
        {plan.specs.length > 1 && (
          <div className="toolbar">
            <SpecSwitcher current={spec} />
          </div>
        )}
      </div>
    );
  }
  const missing = CANONICAL.filter(([kind]) => !spec.sections.some((s) => s.kind === kind));
  return (
    <div className="spec-view">
      <div className="toolbar">
        <div role="radiogroup" aria-label="Spec view" className="segmented">
          <button type="button" role="radio" aria-checked={mode === 'structured'} className="btn btn-small" onClick={() => setMode('structured')}>
            Structured
          </button>
          <button type="button" role="radio" aria-checked={mode === 'markdown'} className="btn btn-small" onClick={() => setMode('markdown')}>
            Markdown
          </button>
          <button type="button" role="radio" aria-checked={mode === 'coverage'} className="btn btn-small" onClick={() => setMode('coverage')}>
            Coverage
          </button>
        </div>
        <SpecSwitcher current={spec} />
        <span className="spacer" />
        <span className="muted small">{spec.items.length} items</span>
      </div>
      {mode === 'markdown' ? (
        <RawSpec key={spec.path} spec={spec} />
      ) : mode === 'coverage' ? (
        <div className="scroll">
          <CoverageMatrix />
        </div>
      ) : (
        <div className="scroll">
          {spec.sections.map((s, i) => (
            <Section key={`${spec.path}-${s.title}-${i}`} section={s} spec={spec} />
          ))}
          {missing.map(([kind, title]) => (
            <section key={`${spec.path}-${kind}`} className="spec-section missing" aria-label={title}>
              <div className="section-head">
                <h3>{title}</h3>
                <span className="warn small">⚠ missing</span>
              </div>
              {ITEM_SECTIONS[kind] && <AddItemForm section={kind} title={title} placeholder={ITEM_SECTIONS[kind]!} />}
              <MissingEditor kind={kind} title={title} />
            </section>
          ))}
          <FindingsList />
          {plan.memory.map((m) => (
            <details key={m.path} className="spec-section memory">
              <summary>
                Project memory: <span className="mono">{m.path}</span> <span className="muted small">(read-only, for agents)</span>
              </summary>
              <pre className="memory-text">{m.content}</pre>
            </details>
          ))}
        </div>
      )}
    </div>
  );
}
