// The targeted race of the ZOOKEEPER-1208 class: an ephemeral create against its own session's
// end. A new client of one member opens a session, then either sends the create and closes the
// session with the create still in flight, or goes silent for about a session timeout and sends
// the create the moment it wakes, as the ensemble expires the session. Whichever wins, no
// ephemeral may outlive the session (checkers/ephemeral-lifetimes.ts checks every member).

import { CreateMode, createClientWithEnv } from '@zoo/client';
import type { ZooClient } from '@zoo/client';
import type { World } from '../world/world.js';
import type { ClientLinks } from '../net/client-links.js';
import { SimProcess } from '../node/sim-process.js';
import { simClientEnv, sleep } from '../workload/sim-client-env.js';
import type { Fault } from '../scenario.js';

/** The workload's session timeout (simulate.ts), so that races expire at the usual pace. */
const racerSessionTimeoutMs = 4000;
/** A racer that has no session by then gives up (its member is down or cut off). */
const connectMaxMs = 10_000;

type SessionRace = Extract<Fault, { type: 'sessionRace' }>;

export class SessionRaces {
  private started = 0;

  constructor(private readonly parts: { world: World; links: ClientLinks }) {}

  start(race: SessionRace): void {
    const { world, links } = this.parts;
    this.started += 1;
    const name = `r${this.started}`;
    const process = new SimProcess(name, world);
    process.boot();
    const env = simClientEnv({ process, world, links, random: world.random(`racer-${name}`) });
    const client = createClientWithEnv(
      `s${race.server}:2181`,
      { sessionTimeoutMs: racerSessionTimeoutMs },
      env,
    );
    world.hasPendingMicrotasks = true;
    void runRace({ world, process, client, race, path: `/race-${name}` }).catch((error) => {
      world.record(`${name} race ended: ${String(error)}`);
    });
  }
}

interface Racer {
  world: World;
  process: SimProcess;
  client: ZooClient;
  race: SessionRace;
  path: string;
}

async function runRace(racer: Racer): Promise<void> {
  const { world, process, client, race, path } = racer;
  const hasSession = await Promise.race([
    client.exists('/').then(
      () => true,
      () => false,
    ),
    sleep(world, process, connectMaxMs).then(() => false),
  ]);
  if (!hasSession) {
    await settleQuietly(client.close());
    return;
  }
  const create = (): Promise<unknown> => client.create(path, '', { mode: CreateMode.ephemeral });
  if (race.ending === 'close') {
    // Both leave on the connection back to back: the close overtakes nothing, races everything.
    await Promise.all([settleQuietly(create()), settleQuietly(client.close())]);
    return;
  }
  // Silent (no pings) for about a timeout; the create goes out the moment the process wakes.
  process.pause(race.pauseMs);
  await sleep(world, process, 0);
  await settleQuietly(create());
  await settleQuietly(client.close());
}

function settleQuietly(promise: Promise<unknown>): Promise<void> {
  return promise.then(
    () => undefined,
    () => undefined,
  );
}
