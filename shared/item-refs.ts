/*
 * References to spec items, resolved through the original IDs an import keeps as visible aliases.
 *
 * An imported item whose original ID could not stay its ID shows it after its text, e.g.
 * `- FR-4: System MUST create a share link per album (FR-001)`, and a Kiro criterion
 * `- AC-3: WHEN … (Kiro 2.1)`. Text, tasks and decisions written in the source's numbering cite
 * `FR-001` or `2.1`; this module makes those count as the item, wherever references are resolved.
 */

/** An ID as Plumbline writes it, or an original one such as `FR-006` or `SC-001`. */
const ID_TOKEN = /\b([A-Z]{1,6})-(\d+)\b/g;

/** The visible alias at the end of an item's text: `(FR-001)`, `(NFR-002)`, `(Kiro requirement 3)`, `(Kiro 1.2)`. */
const ALIAS_AT_END = /\((?:([A-Z]{1,6}-\d+)|Kiro (?:requirement )?(\d+(?:\.\d+)*))\)\s*$/;

/** The original IDs an item's text shows as its aliases (none for an item written in Plumbline). */
export function itemAliases(text: string): string[] {
  const m = ALIAS_AT_END.exec(text);
  if (!m) return [];
  // A Kiro key (`1.2`) is cited as `1.2` (`_Requirements: 1.2_`) and as `Kiro 1.2`.
  return m[1] ? [m[1]] : [m[2]!, `Kiro ${m[2]}`];
}

/** IDs cited in a text (`FR-006`, `AC-3`), each once, in order; the prefix of each is `[A-Z]{1,6}`. */
export function citedIds(text: string): Array<{ readonly id: string; readonly prefix: string }> {
  const out = new Map<string, string>();
  for (const m of text.matchAll(ID_TOKEN)) if (!out.has(m[0])) out.set(m[0], m[1]!);
  return [...out].map(([id, prefix]) => ({ id, prefix }));
}

/** An item as the index needs it. */
export interface RefItem {
  readonly id: string;
  readonly text: string;
  /** The spec file holding it. */
  readonly file: string;
  /** Provenance of an imported item (`specs/002-x/spec.md#FR-001`), else null. */
  readonly source: string | null;
}

/** Where a reference is written, so an alias shared by two sources resolves to the one of the same source. */
export interface RefContext {
  /** The spec file of the citing item. */
  readonly file?: string;
  /** The provenance of the citing task, item or decision (`specs/002-x/tasks.md#T001`). */
  readonly source?: string | null;
}

/** The folder of a provenance (`specs/002-x/spec.md#FR-1` → `specs/002-x`); '' when it has none. */
function originOf(source: string | null | undefined): string {
  if (!source) return '';
  const file = source.split('#')[0]!;
  const slash = file.lastIndexOf('/');
  return slash === -1 ? '' : file.slice(0, slash);
}

interface AliasEntry {
  readonly id: string;
  readonly file: string;
  readonly origin: string;
}

/** Resolves references to spec items: an item's own ID, or one of its visible aliases. */
export class RefIndex {
  private readonly ids = new Set<string>();
  private readonly aliases = new Map<string, AliasEntry[]>();

  constructor(items: Iterable<RefItem>) {
    for (const item of items) {
      this.ids.add(item.id);
      for (const alias of itemAliases(item.text)) {
        const list = this.aliases.get(alias) ?? [];
        list.push({ id: item.id, file: item.file, origin: originOf(item.source) });
        this.aliases.set(alias, list);
      }
    }
  }

  /**
   * The item a reference means, or null when none. An alias of an item of the same source (or the same
   * spec) comes first, since a text written in the source's numbering means its own `FR-001`; then an
   * item's own ID; then an alias only one item has.
   */
  resolve(ref: string, near: RefContext = {}): string | null {
    const list = this.aliases.get(ref) ?? [];
    const origin = originOf(near.source);
    const local = list.find((e) => (origin !== '' && e.origin === origin) || (near.file !== undefined && e.file === near.file));
    if (local) return local.id;
    if (this.ids.has(ref)) return ref;
    const distinct = new Set(list.map((e) => e.id));
    return distinct.size === 1 ? list[0]!.id : null;
  }

  /** Each reference resolved where it can be (kept as written where not), duplicates dropped. */
  resolveAll(refs: readonly string[], near: RefContext = {}): string[] {
    return [...new Set(refs.map((r) => this.resolve(r, near) ?? r))];
  }
}
