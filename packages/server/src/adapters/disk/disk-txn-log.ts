// The durable TxnLog on real files: each write(ops, done) is one batch — its records appended to
// the current preallocated segment, durable, then done. Segments are O_DSYNC (createSynced): a
// write returns once on disk, one trip to the thread pool per group. Group commit
// (group-commit.ts): batches arriving while a group is written are framed meanwhile and share
// the next write. Dones come in batch order, never before their data is on disk. The rare batch
// that rolls the segment, restarts the log at a snapshot or records epochs waits until all
// before it is durable, then is written alone; the next segment is made ahead (segment-file-
// ahead.ts), so a roll only switches to it. A failed write stops the log for good and goes
// to onFatal; no later done is ever called.

import { assertNever } from '@zoo/client/protocol';
import type { PersistOp } from '../../core/replication/replication.js';
import type { SnapshotStream } from '../../core/tree/tree-snapshot.js';
import type { Logger, TxnLog } from '../../runtime/env.js';
import { CheckpointWriter } from './checkpoint-writer.js';
import {
  callGuarded,
  frameRecords,
  isGroupable,
  type Done,
  type GroupedBatch,
  type WaitingBatch,
} from './disk-txn-log-batch.js';
import { nodeDiskFs, type DiskFs } from './disk-fs.js';
import { writeEpochs } from './epochs-file.js';
import { GroupCommit, type TakenGroup } from './group-commit.js';
import type { LogRecord } from './log-record.js';
import { RecordBatch } from './record-batch.js';
import { LineSegments } from './line-segments.js';
import type { LogResume } from './recover.js';
import { segmentName } from './segment-file.js';
import { trimSegment } from './segment-trim.js';
import { createSegment, removeSegmentsAhead, SegmentAhead } from './segment-file-ahead.js';
import { SegmentZeroFill } from './segment-zero-fill.js';
import { writeSnapshot, type SnapshotFileSource } from './snapshot-file.js';

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

export class DiskTxnLog implements TxnLog {
  private readonly disk: DiskFs;
  private readonly segmentBytes: number;
  private readonly commit: GroupCommit<GroupedBatch>;
  private failure: Error | null = null;
  private isClosed = false;
  private fd: number | null = null;
  private seq: number;
  private baseZxid: bigint | null;
  /** Where the next record goes: after every byte written or on its way. */
  private writeOffset = 0;
  private recordsOffset = 0;
  /**
   * The records of the next write, framed as their batches arrive (while the write before
   * runs), and the buffer that write was taken from: the two swap at each write, so framing
   * stays off the path between one durable write returning and the next starting.
   */
  private records = new RecordBatch();
  private spare = new RecordBatch();
  /** The batches framed into `records`, the oldest first. */
  private framed: GroupedBatch[] = [];
  /** The current line's segments and the first txn each holds. */
  private readonly lineSegments: LineSegments;
  /** Batches handed to write() and not yet taken into a write, the oldest first. */
  private waiting: WaitingBatch[] = [];
  /** A batch being written on its own: nothing else is written meanwhile. */
  private isWritingAlone = false;
  /** close() waiting for the batches before it. */
  private settledWaiters: (() => void)[] = [];
  /** Checkpoint snapshots, written beside the log once the log they name is durable. */
  private readonly checkpoints: CheckpointWriter;
  /** The next segment, made in the background once the current one is half full. */
  private readonly ahead: SegmentAhead;
  /** Where in the current segment the next one starts being made. */
  private prepareAt = Infinity;
  /** Zeros kept written ahead of the records of a segment that was not made ahead. */
  private readonly zeroFill: SegmentZeroFill;
  private readonly logDir: string;

  private constructor(private readonly options: DiskTxnLogOptions) {
    this.disk = options.fs ?? nodeDiskFs;
    this.segmentBytes = options.segmentBytes ?? segmentBytesDefault;
    this.seq = options.resume.nextSeq;
    this.baseZxid = options.resume.baseZxid;
    this.lineSegments = new LineSegments(options.resume.lineSegments);
    this.logDir = options.logDir ?? options.dataDir;
    this.ahead = new SegmentAhead(this.disk, this.segmentWhere());
    this.zeroFill = new SegmentZeroFill(this.disk, (message) => options.logger.warn(message));
    this.commit = new GroupCommit({
      takeGroup: () => this.takeGroup(),
      writeDurably: (bytes, position) =>
        bytes.length === 0 ? Promise.resolve() : this.disk.write(this.currentFd(), bytes, position),
      durable: (batches) => this.answer(batches),
      failed: (error) => this.fail(error),
      progressed: () => this.pump(),
    });
    this.checkpoints = new CheckpointWriter({
      disk: this.disk,
      dataDir: options.dataDir,
      logger: options.logger,
      ...(options.afterSnapshot === undefined ? {} : { afterSnapshot: options.afterSnapshot }),
      hasFailed: () => this.failure !== null,
      fail: (error) => this.fail(error),
    });
  }

  /** Starts a new segment (a restarted member never appends to a segment it found). */
  static async open(options: DiskTxnLogOptions): Promise<DiskTxnLog> {
    const log = new DiskTxnLog(options);
    await removeSegmentsAhead(log.disk, log.logDir);
    await log.startSegment(options.resume.startsLine);
    return log;
  }

