// Group commit that keeps the disk busy: while one fdatasync runs, the batches that arrived
// since are written (to the page cache), so the next fdatasync starts the moment the last one
// returns, and the event loop answers a durable group while the disk syncs the next. At most
// one write and one fdatasync are in flight. A batch is durable once an fdatasync that started
// after its write had returned has itself returned; batches are handed back in order.

export interface GroupIo<B> {
  /** The bytes to write next and the batches they hold, or null when none wait. */
  takeGroup(): TakenGroup<B> | null;
  /** Writes a group takeGroup gave (groups are written one at a time, in the order taken). */
  write(bytes: Uint8Array, position: number): Promise<void>;
  fdatasync(): Promise<void>;
  /** These batches are on disk, the oldest first; every earlier batch was handed back before. */
  durable(batches: readonly B[]): void;
  /** A write or fdatasync failed: nothing more is written or handed back. */
  failed(error: unknown): void;
  /** A write or fdatasync returned (after `durable`): the owner may look at `isIdle`. */
  progressed(): void;
}

export interface TakenGroup<B> {
  bytes: Uint8Array;
  /** Where in the file the bytes go. */
  position: number;
  batches: readonly B[];
}

export class GroupCommit<B> {
  private isWriting = false;
  private isSyncing = false;
  /** Written, waiting for an fdatasync that starts after their write returned. */
  private written: B[] = [];
  private hasFailed = false;

  constructor(private readonly io: GroupIo<B>) {}

  /** Nothing in flight and nothing written waits for its fdatasync. */
  get isIdle(): boolean {
    return !this.isWriting && !this.isSyncing && this.written.length === 0;
  }

  /** Starts a write of what waits, and an fdatasync of what is written, each if it is free. */
  kick(): void {
    if (this.hasFailed) return;
    if (!this.isWriting) {
      const group = this.io.takeGroup();
      if (group !== null) this.startWrite(group);
    }
    if (!this.isSyncing && this.written.length > 0) this.startSync();
  }

  private startWrite({ bytes, position, batches }: TakenGroup<B>): void {
    this.isWriting = true;
    this.io.write(bytes, position).then(
      () => {
        if (this.hasFailed) return;
        this.isWriting = false;
        for (const batch of batches) this.written.push(batch);
        this.kick();
        this.io.progressed();
      },
      (error: unknown) => this.fail(error),
    );
  }

  private startSync(): void {
    const covered = this.written;
    this.written = [];
    this.isSyncing = true;
    this.io.fdatasync().then(
      () => {
        if (this.hasFailed) return;
        this.isSyncing = false;
        // The disk gets its next group before the loop spends its time answering this one.
        this.kick();
        this.io.durable(covered);
        this.io.progressed();
      },
      (error: unknown) => this.fail(error),
    );
  }

  private fail(error: unknown): void {
    if (this.hasFailed) return;
    this.hasFailed = true;
    this.io.failed(error);
  }
}
