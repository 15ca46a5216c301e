// The lagging-member fault: peer messages to one member arrive late, so it falls behind the
// ensemble without being cut off, and the clients are sent to it. After the delay (once it is
// clearly behind) every client connection to another server is reset, and while the fault is
// on a client's connection attempt goes to the lagging member, but never twice in a row: a
// client it refused (its lastZxidSeen is ahead of the member) then tries the server it chose.
// A member that took such a session would show the client an older view than it saw; the
// session checker's MonotonicReads and ReadYourWrites rules catch that.

import type { Fault } from '../scenario.js';
import type { World } from '../world/world.js';
import type { Connectivity } from '../net/connectivity.js';
import type { ClientLinks } from '../net/client-links.js';
import type { SimServer } from '../node/sim-server.js';
import { memberOtherThan } from './leader-pair.js';

export interface LaggingParts {
  world: World;
  servers: readonly SimServer[];
  connectivity: Connectivity;
  links: ClientLinks;
}

export class LaggingMember {
  /** The lagging server's name (`s3`) while the fault is on. */
  private member: string | null = null;
  /** Bumped at every start and end: the timers of a fault that ended do nothing. */
  private generation = 0;
  /** Clients whose last connection attempt was sent to the lagging member. */
  private readonly steered = new Set<string>();

  constructor(private readonly parts: LaggingParts) {
    parts.links.route = (client, chosen) => this.route(client, chosen);
  }

  /** Starts the fault on `fault.server`, or on the next member if that one leads. */
  start(fault: Extract<Fault, { type: 'lagMember' }>, leader: number | null): void {
    this.end();
    const { world, servers, connectivity } = this.parts;
    const ids = servers.map((server) => server.id);
    const id = memberOtherThan(fault.server, leader, ids);
    if (id === null) return;
    const member = `s${id}`;
    const generation = this.generation;
    this.member = member;
    world.record(`${member} lags: peer messages to it +${fault.delayMs}ms`);
    connectivity.lagPeersTo(member, fault.delayMs);
    const whileOn = (task: () => void) => () => {
      if (this.generation === generation) task();
    };
    world.after(
      fault.delayMs,
      whileOn(() => this.moveClients(member)),
    );
    world.after(
      fault.forMs,
      whileOn(() => this.end()),
    );
  }

  /** Ends the fault, if one is on: the member catches up, clients choose for themselves. */
  end(): void {
    this.generation += 1;
    const member = this.member;
    if (member === null) return;
    this.member = null;
    this.steered.clear();
    this.parts.connectivity.lagPeersTo(member, 0);
    this.parts.world.record(`${member} lags no more`);
  }

  /** Resets every client connection to the other servers: their clients reconnect. */
  private moveClients(member: string): void {
    for (const server of this.parts.servers) {
      const name = server.process.name;
      if (name !== member && server.isUp) {
        this.parts.links.resetServer(name, { tellServer: true });
      }
    }
  }

  private route(client: string, chosen: string): string {
    const member = this.member;
    if (member === null || chosen === member || this.steered.has(client)) {
      this.steered.delete(client);
      return chosen;
    }
    this.steered.add(client);
    return member;
  }
}