  write(ops: readonly PersistOp[], done: Done): void {
    if (this.isClosed) throw new Error('write after close');
    this.waiting.push({ ops, done, isAlone: !ops.every(isGroupable) });
    this.pump();
  }

  /**
   * Keeps the group commit going: a write in flight, the waiting batches are framed for the
   * next; once it is idle (and so nothing is framed), writes a batch that must go alone.
   */
  private pump(): void {
    if (this.failure !== null || this.isWritingAlone) return;
    this.commit.kick();
    if (!this.commit.isIdle) {
      this.frameWaiting();
      return;
    }
    // A group waits for a zero-fill step in its way; the step's return pumps again.
    if (this.framed.length > 0) return;
    const head = this.waiting[0];
    if (head === undefined) {
      this.settle();
    } else if (head.isAlone) {
      this.waiting.shift();
      void this.writeAlone(head);
    }
  }

  /**
   * The batches framed so far and those still waiting, up to the first that must go alone (or
   * that would not fit in the segment), as one write. Called only when no write is in flight,
   * so the spare buffer, which the last write was taken from, is free to reuse.
   */
  private takeGroup(): TakenGroup<GroupedBatch> | null {
    if (this.isWritingAlone) return null;
    this.frameWaiting();
    if (this.framed.length === 0) return null;
    if (this.zeroFill.isInTheWay(this.writeOffset + this.records.length)) return null;
    const batches = this.framed;
    this.framed = [];
    const bytes = this.records.bytes();
    const position = this.writeOffset;
    this.writeOffset += bytes.length;
    this.prepareIfHalfFull();
    this.zeroFill.keepAhead(this.writeOffset, () => this.pump());
    const taken = this.records;
    this.records = this.spare;
    this.records.clear();
    this.spare = taken;
    return { bytes, position, batches };
  }

  /** Frames the waiting batches that may join a group, up to the first that must go alone. */
  private frameWaiting(): void {
    if (this.isWritingAlone) return;
    for (let head = this.waiting[0]; head !== undefined; head = this.waiting[0]) {
      if (head.isAlone) return;
      const grouped = this.group(head);
      if (grouped === null) {
        head.isAlone = true;
        return;
      }
      this.framed.push(grouped);
      this.waiting.shift();
    }
  }

  /** Frames a batch's records after the group's; null (and nothing framed) if they overflow. */
  private group(batch: WaitingBatch): GroupedBatch | null {
    const before = this.records.length;
    const { firstTxnZxid, lastTxnZxid } = frameRecords(batch.ops, this.records);
    if (this.writeOffset + this.records.length > this.segmentBytes) {
      this.records.truncate(before);
      return null;
    }
    this.lineSegments.logged(firstTxnZxid);
    const checkpoints = batch.ops.flatMap((op) =>
      op.type === 'checkpoint' ? [this.checkpointOf(op.snapshot)] : [],
    );
    return { done: batch.done, lastTxnZxid, checkpoints };
  }

  private answer(batches: readonly GroupedBatch[]): void {
    for (const batch of batches) {
      callGuarded(() => batch.done(batch.lastTxnZxid));
      // Written once the log it names is durable, beside the batches that follow.
      for (const checkpoint of batch.checkpoints) this.checkpoints.start(checkpoint);
    }
  }

  /**
   * Writes a batch the careful way, record by record, with nothing else in flight: it may roll
   * the segment, restart the log at a snapshot, or record epochs after the txns before them.
   */
  private async writeAlone(batch: WaitingBatch): Promise<void> {
    this.isWritingAlone = true;
    let written: { lastTxnZxid: bigint | null; checkpoints: SnapshotFileSource[] };
    try {
      // Its records may go anywhere, and a roll closes the segment: no zero-fill step runs.
      await this.zeroFill.settled();
      written = await this.writeOps(batch.ops);
      await this.flush();
    } catch (error) {
      this.fail(error);
      return;
    }
    this.isWritingAlone = false;
    callGuarded(() => batch.done(written.lastTxnZxid));
    for (const checkpoint of written.checkpoints) this.checkpoints.start(checkpoint);
    this.pump();
  }

  /** Resolves close() once nothing is waiting or in flight (or the log failed). */
  private settle(): void {
    const waiters = this.settledWaiters;
    this.settledWaiters = [];
    for (const waiter of waiters) waiter();
  }

  private settled(): Promise<void> {
    const isSettled =
      this.failure !== null ||
      (this.waiting.length === 0 &&
        this.framed.length === 0 &&
        !this.isWritingAlone &&
        this.commit.isIdle);
    if (isSettled) return Promise.resolve();
    return new Promise((resolve) => this.settledWaiters.push(resolve));
  }

  /** Resolves once the checkpoint snapshot being written (if any) and its retention are done. */
  async snapshotSettled(): Promise<void> {
    await this.checkpoints.settled();
  }

