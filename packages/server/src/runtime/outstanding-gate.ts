// ZooKeeper's globalOutstandingLimit: the requests a server has taken and not yet answered,
// summed over its connections. Past the limit, a connection that has requests of its own in
// flight stops being read (its socket is paused, nothing is dropped) until its own replies bring
// it to zero or the server's total falls back under the limit. A connection with nothing in
// flight is always read, so a client waiting on one reply at a time is never held back.

/** What the gate needs of a connection it holds back. */
export interface Throttleable {
  /** Requests this connection sent that are not answered yet. */
  readonly outstanding: number;
  /** Reading resumes (the gate calls it once the connection may send again). */
  resumeReading(): void;
}

export class OutstandingGate {
  private total = 0;
  private readonly held = new Set<Throttleable>();

  /** `limit`: Infinity turns throttling off (the simulator's connections). */
  constructor(
    readonly limit: number,
    /** Runs a task after the current turn: resumed connections read outside the loop's drain. */
    private readonly defer: (task: () => void) => void,
  ) {}

  get outstanding(): number {
    return this.total;
  }

  get heldCount(): number {
    return this.held.size;
  }

  /**
   * A connection handed the server one more request (so it has at least one in flight): true
   * if it must stop reading now.
   */
  taken(connection: Throttleable): boolean {
    this.total += 1;
    if (!this.isOver()) return false;
    this.held.add(connection);
    return true;
  }

  /** `count` requests of `connection` were answered, or dropped with it. */
  answered(connection: Throttleable, count: number): void {
    this.total -= count;
    if (this.held.size === 0) return; // nearly always: nothing to look up per reply
    if (this.held.has(connection) && (connection.outstanding === 0 || !this.isOver())) {
      this.release(connection);
    }
    if (!this.isOver() && this.held.size > 0) {
      for (const waiting of [...this.held]) this.release(waiting);
    }
  }

  /** A closed connection holds nothing back any more. */
  forget(connection: Throttleable): void {
    this.held.delete(connection);
  }

  private isOver(): boolean {
    return this.total > this.limit;
  }

  private release(connection: Throttleable): void {
    this.held.delete(connection);
    this.defer(() => connection.resumeReading());
  }
}
