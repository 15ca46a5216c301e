// Write load for crash tests: several clients, each creating znodes one after another under a
// parent, remembering only the creates the ensemble acknowledged. A create that fails (the
// connection lost, the session expired) is unknown — it may or may not have been applied — so
// it is neither owed nor counted; its path is never reused.

import { createClient } from '@zoo/client';
import type { ZooClient } from '@zoo/client';

export class AckedWriters {
  /** Every path whose create was answered with success. */
  readonly acknowledged = new Set<string>();
  failures = 0;
  private isRunning = true;
  private readonly clients = new Set<ZooClient>();
  private readonly lanes: Promise<void>[];

  constructor(
    private readonly connectString: string,
    private readonly options: { parent: string; clients: number },
  ) {
    this.lanes = Array.from({ length: options.clients }, (_, lane) => this.writeLane(lane));
  }

  /** Stops the lanes; a create still unanswered after `graceMs` stays unknown. */
  async stop(graceMs = 3_000): Promise<void> {
    this.isRunning = false;
    const timeout = new Promise((resolve) => setTimeout(resolve, graceMs));
    await Promise.race([Promise.all(this.lanes), timeout]);
    await Promise.all([...this.clients].map((client) => client.close().catch(() => undefined)));
  }

  private async writeLane(lane: number): Promise<void> {
    let client = this.openClient();
    for (let n = 0; this.isRunning; n++) {
      const path = `${this.options.parent}/c${lane}-${n}`;
      try {
        await client.create(path, Buffer.from(path));
        this.acknowledged.add(path);
      } catch {
        this.failures++;
        if (client.state === 'expired' || client.state === 'closed') {
          // A session that expired while its members were down: go on in a new one.
          this.clients.delete(client);
          client = this.openClient();
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  }

  private openClient(): ZooClient {
    const client = createClient(this.connectString, {
      sessionTimeoutMs: 10_000,
      reconnectDelayMaxMs: 200,
    });
    this.clients.add(client);
    return client;
  }
}
