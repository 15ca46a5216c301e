// Checkpoint snapshots written beside the txn log without holding it up, one at a time: while
// one is being written a newer one is skipped (as ZooKeeper skips a snapshot when "too busy to
// snap"); the log keeps what the skipped one would have let go, until the next one.

import type { Logger } from '../../runtime/env.js';
import type { DiskFs } from './disk-fs.js';
import { snapshotName, writeSnapshot, type SnapshotFileSource } from './snapshot-file.js';

export interface CheckpointWriterOptions {
  disk: DiskFs;
  dataDir: string;
  logger: Logger;
  /** Runs after each snapshot is durable, unless the log has failed meanwhile. */
  afterSnapshot?: () => Promise<void>;
  hasFailed: () => boolean;
  /** A snapshot could not be written: the log fails as for a failed write. */
  fail: (error: unknown) => void;
}

export class CheckpointWriter {
  private writing: Promise<void> | null = null;

  constructor(private readonly options: CheckpointWriterOptions) {}

  /** Starts writing the snapshot, or skips it (abandoned) while another is being written. */
  start(file: SnapshotFileSource): void {
    const { disk, dataDir, logger } = this.options;
    if (this.writing !== null) {
      logger.warn(
        `txn log ${dataDir}: still writing the last snapshot; skipping ` +
          `${snapshotName(file.snapshot.zxid)}`,
      );
      file.snapshot.abandon();
      return;
    }
    this.writing = (async () => {
      try {
        await writeSnapshot(disk, dataDir, file);
        if (!this.options.hasFailed()) await this.options.afterSnapshot?.();
      } catch (error) {
        this.options.fail(error);
      } finally {
        this.writing = null;
      }
    })();
  }

  /** Resolves once the snapshot being written (if any) and its retention are done. */
  async settled(): Promise<void> {
    await this.writing;
  }
}
