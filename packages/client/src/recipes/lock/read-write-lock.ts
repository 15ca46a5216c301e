// A fair read/write lock: readers share it, a writer holds it alone, in the order they came.
// A writer waits for the contender just before it; a reader only for the nearest writer before
// it, so no two contenders ever wait for each other (kazoo#649). ZooKeeper recipes: Shared Locks.

import type { ZooClient } from '../../api/zoo-client.js';
import { Lock, type LockOptions } from './lock.js';
import { mutexRule, type QueueRule } from './lock-queue.js';

const readPrefix = 'read-';
const writePrefix = 'write-';
const prefixes = [readPrefix, writePrefix];

const readRule: QueueRule = {
  prefix: readPrefix,
  prefixes,
  blockerOf: (contenders, index) => {
    for (let i = index - 1; i >= 0; i -= 1) {
      const contender = contenders[i];
      if (contender?.prefix === writePrefix) return contender;
    }
    return null;
  },
};

const writeRule: QueueRule = {
  prefix: writePrefix,
  prefixes,
  blockerOf: mutexRule.blockerOf,
};

/**
 * Two locks on one directory. Each is re-entrant on its own; the owner of the write lock must
 * not also take the read lock (it would queue behind its own writer).
 */
export class ReadWriteLock {
  readonly readLock: Lock;
  readonly writeLock: Lock;

  constructor(client: ZooClient, path: string, options: Omit<LockOptions, 'rule'> = {}) {
    this.readLock = new Lock(client, path, { ...options, rule: readRule });
    this.writeLock = new Lock(client, path, { ...options, rule: writeRule });
  }
}
