// What a register client remembers between operations: the version it last saw per key (its next
// conditional write expects it), and the value a successful write records. Shared by the single
// register ops (register-ops.ts) and the multis over two registers (multi-op.ts).

import type { Stat } from '@zoo/client';
import type { ZnodeOpValue } from '../history/history.js';

/** The last version each client saw per key: the version its next conditional write expects. */
export type SeenVersions = Map<string, number>;

export function written(stat: Stat): ZnodeOpValue {
  return { version: stat.version, mzxid: stat.mzxid };
}
