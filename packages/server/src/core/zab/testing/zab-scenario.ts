// Test support: a fault schedule over a ZabNetwork as plain data (zab-property.test.ts draws
// them with fast-check), and its pure runner. After the schedule every fault is healed; the
// run must then converge, with every replica holding exactly the one agreed sequence of txns.

import type { PlantedBugs } from '../planted-bugs.js';
import { ZabNetwork } from './zab-network.js';

export type ZabCommand =
  | { kind: 'deliver'; from: number; to: number; count: number }
  | { kind: 'deliverAll' }
  /** Loses the next message on a link, which breaks and reconnects (as TCP would). */
  | { kind: 'drop'; from: number; to: number }
  | { kind: 'tick'; ms: number }
  /** Node 0: the first serving leader. */
  | { kind: 'propose'; node: number; count: number }
  | { kind: 'cut'; a: number; b: number }
  | { kind: 'heal'; a: number; b: number }
  | { kind: 'isolate'; node: number }
  | { kind: 'healAll' }
  /** Node 0: the first serving leader. Of its held writes, the first `keptOps` survive. */
  | { kind: 'crash'; node: number; keptOps: number }
  /** Several nodes fail at once (a rack or power failure), each losing its held writes. */
  | { kind: 'crashMany'; nodes: number[] }
  | { kind: 'restart'; node: number }
  | { kind: 'hold'; node: number }
  | { kind: 'flush'; node: number };

export interface ZabScenario {
  seed: number;
  /** Voters 1…size; observers size+1…size+observers. */
  size: number;
  observers: number;
  committedLogMax: number;
  /** Start from an elected, serving ensemble (else the schedule starts mid-election). */
  isWarm: boolean;
  commands: ZabCommand[];
}

export interface ZabScenarioResult {
  network: ZabNetwork;
  isConverged: boolean;
  /** Txns some serving leader accepted for proposal during the run. */
  proposed: number;
}

export function runZabScenario(
  scenario: ZabScenario,
  plantedBugs: PlantedBugs = {},
): ZabScenarioResult {
  const voters = Array.from({ length: scenario.size }, (_, index) => index + 1);
  const observers = Array.from(
    { length: scenario.observers },
    (_, index) => voters.length + index + 1,
  );
  const network = new ZabNetwork({
    voters,
    observers,
    seed: scenario.seed,
    committedLogMax: scenario.committedLogMax,
    plantedBugs,
  });
  network.startAll();
  if (scenario.isWarm) network.stabilize();
  let proposed = 0;
  for (const command of scenario.commands) proposed += runCommand(network, command);
  // The final heal: every link back, every node up, every disk caught up.
  network.healAll();
  for (const id of network.ids) network.restart(id);
  for (const id of network.ids) network.flush(id);
  let isConverged = network.stabilize();
  if (isConverged) {
    // The healed ensemble must still make progress.
    const leader = network.servingLeaders()[0];
    if (leader !== undefined && network.propose(leader) !== null) proposed += 1;
    isConverged = network.stabilize();
  }
  return { network, isConverged, proposed };
}

function runCommand(network: ZabNetwork, command: ZabCommand): number {
  switch (command.kind) {
    case 'deliver':
      for (let i = 0; i < command.count; i += 1) network.deliver(command.from, command.to);
      return 0;
    case 'deliverAll':
      network.deliverAll();
      return 0;
    case 'drop':
      network.drop(command.from, command.to);
      return 0;
    case 'tick':
      network.tick(command.ms);
      return 0;
    case 'propose': {
      // Node 0 stands for "whichever node serves as leader now" (there may be two, briefly).
      const target = command.node === 0 ? network.servingLeaders()[0] : command.node;
      let proposed = 0;
      for (let i = 0; i < command.count && target !== undefined; i += 1) {
        if (network.propose(target) !== null) proposed += 1;
      }
      return proposed;
    }
    case 'cut':
      network.cut(command.a, command.b);
      return 0;
    case 'heal':
      network.heal(command.a, command.b);
      return 0;
    case 'isolate':
      network.isolate(command.node);
      return 0;
    case 'healAll':
      network.healAll();
      return 0;
    case 'crash': {
      const target = command.node === 0 ? network.servingLeaders()[0] : command.node;
      if (target !== undefined) network.crash(target, command.keptOps);
      return 0;
    }
    case 'crashMany':
      for (const node of command.nodes) network.crash(node);
      return 0;
    case 'restart':
      network.restart(command.node);
      return 0;
    case 'hold':
      network.hold(command.node);
      return 0;
    case 'flush':
      network.flush(command.node);
      return 0;
  }
}
