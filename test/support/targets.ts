// The servers a compatibility test can run against: Apache ZooKeeper (the oracle), Zoo, and a
// 3-member Zoo ensemble reached through one follower. Zoo is imported dynamically, so a missing
// `@zoo/server` marks its targets unavailable (with the reason) instead of failing Apache runs.

import type { ZooCluster } from '@zoo/server';
import {
  apacheZooKeeperJar,
  isApacheZooKeeperInstalled,
  startApacheZooKeeper,
} from './apache-zookeeper.js';

export type TargetName = 'apache' | 'zoo' | 'zoo-ensemble';

export interface TargetOptions {
  tickMs?: number;
  extendedTypesEnabled?: boolean;
  superDigest?: string;
  minSessionTimeoutMs?: number;
  maxSessionTimeoutMs?: number;
  /** Apache only (a JVM property); Zoo takes it only if its startServer knows the option. */
  containerCheckIntervalMs?: number;
}

export interface TargetServer {
  connectString: string;
  host: string;
  port: number;
  /** What `srvr` reports as `Mode:` (standalone, or follower for the ensemble's member). */
  mode: 'standalone' | 'follower';
  stop(): Promise<void>;
}

export interface Target {
  name: TargetName;
  start(options?: TargetOptions): Promise<TargetServer>;
}

export interface TargetAvailability {
  target: Target;
  isAvailable: boolean;
  /** Why the target is unavailable ('' when it is available). */
  reason: string;
}

export const apacheTarget: Target = {
  name: 'apache',
  start: async (options = {}) => ({
    ...(await startApacheZooKeeper(options)),
    mode: 'standalone',
  }),
};

type StartServer = (options: Record<string, unknown>) => Promise<unknown>;
type StartCluster = (options: Record<string, unknown>) => Promise<ZooCluster>;

interface ZooStarters {
  startServer: StartServer | string;
  startCluster: StartCluster | string;
}

async function importZoo(): Promise<ZooStarters> {
  // A variable specifier keeps typecheck green whether or not the package exports it yet.
  const specifier = '@zoo/server';
  try {
    const loaded: unknown = await import(specifier);
    const exported = (name: string): unknown =>
      typeof loaded === 'object' && loaded !== null && name in loaded
        ? (loaded as Record<string, unknown>)[name]
        : undefined;
    const startServer = exported('startServer');
    const startCluster = exported('startCluster');
    const missing = (name: string): string => `${specifier} loaded, but it exports no ${name}`;
    return {
      startServer:
        typeof startServer === 'function'
          ? (options) => Promise.resolve(startServer(options))
          : missing('startServer'),
      startCluster:
        typeof startCluster === 'function'
          ? (options) => Promise.resolve(startCluster(options) as ZooCluster)
          : missing('startCluster'),
    };
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    const reason = `${specifier} could not be imported: ${message}`;
    return { startServer: reason, startCluster: reason };
  }
}

function toZooOptions(options: TargetOptions): Record<string, unknown> {
  const zooOptions: Record<string, unknown> = {
    port: 0,
    host: '127.0.0.1',
    tickMs: options.tickMs ?? 2000,
    extendedTypesEnabled: options.extendedTypesEnabled !== false,
    fourLetterWordWhitelist: '*',
  };
  for (const key of ['superDigest', 'minSessionTimeoutMs', 'maxSessionTimeoutMs'] as const) {
    if (options[key] !== undefined) {
      zooOptions[key] = options[key];
    }
  }
  if (options.containerCheckIntervalMs !== undefined) {
    zooOptions['containerCheckIntervalMs'] = options.containerCheckIntervalMs;
  }
  return zooOptions;
}

