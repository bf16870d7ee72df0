import { promises as fs } from 'node:fs';
import { resolve } from 'node:path';
import { RpcError } from '../../../shared/rpc';
import { atomicWrite } from '../util/atomic-write';
import { defaultDataDir } from '../verify/verify-command';
import { renderExport, type ExportFormat } from './export-render';

const USAGE = 'Usage: plumbline export [FOLDER] --format md|html|pdf [--out FILE] [--with-tasks] [--with-evidence]\n  --out -  writes to standard output (md and html).';

/** Parsed `plumbline export` arguments. */
export interface ExportArgs {
  readonly folder: string;
  readonly format: ExportFormat;
  readonly out: string | null;
  readonly withTasks: boolean;
  readonly withEvidence: boolean;
}

/** Parses the arguments after `export`; returns an error message for bad input. */
export function parseExportArgs(argv: readonly string[]): ExportArgs | string {
  let folder: string | null = null;
  let format: string | null = null;
  let out: string | null = null;
  let withTasks = false;
  let withEvidence = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = (): string | null => (a.includes('=') ? a.slice(a.indexOf('=') + 1) : (argv[++i] ?? null));
    if (a === '--format' || a.startsWith('--format=')) format = value();
    else if (a === '--out' || a.startsWith('--out=') || a === '-o') out = value();
    else if (a === '--with-tasks') withTasks = true;
    else if (a === '--with-evidence') withEvidence = true;
    else if (a === '--help' || a === '-h') return USAGE;
    else if (a.startsWith('-') && a !== '-') return `Unknown option ${a}.\n${USAGE}`;
    else if (folder === null) folder = a;
    else return `Only one folder can be exported at a time (got "${folder}" and "${a}").\n${USAGE}`;
  }
  if (format === null) return `Choose a format with --format md, html or pdf.\n${USAGE}`;
  if (format !== 'md' && format !== 'html' && format !== 'pdf') return `Unknown format "${format}": use md, html or pdf.`;
  if (format === 'pdf' && out === '-') return 'A PDF cannot be written to standard output; give --out FILE.';
  return { folder: resolve(folder ?? '.'), format, out, withTasks, withEvidence };
}

/** `plumbline export …`: renders the export and writes it; returns the exit code (0 ok, 1 failure, 2 usage). */
export async function runExportCommand(argv: string[]): Promise<number> {
  const args = parseExportArgs(argv);
  if (typeof args === 'string') {
    const help = args === USAGE;
    (help ? process.stdout : process.stderr).write(`${args}\n`);
    return help ? 0 : 2;
  }
  try {
    const stat = await fs.stat(args.folder).catch(() => null);
    if (!stat?.isDirectory()) {
      process.stderr.write(`${args.folder} is not a folder. Give the project folder to export.\n`);
      return 2;
    }
    const rendered = await renderExport(args.folder, args.format, { withTasks: args.withTasks, withEvidence: args.withEvidence, dataDir: defaultDataDir() });
    if (args.out === '-') {
      process.stdout.write(Buffer.from(rendered.bytes));
      return 0;
    }
    const target = resolve(args.out ?? rendered.fileName);
    await atomicWrite(target, rendered.bytes);
    process.stderr.write(`Exported ${args.format.toUpperCase()} to ${target}\n`);
    return 0;
  } catch (error) {
    const message = error instanceof RpcError || error instanceof Error ? error.message : String(error);
    process.stderr.write(`Export failed: ${message}\n`);
    return 1;
  }
}
