/**
 * A small POSIX shell reader for judging check commands: it splits a command line into words and
 * operators the way sh does (quotes, backslashes, comments, `$(…)`), then into lists of pipelines of
 * simple commands. It never expands anything and never runs anything.
 */

/** Operators that separate commands. `(`/`)` group commands; the reader flattens them. */
export type ControlOperator = '&&' | '||' | ';' | '|' | '|&' | '&' | '\n' | '(' | ')';

/** A word with quotes and escapes removed (`value`), as written (`raw`). */
export interface ShellWord {
  readonly kind: 'word';
  readonly value: string;
  readonly raw: string;
  /** Some part of it was quoted or escaped. */
  readonly quoted: boolean;
}

/** A redirection such as `2>/dev/null` (op `2>`, target `/dev/null`) or `2>&1` (op `2>&`, target `1`). */
export interface ShellRedirect {
  readonly kind: 'redirect';
  readonly op: string;
  readonly target: string;
  readonly raw: string;
}

export type ShellToken = ShellWord | ShellRedirect | { readonly kind: 'op'; readonly op: ControlOperator };

const CONTROL_OPS: readonly ControlOperator[] = ['&&', '||', '|&', ';', '|', '&', '(', ')'];
const REDIRECT_OPS = ['&>>', '&>', '<<<', '<<-', '<<', '>>', '>&', '<&', '>|', '<>', '>', '<'];

/** Length of a `$(…)`, `${…}` or backquoted part starting at `i`, quotes inside respected. */
function substitutionLength(line: string, i: number): number {
  if (line[i] === '`') {
    const end = line.indexOf('`', i + 1);
    return end < 0 ? line.length - i : end - i + 1;
  }
  const open = line[i + 1]!;
  const close = open === '(' ? ')' : '}';
  let depth = 0;
  for (let j = i + 1; j < line.length; j++) {
    const c = line[j];
    if (c === '\\') j++;
    else if (c === "'" && open === '(') {
      const end = line.indexOf("'", j + 1);
      j = end < 0 ? line.length : end;
    } else if (c === open) depth++;
    else if (c === close && --depth === 0) return j - i + 1;
  }
  return line.length - i;
}

/**
 * Splits a command line into words, redirections and control operators. Null when a quote is left
 * open (the line is not a complete command).
 */
export function tokenizeShell(line: string): ShellToken[] | null {
  const tokens: ShellToken[] = [];
  let value = '';
  let quoted = false;
  let start = -1;
  let pendingRedirect: { op: string; raw: string } | null = null;

  const endWord = (end: number): void => {
    if (start < 0) return;
    const raw = line.slice(start, end);
    if (pendingRedirect) {
      tokens.push({ kind: 'redirect', op: pendingRedirect.op, target: value, raw: `${pendingRedirect.raw}${raw}` });
      pendingRedirect = null;
    } else tokens.push({ kind: 'word', value, raw, quoted });
    value = '';
    quoted = false;
    start = -1;
  };
  const flushRedirect = (): void => {
    if (pendingRedirect) tokens.push({ kind: 'redirect', op: pendingRedirect.op, target: '', raw: pendingRedirect.raw });
    pendingRedirect = null;
  };

  let i = 0;
  while (i < line.length) {
    const c = line[i]!;
    if (c === '\\' && line[i + 1] === '\n') {
      i += 2; // line continuation
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      endWord(i);
      i++;
      continue;
    }
    if (c === '\n') {
      endWord(i);
      flushRedirect();
      tokens.push({ kind: 'op', op: '\n' });
      i++;
      continue;
    }
    if (c === '#' && start < 0) {
      while (i < line.length && line[i] !== '\n') i++;
      continue;
    }
    const redirect = REDIRECT_OPS.find((op) => line.startsWith(op, i));
    if (redirect) {
      // A word of digits right before it is the file descriptor: `2>`.
      const fd = start < i && !quoted && /^\d+$/.test(value) ? value : '';
      if (fd) {
        start = -1;
        value = '';
      } else endWord(i);
      flushRedirect();
      pendingRedirect = { op: `${fd}${redirect}`, raw: `${fd}${redirect}` };
      i += redirect.length;
      continue;
    }
    const op = CONTROL_OPS.find((o) => line.startsWith(o, i));
    if (op) {
      endWord(i);
      flushRedirect();
      tokens.push({ kind: 'op', op });
      i += op.length;
      continue;
    }
    if (start < 0) start = i;
    if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) return null;
      value += line.slice(i + 1, end);
      quoted = true;
      i = end + 1;
      continue;
    }
    if (c === '"') {
      let j = i + 1;
      for (; j < line.length && line[j] !== '"'; j++) {
        const d = line[j]!;
        if (d === '\\' && j + 1 < line.length && '$`"\\\n'.includes(line[j + 1]!)) {
          if (line[j + 1] !== '\n') value += line[j + 1];
          j++;
        } else if ((d === '$' && (line[j + 1] === '(' || line[j + 1] === '{')) || d === '`') {
          const n = substitutionLength(line, j);
          value += line.slice(j, j + n);
          j += n - 1;
        } else value += d;
      }
      if (j >= line.length) return null;
      quoted = true;
      i = j + 1;
      continue;
    }
    if (c === '\\') {
      if (i + 1 < line.length) value += line[i + 1];
      quoted = true;
      i += 2;
      continue;
    }
    if ((c === '$' && (line[i + 1] === '(' || line[i + 1] === '{')) || c === '`') {
      const n = substitutionLength(line, i);
      value += line.slice(i, i + n);
      i += n;
      continue;
    }
    value += c;
    i++;
  }
  endWord(line.length);
  flushRedirect();
  return tokens;
}

