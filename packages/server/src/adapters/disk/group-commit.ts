// Group commit as ZooKeeper's SyncRequestProcessor does it: one durable write in flight (the
// segment is open with O_DSYNC, so a write returns once it is on stable storage: one trip to the
// thread pool per group, not a write and then an fdatasync); the batches handed over while it
// runs wait, and the moment it returns they all go in the next write, taken before the loop
// answers the group just made durable. No timer, no batch limit: a group is what arrived during
// the previous write. Batches are handed back in order, each only after the write holding it.

export interface GroupIo<B> {
  /** The bytes to write next and the batches they hold, or null when none wait. */
  takeGroup(): TakenGroup<B> | null;
  /** Writes a group takeGroup gave, returning once it is durable (one at a time, in order). */
  writeDurably(bytes: Uint8Array, position: number): Promise<void>;
  /** These batches are on disk, the oldest first; every earlier batch was handed back before. */
  durable(batches: readonly B[]): void;
  /** A write failed: nothing more is written or handed back. */
  failed(error: unknown): void;
  /** A write returned (after `durable`): the owner may look at `isIdle`. */
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
  private hasFailed = false;

  constructor(private readonly io: GroupIo<B>) {}

  /** No write in flight. */
  get isIdle(): boolean {
    return !this.isWriting;
  }

  /** Starts a durable write of what waits, unless one is in flight. */
  kick(): void {
    if (this.hasFailed || this.isWriting) return;
    const group = this.io.takeGroup();
    if (group !== null) this.startWrite(group);
  }

  private startWrite({ bytes, position, batches }: TakenGroup<B>): void {
    this.isWriting = true;
    this.io.writeDurably(bytes, position).then(
      () => {
        if (this.hasFailed) return;
        this.isWriting = false;
        // The disk gets its next group before the loop spends its time answering this one.
        this.kick();
        this.io.durable(batches);
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
