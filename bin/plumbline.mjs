#!/usr/bin/env node
// The `plumbline` command: builds what is missing or stale, then runs the bundled CLI.
import { buildNode, buildRenderer, appRoot } from '../scripts/build-lib.mjs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const argv = process.argv.slice(2);
try {
  await buildNode();
  if (argv[0] === 'serve') await buildRenderer();
} catch (error) {
  console.error(`plumbline: could not build the app: ${error.message}`);
  process.exit(1);
}
const { main } = await import(pathToFileURL(join(appRoot, 'dist/node/cli.mjs')).href);
const code = await main(argv);
if (code !== undefined) process.exitCode = code;
