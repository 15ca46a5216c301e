// A resource guarded by fencing tokens, as a storage service behind a lock would be: it
// rejects a write whose token is lower than one it has already accepted, and it records any
// moment at which two holders believed they held the lock at once.

export class FencedResource {
  /** Tokens of accepted writes, in order. */
  readonly accepted: bigint[] = [];
  /** Writes refused for a stale token. */
  rejected = 0;
  /** Each time a holder entered while another was still inside, or a grant's token went down. */
  readonly violations: string[] = [];
  private readonly inside = new Map<string, bigint>();
  private lastGrantToken = -1n;
  private lastHolder = '';

  /** A holder starts acting; it leaves when it releases or its signal says the lock is lost. */
  enter(holder: string, token: bigint, lost: AbortSignal): void {
    for (const [other, otherToken] of this.inside) {
      this.violations.push(`${holder} (${token}) entered while ${other} (${otherToken}) held`);
    }
    // Only the same holder may come back with the same token (a leader that got its node back).
    const isSameTerm = token === this.lastGrantToken && holder === this.lastHolder;
    if (token <= this.lastGrantToken && !isSameTerm) {
      this.violations.push(`${holder} was granted ${token} after ${this.lastGrantToken}`);
    }
    this.lastGrantToken = token;
    this.lastHolder = holder;
    this.inside.set(holder, token);
    lost.addEventListener('abort', () => this.leave(holder), { once: true });
  }

  leave(holder: string): void {
    this.inside.delete(holder);
  }

  write(token: bigint): boolean {
    const highest = this.accepted.at(-1) ?? -1n;
    if (token < highest) {
      this.rejected += 1;
      return false;
    }
    this.accepted.push(token);
    return true;
  }
}
