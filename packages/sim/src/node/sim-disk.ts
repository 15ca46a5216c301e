// A server's simulated disk: its data directory on a simulated file system, read by the real
// recover() at every boot and written by the real DiskTxnLog (segments, CRC32C frames, group
// commit, background checkpoints, retention). A crash keeps what was synced; what was not is
// lost, kept, or torn, as the seed or the fault says.

import { DiskTxnLog, purge, recover, snapRetainCountDefault } from '@zoo/server/internals';
import { encodeEpochs, epochsFileName } from '@zoo/server/internals';
import type {
  Logger,
  PersistOp,
  RecoveredState,
  SeededRandom,
  TxnLog,
} from '@zoo/server/internals';
import { SimFs } from '../disk/sim-fs.js';
import { durableStateOf, type DurableState } from '../disk/durable-state.js';
import { unsyncedFates, type UnsyncedFate } from '../scenario.js';
import type { World } from '../world/world.js';
import type { SimProcess } from './sim-process.js';

/**
 * Small segments, so that runs roll over, purge and recover across many of them (a real
 * member's are 64 MiB, and would be held in memory here).
 */
const simSegmentBytes = 16 * 1024;

export interface DiskHooks {
  /** Bytes of a write reached the page cache (their fdatasync has not finished). */
  written?: () => void;
  /** The log says a write is durable; its completion has not reached the server yet. */
  writeDurable?: () => void;
  /** As writeDurable, for a write that holds new epochs (a new epoch accepted, or led). */
  epochsDurable?: () => void;
}

export interface SimDiskOptions {
  dataDir: string;
  /** The planted bug: every sync answers before its data is durable (see SimFs). */
  plantedAckBeforeSync?: boolean;
  /** The planted bug: after a crash, reads of the epochs file are a version behind (SimFs). */
  plantedEpochsRollBack?: boolean;
}

/** What a boot finds on the disk, and the log it goes on writing. */
export interface OpenedDisk {
  recovered: RecoveredState;
  txnLog: TxnLog;
  /**
   * What the platter held durably when the last life ended (read off it at the crash), for
   * checkers/recovered-state.ts; null when a fault damaged the disk since (a flipped bit: the
   * recovery may then refuse or fall back), or its files could not be read.
   */
  durableBefore: DurableState | null;
}

export class SimDisk {
  readonly fs: SimFs;
  hooks: DiskHooks = {};
  /** A bit was flipped on this disk since its directory was last wiped. */
  isDamaged = false;
  /** What the platter held when the last life ended; null before the first crash, or wiped. */
  private durableAtCrash: DurableState | null = null;

  constructor(
    private readonly world: World,
    private readonly process: SimProcess,
    private readonly random: SeededRandom,
    private readonly options: SimDiskOptions,
  ) {
    this.fs = new SimFs(world, random.fork());
    this.fs.onWritten = () => this.hooks.written?.();
    this.fs.acksSyncEarly = options.plantedAckBeforeSync === true;
    this.fs.rollsBackEpochs = options.plantedEpochsRollBack === true;
  }

  get dataDir(): string {
    return this.options.dataDir;
  }

  /** Extra fsync latency (a stalling disk), set by the nemesis. */
  get stallMs(): number {
    return this.fs.stallMs;
  }

  set stallMs(extraMs: number) {
    this.fs.stallMs = extraMs;
  }

  /** Recovers the directory and opens the log after it, as a booting member does. */
  async open(options: { logger: Logger; onFatal: (error: Error) => void }): Promise<OpenedDisk> {
    // This boot's view: calls of a life a crash ended never reach the disk.
    const fs = this.fs.view();
    const { dataDir } = this.options;
    // Never crashed (a first boot, or wiped since): the platter now is what the last life left.
    const durableBefore = this.isDamaged ? null : (this.durableAtCrash ?? this.readPlatter());
    const { logger } = options;
    const recovered = await recover(dataDir, { logger, fs });
    const log = await DiskTxnLog.open({
      dataDir,
      resume: recovered.resume,
      onFatal: options.onFatal,
      logger,
      fs,
      segmentBytes: simSegmentBytes,
      afterSnapshot: async () => {
        await purge(dataDir, snapRetainCountDefault, { logger, fs });
      },
    });
    return { recovered, txnLog: this.txnLogOver(log), durableBefore };
  }

  /** The process died: what was not synced meets `fate` (drawn from the seed when not given). */
  crash(fate?: UnsyncedFate): UnsyncedFate {
    const met = fate ?? unsyncedFates[this.random.nextInt(0, unsyncedFates.length - 1)] ?? 'lost';
    this.fs.crash(met);
    this.durableAtCrash = this.readPlatter();
    return met;
  }

  /** Flips a bit of the stored data; the member learns of it only when it next recovers. */
  flipBit(): string | null {
    const where = this.fs.flipBit(this.options.dataDir);
    if (where !== null) this.isDamaged = true;
    return where;
  }

  /**
   * An operator's repair (`zoo-data reset`): the directory is emptied and marked, so the member
   * rejoins without a vote until it has synced from a leader (core/zab/rejoin.ts).
   */
  wipe(): void {
    const marked = encodeEpochs({ acceptedEpoch: 0, currentEpoch: 0, isRejoining: true });
    this.fs.wipe(this.options.dataDir, new Map([[epochsFileName, marked]]));
    this.isDamaged = false;
    this.durableAtCrash = null;
  }

  /** The durable state on the platter now, or null if its files are unreadable (damaged). */
  private readPlatter(): DurableState | null {
    try {
      return durableStateOf(this.fs.durableFiles(this.options.dataDir));
    } catch {
      return null;
    }
  }

  /** The log as the server's loop sees it: completions reach only the process that wrote. */
  private txnLogOver(log: DiskTxnLog): TxnLog {
    const { world, process } = this;
    return {
      write: (ops: readonly PersistOp[], done: (lastTxnZxid: bigint | null) => void) => {
        const incarnation = process.incarnation;
        world.hasPendingMicrotasks = true;
        log.write(ops, (lastTxnZxid) => {
          this.hooks.writeDurable?.();
          if (ops.some((op) => op.type === 'epochs')) this.hooks.epochsDurable?.();
          process.run(incarnation, () => done(lastTxnZxid));
        });
      },
      // The simulator never stops a server gently: a crash abandons the log where it stands.
      close: async () => undefined,
    };
  }
}
