// The ZAB replication core's public surface: the Zab state machine of one ensemble member and
// the shapes around it (its durable state, what it hands the loop).

export { Zab } from './zab.js';
export type {
  DurableState,
  PersistOp,
  ZabOptions,
  ZabOutput,
  ZabRole,
  ZabTestingOptions,
} from './zab-types.js';
export { describePersistOp } from './zab-types.js';
export { describeOutput } from './zab-outbox.js';
export { describeMessage } from './messages.js';
export type { PeerEnvelope, PeerMessage, RequestOrigin } from './messages.js';
export { counterOf, epochOf, hexZxid, makeZxid, zxidCounterMax } from './zxid.js';
