// The durable TxnLog on real files: each write(ops, done) is one batch — its records appended to
// the current preallocated segment, an fdatasync, then done — and batches that arrive while one
// is being written share the next fdatasync (group commit); dones come in batch order and never
// before their data is on disk. A failed write or sync stops the log for good and goes to
// onFatal; no later done is ever called.

import { assertNever } from '@zoo/client/protocol';
import type { PersistOp } from '../../core/replication/replication.js';
import type { SnapshotStream } from '../../core/tree/tree-snapshot.js';
import type { Logger, TxnLog } from '../../runtime/env.js';
import { fsyncDirectory, nodeDiskFs, type DiskFs } from './disk-fs.js';
import { writeEpochs } from './epochs-file.js';
import { encodeLogRecord, type LogRecord } from './log-record.js';
import { encodeFrame } from './record-frame.js';
import type { LineSegment, LogResume } from './recover.js';
import { encodeSegmentHeader, segmentName, segmentPath } from './segment-file.js';
import { snapshotName, writeSnapshot, type SnapshotFileSource } from './snapshot-file.js';

/** ZooKeeper preallocates its txn log files 64 MiB at a time (zookeeper.preAllocSize). */
export const segmentBytesDefault = 64 * 1024 * 1024;

export interface DiskTxnLogOptions {
  /** Snapshots and the epochs file go here. */
  dataDir: string;
  /** Log segments go here (zoo.cfg's dataLogDir); dataDir when unset. */
  logDir?: string;
  /** From recover(): where the log goes on. */
  resume: LogResume;
  /** A write or fsync failed: the member must stop acknowledging (nothing more is written). */
  onFatal: (error: Error) => void;
  logger: Logger;
  fs?: DiskFs;
  segmentBytes?: number;
  /** Runs after each checkpoint's snapshot is durable (retention: purge what it made old). */
  afterSnapshot?: () => Promise<void>;
}

type Done = (lastTxnZxid: bigint | null) => void;

export class DiskTxnLog implements TxnLog {
  private readonly disk: DiskFs;
  private readonly segmentBytes: number;
  /** The batch being written and those waiting, chained so that they run in order. */
  private queue: Promise<void> = Promise.resolve();
  private failure: Error | null = null;
  private isClosed = false;
  private fd: number | null = null;
  private seq: number;
  private baseZxid: bigint | null;
  private writeOffset = 0;
  private recordsOffset = 0;
  /** Frames of the current batch not yet written, and their size. */
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** Written to the current segment since its last fdatasync. */
  private isDirty = false;
  /** The current line's segments and the first txn each holds (see LogResume.lineSegments). */
  private lineSegments: LineSegment[];
  /** Batches handed to write() while another group was being written. */
  private waiting: { ops: readonly PersistOp[]; done: Done }[] = [];
  private isWriting = false;
  /** Checkpoint snapshots being written beside the log, one at a time. */
  private snapshotWrite: Promise<void> | null = null;

  private constructor(private readonly options: DiskTxnLogOptions) {
    this.disk = options.fs ?? nodeDiskFs;
    this.segmentBytes = options.segmentBytes ?? segmentBytesDefault;
    this.seq = options.resume.nextSeq;
    this.baseZxid = options.resume.baseZxid;
    this.lineSegments = [...options.resume.lineSegments];
  }

  /** Starts a new segment (a restarted member never appends to a segment it found). */
  static async open(options: DiskTxnLogOptions): Promise<DiskTxnLog> {
    const log = new DiskTxnLog(options);
    await log.startSegment(options.resume.startsLine);
    return log;
  }

  /**
   * Group commit: batches that arrive while one is being written wait, and the next write takes
   * all of them with one fdatasync; each `done` still runs in order, once its data is on disk.
   */
  write(ops: readonly PersistOp[], done: Done): void {
    if (this.isClosed) throw new Error('write after close');
    this.waiting.push({ ops, done });
    if (!this.isWriting) this.queue = this.writeWaiting();
  }

