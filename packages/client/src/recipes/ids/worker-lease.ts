// A Snowflake worker id, leased with an ephemeral node and fenced with a persistent watermark:
//
//   <path>/leases/<id>      ephemeral; the first free id in the range is taken
//   <path>/watermarks/<id>  persistent, {"holder":"<GUID>","untilMs":<ms>}: the holder may
//                           issue IDs with timestamps up to untilMs, and no further
//
// A new holder overwrites the watermark (a version-checked write, after its lease node exists)
// and issues only timestamps above the untilMs it replaced. The old holder — even one that has
// not noticed its session is gone — can issue only up to the untilMs it wrote, and every later
// extension it tries fails its version check. So two holders of one worker id never share a
// millisecond, whatever their clocks say.

import { CreateMode, ErrorCode, EventType, KeeperState } from '../../protocol/index.js';
import type { Clock } from '../../api/env.js';
import type { ZooClient } from '../../api/zoo-client.js';
import type { WatchEvent } from '../../core/session-types.js';
import { randomHex } from '../support/recipe-env.js';
import type { RecipeEnv } from '../support/recipe-env.js';
import { RetryLater, retryIfTransient, retryWithBackoff } from '../support/retry.js';
import type { RetryContext } from '../support/retry.js';
import { hasCode, isOutcomeUnknown, isRefusedForNow } from '../support/zoo-error-kinds.js';
import { childPath, ensurePath } from '../support/znode-paths.js';
import { NoFreeWorkerIdError, WorkerLeaseLostError } from './id-errors.js';
import { readWatermark, takeOverWatermark, watermarkData } from './watermark.js';

export interface WorkerLeaseOptions {
  path: string;
  workerIdMin: number;
  workerIdMax: number;
  /** How far past its clock a holder reserves timestamps with one watermark write. */
  reserveMs: number;
  wallClock: Clock;
  env: RecipeEnv;
  retry: RetryContext;
  onLost: (reason: string) => void;
}

const endedStates: ReadonlySet<number> = new Set([
  KeeperState.expired,
  KeeperState.closed,
  KeeperState.authFailed,
]);

export class WorkerLease {
  readonly workerId: number;
  /** Timestamps up to here may have been used by the worker id's earlier holders. */
  readonly floorMs: number;
  private readonly client: ZooClient;
  private readonly options: WorkerLeaseOptions;
  private readonly holder: string;
  private version: number;
  private reservedUntilMs: number;
  private lostReason: string | null = null;
  private extending: Promise<void> | null = null;
  private readonly unsubscribes: Array<() => void> = [];

  /** Leases the first free worker id in the range and takes its watermark over. */
  static async acquire(client: ZooClient, options: WorkerLeaseOptions): Promise<WorkerLease> {
    const holder = randomHex(options.env, 16);
    const workerId = await claimWorkerId(client, options, holder);
    const path = childPath(childPath(options.path, 'watermarks'), String(workerId));
    let mark;
    try {
      mark = await takeOverWatermark(client, { ...options, path, holder });
    } catch (error) {
      // Not taken over: give the worker id back rather than hold it until the session ends.
      const leasePath = childPath(childPath(options.path, 'leases'), String(workerId));
      await client.delete(leasePath).catch(() => undefined);
      throw error;
    }
    const lease = new WorkerLease(client, options, { workerId, holder, ...mark });
    lease.watchForLoss();
    return lease;
  }

  private constructor(
    client: ZooClient,
    options: WorkerLeaseOptions,
    granted: {
      workerId: number;
      holder: string;
      version: number;
      floorMs: number;
      untilMs: number;
    },
  ) {
    this.client = client;
    this.options = options;
    this.workerId = granted.workerId;
    this.holder = granted.holder;
    this.version = granted.version;
    this.floorMs = granted.floorMs;
    this.reservedUntilMs = granted.untilMs;
  }

  /** The largest timestamp this holder may issue IDs with right now. */
  get untilMs(): number {
    return this.reservedUntilMs;
  }

  get isLost(): boolean {
    return this.lostReason !== null;
  }

  /** Why the lease is gone ('' while it is held). */
  get reason(): string {
    return this.lostReason ?? '';
  }

  /** Reserves timestamps up to `untilMs`; one write at a time, shared by concurrent callers. */
  extend(untilMs: number): Promise<void> {
    if (this.lostReason !== null) return Promise.reject(this.lostError());
    this.extending ??= this.writeUntil(untilMs).finally(() => {
      this.extending = null;
    });
    return this.extending;
  }

  /**
   * Gives the worker id back: lowers the watermark to the last timestamp used, so the next
   * holder need not wait out the rest of the reservation, and deletes the lease node.
   */
  async release(lastUsedMs: number): Promise<void> {
    if (this.lostReason !== null) return;
    const pending = this.extending;
    this.lose('released');
    await pending?.catch(() => undefined);
    const data = watermarkData({ holder: this.holder, untilMs: lastUsedMs });
    // A failed write leaves the higher reservation in place: the next holder waits it out.
    await this.client.setData(this.watermarkPath, data, this.version).catch(() => undefined);
    await this.client.delete(this.leasePath).catch(() => undefined);
  }

