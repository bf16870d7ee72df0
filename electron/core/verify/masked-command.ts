import { isAssignment, parseShellList, tokenizeShell, type ListItem, type Pipeline, type SimpleCommand } from './shell-words';

/**
 * Masked commands: a claimed command line whose exit status cannot show a failure (`npm test || true`)
 * proves nothing. The line is read with a real shell tokenizer, so operators inside quotes, comments and
 * arguments do not count.
 */

/** How a command's status behaves when every real command in the line fails. */
type Status = 'ok' | 'fail';

/** Commands that always succeed: after `||` or at the end they turn a failure into success. */
const ALWAYS_OK = new Set(['true', ':', 'echo', 'printf']);

/** Shells whose `-c` string is read one level down. */
const SHELLS = new Set(['sh', 'bash', 'dash', 'zsh', 'ksh']);

const quote = (text: string): string => `\`${text}\``;

/** The command's words without leading `A=1` assignments. */
function words(command: SimpleCommand): string[] {
  const all = command.words;
  let i = 0;
  while (i < all.length && isAssignment(all[i]!)) i++;
  return all.slice(i).map((w) => w.value);
}

/** A command's constant status, or null when it depends on what it runs. */
function constantStatus(command: SimpleCommand): Status | null {
  const w = words(command);
  if (w.length === 0) return 'ok'; // only assignments
  const [name, arg] = w;
  if (ALWAYS_OK.has(name!)) return 'ok';
  if (name === 'false') return 'fail';
  if (name === 'exit' || name === 'return') {
    if (arg === undefined || arg === '$?') return null; // passes the last status on
    return arg === '0' ? 'ok' : 'fail';
  }
  if (name === 'set' || name === 'export' || name === 'shopt') return 'ok';
  return null;
}

/** `exit`/`return` commands end the line. */
function isExit(command: SimpleCommand): boolean {
  const name = words(command)[0];
  return name === 'exit' || name === 'return';
}

/** Options a `set` command turns on (`true`) or off (`false`): errexit and pipefail. */
function setOptions(command: SimpleCommand): Map<'errexit' | 'pipefail', boolean> {
  const out = new Map<'errexit' | 'pipefail', boolean>();
  const w = words(command);
  if (w[0] !== 'set') return out;
  for (let i = 1; i < w.length; i++) {
    const arg = w[i]!;
    const on = arg.startsWith('-');
    if (!on && !arg.startsWith('+')) continue;
    for (const letter of arg.slice(1)) {
      if (letter === 'e') out.set('errexit', on);
      if (letter === 'o') {
        const name = w[++i];
        if (name === 'errexit' || name === 'pipefail') out.set(name, on);
      }
    }
  }
  return out;
}

/** The string of `bash -c '…'` (options before `-c` allowed) and whether they set pipefail, or null. */
function shellScript(command: SimpleCommand): { script: string; pipefail: boolean } | null {
  const w = words(command);
  if (!SHELLS.has((w[0] ?? '').split('/').pop()!)) return null;
  let pipefail = false;
  for (let i = 1; i < w.length - 1; i++) {
    if (/^-[a-z]*c[a-z]*$/.test(w[i]!)) return { script: w[i + 1]!, pipefail };
    if (w[i] === '-o' || w[i] === '+o') {
      if (w[i + 1] === 'pipefail') pipefail = w[i] === '-o';
      i++;
    } else if (!w[i]!.startsWith('-') && !w[i]!.startsWith('+')) return null;
  }
  return null;
}

/** The `2>/dev/null` or `&>/dev/null` that hides the pipeline's errors too, if any. */
function errorsHiddenBy(pipeline: Pipeline): string | null {
  for (const c of pipeline.commands) for (const r of c.redirects) if (/^(2|&)>>?$/.test(r.op) && r.target === '/dev/null') return r.raw;
  return null;
}

/** Why the status of a pipeline with several commands is that of the last one only. */
function pipeReason(pipeline: Pipeline): string | null {
  const commands = pipeline.commands;
  if (commands.length < 2) return null;
  const last = commands[commands.length - 1]!;
  const hidden = commands.slice(0, -1).find((c) => constantStatus(c) === null);
  if (!hidden) return null;
  return `In ${quote(pipeline.text)} the exit status is that of ${quote(last.text)}, not of ${quote(hidden.text)}: a failure of ${quote(hidden.text)} is lost. Add \`set -o pipefail\` first, or run ${quote(hidden.text)} alone.`;
}

/**
 * Runs the line in the abstract with every real command failing: when it still ends in success, a
 * failure is masked, and the reason names what turned the last failure into success.
 */