/** One simple command: its words (assignments and command name included) and redirections. */
export interface SimpleCommand {
  readonly words: readonly ShellWord[];
  readonly redirects: readonly ShellRedirect[];
  /** As written, for messages. */
  readonly text: string;
}

/** Commands joined by `|`; `!` in front inverts its status. */
export interface Pipeline {
  readonly commands: readonly SimpleCommand[];
  readonly negated: boolean;
  readonly text: string;
}

/** A pipeline of a list and the operator that joins it to the one before (null for the first). */
export interface ListItem {
  readonly pipeline: Pipeline;
  readonly joinedBy: '&&' | '||' | ';' | null;
  /** Started with `&`: runs in the background, its status is lost. */
  readonly background: boolean;
}

function commandText(words: readonly ShellWord[], redirects: readonly ShellRedirect[]): string {
  return [...words.map((w) => w.raw), ...redirects.map((r) => r.raw)].join(' ');
}

/**
 * Reads tokens as a list of pipelines. Grouping parentheses are flattened (`(a || true)` reads as
 * `a || true`); newlines separate like `;`.
 */
export function parseShellList(tokens: readonly ShellToken[]): ListItem[] {
  const items: ListItem[] = [];
  let commands: SimpleCommand[] = [];
  let words: ShellWord[] = [];
  let redirects: ShellRedirect[] = [];
  let negated = false;
  let joinedBy: ListItem['joinedBy'] = null;

  const endCommand = (): void => {
    if (words.length === 0 && redirects.length === 0) return;
    if (commands.length === 0 && words.length > 0 && words[0]!.value === '!' && !words[0]!.quoted) {
      negated = true;
      words = words.slice(1);
    }
    commands.push({ words, redirects, text: commandText(words, redirects) });
    words = [];
    redirects = [];
  };
  const endPipeline = (background: boolean): void => {
    endCommand();
    if (commands.length === 0) return;
    const text = `${negated ? '! ' : ''}${commands.map((c) => c.text).join(' | ')}`;
    items.push({ pipeline: { commands, negated, text }, joinedBy: items.length === 0 ? null : joinedBy, background });
    commands = [];
    negated = false;
  };

  for (const t of tokens) {
    if (t.kind === 'word') words.push(t);
    else if (t.kind === 'redirect') redirects.push(t);
    else if (t.op === '|' || t.op === '|&') endCommand();
    else if (t.op === '(' || t.op === ')') endCommand();
    else {
      const hadPipeline = commands.length > 0 || words.length > 0 || redirects.length > 0;
      endPipeline(t.op === '&');
      if (hadPipeline || t.op === '&&' || t.op === '||') joinedBy = t.op === '&&' || t.op === '||' ? t.op : ';';
    }
  }
  endPipeline(false);
  return items;
}

/** Variable assignments (`A=1 B=2 cmd`) at the start of a command. */
export function isAssignment(word: ShellWord): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*=/.test(word.raw);
}
