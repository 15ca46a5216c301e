// The servers a compatibility test can run against: Apache ZooKeeper (the oracle) and Zoo.
// Zoo is loaded with a dynamic import, so these tests include it automatically as soon as
// `@zoo/server` exports `startServer`, and report clearly why it was left out until then.

import {
  apacheZooKeeperJar,
  isApacheZooKeeperInstalled,
  startApacheZooKeeper,
} from './apache-zookeeper.js';

export type TargetName = 'apache' | 'zoo';

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
  start: async (options = {}) => startApacheZooKeeper(options),
};

type StartServer = (options: Record<string, unknown>) => Promise<unknown>;

async function importStartServer(): Promise<StartServer | string> {
  // A variable specifier keeps typecheck green whether or not the package exports it yet.
  const specifier = '@zoo/server';
  try {
    const loaded: unknown = await import(specifier);
    if (typeof loaded === 'object' && loaded !== null && 'startServer' in loaded) {
      const startServer: unknown = loaded.startServer;
      if (typeof startServer === 'function') {
        return (options) => Promise.resolve(startServer(options));
      }
    }
    return `${specifier} loaded, but it exports no startServer function`;
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    return `${specifier} could not be imported: ${message}`;
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

const unavailableZoo: Target = {
  name: 'zoo',
  start: () => Promise.reject(new Error('@zoo/server is not available')),
};

let resolved: Promise<TargetAvailability[]> | undefined;

/** Both targets, each marked available or not (with the reason, which tests print). */
export function resolveTargets(): Promise<TargetAvailability[]> {
  resolved ??= (async () => {
    const apache: TargetAvailability = isApacheZooKeeperInstalled()
      ? { target: apacheTarget, isAvailable: true, reason: '' }
      : {
          target: apacheTarget,
          isAvailable: false,
          reason: `Apache ZooKeeper is not installed (no java or no ${apacheZooKeeperJar})`,
        };
    const startServer = await importStartServer();
    const zoo: TargetAvailability =
      typeof startServer === 'string'
        ? { target: unavailableZoo, isAvailable: false, reason: startServer }
        : { target: zooTarget(startServer), isAvailable: true, reason: '' };
    return [apache, zoo];
  })();
  return resolved;
}

/** Prints one visible line per unavailable target (vitest shows console output per file). */
export function warnUnavailable(file: string, targets: readonly TargetAvailability[]): void {
  for (const { target, isAvailable, reason } of targets) {
    if (!isAvailable) {
      console.warn(`[${file}] SKIPPING target '${target.name}': ${reason}`);
    }
  }
}
