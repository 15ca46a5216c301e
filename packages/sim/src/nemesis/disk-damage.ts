// The nemesis's rules for faults that damage a disk's stored data. Acknowledged writes may be
// lost only if a quorum lost their disks, so only a minority is ever damaged; and a damaged
// member must not vote with what it forgot, so it boots only at the heal, once a leader serves
// without it, its directory wiped (as an operator would) if recovery refuses it.

import type { SimServer } from '../node/sim-server.js';
import type { World } from '../world/world.js';

/** How often a member waiting for a leader looks again, and for how long at most. */
const pollMs = 50;
const waitMaxMs = 60_000;

export class DiskDamage {
  constructor(
    private readonly world: World,
    private readonly servers: readonly SimServer[],
    private readonly leader: () => SimServer | null,
  ) {}

  /** A bit flipped on its disk (not yet repaired), or its last boot refused its directory. */
  isDamaged(server: SimServer): boolean {
    return server.disk.isDamaged || server.refusedDataDir !== null;
  }

  /** Whether damaging this server's disk keeps the damaged ones a minority. */
  mayDamage(server: SimServer): boolean {
    // Observers hold no quorum's data: damaging any of them loses nothing acknowledged.
    if (server.isObserver || this.isDamaged(server)) return true;
    const voters = this.servers.filter((other) => !other.isObserver);
    const minority = Math.floor((voters.length - 1) / 2);
    const damaged = voters.filter((other) => this.isDamaged(other)).length;
    if (damaged + 1 <= minority) return true;
    this.world.record(`s${server.id} disk left alone: a minority's disks are damaged already`);
    return false;
  }

  flipBit(server: SimServer): void {
    const where = server.disk.flipBit();
    this.world.record(`s${server.id} bit flip ${where ?? 'skipped: nothing stored yet'}`);
  }

  /**
   * Boots a damaged member once another leads and serves (so its quorum never counted the
   * member's damaged memory), wiping the directory first if the member refused it. Polls until
   * the member runs.
   */
  restartOnceLed(server: SimServer, start: (server: SimServer) => void): void {
    const untilMs = this.world.nowMs + waitMaxMs;
    const poll = (): void => {
      if (server.peer !== null || this.world.nowMs > untilMs) return;
      const leader = this.leader();
      if (!server.isUp && leader !== null) {
        if (server.refusedDataDir !== null) {
          this.world.record(`s${server.id} data dir wiped: it resyncs from s${leader.id}`);
          server.disk.wipe();
          server.refusedDataDir = null;
        }
        start(server);
      }
      this.world.after(pollMs, poll);
    };
    this.world.after(0, poll);
  }
}

/** The server's next sync (EIO) or write (ENOSPC) fails; its log then stops the server. */
export function armDiskError(server: SimServer | null, code: 'EIO' | 'ENOSPC'): void {
  if (server === null) return;
  server.disk.fs.armedError = { call: code === 'EIO' ? 'sync' : 'write', code };
}
