// Public surface of @zoo/server: what a user embedding Zoo needs — start one server or a whole
// ensemble in-process, and the option and handle types of both. The core, the loop and the peer
// wire format that the simulator drives live behind the `@zoo/server/internals` subpath.

export { startServer, defaultFourLetterWordWhitelist } from './start-server.js';
export type { StartServerOptions, ZooServer } from './start-server.js';
export { startCluster } from './start-cluster.js';
export type { ClusterMember, StartClusterOptions, ZooCluster } from './start-cluster.js';
export type { ServerOptions } from './server-options.js';
// ServerOptions takes a log level or a logger of the user's own.
export type { LogFormat, LogLevel } from './adapters/node-env.js';
export type { LogFields, Logger } from './runtime/env.js';
