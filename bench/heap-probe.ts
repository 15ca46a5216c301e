// Preloaded into a Zoo server process by the znodes section (`--expose-gc`, then imported after
// tsx): on SIGUSR2 it runs a full garbage collection and writes the memory the heap and its
// buffers hold (bytes) to the file ZOO_BENCH_HEAP_FILE names. This lets Zoo's memory per znode
// be read by the same state method as the JVM's heap after `jcmd GC.run`.

import { writeFileSync } from 'node:fs';

const file = process.env['ZOO_BENCH_HEAP_FILE'];
const collect = (globalThis as { gc?: () => void }).gc;
if (file !== undefined && collect !== undefined) {
  process.on('SIGUSR2', () => {
    collect();
    const usage = process.memoryUsage();
    // Znode data lives in Buffers, outside the V8 heap: `external` counts them, as the JVM's
    // heap counts its byte arrays.
    writeFileSync(file, String(usage.heapUsed + usage.external));
  });
}
