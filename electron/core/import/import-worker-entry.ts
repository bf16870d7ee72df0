/** Entry file of the import worker thread (bundle it beside the host's bundle; see import-worker.ts). */
import { runImportWorker } from './import-worker';

runImportWorker();
