/**
 * One write of a run: by the edit tool or a file a command changed. Hashes are git blob SHA-1s; null =
 * absent. The same type travels from the file writer to the verifier, flags included.
 */
export interface JournalEntry {
  readonly path: string;
  readonly hashBefore: string | null;
  readonly hashAfter: string | null;
  readonly source: 'edit' | 'command';
  /** Warnings the file writer raised (emptied, shrank, placeholder text, whole-file rewrite). */
  readonly flags: readonly string[];
}

/** The per-run journal: every write, and which files the run created (the only ones a restore may delete). */
export class RunJournal {
  private readonly list: JournalEntry[] = [];
  private readonly createdPaths = new Set<string>();

  /** Records a write. A file absent before its first write in this run counts as created by the run. */
  record(entry: JournalEntry): void {
    const seen = this.list.some((e) => e.path === entry.path);
    if (!seen && entry.hashBefore === null && entry.hashAfter !== null) this.createdPaths.add(entry.path);
    this.list.push(entry);
  }

  /** Every write in order. */
  entries(): readonly JournalEntry[] {
    return this.list;
  }

  /** Files the run created. */
  created(): ReadonlySet<string> {
    return this.createdPaths;
  }

  /** Every path the run touched. */
  paths(): string[] {
    return [...new Set(this.list.map((e) => e.path))];
  }
}