function simulate(items: readonly ListItem[]): string | null {
  let status: Status = 'ok';
  let errexit = false;
  let lastReal: Pipeline | null = null;
  let reason: string | null = null;
  let chainStart = 0;
  for (const [i, item] of items.entries()) {
    if (item.joinedBy !== '&&' && item.joinedBy !== '||') chainStart = i;
    if (item.joinedBy === '&&' && status !== 'ok') continue;
    if (item.joinedBy === '||' && status === 'ok') continue;
    const pipeline = item.pipeline;
    const last = pipeline.commands[pipeline.commands.length - 1]!;
    const constant = constantStatus(last);
    let next: Status = constant ?? (isExit(last) ? status : 'fail'); // `exit` and `exit $?` keep the status
    if (pipeline.negated) next = next === 'ok' ? 'fail' : 'ok';
    if (item.background) {
      next = 'ok';
      if (constant === null) reason = `${quote(pipeline.text)} runs in the background (\`&\`): its exit status is lost, so its failure does not show. Drop the \`&\` to see the real result.`;
    } else if (next === 'ok' && status === 'fail' && lastReal) {
      const hiddenBy = errorsHiddenBy(lastReal);
      const masked = `${quote(lastReal.text)}${hiddenBy ? ` (its errors hidden by ${quote(hiddenBy)})` : ''}`;
      if (isExit(last)) reason = `${quote(pipeline.text)} ends the command with success whatever ${masked} did. Drop ${quote(pipeline.text)} to see the real result.`;
      else if (item.joinedBy === '||') {
        // Name the whole `a && b` before the `||`.
        const chain = items.slice(chainStart, i).map((it, k) => `${k > 0 ? `${it.joinedBy} ` : ''}${it.pipeline.text}`).join(' ');
        const failed = chain === lastReal.text ? masked : quote(chain);
        reason = `\`|| ${pipeline.text}\` turns a failure of ${failed} into success: the command passes whatever happened. Drop \`|| ${pipeline.text}\` to see the real result.`;
      }
      else reason = `${masked} is followed by ${quote(pipeline.text)}: the command succeeds whatever ${quote(lastReal.text)} did. Drop ${quote(`; ${pipeline.text}`)} to see the real result.`;
    }
    if (constant === null && !isExit(last)) lastReal = pipeline;
    status = next;
    if (isExit(last)) break;
    const endsAndOr = items[i + 1]?.joinedBy !== '&&' && items[i + 1]?.joinedBy !== '||';
    if (errexit && status === 'fail' && endsAndOr) break; // `set -e` stops here
    for (const c of pipeline.commands) {
      const options = setOptions(c);
      if (options.has('errexit')) errexit = options.get('errexit')!;
    }
  }
  return status === 'ok' && lastReal ? reason : null;
}

/**
 * A human reason when a shell command line hides a failure — `|| true`, `|| :`, `|| exit 0`,
 * `|| echo …`, a trailing `; true` / `; exit 0`, `set +e` before more commands, `!`, a background `&`,
 * or a pipeline whose status is that of its last command (no `set -o pipefail`) — and null when its
 * exit status can show a failure. Strings given to `sh -c`/`bash -c` are read one level down.
 */
export function maskedFailure(command: string): string | null {
  return maskedIn(command, 0, false);
}

function maskedIn(command: string, depth: number, pipefailOn: boolean): string | null {
  const tokens = tokenizeShell(command);
  if (!tokens) return null;
  const items = parseShellList(tokens);
  // `exit ${PIPESTATUS[0]}` hands on the status of the pipeline's first command.
  let pipefail = pipefailOn || command.includes('PIPESTATUS');
  for (const [i, item] of items.entries()) {
    for (const c of item.pipeline.commands) {
      const shell = depth === 0 ? shellScript(c) : null;
      const inner = shell ? maskedIn(shell.script, depth + 1, shell.pipefail) : null;
      if (inner) return `Inside ${quote(c.text)}: ${inner}`;
    }
    if (item.pipeline.negated && item.pipeline.commands.some((c) => constantStatus(c) === null)) {
      return `${quote(item.pipeline.text)} inverts the exit status: it succeeds when ${quote(item.pipeline.text.replace(/^!\s*/, ''))} fails. Drop the \`!\` to see the real result.`;
    }
    if (!pipefail) {
      const reason = pipeReason(item.pipeline);
      if (reason) return reason;
    }
    for (const c of item.pipeline.commands) {
      const options = setOptions(c);
      if (options.has('pipefail')) pipefail = options.get('pipefail')!;
      if (options.get('errexit') === false && i < items.length - 1) {
        return `${quote(c.text)} lets the commands after it fail and carry on: only the last command's exit status counts. Drop ${quote(c.text)}, or check each command on its own.`;
      }
    }
  }
  return simulate(items);
}
