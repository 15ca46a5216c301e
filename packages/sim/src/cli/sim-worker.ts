// A `pnpm sim --workers N` worker thread: runs each scenario the main thread sends and answers
// its summary (the full history stays here; the main thread replays a failure to report it).

import { parentPort } from 'node:worker_threads';
import { simulate } from '../simulate.js';
import { summarizeRun } from './run-tally.js';
import type { WorkerRequest } from './run-pool.js';

const port = parentPort;
if (port === null) throw new Error('sim-worker runs only as a worker thread');
port.on('message', (request: WorkerRequest) => {
  void simulate(request.scenario)
    .then(summarizeRun, (error: unknown) => summarizeRun({ error }))
    .then((summary) => port.postMessage(summary));
});