  /** Waits for the batches already written, then closes the segment. */
  async close(): Promise<void> {
    this.isClosed = true;
    await this.settled();
    await this.checkpoints.settled();
    await this.ahead.drop().catch((error: unknown) => {
      this.options.logger.warn(`txn log: making the next segment failed: ${String(error)}`);
    });
    await this.zeroFill.settled();
    const fd = this.fd;
    this.fd = null;
    if (fd === null) return;
    if (this.failure === null) await trimSegment(this.disk, fd, this.writeOffset, this.options);
    await this.disk.close(fd);
  }

  private fail(error: unknown): void {
    const failure = error instanceof Error ? error : new Error(String(error));
    this.failure = failure;
    this.settle();
    this.options.logger.error(`txn log ${this.options.dataDir}: ${failure.message}`);
    callGuarded(() => this.options.onFatal(failure));
  }

  private async writeOps(
    ops: readonly PersistOp[],
  ): Promise<{ lastTxnZxid: bigint | null; checkpoints: SnapshotFileSource[] }> {
    let lastTxnZxid: bigint | null = null;
    const checkpoints: SnapshotFileSource[] = [];
    for (const op of ops) {
      switch (op.type) {
        case 'txns':
          for (const txn of op.txns) {
            await this.append({ type: 'txn', txn });
            lastTxnZxid = txn.zxid;
            this.lineSegments.logged(txn.zxid);
          }
          break;
        case 'truncate':
          await this.append({ type: 'truncate', afterZxid: op.afterZxid });
          break;
        case 'snapshot':
          await this.restartAt(op.snapshot);
          break;
        case 'checkpoint':
          checkpoints.push(this.checkpointOf(op.snapshot));
          break;
        case 'epochs':
          // The log written so far in this batch goes first, so a crash never keeps the new
          // epochs without the txns the core persisted before them.
          await this.flush();
          await writeEpochs(this.disk, this.options.dataDir, op);
          break;
        default:
          assertNever(op, 'persist op');
      }
    }
    return { lastTxnZxid, checkpoints };
  }

  /** Its tail is already in the log: only where the snapshot's history is, is needed. */
  private checkpointOf(snapshot: SnapshotFileSource['snapshot']): SnapshotFileSource {
    return { snapshot, fromSeq: this.lineSegments.holding(snapshot.zxid) };
  }

  /** Frames a record into the next write, first rolling to a new segment if it would not fit. */
  private async append(record: LogRecord): Promise<void> {
    const before = this.records.length;
    this.records.append(record);
    // A record larger than a whole segment goes into one of its own, which grows past its size.
    const isFull = this.writeOffset + this.records.length > this.segmentBytes;
    if (isFull && this.writeOffset + before > this.recordsOffset) {
      this.records.truncate(before);
      await this.flush();
      await this.startSegment(false);
      this.records.append(record);
    }
  }

  /** Writes the framed records (durable when the write returns: the segment is O_DSYNC). */
  private async flush(): Promise<void> {
    if (this.records.length === 0) return;
    const bytes = this.records.bytes();
    await this.disk.write(this.currentFd(), bytes, this.writeOffset);
    this.writeOffset += bytes.length;
    this.records.clear();
    this.prepareIfHalfFull();
  }

  /** A snapshot (read a chunk at a time) replaces the log it covers; a new line starts. */
  private async restartAt(snapshot: SnapshotStream): Promise<void> {
    await this.flush();
    await this.ahead.drop(); // it would have continued the line that ends here
    await writeSnapshot(this.disk, this.options.dataDir, { snapshot, fromSeq: this.seq });
    this.baseZxid = snapshot.zxid;
    await this.startSegment(true);
  }

  /**
   * Goes on in segment `seq`: the one made ahead when it continues the line, else a new one. The
   * previous segment is closed only then, so a roll costs no more than a switch.
   */
  private async startSegment(startsLine: boolean): Promise<void> {
    const logDir = this.logDir;
    const previous = this.fd;
    this.fd = null;
    const header = { seq: this.seq, baseZxid: this.baseZxid, startsLine };
    const made = startsLine ? null : await this.ahead.take(this.seq);
    const segment = made ?? (await createSegment(this.disk, this.segmentWhere(), header));
    if (previous !== null) await this.disk.close(previous);
    this.fd = segment.fd;
    this.zeroFill.use(segment.fd, segment.zeroedTo, this.segmentBytes);
    this.options.logger.debug(`txn log ${logDir}: started ${segmentName(this.seq)}`);
    this.lineSegments.started(this.seq, startsLine);
    this.seq++;
    this.writeOffset = segment.recordsOffset;
    this.recordsOffset = segment.recordsOffset;
    this.prepareAt = Math.floor(this.segmentBytes / 2);
  }

  /** Once the current segment is half full, the next one is made in the background. */
  private prepareIfHalfFull(): void {
    if (this.writeOffset < this.prepareAt) return;
    this.prepareAt = Infinity;
    this.ahead.prepare(this.seq, this.baseZxid);
  }

  private segmentWhere(): { logDir: string; segmentBytes: number } {
    return { logDir: this.logDir, segmentBytes: this.segmentBytes };
  }

  private currentFd(): number {
    if (this.fd === null) throw new Error('txn log has no open segment');
    return this.fd;
  }
}