  private get leasePath(): string {
    return childPath(childPath(this.options.path, 'leases'), String(this.workerId));
  }

  private get watermarkPath(): string {
    return childPath(childPath(this.options.path, 'watermarks'), String(this.workerId));
  }

  private lostError(): WorkerLeaseLostError {
    return new WorkerLeaseLostError(`worker id ${this.workerId} is not leased: ${this.reason}`);
  }

  private lose(reason: string): void {
    if (this.lostReason !== null) return;
    this.lostReason = reason;
    for (const unsubscribe of this.unsubscribes.splice(0)) unsubscribe();
    if (reason !== 'released') this.options.onLost(reason);
  }

  private async writeUntil(untilMs: number): Promise<void> {
    const data = watermarkData({ holder: this.holder, untilMs });
    await retryWithBackoff(this.options.retry, async () => {
      if (this.lostReason !== null) throw this.lostError();
      try {
        this.version = (await this.client.setData(this.watermarkPath, data, this.version)).version;
        this.reservedUntilMs = Math.max(this.reservedUntilMs, untilMs);
        return null;
      } catch (error) {
        if (isOutcomeUnknown(error) || hasCode(error, ErrorCode.BadVersion)) {
          return this.reconcile(untilMs, error);
        }
        if (hasCode(error, ErrorCode.NoNode)) this.lose('its watermark node was deleted');
        if (isRefusedForNow(error)) return new RetryLater(error);
        throw this.isLost ? this.lostError() : error;
      }
    });
  }

  /** After a lost reply or a version clash: still ours? Then did the write land? */
  private async reconcile(untilMs: number, cause: unknown): Promise<null | RetryLater> {
    let read;
    try {
      read = await readWatermark(this.client, this.watermarkPath);
    } catch (error) {
      return retryIfTransient(error);
    }
    if (read.mark?.holder !== this.holder || read.version === null) {
      this.lose(`another client took worker id ${this.workerId} over`);
      throw this.lostError();
    }
    this.version = read.version;
    if (read.mark.untilMs < untilMs) return new RetryLater(cause);
    this.reservedUntilMs = Math.max(this.reservedUntilMs, read.mark.untilMs);
    return null;
  }

  /** The lease is lost when its node goes or the session ends; a watch and events tell. */
  private watchForLoss(): void {
    for (const event of ['expired', 'closed', 'authFailed'] as const) {
      this.unsubscribes.push(this.client.on(event, () => this.lose(`the session ${event}`)));
    }
    const listener = (event: WatchEvent): void => {
      if (event.type === EventType.nodeDeleted) this.lose('its lease node was deleted');
      else if (event.type === EventType.none && endedStates.has(event.state)) {
        this.lose('the session ended');
      } else if (this.lostReason === null) this.armWatch(listener);
    };
    this.armWatch(listener);
  }

  private armWatch(listener: (event: WatchEvent) => void): void {
    retryWithBackoff(this.options.retry, async () => {
      if (this.lostReason !== null) return null;
      try {
        const stat = await this.client.exists(this.leasePath, { watch: listener });
        if (stat === null) this.lose('its lease node is gone');
        return null;
      } catch (error) {
        return retryIfTransient(error);
      }
    }).catch((error: unknown) => this.lose(`its lease node cannot be watched: ${String(error)}`));
  }
}

/** Creates the lease node of the first free worker id in the range. */
async function claimWorkerId(
  client: ZooClient,
  options: WorkerLeaseOptions,
  holder: string,
): Promise<number> {
  const leases = childPath(options.path, 'leases');
  const taken = await retryWithBackoff(options.retry, async () => {
    try {
      await ensurePath(client, leases);
      await ensurePath(client, childPath(options.path, 'watermarks'));
      return new Set(await client.getChildren(leases));
    } catch (error) {
      return retryIfTransient(error);
    }
  });
  for (let id = options.workerIdMin; id <= options.workerIdMax; id += 1) {
    if (taken.has(String(id))) continue;
    const isOurs = await claimOne(client, childPath(leases, String(id)), options.retry, holder);
    if (isOurs) return id;
  }
  const range = `${options.workerIdMin}..${options.workerIdMax}`;
  throw new NoFreeWorkerIdError(`every worker id in ${range} under ${leases} is leased`);
}

/**
 * Creates one lease node holding this lease's GUID. NodeExists may be this lease's own create
 * whose reply was lost, so the node's data decides (not its ephemeralOwner: another generator
 * on the same client shares the session); a lost reply is simply tried again, and then meets
 * NodeExists if it had applied.
 */
async function claimOne(
  client: ZooClient,
  leasePath: string,
  retry: RetryContext,
  holder: string,
): Promise<boolean> {
  return retryWithBackoff(retry, async () => {
    try {
      await client.create(leasePath, holder, { mode: CreateMode.ephemeral });
      return true;
    } catch (error) {
      if (!hasCode(error, ErrorCode.NodeExists)) return retryIfTransient(error);
    }
    try {
      const { data } = await client.getData(leasePath);
      return data?.toString('utf8') === holder;
    } catch (error) {
      if (hasCode(error, ErrorCode.NoNode)) return new RetryLater(error);
      return retryIfTransient(error);
    }
  });
}