  private async writeWaiting(): Promise<void> {
    this.isWriting = true;
    try {
      while (this.waiting.length > 0 && this.failure === null) {
        const group = this.waiting;
        this.waiting = [];
        let lastTxnZxids: (bigint | null)[];
        try {
          lastTxnZxids = await this.writeGroup(group.map((batch) => batch.ops));
        } catch (error) {
          this.fail(error);
          return;
        }
        group.forEach((batch, i) => callGuarded(() => batch.done(lastTxnZxids[i] ?? null)));
      }
    } finally {
      this.isWriting = false;
    }
  }

  /** Resolves once the checkpoint snapshot being written (if any) and its retention are done. */
  async snapshotSettled(): Promise<void> {
    await this.snapshotWrite;
  }

  /** Waits for the batches already written, then closes the segment. */
  async close(): Promise<void> {
    this.isClosed = true;
    await this.queue;
    await this.snapshotWrite;
    const fd = this.fd;
    this.fd = null;
    if (fd !== null) await this.disk.close(fd);
  }

  private fail(error: unknown): void {
    const failure = error instanceof Error ? error : new Error(String(error));
    this.failure = failure;
    this.options.logger.error(`txn log ${this.options.dataDir}: ${failure.message}`);
    callGuarded(() => this.options.onFatal(failure));
  }

  /** Writes the batches' records, syncs once, and returns each batch's last txn zxid. */
  private async writeGroup(batches: readonly (readonly PersistOp[])[]): Promise<(bigint | null)[]> {
    let checkpoint: SnapshotFileSource | null = null;
    const lastTxnZxids: (bigint | null)[] = [];
    for (const ops of batches) {
      const written = await this.writeOps(ops);
      lastTxnZxids.push(written.lastTxnZxid);
      checkpoint = written.checkpoint ?? checkpoint;
    }
    await this.sync();
    // Written once the log it names is durable, beside the batches that follow.
    if (checkpoint !== null) this.writeCheckpoint(checkpoint);
    return lastTxnZxids;
  }

  private async writeOps(
    ops: readonly PersistOp[],
  ): Promise<{ lastTxnZxid: bigint | null; checkpoint: SnapshotFileSource | null }> {
    let lastTxnZxid: bigint | null = null;
    let checkpoint: SnapshotFileSource | null = null;
    for (const op of ops) {
      switch (op.type) {
        case 'txns':
          for (const txn of op.txns) {
            await this.append({ type: 'txn', txn });
            lastTxnZxid = txn.zxid;
            const current = this.lineSegments.at(-1);
            if (current !== undefined) current.firstZxid ??= txn.zxid;
          }
          break;
        case 'truncate':
          await this.append({ type: 'truncate', afterZxid: op.afterZxid });
          break;
        case 'snapshot':
          await this.restartAt(op.snapshot);
          break;
        case 'checkpoint':
          // Its tail is already in the log: only where the snapshot's history is, is needed.
          checkpoint = { snapshot: op.snapshot, fromSeq: this.segmentHolding(op.snapshot.zxid) };
          break;
        case 'epochs':
          // The log written so far in this batch goes first, so a crash never keeps the new
          // epochs without the txns the core persisted before them.
          await this.sync();
          await writeEpochs(this.disk, this.options.dataDir, op);
          break;
        default:
          assertNever(op, 'persist op');
      }
    }
    return { lastTxnZxid, checkpoint };
  }

  /**
   * Starts writing a checkpoint's snapshot without holding up the log. One at a time: while one
   * is being written a newer one is skipped (as ZooKeeper skips a snapshot when "too busy to
   * snap"); the log keeps what the skipped one would have let go, until the next one.
   */
  private writeCheckpoint(file: SnapshotFileSource): void {
    if (this.snapshotWrite !== null) {
      this.options.logger.warn(
        `txn log ${this.options.dataDir}: still writing the last snapshot; skipping ` +
          `${snapshotName(file.snapshot.zxid)}`,
      );
      file.snapshot.abandon();
      return;
    }
    this.snapshotWrite = (async () => {
      try {
        await writeSnapshot(this.disk, this.options.dataDir, file);
        if (this.failure === null) await this.options.afterSnapshot?.();
      } catch (error) {
        this.fail(error);
      } finally {
        this.snapshotWrite = null;
      }
    })();
  }

