import { useEffect, useSyncExternalStore } from 'react';

/** An action reachable from the command palette (Ctrl/Cmd+Shift+P). */
export interface Command {
  readonly id: string;
  readonly title: string;
  /** Shown beside the title, e.g. "Ctrl+O". */
  readonly keys?: string;
  readonly run: () => void;
}

const commands = new Map<string, Command>();
const listeners = new Set<() => void>();
let snapshot: readonly Command[] = [];

function changed() {
  snapshot = [...commands.values()].sort((a, b) => a.title.localeCompare(b.title));
  for (const l of listeners) l();
}

/** Registers commands; returns the function that removes them again. */
export function registerCommands(list: readonly Command[]): () => void {
  for (const c of list) commands.set(c.id, c);
  changed();
  return () => {
    for (const c of list) if (commands.get(c.id) === c) commands.delete(c.id);
    changed();
  };
}

/** Registers commands while the calling component is mounted. */
export function useCommands(list: readonly Command[]): void {
  useEffect(() => registerCommands(list), [list]);
}

/** The registered commands, sorted by title. */
export function useCommandList(): readonly Command[] {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => snapshot,
  );
}

/** Scores a title against a query: every query character in order, earlier and contiguous matches first. */
export function matchScore(title: string, query: string): number | null {
  const t = title.toLowerCase();
  const q = query.toLowerCase().trim();
  if (!q) return 0;
  let score = 0;
  let at = -1;
  for (const ch of q) {
    const next = t.indexOf(ch, at + 1);
    if (next < 0) return null;
    score += next === at + 1 ? 0 : next - at;
    at = next;
  }
  return score;
}
