/** Entry file of the status worker thread (bundle it beside the host's bundle; see status-worker.ts). */
import { runStatusWorker } from './status-worker';

runStatusWorker();