  /** The segment of the current line that holds txn `zxid`, or the line's first (its base). */
  private segmentHolding(zxid: bigint): number {
    for (let i = this.lineSegments.length - 1; i >= 0; i--) {
      const segment = this.lineSegments[i];
      if (segment?.firstZxid != null && segment.firstZxid <= zxid) {
        // Older segments are no longer needed to find a later checkpoint's txn.
        this.lineSegments.splice(0, i);
        return segment.seq;
      }
    }
    const first = this.lineSegments[0];
    if (first === undefined) throw new Error('a checkpoint with no segment in the line');
    return first.seq;
  }

  private async append(record: LogRecord): Promise<void> {
    const frame = encodeFrame(encodeLogRecord(record));
    const end = this.writeOffset + this.pendingBytes;
    // A record larger than a whole segment goes into one of its own, which grows past its size.
    if (end + frame.length > this.segmentBytes && end > this.recordsOffset) {
      await this.sync();
      await this.startSegment(false);
    }
    this.pending.push(frame);
    this.pendingBytes += frame.length;
  }

  /** Writes the pending frames and fdatasyncs the segment if anything was written. */
  private async sync(): Promise<void> {
    const fd = this.currentFd();
    if (this.pending.length > 0) {
      const bytes = this.pending.length === 1 ? this.pending[0] : Buffer.concat(this.pending);
      this.pending = [];
      this.pendingBytes = 0;
      if (bytes !== undefined) {
        await this.disk.write(fd, bytes, this.writeOffset);
        this.writeOffset += bytes.length;
        this.isDirty = true;
      }
    }
    if (this.isDirty) {
      await this.disk.fdatasync(fd);
      this.isDirty = false;
    }
  }

  /**
   * A snapshot replaces the log it covers: it is written (read a chunk at a time from the new
   * tree, which goes on applying meanwhile), then a new line of the log starts.
   */
  private async restartAt(snapshot: SnapshotStream): Promise<void> {
    await this.sync();
    await writeSnapshot(this.disk, this.options.dataDir, { snapshot, fromSeq: this.seq });
    this.baseZxid = snapshot.zxid;
    await this.startSegment(true);
  }

  /**
   * Creates segment `seq`, its header durable and its size preallocated before any record goes
   * in (so an fdatasync never has a file size to update). Like ZooKeeper's padding, ftruncate
   * extends the file sparsely: cheap to create, and zeros where no record was written.
   */
  private async startSegment(startsLine: boolean): Promise<void> {
    const logDir = this.options.logDir ?? this.options.dataDir;
    const previous = this.fd;
    this.fd = null;
    if (previous !== null) await this.disk.close(previous);
    const header = encodeSegmentHeader({ seq: this.seq, baseZxid: this.baseZxid, startsLine });
    const fd = await this.disk.open(segmentPath(logDir, this.seq), 'wx');
    this.fd = fd;
    await this.disk.write(fd, header, 0);
    if (header.length < this.segmentBytes) await this.disk.ftruncate(fd, this.segmentBytes);
    await this.disk.fsync(fd);
    await fsyncDirectory(this.disk, logDir);
    this.options.logger.debug(`txn log ${logDir}: started ${segmentName(this.seq)}`);
    if (startsLine) this.lineSegments = [];
    this.lineSegments.push({ seq: this.seq, firstZxid: null });
    this.seq++;
    this.writeOffset = header.length;
    this.recordsOffset = header.length;
  }

  private currentFd(): number {
    if (this.fd === null) throw new Error('txn log has no open segment');
    return this.fd;
  }
}

/**
 * Runs a callback now; if it throws (the caller's bug), the error surfaces as an uncaught
 * exception, as it would from any I/O callback, instead of stopping the queue of batches.
 */
function callGuarded(callback: () => void): void {
  try {
    callback();
  } catch (error) {
    setImmediate(() => {
      throw error;
    });
  }
}
