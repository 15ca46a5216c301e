// One line per fault, for traces, timelines and reports.

import type { Fault, UnsyncedFate } from '../scenario.js';

export function describeFault(fault: Fault): string {
  switch (fault.type) {
    case 'partition':
      return `partition ${fault.groups.map((group) => group.join(',')).join(' | ')}`;
    case 'oneWay':
      return `one-way ${fault.from}->${fault.to}`;
    case 'crash':
      return `crash ${fault.server}${unsynced(fault.unsynced)}`;
    case 'restart':
    case 'reset':
    case 'bitFlip':
      return `${fault.type} ${fault.server}`;
    case 'crashAt':
      return `crash ${fault.server} ${fault.window}${unsynced(fault.unsynced)}`;
    case 'diskError':
      return `diskError ${fault.server} ${fault.code}`;
    case 'pause':
      return `pause ${fault.server} ${fault.forMs}ms`;
    case 'clock':
      return `clock ${fault.server} ${fault.offsetMs}ms ${fault.driftPpm}ppm`;
    case 'slow':
    case 'diskStall':
      return `${fault.type} ${fault.server} +${fault.extraMs}ms`;
    case 'crashClient':
    case 'restartClient':
      return `${fault.type} c${fault.client}`;
    case 'pauseClient':
      return `pause c${fault.client} ${fault.forMs}ms`;
    case 'sessionRace':
      return `session race on s${fault.server}: ${fault.ending} (pause ${fault.pauseMs}ms)`;
    case 'partitionClients':
      return `cut clients ${fault.clients.join(',')} from servers ${fault.servers.join(',')}`;
    case 'isolateLeaderPair':
      return `isolate leader with ${fault.follower}`;
    case 'lagMember':
      return `lag ${fault.server} +${fault.delayMs}ms for ${fault.forMs}ms`;
    case 'isolateLeader':
    case 'ring':
    case 'bridge':
    case 'heal':
      return fault.type;
  }
}

function unsynced(fate: UnsyncedFate | undefined): string {
  return fate === undefined ? '' : ` (unsynced ${fate})`;
}