/** Narrows what startServer returned to the documented `{ connectString, host, port, close }`. */
function toTargetServer(started: unknown): TargetServer {
  if (typeof started !== 'object' || started === null) {
    throw new TypeError('startServer resolved with a non-object');
  }
  const { connectString, host, port } = started as Record<string, unknown>;
  const close: unknown = (started as Record<string, unknown>)['close'];
  if (typeof port !== 'number' || typeof close !== 'function') {
    throw new TypeError('startServer result lacks port:number or close()');
  }
  const hostText = typeof host === 'string' ? host : '127.0.0.1';
  return {
    connectString: typeof connectString === 'string' ? connectString : `${hostText}:${port}`,
    host: hostText,
    port,
    mode: 'standalone',
    stop: async () => {
      await Promise.resolve(close.call(started));
    },
  };
}

function zooTarget(startServer: StartServer): Target {
  return {
    name: 'zoo',
    start: async (options = {}) => toTargetServer(await startServer(toZooOptions(options))),
  };
}

const ensembleLeaderWaitMs = 30_000;

/**
 * A 3-member ensemble; tests talk to one follower only, so every write is forwarded to the
 * leader and committed by a quorum before the follower answers — the interesting path.
 */
function zooEnsembleTarget(startCluster: StartCluster): Target {
  return {
    name: 'zoo-ensemble',
    start: async (options = {}) => {
      const { port: _port, ...clusterOptions } = toZooOptions(options);
      const cluster = await startCluster({ ...clusterOptions, size: 3 });
      try {
        const leaderId = await cluster.waitForLeader(ensembleLeaderWaitMs);
        const follower = cluster.members.find((m) => m.id !== leaderId && !m.isObserver);
        if (follower === undefined) throw new Error('the ensemble has no follower');
        return {
          connectString: follower.connectString,
          host: typeof clusterOptions['host'] === 'string' ? clusterOptions['host'] : '127.0.0.1',
          port: follower.port,
          mode: 'follower',
          stop: () => cluster.close(),
        };
      } catch (error) {
        await cluster.close();
        throw error;
      }
    },
  };
}

function unavailable(name: TargetName, reason: string): TargetAvailability {
  const target: Target = {
    name,
    start: () => Promise.reject(new Error(`${name} is not available: ${reason}`)),
  };
  return { target, isAvailable: false, reason };
}

export interface ResolveTargetsOptions {
  /** Also run against a 3-member Zoo ensemble (target `zoo-ensemble`). */
  ensemble?: boolean;
}

let resolved: Promise<TargetAvailability[]> | undefined;

async function resolveAll(): Promise<TargetAvailability[]> {
  const apache: TargetAvailability = isApacheZooKeeperInstalled()
    ? { target: apacheTarget, isAvailable: true, reason: '' }
    : unavailable(
        'apache',
        `Apache ZooKeeper is not installed (no java or no ${apacheZooKeeperJar})`,
      );
  const { startServer, startCluster } = await importZoo();
  const zoo: TargetAvailability =
    typeof startServer === 'string'
      ? unavailable('zoo', startServer)
      : { target: zooTarget(startServer), isAvailable: true, reason: '' };
  const ensemble: TargetAvailability =
    typeof startCluster === 'string'
      ? unavailable('zoo-ensemble', startCluster)
      : { target: zooEnsembleTarget(startCluster), isAvailable: true, reason: '' };
  return [apache, zoo, ensemble];
}

/**
 * The targets, each marked available or not (with the reason, which tests print): Apache and
 * Zoo, plus the Zoo ensemble when asked for.
 */
export async function resolveTargets(
  options: ResolveTargetsOptions = {},
): Promise<TargetAvailability[]> {
  resolved ??= resolveAll();
  const all = await resolved;
  return options.ensemble === true ? all : all.filter((t) => t.target.name !== 'zoo-ensemble');
}

/** Prints one visible line per unavailable target (vitest shows console output per file). */
export function warnUnavailable(file: string, targets: readonly TargetAvailability[]): void {
  for (const { target, isAvailable, reason } of targets) {
    if (!isAvailable) {
      console.warn(`[${file}] SKIPPING target '${target.name}': ${reason}`);
    }
  }
}
