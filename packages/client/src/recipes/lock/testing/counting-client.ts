// Wraps a ZooClient to count what a recipe does with it: calls per method, watches armed and
// watch notifications delivered — the numbers that show whether a release wakes a herd.

import type { WatchEvent } from '../../../core/session-types.js';
import type { ZooClient } from '../../../api/zoo-client.js';

export interface ClientCounts {
  calls: Map<string, number>;
  watchesArmed: number;
  notifications: number;
}

type Listener = (event: WatchEvent) => void;

function isWatchOptions(value: unknown): value is { watch: Listener } {
  return typeof value === 'object' && value !== null && 'watch' in value;
}

function isListenerOptions(value: unknown): value is { listener: Listener } {
  return typeof value === 'object' && value !== null && 'listener' in value;
}

export function countingClient(client: ZooClient): { client: ZooClient; counts: ClientCounts } {
  const counts: ClientCounts = { calls: new Map(), watchesArmed: 0, notifications: 0 };
  // removeWatches names a listener: it must name the wrapper the client actually holds.
  const wrappers = new WeakMap<Listener, Listener>();
  const wrap = (listener: Listener): Listener => {
    const wrapper: Listener = (event) => {
      counts.notifications += 1;
      listener(event);
    };
    wrappers.set(listener, wrapper);
    return wrapper;
  };
  const proxy = new Proxy(client, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        const name = String(property);
        counts.calls.set(name, (counts.calls.get(name) ?? 0) + 1);
        const options = args[1];
        if (isWatchOptions(options)) {
          counts.watchesArmed += 1;
          args[1] = { ...options, watch: wrap(options.watch) };
        }
        const removal = args[2];
        if (name === 'removeWatches' && isListenerOptions(removal)) {
          const listener = wrappers.get(removal.listener) ?? removal.listener;
          args[2] = { ...removal, listener };
        }
        return (value as (...rest: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { client: proxy, counts };
}
